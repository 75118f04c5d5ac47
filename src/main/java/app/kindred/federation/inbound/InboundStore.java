package app.kindred.federation.inbound;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;

/** Received activities, stored durably before we answer, unique by activity id. */
public final class InboundStore {

    /**
     * The new row's id, or empty when this activity id was received before (it is not processed again).
     * A row stored with a lease is this process's first attempt for that long, as if it had been claimed.
     */
    public OptionalLong receive(
            Connection c,
            String activityId,
            String type,
            String actor,
            String inbox,
            String body,
            String scheme,
            Duration lease)
            throws SQLException {
        // Unleased: attempt 0, due now. Leased: attempt 1, due when the lease runs out.
        var id = Sql.one(
                c,
                """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme,
                                              attempts, next_attempt_at)
                values (?, ?, ?, ?, ?::jsonb, ?, ?, now() + make_interval(secs => ?))
                on conflict (activity_id) do nothing returning id""",
                rs -> rs.getLong(1),
                activityId,
                type,
                actor,
                inbox,
                body,
                scheme,
                lease == null ? 0 : 1,
                lease == null ? 0 : lease.toSeconds());
        return id.map(OptionalLong::of).orElseGet(OptionalLong::empty);
    }
}
