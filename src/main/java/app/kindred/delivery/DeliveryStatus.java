package app.kindred.delivery;

import app.kindred.audit.AuditLog;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** What admins see of federation: per host and per activity, where things have and have not arrived. */
public final class DeliveryStatus {
    private final Database db;

    public DeliveryStatus(Database db) {
        this.db = db;
    }

    public record HostRow(
            String host,
            long queued,
            long inFlight,
            long delivered,
            long failed,
            long parked,
            Instant failingSince,
            String lastError,
            boolean unavailable,
            Instant lastSuccess,
            boolean refusing) {
        /** How the host is doing, in the few words admins read. */
        public Health health() {
            if (unavailable) return Health.UNAVAILABLE;
            if (failingSince != null) return Health.BACKING_OFF;
            return refusing ? Health.REFUSED : Health.HEALTHY;
        }
    }

    public enum Health {
        /** Deliveries arrive (or none have failed since the last one did). */
        HEALTHY,
        /** Deliveries fail and are retried later, on the retry schedule. */
        BACKING_OFF,
        /** Failing for long enough that deliveries are parked until the host shows a sign of life. */
        UNAVAILABLE,
        /**
         * It answers, but its last deliveries failed in a way retrying cannot mend (a certificate we
         * refuse, a 4xx), so they are not retried: until one arrives again, the error says what to fix.
         */
        REFUSED
    }

    public record DeliveryRow(
            String inbox,
            String state,
            int attempts,
            Integer lastStatus,
            String lastError,
            Instant nextAttemptAt,
            Instant deliveredAt) {}

    public List<HostRow> hosts() {
        return db.read(c -> Sql.list(
                c,
                """
                select g.*, h.failing_since, coalesce(h.unavailable, false) as unavailable,
                       -- A host that answers but whose deliveries fail (a refused certificate, a 403) shows why too,
                       -- until a delivery made after that failure arrives (the certificate was fixed).
                       coalesce(h.last_error, (select f.last_error from delivery f where f.host = g.host
                                               and f.state = 'failed' and f.id > coalesce(g.last_delivered_id, 0)
                                               order by f.id desc limit 1)) as last_error,
                       exists (select 1 from delivery f where f.host = g.host and f.state = 'failed'
                               and f.id > coalesce(g.last_delivered_id, 0)) as refusing
                from (select d.host,
                             count(*) filter (where d.state = 'queued') as queued,
                             count(*) filter (where d.state = 'in_flight') as in_flight,
                             count(*) filter (where d.state = 'delivered') as delivered,
                             count(*) filter (where d.state = 'failed') as failed,
                             count(*) filter (where d.state = 'parked') as parked,
                             max(d.delivered_at) as last_success,
                             max(d.id) filter (where d.state = 'delivered') as last_delivered_id
                      from delivery d group by d.host) g
                left join host_health h on h.host = g.host
                order by g.host""",
                rs -> new HostRow(
                        rs.getString("host"),
                        rs.getLong("queued"),
                        rs.getLong("in_flight"),
                        rs.getLong("delivered"),
                        rs.getLong("failed"),
                        rs.getLong("parked"),
                        Sql.instant(rs, "failing_since"),
                        rs.getString("last_error"),
                        rs.getBoolean("unavailable"),
                        Sql.instant(rs, "last_success"),
                        rs.getBoolean("refusing"))));
    }

    /**
     * Every destination of one activity (by its id) and how far it got. An announce to followers
     * that the worker has not yet expanded shows as one row, "followers of" the group, state fanout.
     */
    public List<DeliveryRow> activity(String activityId) {
        return db.read(c -> Sql.list(
                c,
                """
                select d.inbox, d.state, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.delivered_at
                from delivery d join outbound_activity o on o.id = d.outbound_id
                where o.activity_id = ?
                union all
                select 'followers of ' || a.uri, 'fanout', 0, null, null, f.created_at, null
                from delivery_fanout f join outbound_activity o on o.id = f.outbound_id join actor a on a.id = f.followers_of
                where o.activity_id = ?
                order by 1""",
                rs -> new DeliveryRow(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getInt(3),
                        (Integer) rs.getObject(4),
                        rs.getString(5),
                        Sql.instant(rs, "next_attempt_at"),
                        Sql.instant(rs, "delivered_at")),
                activityId,
                activityId));
    }

    /**
     * An admin's "try now": the host's waiting deliveries (queued or parked) are due at once and an
     * unavailable mark is lifted. Its failing-since stays, so if the host still fails the next failure
     * marks it unavailable again and parks what waits, as before. Returns how many deliveries are due.
     */
    public int retryNow(String host, String admin) {
        var h = host.strip().toLowerCase(Locale.ROOT);
        return db.transaction(c -> {
            Sql.update(c, "update host_health set unavailable = false, next_probe_at = null where host = ?", h);
            int due = Sql.update(c, """
                    update delivery set state = 'queued', next_attempt_at = now()
                    where host = ? and state in ('queued', 'parked')""", h);
            AuditLog.record(c, admin, "federation.retry", h, "", "{\"deliveries\":" + due + "}");
            return due;
        });
    }

    /** Announces to followers not yet expanded into deliveries (a backlog here means the worker is behind). */
    public long waitingFanouts() {
        return db.read(Outbox::waitingFanouts);
    }
}
