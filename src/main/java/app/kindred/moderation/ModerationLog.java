package app.kindred.moderation;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Every moderation action in a community, by our moderators or received from remote ones. Public,
 * but who acted is stored apart from what is shown: the service decides whether to name them.
 */
public final class ModerationLog {
    /** What was done; the names are what the log shows. */
    public enum Action {
        REMOVE_POST,
        RESTORE_POST,
        LOCK_THREAD,
        UNLOCK_THREAD,
        PIN_THREAD,
        UNPIN_THREAD,
        BAN,
        UNBAN,
        ADD_MODERATOR,
        REMOVE_MODERATOR,
        EDIT_COMMUNITY,
        EDIT_GUIDELINES,
        APPROVE_POST;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One entry; moderator is the acting actor's handle (name@domain). */
    public record Entry(
            long id, Action action, String target, String reason, Instant expires, Instant at, String moderator) {}

    private ModerationLog() {}

    public static void record(
            Connection c,
            long communityId,
            Long moderatorId,
            Action action,
            String target,
            String reason,
            Instant expires)
            throws SQLException {
        Sql.update(c, """
                insert into moderation_log (community_id, moderator_id, action, target, reason, expires_at)
                values (?, ?, ?, ?, ?, ?)""", communityId, moderatorId, action.wireName(), target, reason == null ? "" : reason, expires);
    }

    /** A moderation act about one member, with the community it was taken in. */
    public record MemberAct(String community, Entry entry) {}

    /** Acts on a member or their posts, in every community, newest first (at most 200), moderators named. */
    static List<MemberAct> aboutMember(Connection c, long actorId) throws SQLException {
        return Sql.list(
                c,
                """
                select l.id, l.action, l.target, l.reason, l.expires_at, l.created_at,
                       a.preferred_username || '@' || a.domain,
                       ca.preferred_username || case when ca.local then '' else '@' || ca.domain end
                from moderation_log l join community cm on cm.id = l.community_id join actor ca on ca.id = cm.actor_id
                left join actor a on a.id = l.moderator_id
                where l.target = (select uri from actor where id = ?)
                   or l.target in (select uri from post where author_id = ?)
                order by l.id desc limit 200""",
                rs -> new MemberAct(
                        rs.getString(8),
                        new Entry(
                                rs.getLong(1),
                                Action.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                                rs.getString(3),
                                rs.getString(4),
                                Sql.instant(rs, "expires_at"),
                                Sql.instant(rs, "created_at"),
                                rs.getString(7))),
                actorId,
                actorId);
    }

    /** Newest first, by id so that pages follow on exactly; {@code before} (an entry id) or null for the newest. */
    static List<Entry> list(Connection c, long communityId, Long before, int limit) throws SQLException {
        return Sql.list(
                c,
                """
                select l.id, l.action, l.target, l.reason, l.expires_at, l.created_at,
                       a.preferred_username || '@' || a.domain
                from moderation_log l left join actor a on a.id = l.moderator_id
                where l.community_id = ? and l.id < ? order by l.id desc limit ?""",
                rs -> new Entry(
                        rs.getLong(1),
                        Action.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                        rs.getString(3),
                        rs.getString(4),
                        Sql.instant(rs, "expires_at"),
                        Sql.instant(rs, "created_at"),
                        rs.getString(7)),
                communityId,
                before == null ? Long.MAX_VALUE : before,
                limit);
    }
}
