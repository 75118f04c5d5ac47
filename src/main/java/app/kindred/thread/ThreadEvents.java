package app.kindred.thread;

import app.kindred.actor.Actor;
import app.kindred.community.Community;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What happened to posts, told to whoever must hear of it beyond this instance. Called inside the
 * change's own transaction, so what must be sent is stored with the change or not at all. The
 * federation package implements it; this feature does not know how it is sent.
 */
public interface ThreadEvents {
    void created(Connection c, Actor author, Post post, Community community) throws SQLException;

    void edited(Connection c, Actor author, Post post, Community community) throws SQLException;

    void deleted(Connection c, Actor author, Post post, Community community) throws SQLException;

    void voted(Connection c, Actor voter, Post post, Community community, int value) throws SQLException;

    /** A vote taken back; {@code previousValue} is the vote that was given. */
    void unvoted(Connection c, Actor voter, Post post, Community community, int previousValue) throws SQLException;

    /** What our member asked a community elsewhere to publish anonymously (issue 17). */
    enum AnonymousChange {
        CREATED,
        EDITED,
        DELETED
    }

    /**
     * Our member's post for a community on another Kindred server, to be published there under a
     * pseudonym: sent privately to that community alone, with the request for anonymity, never to
     * the public, their followers or anyone else.
     */
    void sentAnonymously(Connection c, Actor author, Post post, Community community, AnonymousChange change)
            throws SQLException;
}
