package app.kindred.federation.queue;

import app.kindred.activitypub.ActivityPubJson;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Received activities waiting to be applied: every statement on {@code inbound_activity} is here,
 * whoever stores (the inbox, the outbox delivering to our own actors) or applies them. Rows are
 * unique by activity id; a row is claimed with SKIP LOCKED under a lease, so several processes
 * share the work and a crashed process's rows come back by themselves.
 */
public final class InboundQueue {
    // Stored bodies came from the network (or from us): read as the inbox read them.
    private static final ObjectMapper JSON = ActivityPubJson.networkReader();
    private static final int PRUNE_BATCH = 5_000;

    /** How an activity ended: applied or ignored ({@code done}), refused ({@code failed}), or given up ({@code parked}). */
    public enum Ending {
        DONE("done"),
        FAILED("failed"),
        PARKED("parked");

        private final String state;

        Ending(String state) {
            this.state = state;
        }
    }

    /**
     * Stores a received activity; the new row's id, or empty when this activity id was received before
     * (it is not processed again). A row stored with a lease is this process's first attempt for that
     * long, as if it had been claimed.
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

    /** An activity from one of our own actors to another, stored as if it had come over HTTP; 1 if stored. */
    public static int receiveLocally(Connection c, String activityId, URI sender, URI inbox, String body)
            throws SQLException {
        return Sql.update(c, """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, (?::jsonb)->>'type', ?, ?, ?::jsonb, 'local') on conflict (activity_id) do nothing""", activityId, body, sender.toString(), inbox.toString(), body);
    }

    /**
     * Claims up to {@code limit} due rows for this process, for {@code lease}: the claim pushes
     * next_attempt_at ahead, so a crashed process's work comes back by itself. Rows go in the order
     * they fall due (a fresh row is due when it arrives), which the index gives directly.
     */
    public List<InboundActivity> claim(Database db, int limit, Duration lease) {
        return db.transaction(c -> Sql.list(
                c,
                """
                with due as (
                    select id from inbound_activity where state = 'pending' and next_attempt_at <= now()
                    order by next_attempt_at, id limit ? for update skip locked)
                update inbound_activity i set attempts = i.attempts + 1, next_attempt_at = now() + make_interval(secs => ?)
                from due where i.id = due.id
                returning i.id, i.activity_id, i.activity_type, i.actor_uri, i.inbox, i.body::text, i.signature_scheme, i.attempts""",
                rs -> {
                    try {
                        return new InboundActivity(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                URI.create(rs.getString(4)),
                                rs.getString(5),
                                JSON.readTree(rs.getString(6)),
                                rs.getString(7),
                                rs.getInt(8));
                    } catch (IOException e) {
                        throw new SQLException("stored activity is not JSON", e);
                    }
                },
                limit,
                lease.toSeconds()));
    }

    /**
     * Records how the activity ended, with {@code note} saying why (null when it was simply applied), unless
     * it ended already (another process took it over when this one's lease ran out, and ended it first).
     */
    public void finish(Connection c, long id, Ending ending, String note) throws SQLException {
        Sql.update(
                c,
                "update inbound_activity set state = ?, last_error = ?, processed_at = now() where id = ? and state = 'pending'",
                ending.state,
                note,
                id);
    }

    /**
     * Marks the activity applied, in the transaction that applies it; false when it was no longer pending,
     * so that transaction must change nothing. Taken first, the row's lock keeps another process applying
     * the same row waiting until this transaction ends, and then it sees the row done.
     */
    public boolean complete(Connection c, long id) throws SQLException {
        return Sql.update(c, """
                update inbound_activity set state = 'done', last_error = null, processed_at = now()
                where id = ? and state = 'pending'""", id) == 1;
    }

    /**
     * As {@link #complete}, for the rows of several changes applied in one transaction (one community's
     * batch): marks those still pending applied, in id order, and returns them; the others were ended by
     * another process, and their changes must change nothing.
     */
    public Set<Long> completeAll(Connection c, long[] ids) throws SQLException {
        return new HashSet<>(Sql.list(
                c,
                """
                update inbound_activity set state = 'done', last_error = null, processed_at = now()
                where id in (select id from inbound_activity where id = any(?) and state = 'pending' order by id for update)
                returning id""",
                rs -> rs.getLong(1),
                c.createArrayOf("bigint", Arrays.stream(ids).boxed().toArray())));
    }

    /**
     * A change whose row {@link #completeAll} marked failed after all, in the same transaction: its row is
     * pending again, as it was, so its failure is recorded (or it is tried again) as for any other.
     */
    public void reopen(Connection c, long id) throws SQLException {
        Sql.update(
                c,
                "update inbound_activity set state = 'pending', processed_at = null where id = ? and state = 'done'",
                id);
    }

    /** Leaves the row pending, to be claimed again after {@code delay}, with the reason it failed this time. */
    public void retryAfter(Database db, long id, Duration delay, String reason) {
        db.transaction(c -> Sql.update(c, """
                update inbound_activity set next_attempt_at = now() + make_interval(secs => ?), last_error = ? where id = ?""", delay.toMillis() / 1000.0, reason, id));
    }

    /** Gives claimed rows that never started back at once, rather than after their lease. */
    public void giveBack(Database db, long[] ids) {
        db.transaction(c -> Sql.update(
                c, """
                update inbound_activity set next_attempt_at = now(), attempts = attempts - 1
                where id = any(?) and state = 'pending'""", c.createArrayOf("bigint", Arrays.stream(ids).boxed().toArray())));
    }

    /**
     * Deletes processed activities older than {@code retention} (their bodies keep what people wrote,
     * also after they deleted it), a batch at a time; pending ones stay whatever their age. Returns how many.
     */
    public int prune(Database db, Duration retention) {
        int total = 0, n;
        do {
            n = db.transaction(c -> Sql.update(c, """
                    delete from inbound_activity where id in (
                        select id from inbound_activity
                        where state <> 'pending' and coalesce(processed_at, received_at) < now() - make_interval(secs => ?)
                        limit ?)""", retention.toSeconds(), PRUNE_BATCH));
            total += n;
        } while (n == PRUNE_BATCH);
        return total;
    }
}
