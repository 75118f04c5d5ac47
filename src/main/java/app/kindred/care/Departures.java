package app.kindred.care;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What happens here when a person leaves the fediverse, ours or another server's (issue 18): one rule
 * for both doors, our member's deletion ({@link AccountDeletions}) and a {@code Delete{Person}} received.
 * Their posts are tombstoned (Mastodon's meaning of Delete{Person}) or, when they chose to keep them,
 * stay with the author shown as "[deleted member]"; their votes, follows, moderator seats, bans and
 * others' blocks and mutes of them go; what we show of them (name, pictures, keys) is cleared; and
 * the actor is marked gone, so nothing is delivered to it again.
 */
public final class Departures {
    /** How an author who left is shown, wherever their kept posts appear. */
    public static final String DELETED_MEMBER = "[deleted member]";

    /**
     * The tombstone {@code thread.PostStore} makes of one post, for all of a person's at once. Written
     * here rather than called there: {@code thread} asks {@code care}'s rules (warnings, blocks), so
     * {@code care} may not import {@code thread} (the architecture test keeps packages free of cycles).
     */
    private static final String TOMBSTONE_ALL_BY = """
            update post set deleted_at = now(), title = case when parent_id is null then '[deleted]' else null end,
                   content_html = '', source_markdown = null, summary = null, url = null, extras = '{}'::jsonb
            where author_id = ? and deleted_at is null""";

    private Departures() {}

    /** Applies a departure in the caller's transaction; returns how many posts were tombstoned. */
    public static int depart(Connection c, long actorId, boolean keepPosts) throws SQLException {
        int tombstoned = keepPosts ? 0 : Sql.update(c, TOMBSTONE_ALL_BY, actorId);
        Sql.update(c, "delete from vote where actor_id = ?", actorId);
        Sql.update(c, "delete from follow where follower_id = ? or followed_id = ?", actorId, actorId);
        Sql.update(c, "delete from community_moderator where actor_id = ?", actorId);
        Sql.update(c, "delete from community_ban where actor_id = ?", actorId);
        Sql.update(c, "delete from member_distance where actor_id = ?", actorId);
        // The row stays (posts and reports point at it; its address answers 410), emptied of the person.
        Sql.update(c, """
                update actor set gone_at = coalesce(gone_at, now()), name = null, icon_media_id = null,
                                 image_media_id = null, icon_url = null, image_url = null, featured = null,
                                 updated_at = now()
                where id = ?""", actorId);
        // A remote person's keys were a cache of theirs; ours stay until the Delete{Person} they sign is out.
        Sql.update(c, """
                update actor set public_key_pem = null, ed25519_multibase = null, fetched_at = null
                where id = ? and not local""", actorId);
        return tombstoned;
    }
}
