package app.kindred.follow;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/** Who follows whom; pending until the followed side accepts. */
public final class FollowStore {

    public long acceptedFollowers(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from follow where followed_id = ? and state = 'accepted'", actorId);
    }

    public long acceptedFollowing(Connection c, long actorId) throws SQLException {
        return Sql.count(c, "select count(*) from follow where follower_id = ? and state = 'accepted'", actorId);
    }
}
