package app.kindred.moderation;

import app.kindred.follow.FollowStore;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Bans from one community, local or remote. A ban also ends the banned actor's follow of the
 * community ({@code FollowStore.end}), so nothing queued after it is delivered to them from it (what
 * was queued before still is); {@code CommunityStore.isBanned} is the check every door (API, inbox) asks.
 */
public final class CommunityBans {
    public record Ban(long communityId, String actor, String reason, Instant expires, Instant since) {}

    private CommunityBans() {}

    public static void ban(Connection c, long communityId, long actorId, String reason, Instant expires)
            throws SQLException {
        Sql.update(c, """
                insert into community_ban (community_id, actor_id, reason, expires_at) values (?, ?, ?, ?)
                on conflict (community_id, actor_id) do update set reason = excluded.reason, expires_at = excluded.expires_at,
                    created_at = now()""", communityId, actorId, reason == null ? "" : reason, expires);
        long group = Sql.count(c, "select actor_id from community where id = ?", communityId);
        FollowStore.end(c, actorId, group, FollowStore.Ending.SHUT_OUT);
    }

    /** Whether there was a ban to lift. */
    public static boolean unban(Connection c, long communityId, long actorId) throws SQLException {
        return Sql.update(c, "delete from community_ban where community_id = ? and actor_id = ?", communityId, actorId)
                > 0;
    }

    /** Bans in force, newest first, by actor URI. */
    static List<Ban> list(Connection c, long communityId) throws SQLException {
        return Sql.list(
                c,
                """
                select b.community_id, a.uri, b.reason, b.expires_at, b.created_at from community_ban b
                join actor a on a.id = b.actor_id
                where b.community_id = ? and (b.expires_at is null or b.expires_at > now()) order by b.created_at desc""",
                rs -> new Ban(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        Sql.instant(rs, "expires_at"),
                        Sql.instant(rs, "created_at")),
                communityId);
    }

    /** The communities that have banned this actor, for showing a member where they are shut out. */
    static List<Long> communitiesBanning(Connection c, long actorId) throws SQLException {
        return Sql.list(c, """
                select community_id from community_ban where actor_id = ? and (expires_at is null or expires_at > now())""", rs -> rs.getLong(1), actorId);
    }
}
