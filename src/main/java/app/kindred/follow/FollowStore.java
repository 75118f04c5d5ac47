package app.kindred.follow;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Who follows whom; pending until the followed side accepts. */
public final class FollowStore {
    public enum State { PENDING, ACCEPTED }

    public record Follow(long id, long followerId, long followedId, State state, String activityUri) {}

    public long acceptedFollowers(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from follow where followed_id = ? and state = 'accepted'", actorId);
    }

    /** Records a follow (again): a repeated Follow keeps one row and takes the newest activity id. */
    public void upsert(Connection c, long followerId, long followedId, State state, String activityUri) throws SQLException {
        Sql.update(c, """
                insert into follow (follower_id, followed_id, state, activity_uri) values (?, ?, ?, ?)
                on conflict (follower_id, followed_id) do update set activity_uri = excluded.activity_uri,
                    state = case when follow.state = 'accepted' then 'accepted' else excluded.state end""",
                followerId, followedId, state, activityUri);
    }

    public Optional<Follow> find(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.one(c, "select id, follower_id, followed_id, state, activity_uri from follow where follower_id = ? and followed_id = ?",
                FollowStore::map, followerId, followedId);
    }

    public Optional<Follow> findByActivity(Connection c, String activityUri) throws SQLException {
        return Sql.one(c, "select id, follower_id, followed_id, state, activity_uri from follow where activity_uri = ?",
                FollowStore::map, activityUri);
    }

    public int accept(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.update(c, "update follow set state = 'accepted' where follower_id = ? and followed_id = ?", followerId, followedId);
    }

    /**
     * Deletes the follow and returns it; empty when there was none. Concurrent calls for one follow
     * return it once: the row lock makes the others wait, then find nothing to delete.
     */
    public Optional<Follow> remove(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.one(c, "delete from follow where follower_id = ? and followed_id = ? returning id, follower_id, followed_id, state, activity_uri",
                FollowStore::map, followerId, followedId);
    }

    public int delete(Connection c, long followerId, long followedId) throws SQLException {
        return Sql.update(c, "delete from follow where follower_id = ? and followed_id = ?", followerId, followedId);
    }

    /** Accepted followers of an actor, for fan-out. */
    public List<Actor> followers(Connection c, long actorId) throws SQLException {
        return Sql.list(c, "select " + ActorStore.columns("a") + " from follow f join actor a on a.id = f.follower_id "
                + "where f.followed_id = ? and f.state = 'accepted'", ActorStore::map, actorId);
    }

    /** True when some local member follows this (remote) actor, so what it sends concerns us. */
    public boolean followedLocally(Connection c, long actorId) throws SQLException {
        return Sql.count(c, """
                select count(*) from follow f join actor a on a.id = f.follower_id
                where f.followed_id = ? and f.state = 'accepted' and a.local""", actorId) > 0;
    }

    private static Follow map(java.sql.ResultSet rs) throws SQLException {
        return new Follow(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                State.valueOf(rs.getString(4).toUpperCase(java.util.Locale.ROOT)), rs.getString(5));
    }
}
