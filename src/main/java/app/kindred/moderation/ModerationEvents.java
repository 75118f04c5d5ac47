package app.kindred.moderation;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import app.kindred.thread.Post;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * What moderators did, told to whoever must hear of it beyond this instance. Called inside the
 * change's own transaction. The federation package implements it; this feature does not know how it
 * is sent.
 */
public interface ModerationEvents {
    /** A post removed, or with {@code undo} restored. */
    void removed(Connection c, Actor moderator, Post post, Community community, String reason, boolean undo)
            throws SQLException;

    /** A thread locked, or with {@code undo} unlocked. */
    void locked(Connection c, Actor moderator, Post post, Community community, String reason, boolean undo)
            throws SQLException;

    void pinned(Connection c, Actor moderator, Post post, Community community, String reason, boolean pinned)
            throws SQLException;

    /** A member banned (until {@code expires}, or for good when null), or with {@code undo} unbanned. */
    void banned(
            Connection c,
            Actor moderator,
            Actor banned,
            Community community,
            String reason,
            Instant expires,
            boolean removeData,
            boolean undo)
            throws SQLException;

    void moderatorChanged(Connection c, Actor by, Actor moderator, Community community, boolean added)
            throws SQLException;

    /** Our community's settings, guidelines or pictures changed. */
    void communityUpdated(Connection c, Community community) throws SQLException;

    /**
     * A moderator let a held post through: it goes out as if it had just arrived, with the warning the
     * community added (null for none).
     *
     * @param heldActivity what a remote server sent (null for our own member's post)
     * @param heldObject the object as that server sent it, or as last edited
     */
    void approved(Connection c, Post post, Community community, String heldActivity, String heldObject, String warning)
            throws SQLException;
}
