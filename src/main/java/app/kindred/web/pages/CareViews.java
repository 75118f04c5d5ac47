package app.kindred.web.pages;

import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.Exports;
import app.kindred.community.Rule;
import app.kindred.web.pages.Views.CommunityCard;
import app.kindred.web.pages.Views.Form;
import app.kindred.web.pages.Views.PostCard;
import java.time.Instant;
import java.util.List;

/** The page records of reporting, "my reports", the distance a member keeps and their export (issues 14 and 18). */
public final class CareViews {
    private CareViews() {}

    /**
     * The note a member on a break meets instead of a community's content.
     *
     * @param community the community the page belongs to
     * @param away      the break: from this community, or (its {@code communityId} null) from the whole instance
     * @param back      where leaving the break returns them: the page they opened
     */
    public record BreakGreeting(CommunityCard community, Breaks.Break away, String back) {
        public boolean wholeInstance() {
            return away.communityId() == null;
        }
    }

    /**
     * The report form, about a post or a member.
     *
     * @param post        the post reported (null: a member)
     * @param member      the member's handle, for a report about a member (null: a post)
     * @param community   where the post is (null for a member)
     * @param rules       the community's numbered rules to cite (empty for a member)
     * @param audience    who will read the report, in sentences
     * @param elsewhere   the other servers it goes to (empty: it stays on this server)
     */
    public record ReportPage(
            String action,
            PostCard post,
            String member,
            CommunityCard community,
            List<Rule> rules,
            List<String> audience,
            List<String> elsewhere,
            Form form) {
        public boolean checked(String reason) {
            return reason.equals(form.value("reason"));
        }
    }

    /** One of the member's own reports, as they see it: what they said, about what, and where it stands. */
    public record MyReport(
            long id,
            String status,
            boolean wellbeing,
            String reason,
            String text,
            String aboutLabel,
            String aboutHref,
            boolean sentElsewhere,
            Instant filed,
            Instant decided) {}

    public record MyReportsPage(List<MyReport> reports, String notice) {}

    public record Choice(String value, String label) {}

    /** Blocks, mutes, hidden communities and breaks, each with the form that changes them. */
    public record DistancePage(
            List<Boundaries.Kept> blocked,
            List<Boundaries.Kept> muted,
            List<Boundaries.HiddenCommunity> hidden,
            List<Breaks.Break> breaks,
            List<Choice> toHide,
            List<Choice> breakFrom,
            Form form,
            String notice) {}

    /** @param export the member's latest export (null: none asked for yet) */
    public record ExportPage(Exports.Export export, String download, String notice) {}
}
