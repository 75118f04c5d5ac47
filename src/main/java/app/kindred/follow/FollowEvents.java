package app.kindred.follow;

import app.kindred.actor.Actor;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Follows started, ended and answered, told to the other side. Called inside the follow's own
 * transaction. The federation package implements it; this feature does not know how it is sent.
 */
public interface FollowEvents {
    /** A member of ours asked to follow a remote community; returns the request's id, which its answer names. */
    String followed(Connection c, Actor member, Actor group) throws SQLException;

    /** A member of ours stopped following a remote community; {@code followId} is the request's id, if known. */
    void unfollowed(Connection c, Actor member, Actor group, String followId) throws SQLException;

    /** Our community's moderator accepted or refused a follow that waited for approval. */
    void answered(Connection c, Actor group, String followId, Actor follower, boolean accepted) throws SQLException;

    /**
     * Our community's moderator refused a follow, or removed a member of a private community, saying
     * why (null: no reason given). By default the plain refusal.
     */
    default void refused(Connection c, Actor group, String followId, Actor follower, String reason)
            throws SQLException {
        answered(c, group, followId, follower, false);
    }
}
