package app.kindred.notification;

import app.kindred.care.MemberFilter;
import app.kindred.content.HtmlSanitizer;
import app.kindred.member.Member;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A member's notifications: newest first, read or unread. */
public final class NotificationService {
    public static final int DEFAULT_LIMIT = 20, MAX_LIMIT = 100;
    static final int EXCERPT = 140;

    private final Database db;

    public NotificationService(Database db) {
        this.db = db;
    }

    /**
     * One notification as its member may read it. The post's words are read now, not when it
     * arrived: a post removed, deleted or hidden since shows no text ({@code postGone}); a post behind
     * a content warning shows the warning and no excerpt; a sensitive post without one shows neither.
     * A report outcome never says who decided it.
     *
     * @param from     the handle of whoever replied or mentioned, or applied for an account; null for reports and
     *                 for posts gone
     * @param threadId the thread a reply or mention is in (the post itself when it is a thread)
     */
    public record Notification(
            long id,
            Kind kind,
            Instant created,
            boolean read,
            Long postId,
            Long threadId,
            String from,
            String contentWarning,
            String excerpt,
            boolean postGone,
            Long reportId,
            String outcome,
            Long outreachId) {
        /** One that names no post (a report's outcome, a concern, a check-in): what it is about is read on its own page. */
        static Notification aboutNoPost(
                long id, Kind kind, Instant created, boolean read, Long reportId, String outcome, Long outreachId) {
            return new Notification(
                    id, kind, created, read, null, null, null, null, null, false, reportId, outcome, outreachId);
        }
    }

    /**
     * {@code lastRead}: the oldest id read for this page, before filters left any out; the next page starts below it.
     * {@code read}: how many were read for this page before filters left any out (a page asking one more than it
     * shows learns from it whether there is a next page).
     */
    public record Page(List<Notification> items, long unread, Long lastRead, int read) {}

    /** Newest first; {@code before} an id for the next page. */
    public Page list(Member member, Long before, Integer limit) {
        return list(member, before, limit, List.of());
    }

