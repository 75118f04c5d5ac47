package app.kindred.notification;

import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes notifications, in the transaction of what caused them. Both doors call in here: the thread
 * feature for our members' posts, the inbound path for remote ones, the report feature for decisions.
 * Nobody is notified of their own act; a post notifies each member once, a reply counting before a
 * mention (Mastodon mentions the author it replies to).
 */
public final class Notifications {
    // @name or @name@host, not inside a word, an address or a URL; names as ActorName allows them.
    private static final Pattern MENTION = Pattern.compile(
            "(?<![\\w@/.])@([a-z0-9_]{1,30})(?:@([a-z0-9.-]+(?::\\d+)?))?(?![\\w@])", Pattern.CASE_INSENSITIVE);
    private static final Pattern CODE = Pattern.compile("(?s)```.*?```|`[^`\\n]*`");

    private Notifications() {}

    /**
     * Whether the account {@code r} reads post {@code p}: a members-only post of a private community (issue 17)
     * only as an approved follower, a moderator or an admin, as {@code community.Membership} says; in SQL here,
     * as this feature depends on no other. A former member's old notifications show the post as gone.
     */
    static final String READS_MEMBERS_ONLY = """
            (not p.members_only
                or exists (select 1 from community k join follow f on f.followed_id = k.actor_id
                           where k.id = p.community_id and f.follower_id = r.actor_id and f.state = 'accepted')
                or exists (select 1 from community_moderator m where m.community_id = p.community_id and m.actor_id = r.actor_id)
                or r.role = 'admin')""";

    /** A post one of our members wrote: a reply notifies the parent's author, {@code @name} the member named. */
    public static void localPost(Connection c, long postId) throws SQLException {
        var post = written(c, postId);
        var names = mentionedNames(post.markdown(), URI.create(post.uri()).getAuthority());
        var mentioned = names.isEmpty()
                ? Set.<Long>of()
                : Set.copyOf(Sql.list(c, """
                select a.id from actor a join account acc on acc.actor_id = a.id
                where a.local and a.preferred_username = any(?)""", rs -> rs.getLong(1), c.createArrayOf("text", names.toArray())));
        postArrived(c, post, mentioned);
    }

    /**
     * As {@link #remotePost(Connection, long, Collection)}, for a caller that knows whether the post replies
     * to another: a thread that mentions nobody tells nobody, so nothing is read for it (a remote
     * community's inbound posts are applied one at a time; every statement in that turn counts).
     */
    public static void remotePost(Connection c, long postId, boolean reply, Collection<String> mentionHrefs)
            throws SQLException {
        if (!reply && mentionHrefs.stream().allMatch(Objects::isNull)) return;
        remotePost(c, postId, mentionHrefs);
    }

    /**
     * A post received from another server: a reply notifies our member it answers; a Mention tag
     * whose href is one of our members notifies them.
     *
     * @param mentionHrefs the hrefs of the object's Mention tags
     */
    public static void remotePost(Connection c, long postId, Collection<String> mentionHrefs) throws SQLException {
        var post = written(c, postId);
        var uris = new LinkedHashSet<String>();
        for (var href : mentionHrefs) {
            if (href == null) continue;
            try {
                uris.add(URI.create(href).toString());
            } catch (IllegalArgumentException e) {
                // Not an actor id; the other tags still count.
            }
        }
        var mentioned = uris.isEmpty()
                ? Set.<Long>of()
                : Set.copyOf(Sql.list(c, """
                select a.id from actor a join account acc on acc.actor_id = a.id
                where a.local and a.uri = any(?)""", rs -> rs.getLong(1), c.createArrayOf("text", uris.toArray())));
        postArrived(c, post, mentioned);
    }

