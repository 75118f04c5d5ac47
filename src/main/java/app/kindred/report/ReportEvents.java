package app.kindred.report;

import app.kindred.actor.Actor;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;

/**
 * Reports told to other servers: a report about their content, a report passed on to a
 * community's remote moderators, a report handled. Called inside the report's own transaction. The
 * federation package implements it; this feature does not know how it is sent.
 */
public interface ReportEvents {
    /** A report as sent: its id and JSON, kept with the filing so the answer to it can be matched. */
    record SentFlag(String id, String json) {}

    /**
     * A report about remote posts and/or an account sent to the servers that must act on it.
     *
     * @param community the remote community the content belongs to, or null for a person
     */
    SentFlag flagged(
            Connection c,
            Actor sender,
            List<URI> posts,
            URI account,
            String text,
            URI community,
            Collection<Actor> recipients)
            throws SQLException;

    /** A report was handled: the report as received or sent, told to the servers involved. */
    void resolved(Connection c, Actor resolver, JsonNode flag, URI community, Collection<Actor> recipients)
            throws SQLException;

    /** A community passes a report on to its moderators' instances. */
    void passedOn(Connection c, Actor group, JsonNode flag, Collection<Actor> recipients) throws SQLException;
}
