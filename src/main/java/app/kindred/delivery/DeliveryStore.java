package app.kindred.delivery;

import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The delivery queue in PostgreSQL: claimed with SKIP LOCKED so several processes share it safely. */
public final class DeliveryStore {

    public record Claimed(
            long id,
            URI inbox,
            String host,
            long signerId,
            String body,
            String activityId,
            int attempts,
            Instant queuedAt) {}

    /**
     * Claims up to {@code limit} due deliveries for this worker, at most {@code perHost} for a host
     * and fewer for hosts that already have some in flight here ({@code inFlight}). Crashed
     * workers' claims expire and are taken again, but never one this worker is still sending ({@code
     * sending}): a lease that ran out while this process waited (a cold start, a loaded machine, a slow
     * pool) must not become a second POST of the same delivery alongside the first. A delivery waits while an older one for the same
     * object and inbox is unfinished, or an older fan-out for the object is not yet expanded, so Create
     * arrives before Update before Delete (older = queued earlier: the outbound activity's id).
     */
    public List<Claimed> claim(
            Connection c,
            String worker,
            int limit,
            int perHost,
            Map<String, Integer> inFlight,
            Collection<Long> sending,
            Duration lease)
            throws SQLException {
        Array mine = c.createArrayOf("int8", sending.toArray());
        Array hosts = c.createArrayOf("text", inFlight.keySet().toArray());
        Array used = c.createArrayOf("int4", inFlight.values().toArray());
        return Sql.list(
                c,
                """
                with ranked as (
                    select d.id, d.host, d.next_attempt_at,
                           row_number() over (partition by d.host order by d.next_attempt_at, d.id) as rank
                    from delivery d
                    where ((d.state = 'queued' and d.next_attempt_at <= now())
                           or (d.state = 'in_flight' and d.claimed_until < now()))
                      and not (d.id = any (?::bigint[]))
                      and (d.object_id is null or (not exists (
                          select 1 from delivery e
                          where e.inbox = d.inbox and e.object_id = d.object_id and e.outbound_id < d.outbound_id
                            and e.state in ('queued', 'in_flight', 'parked'))
                        and not exists (
                          select 1 from delivery_fanout f
                          where f.object_id = d.object_id and f.outbound_id < d.outbound_id)))),
                busy as (select * from unnest(?::text[], ?::int[]) as b(host, used)),
                candidates as (
                    select r.id from ranked r left join busy b on b.host = r.host
                    where r.rank <= ? - coalesce(b.used, 0)
                    order by r.next_attempt_at, r.id
                    limit ?),
                due as (
                    select d.id from delivery d join candidates using (id)
                    where (d.state = 'queued' or (d.state = 'in_flight' and d.claimed_until < now()))
                      and not (d.id = any (?::bigint[]))
                    for update of d skip locked)
                update delivery set state = 'in_flight', claimed_by = ?, attempts = delivery.attempts + 1,
                       claimed_until = now() + make_interval(secs => ?)
                from due, outbound_activity o
                where delivery.id = due.id and o.id = delivery.outbound_id
                returning delivery.id, delivery.inbox, delivery.host, o.actor_id, o.body, o.activity_id,
                          delivery.attempts, delivery.created_at""",
                rs -> new Claimed(
                        rs.getLong(1),
                        URI.create(rs.getString(2)),
                        rs.getString(3),
                        rs.getLong(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getInt(7),
                        rs.getTimestamp(8).toInstant()),
                mine,
                hosts,
                used,
                perHost,
                limit,
                mine,
                worker,
                (double) lease.toMillis() / 1000.0);
    }

    // An outcome is written only by the claim it belongs to (this worker, this attempt): a claim taken
    // again after its lease ran out belongs to someone else now, and their outcome is the one that counts.
    private static final String HELD = "id = ? and state = 'in_flight' and claimed_by = ? and attempts = ?";

    /** Whether this worker's attempt still holds the claim; locks the row until the transaction ends. */
    public boolean holds(Connection c, Claimed d, String worker) throws SQLException {
        return Sql.one(c, "select 1 from delivery where " + HELD + " for update", rs -> 1, d.id(), worker, d.attempts())
                .isPresent();
    }

    /** @return false when the claim was no longer held, and nothing was written */
    public boolean delivered(Connection c, Claimed d, String worker, int status) throws SQLException {
        return Sql.update(c, """
                update delivery set state = 'delivered', delivered_at = now(), last_status = ?, last_error = null,
                       claimed_by = null, claimed_until = null where\s""" + HELD, status, d.id(), worker, d.attempts()) == 1;
    }

    /** @return false when the claim was no longer held, and nothing was written */
    public boolean retryAt(Connection c, Claimed d, String worker, Instant next, int status, String error)
            throws SQLException {
        return Sql.update(c, """
                update delivery set state = 'queued', next_attempt_at = ?, last_status = ?, last_error = ?,
                       claimed_by = null, claimed_until = null where\s""" + HELD, next, status == 0 ? null : status, error, d.id(), worker, d.attempts()) == 1;
    }

    /** @return false when the claim was no longer held, and nothing was written */
    public boolean failed(Connection c, Claimed d, String worker, int status, String error) throws SQLException {
        return Sql.update(c, """
                update delivery set state = 'failed', last_status = ?, last_error = ?, claimed_by = null,
                       claimed_until = null where\s""" + HELD, status == 0 ? null : status, error, d.id(), worker, d.attempts()) == 1;
    }

    /** Puts a claimed delivery back untouched (shutdown), without counting the attempt. */
    public void release(Connection c, long id) throws SQLException {
        Sql.update(c, """
                update delivery set state = 'queued', attempts = greatest(attempts - 1, 0), claimed_by = null,
                       claimed_until = null where id = ? and state = 'in_flight'""", id);
    }

    public void markGone(Connection c, URI inbox) throws SQLException {
        Sql.update(c, "update actor set gone_at = now() where inbox = ? and not local and gone_at is null", inbox);
    }
}
