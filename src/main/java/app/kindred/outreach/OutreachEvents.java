package app.kindred.outreach;

import app.kindred.actor.Actor;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A check-in message, or the answer to one, must reach someone on another server. Called inside the
 * transaction that stores it; the federation package implements it (a Note addressed to that one
 * person), this feature does not know how it is sent.
 */
public interface OutreachEvents {
    /**
     * @param inReplyTo the message this answers, or null for a moderator's first check-in
     * @param community the community the moderator speaks for, on a check-in; null on an answer
     */
    void sent(Connection c, Actor from, Actor to, URI message, String contentHtml, URI inReplyTo, URI community)
            throws SQLException;
}
