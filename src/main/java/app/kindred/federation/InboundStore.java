package app.kindred.federation;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;

/** Received activities, stored durably before we answer, unique by activity id. */
public final class InboundStore {

    /** True when stored now; false when this activity id was received before (it is not processed again). */
    public boolean receive(Connection c, String activityId, String type, String actor, String inbox, String body,
                           String scheme) throws SQLException {
        return Sql.update(c, """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, ?, ?, ?, ?::jsonb, ?) on conflict (activity_id) do nothing""",
                activityId, type, actor, inbox, body, scheme) == 1;
    }
}