    /**
     * As {@link #list(Member, Long, Integer)}, with the member's own filters in force (issue 16): a
     * notification about a post a hiding filter matches is left out; a collapsing one carries the
     * filter's warning and no excerpt, as the pages show posts.
     */
    public Page list(Member member, Long before, Integer limit, List<MemberFilter> filters) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) throw Refusal.invalid("limit", "limit must be 1 to " + MAX_LIMIT);
        return db.read(c -> {
            var rows = Sql.list(
                    c,
                    """
                select n.id, n.kind, n.created_at, n.read_at is not null as read, n.post_id, n.report_id, n.outcome, n.outreach_id,
                       p.thread_id, p.title, p.content_html, p.summary, p.sensitive, p.removal_reason,
                       (p.deleted_at is not null or p.removed_at is not null or a.suspended_at is not null
                        or coalesce(not %s, false)) as gone,
                       case when exists (select 1 from pseudonym ps where ps.actor_id = a.id) then a.name
                            else a.preferred_username || '@' || a.domain end as handle,
                       apa.preferred_username || '@' || apa.domain as applicant
                from notification n
                join account r on r.id = n.account_id
                left join post p on p.id = n.post_id
                left join actor a on a.id = p.author_id
                left join account ap on ap.id = n.applicant_id
                left join actor apa on apa.id = ap.actor_id
                where n.account_id = ? and (?::bigint is null or n.id < ?)
                order by n.id desc limit ?""".formatted(Notifications.READS_MEMBERS_ONLY),
                    rs -> new Row(map(rs), filters.isEmpty() ? Optional.empty() : filter(rs, filters)),
                    member.id(),
                    before,
                    before,
                    n);
            var items = rows.stream()
                    .filter(r -> r.filter()
                            .map(f -> f.action() != MemberFilter.Action.HIDE)
                            .orElse(true))
                    .map(r ->
                            r.filter().map(f -> collapsed(r.notification(), f)).orElse(r.notification()))
                    .toList();
            return new Page(
                    items,
                    unread(c, member.id()),
                    rows.isEmpty() ? null : rows.getLast().notification().id(),
                    rows.size());
        });
    }

    private record Row(Notification notification, Optional<MemberFilter> filter) {}

    /** The first filter the post's words match, for a notification that shows a post still there. */
    private static Optional<MemberFilter> filter(ResultSet rs, List<MemberFilter> filters) throws SQLException {
        if (rs.getObject("post_id") == null || rs.getBoolean("gone")) return Optional.empty();
        var title = rs.getString("title");
        var text = HtmlSanitizer.toText(rs.getString("content_html"));
        var warning = rs.getString("summary");
        return filters.stream().filter(f -> f.matches(title, text, warning)).findFirst();
    }

    private static Notification collapsed(Notification n, MemberFilter f) {
        var warning =
                n.contentWarning() == null ? "Filtered: " + f.title() : n.contentWarning() + "; filtered: " + f.title();
        return new Notification(
                n.id(),
                n.kind(),
                n.created(),
                n.read(),
                n.postId(),
                n.threadId(),
                n.from(),
                warning,
                null,
                n.postGone(),
                n.reportId(),
                n.outcome(),
                n.outreachId());
    }

    public long unreadCount(Member member) {
        return db.read(c -> unread(c, member.id()));
    }

    /** Marks every notification read, or those up to and including {@code upTo}; returns how many changed. */
    public int markRead(Member member, Long upTo) {
        return db.transaction(c -> Sql.update(c, """
                update notification set read_at = now()
                where account_id = ? and read_at is null and (?::bigint is null or id <= ?)""", member.id(), upTo, upTo));
    }

    /** Marks read exactly these of the member's notifications (those a page showed); returns how many changed. */
    public int markSeen(Member member, List<Long> ids) {
        if (ids.isEmpty()) return 0;
        return db.transaction(c -> Sql.update(
                c,
                "update notification set read_at = now() where account_id = ? and read_at is null and id = any(?)",
                member.id(),
                c.createArrayOf("bigint", ids.toArray())));
    }

    /**
     * Marks read every one of the member's notifications from {@code oldest} up to below {@code below} (null: the
     * newest): all a page covered, also those a hiding filter left out of it; returns how many changed.
     */
    public int markSeen(Member member, long oldest, Long below) {
        return db.transaction(c -> Sql.update(c, """
                update notification set read_at = now()
                where account_id = ? and read_at is null and id >= ? and (?::bigint is null or id < ?)""", member.id(), oldest, below, below));
    }

    private static long unread(Connection c, long account) throws SQLException {
        return Sql.count(c, "select count(*) from notification where account_id = ? and read_at is null", account);
    }

    private static Notification map(ResultSet rs) throws SQLException {
        var kind = Kind.of(rs.getString("kind"));
        var created = Sql.instant(rs, "created_at");
        boolean read = rs.getBoolean("read");
        var id = rs.getLong("id");
        if (kind == Kind.APPLICATION) {
            // The applicant's chosen name says which application; what they wrote is read in the applications queue.
            return new Notification(
                    id,
                    kind,
                    created,
                    read,
                    null,
                    null,
                    rs.getString("applicant"),
                    null,
                    null,
                    false,
                    null,
                    null,
                    null);
        }
        if (kind == Kind.CONCERN || kind == Kind.CONCERN_UNSEEN || kind == Kind.ESCALATED) {
            // Who is worried about whom is read on the report's own page, by those who may.
            return Notification.aboutNoPost(id, kind, created, read, rs.getLong("report_id"), null, null);
        }
        if (kind == Kind.CHECK_IN) {
            // A private message: its words are read on the check-in page, never in a list.
            return Notification.aboutNoPost(id, kind, created, read, null, null, rs.getLong("outreach_id"));
        }
        if (kind == Kind.REPORT_OUTCOME) {
            return Notification.aboutNoPost(
                    id, kind, created, read, rs.getLong("report_id"), rs.getString("outcome"), null);
        }
        long postId = rs.getLong("post_id");
        long threadId = rs.getObject("thread_id") == null ? postId : rs.getLong("thread_id");
        if (kind == Kind.POST_DECLINED) {
            // Their own post, never shown: the excerpt is the moderator's reason.
            var reason = rs.getString("removal_reason");
            return new Notification(
                    id, kind, created, read, postId, threadId, null, null, reason, true, null, null, null);
        }
        if (rs.getBoolean("gone")) {
            return new Notification(
                    id, kind, created, read, postId, threadId, null, null, null, true, null, null, null);
        }
        var warning = rs.getString("summary");
        String excerpt = null;
        if (warning == null && !rs.getBoolean("sensitive")) {
            var text = HtmlSanitizer.toText(rs.getString("content_html")).strip();
            if (text.isEmpty() && rs.getString("title") != null) text = rs.getString("title");
            excerpt = excerpt(text);
        }
        return new Notification(
                id,
                kind,
                created,
                read,
                postId,
                threadId,
                rs.getString("handle"),
                warning,
                excerpt,
                false,
                null,
                null,
                null);
    }

    /** The first words, on one line, cut at a word where it can be. */
    static String excerpt(String text) {
        var flat = text.replaceAll("\\s+", " ").strip();
        if (flat.codePointCount(0, flat.length()) <= EXCERPT) return flat;
        var cut = flat.substring(0, flat.offsetByCodePoints(0, EXCERPT));
        int space = cut.lastIndexOf(' ');
        if (space > EXCERPT / 2) cut = cut.substring(0, space);
        return cut.strip() + "…";
    }
}