    /** A report was resolved or dismissed: each of our members who filed it learns the outcome, not who decided. */
    public static void reportDecided(Connection c, long reportId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, report_id, outcome)
                select distinct acc.id, 'report_outcome', r.id, r.status from report r
                join report_filing f on f.report_id = r.id and f.local
                join account acc on acc.actor_id = f.reporter_id
                where r.id = ? and r.status in ('resolved', 'dismissed') and r.decided_by is distinct from f.reporter_id
                on conflict do nothing""", reportId);
    }

    /** A moderator refused our member's held post: they are told, with the reason (the post's removal reason). */
    public static void declined(Connection c, long postId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, post_id)
                select acc.id, 'post_declined', p.id from post p
                left join pseudonym ps on ps.actor_id = p.author_id
                join account acc on acc.actor_id = coalesce(ps.author_id, p.author_id)
                where p.id = ? on conflict do nothing""", postId);
    }

    /**
     * A wellbeing concern was filed: the community's moderators on duty are told at once (our own
     * accounts). A concern about a person, in no community, is the admins' to see at once.
     */
    public static void concernFiled(Connection c, long reportId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, report_id)
                select distinct acc.id, 'concern', r.id from report r
                join community_moderator m on m.community_id = r.community_id and m.on_duty_since is not null
                join account acc on acc.actor_id = m.actor_id
                where r.id = ? and r.concern = 'wellbeing' and r.subject_id is distinct from m.actor_id
                on conflict do nothing""", reportId);
        Sql.update(c, """
                insert into notification (account_id, kind, report_id)
                select acc.id, 'concern', r.id from report r join account acc on acc.role = 'admin'
                where r.id = ? and r.concern = 'wellbeing' and r.community_id is null
                  and r.subject_id is distinct from acc.actor_id
                on conflict do nothing""", reportId);
    }

    /** A wellbeing concern nobody opened in time: every admin is told, once. */
    public static void concernUnseen(Connection c, long reportId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, report_id)
                select acc.id, 'concern_unseen', r.id from report r join account acc on acc.role = 'admin'
                where r.id = ? and r.subject_id is distinct from acc.actor_id
                on conflict do nothing""", reportId);
    }

    /**
     * A moderator escalated a report to the admins: each admin is told once, except the one who
     * escalated it and the member it is about.
     */
    public static void escalated(Connection c, long reportId, long escalatedBy) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, report_id)
                select acc.id, 'escalated', r.id from report r join account acc on acc.role = 'admin'
                where r.id = ? and r.subject_id is distinct from acc.actor_id and acc.actor_id <> ?
                on conflict do nothing""", reportId, escalatedBy);
    }

    /** Someone applied for an account: every admin is told, to look at the applications. */
    public static void applied(Connection c, long applicantAccountId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, applicant_id)
                select acc.id, 'application', ? from account acc where acc.role = 'admin'
                on conflict do nothing""", applicantAccountId);
    }

    /** A check-in message, or an answer to one, arrived for one of our members. */
    public static void checkIn(Connection c, long outreachMessageId, long recipientActorId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, outreach_id)
                select acc.id, 'check_in', ? from account acc where acc.actor_id = ?
                on conflict do nothing""", outreachMessageId, recipientActorId);
    }

    /** What a notification needs of a post; read here so this feature depends on no other. */
    private record Written(long id, Long parentId, long authorId, String uri, String markdown) {}

    private static Written written(Connection c, long postId) throws SQLException {
        return Sql.one(
                        c,
                        "select id, parent_id, author_id, uri, source_markdown from post where id = ?",
                        rs -> new Written(
                                rs.getLong(1), (Long) rs.getObject(2), rs.getLong(3), rs.getString(4), rs.getString(5)),
                        postId)
                .orElseThrow(() -> new SQLException("post " + postId + " is not stored"));
    }

    private static void postArrived(Connection c, Written post, Set<Long> mentionedActors) throws SQLException {
        Long replied = null;
        if (post.parentId() != null) {
            // The parent's writer, behind its pseudonym if it was posted anonymously (issue 17): they are
            // told of the reply as "your anonymous post", and never of their own reply under either name.
            var parent = Sql.one(
                            c,
                            """
                    select acc.id, ps.actor_id is not null from post p
                    left join pseudonym ps on ps.actor_id = p.author_id
                    join account acc on acc.actor_id = coalesce(ps.author_id, p.author_id)
                    where p.id = ? and coalesce(ps.author_id, p.author_id)
                        <> coalesce((select author_id from pseudonym where actor_id = ?), ?)""",
                            rs -> Map.entry(rs.getLong(1), rs.getBoolean(2)),
                            post.parentId(),
                            post.authorId(),
                            post.authorId())
                    .orElse(null);
            if (parent != null) {
                replied = parent.getKey();
                insert(c, replied, parent.getValue() ? Kind.ANONYMOUS_REPLY : Kind.REPLY, post.id());
            }
        }
        if (mentionedActors.isEmpty()) return;
        for (long account : Sql.list(
                c,
                "select id from account where actor_id = any(?) and actor_id <> ?",
                rs -> rs.getLong(1),
                c.createArrayOf("bigint", mentionedActors.toArray()),
                post.authorId())) {
            if (replied == null || account != replied) insert(c, account, Kind.MENTION, post.id());
        }
    }

    /**
     * The one place a post's notification is written, so the one place a member's distance is kept, and the
     * members-only rule of private communities (issue 17; as {@code community.Membership}, in SQL: this
     * feature depends on no other)
     * (issue 18): none from someone they blocked, who blocked them or whom they muted, and none from a
     * community (or instance) they are taking a break from. The post is still stored; only the
     * notification is left out, and nothing tells its author.
     */
    private static void insert(Connection c, long account, Kind kind, long postId) throws SQLException {
        Sql.update(c, """
                insert into notification (account_id, kind, post_id)
                select r.id, ?, p.id from post p join account r on r.id = ?
                where p.id = ? and p.held_at is null
                  and %s
                  and not exists (select 1 from member_distance d where d.account_id = r.id and d.actor_id = p.author_id)
                  and not exists (select 1 from member_distance d join account w on w.id = d.account_id
                                  where d.kind = 'block' and w.actor_id = p.author_id and d.actor_id = r.actor_id)
                  and not exists (select 1 from member_break b where b.account_id = r.id
                                  and (b.community_id is null or b.community_id = p.community_id)
                                  and (b.ends_at is null or b.ends_at > now()))
                on conflict do nothing""".formatted(READS_MEMBERS_ONLY), kind.wire(), account, postId);
    }

    /** Local names in {@code @name} or {@code @name@ourhost} form, outside code. */
    static Set<String> mentionedNames(String markdown, String ourHost) {
        var out = new LinkedHashSet<String>();
        if (markdown == null || markdown.isEmpty()) return out;
        var m = MENTION.matcher(CODE.matcher(markdown).replaceAll(" "));
        while (m.find()) {
            if (m.group(2) == null || m.group(2).equalsIgnoreCase(ourHost))
                out.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
