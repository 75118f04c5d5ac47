package app.kindred.web.pages;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What the moderators' pages show (issue 15); the templates mod.jte and modreport.jte take these. */
public final class ModViews {
    private ModViews() {}

    /**
     * One report in a list. {@code postTitle} is null for a comment or a member; {@code subject} the
     * reported member as name@host; {@code categories} every category its filings give; {@code writtenBy}
     * the member behind a pseudonym, for moderators and admins only (issue 17), else null.
     */
    public record QueueRow(
            long id,
            String concern,
            String status,
            String community,
            String postTitle,
            boolean aboutPost,
            String subject,
            List<String> categories,
            int filings,
            Instant created,
            String writtenBy) {
        public String href() {
            return "/mod/reports/" + id;
        }
    }

    /**
     * The queue: wellbeing concerns apart from, and above, complaints. {@code communities} the
     * communities with reports, by id, for narrowing to one; {@code communityName} the one shown (null: all).
     */
    public record QueuePage(
            List<QueueRow> wellbeing,
            List<QueueRow> complaints,
            Map<Long, String> communities,
            Long community,
            String status,
            String category,
            String communityName,
            List<QueueRow> escalated) {}

    /** A filing as moderators read it: {@code origin} null for this server, else the other server's name. */
    public record FilingRow(
            String category,
            Integer rule,
            String ruleTitle,
            String text,
            String origin,
            String reporter,
            Instant created) {}

    /** The reported post, shown to moderators even when removed (marked so). */
    public record Reported(
            long id,
            String title,
            String bodyHtml,
            String warning,
            boolean sensitive,
            String author,
            String authorHref,
            String origin,
            Instant published,
            boolean thread,
            boolean deleted,
            boolean removed,
            String removalReason,
            boolean locked,
            String href) {}

    public record ReportPage(
            QueueRow report,
            String note,
            Instant decidedAt,
            Reported post,
            List<FilingRow> filings,
            List<QueueRow> history,
            boolean open,
            boolean mayBan,
            List<Integer> banDays,
            Views.Form form,
            Extras extras) {}

    /** A moderator's private note about the reported member (modset6). */
    public record NoteRow(String author, String text, Instant at) {}

    /** Who escalated a report to the admins, why and when. */
    public record EscalationRow(String by, String note, Instant at) {}

    /**
     * The report page's parts beyond the report itself (modset6): the community's notes about the
     * member (null when the report has no community or member), whether it may go to the author's
     * server (and when it did), and its escalation to admins.
     */
    public record Extras(
            List<NoteRow> notes,
            boolean mayForward,
            Instant forwardedAt,
            String forwardedTo,
            EscalationRow escalation,
            boolean mayEscalate) {}
}
