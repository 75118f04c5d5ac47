package app.kindred.follow;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.delivery.Outbox;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Who follows whom; pending until the followed side accepts. */
public final class FollowStore {
    public enum State {
        PENDING,
        ACCEPTED
    }

    public record Follow(long id, long followerId, long followedId, State state, String activityUri) {}

    public long acceptedFollowers(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from follow where followed_id = ? and state = 'accepted'", actorId);
    }

    /** Records a follow (again): a repeated Follow keeps one row and takes the newest activity id. */
    public void upsert(Connection c, long followerId, long followedId, State state, String activityUri)
            throws SQLException {
        Sql.update(c, """
                insert into follow (follower_id, followed_id, state, activity_uri) values (?, ?, ?, ?)
                on conflict (follower_id, followed_id) do update set activity_uri = excluded.activity_uri,
                    state = case when follow.state = 'accepted' then 'accepted' else excluded.state end""", followerId, followedId, state, activityUri);
    }

    public Optional<Follow> find(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.one(
                c,
                "select id, follower_id, followed_id, state, activity_uri from follow where follower_id = ? and followed_id = ?",
                FollowStore::map,
                followerId,
                followedId);
    }

    public Optional<Follow> findByActivity(Connection c, String activityUri) throws SQLException {
        return Sql.one(
                c,
                "select id, follower_id, followed_id, state, activity_uri from follow where activity_uri = ?",
                FollowStore::map,
                activityUri);
    }

    public int accept(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.update(
                c,
                "update follow set state = 'accepted' where follower_id = ? and followed_id = ?",
                followerId,
                followedId);
    }

    /**
     * The follower leaving, or a request refused ({@link Ending#LEFT}): the follow ended, returned once
     * even to concurrent callers (the row lock makes the others wait, then find nothing to end).
     */
    public Optional<Follow> remove(Connection c, long followerId, long followedId) throws SQLException {
        return ended(c, followerId, followedId, Ending.LEFT);
    }

    /** The follower leaving, or a request refused: {@link #end} with {@link Ending#LEFT}. */
    public int delete(Connection c, long followerId, long followedId) throws SQLException {
        return end(c, followerId, followedId, Ending.LEFT);
    }

    /** Why a follow ends, which decides whether what was queued for it still goes out. */
    public enum Ending {
        /** The follower left (their Undo, an unfollow) or the request was refused: they get what is sent from then on, nothing. */
        LEFT,
        /**
         * A ban, a community's block or an admin's suspend shut them out: what the followed actor queued while the
         * follow stood, and has not yet expanded, still reaches them (docs/decisions.md), so a removal followed at
         * once by a ban reaches the banned member's server. A suspended or gone follower gets nothing more.
         */
        SHUT_OUT
    }

    /** The one way a follow ends, whoever ends it. Returns how many follows ended (0 or 1). */
    public static int end(Connection c, long followerId, long followedId, Ending ending) throws SQLException {
        return ended(c, followerId, followedId, ending).isPresent() ? 1 : 0;
    }

    /** The one statement that ends a follow; every path (leaving, refusal, ban, block, suspend) comes here. */
    private static Optional<Follow> ended(Connection c, long followerId, long followedId, Ending ending)
            throws SQLException {
        if (ending == Ending.SHUT_OUT) Outbox.keepQueuedFor(c, followedId, followerId);
        return Sql.one(
                c,
                "delete from follow where follower_id = ? and followed_id = ? returning id, follower_id, followed_id, state, activity_uri",
                FollowStore::map,
                followerId,
                followedId);
    }

    /** Accepted followers of an actor, for fan-out. */
    public List<Actor> followers(Connection c, long actorId) throws SQLException {
        return Sql.list(
                c,
                "select " + ActorStore.columns("a") + " from follow f join actor a on a.id = f.follower_id "
                        + "where f.followed_id = ? and f.state = 'accepted'",
                ActorStore::map,
                actorId);
    }

    /** True when some local member follows this (remote) actor, so what it sends concerns us. */
    public boolean followedLocally(Connection c, long actorId) throws SQLException {
        return Sql.count(c, """
                select count(*) from follow f join actor a on a.id = f.follower_id
                where f.followed_id = ? and f.state = 'accepted' and a.local""", actorId) > 0;
    }

    private static Follow map(ResultSet rs) throws SQLException {
        return new Follow(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                State.valueOf(rs.getString(4).toUpperCase(Locale.ROOT)),
                rs.getString(5));
    }
}
