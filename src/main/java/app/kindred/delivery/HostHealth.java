package app.kindred.delivery;

import app.kindred.storage.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How each destination host is doing. A host failing for longer than the configured time is marked
 * unavailable and its deliveries are parked, not attempted; any sign of life (a verified request
 * from it, a successful delivery or probe) clears the mark and releases them.
 */
public final class HostHealth {
    private final Duration unavailableAfter;

    public HostHealth(Duration unavailableAfter) {
        this.unavailableAfter = unavailableAfter;
    }

    /** Records a failure; true when this failure made the host unavailable. */
    public boolean failed(Connection c, String host, String error, Instant now, Duration probeAfter)
            throws SQLException {
        Sql.update(c, """
                insert into host_health (host, failing_since, last_error) values (?, ?, ?)
                on conflict (host) do update set failing_since = coalesce(host_health.failing_since, excluded.failing_since),
                    last_error = excluded.last_error""", host, now, error);
        int marked = Sql.update(c, """
                update host_health set unavailable = true, next_probe_at = ?
                where host = ? and not unavailable and failing_since < ?""", now.plus(probeAfter), host, now.minus(unavailableAfter));
        if (marked == 0) return false;
        Sql.update(c, "update delivery set state = 'parked' where host = ? and state = 'queued'", host);
        return true;
    }

    /** A sign of life: the host answers again. Clears its failure record and releases parked deliveries. */
    public int alive(Connection c, String host) throws SQLException {
        var h = host.toLowerCase(Locale.ROOT);
        int changed = Sql.update(c, """
                update host_health set failing_since = null, unavailable = false, last_success_at = now(), next_probe_at = null
                where host = ? and (failing_since is not null or unavailable)""", h);
        if (changed == 0) return 0;
        return Sql.update(
                c,
                "update delivery set state = 'queued', next_attempt_at = now() where host = ? and state = 'parked'",
                h);
    }

    public boolean isUnavailable(Connection c, String host) throws SQLException {
        return Sql.count(c, "select count(*) from host_health where host = ? and unavailable", host) > 0;
    }
}
