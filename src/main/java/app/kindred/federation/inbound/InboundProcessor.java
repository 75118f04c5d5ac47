package app.kindred.federation.inbound;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubJson;
import app.kindred.activitypub.ReadResult;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.storage.SqlWork;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies stored inbound activities in the order they fall due (a fresh one when it arrives), each in
 * one transaction with what it must send. Rejections are recorded with their reason; failures that may
 * pass (a remote server down) are retried with backoff and parked after a few tries, readable by admins.
 * Rows are claimed with SKIP LOCKED under a lease, so several processes share the work; a row the inbox
 * stores while this process has room is stored already leased and handed over in memory.
 */
public final class InboundProcessor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InboundProcessor.class);
    private static final int MAX_ATTEMPTS = 6;
    /** How long a claimed (or handed-over) row belongs to this process before another may take it. */
    public static final Duration LEASE = Duration.ofMinutes(5);
    /** Rows held in memory at most; small enough that all start well within their lease even when each waits on slow fetches. */
    public static final int READY_CAPACITY = 64;

    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    // Stored bodies came from the network (or from us): read as the inbox read them.
    private static final ObjectMapper JSON = ActivityPubJson.networkReader();

    private final Database db;
    private final FederationContext federation;
    private final HandlerTable handlers;
    private final int concurrency;
    private final Duration pollInterval;
    private final double timeScale;
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    private final Map<Long, Boolean> inFlight = new ConcurrentHashMap<>();
    // Leased rows waiting for a worker: handed over by the inbox as it stores them, or claimed in batches.
    private final ConcurrentLinkedQueue<InboundActivity> ready = new ConcurrentLinkedQueue<>();
    // Ready rows plus the inbox's reservations for rows it is storing; at most READY_CAPACITY.
    private final AtomicInteger readySlots = new AtomicInteger();
    // Set when rows may be waiting in the table (stored unleased, retries falling due, expired leases):
    // the inbox then stores unleased, so nothing new overtakes them, until a claim comes back short.
    private volatile boolean rowsWaiting = true;
    private volatile boolean running;
    private Thread dispatcher;
    private final Duration retention;
    private long pruneAt = System.nanoTime(); // first thing the dispatcher does, then hourly

    public InboundProcessor(
            Database db,
            FederationContext federation,
            int concurrency,
            Duration pollInterval,
            double timeScale,
            Duration retention) {
        this.db = db;
        this.retention = retention;
        this.federation = federation;
        this.handlers = new HandlerTable(federation);
        this.concurrency = concurrency;
        this.pollInterval = pollInterval;
        this.timeScale = timeScale;
    }

    /** Activities applied at once at most (federation.inbound_concurrency). */
    public int concurrency() {
        return concurrency;
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        rowsWaiting = true;
        dispatcher = Thread.ofPlatform().name("inbound-dispatcher").daemon().start(this::dispatch);
    }

    /** Something changed that may let work go on (a worker finished, a row was handed over). */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    /** A row was stored unleased: the next claim takes it. */
    public void stored() {
        rowsWaiting = true;
        wake();
    }

    /**
     * Takes a place for a row the inbox is about to store, so that it can store it leased to this process
     * and hand it over ({@link #handOver}) instead of leaving it to be claimed: no claim, no second read
     * of its JSON. False when the processor is not running, is full, or rows wait in the table (they go first).
     */
    public boolean reserve() {
        if (!running || rowsWaiting) return false;
        if (readySlots.incrementAndGet() > READY_CAPACITY) {
            readySlots.decrementAndGet();
            rowsWaiting = true; // the caller stores this one unleased
            return false;
        }
        return true;
    }

    /** Gives back a place that {@link #reserve} took, when nothing was stored (a repeat, an error). */
    public void cancel() {
        readySlots.decrementAndGet();
    }

    /** Queues a row stored leased to this process (attempt 1) in the place {@link #reserve} took. */
    public void handOver(InboundActivity activity) {
        ready.add(activity);
        wake();
    }

    private void dispatch() {
        while (running) {
            try {
                if (System.nanoTime() - pruneAt >= 0) {
                    pruneAt = System.nanoTime() + PRUNE_EVERY.toNanos();
                    prune();
                }
                boolean started = startReady();
                boolean claimed = rowsWaiting && readySlots.get() <= READY_CAPACITY / 2 && claimIntoReady();
                if (!started && !claimed) {
                    // Waking by time alone means rows may have fallen due: retries, another process's expired leases.
                    if (wakeups.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS) == null) rowsWaiting = true;
                    wakeups.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("inbound dispatcher: {}", e.getMessage());
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Starts ready rows on free workers; true if any started. */
    private boolean startReady() {
        boolean started = false;
        InboundActivity activity;
        while (inFlight.size() < concurrency && (activity = ready.poll()) != null) {
            readySlots.decrementAndGet();
            started = true;
            inFlight.put(activity.id(), Boolean.TRUE);
            var a = activity;
            Thread.ofVirtual().name("inbound-" + a.id()).start(() -> {
                try {
                    process(a);
                } finally {
                    inFlight.remove(a.id());
                    wake();
                }
            });
        }
        return started;
    }

    /** Claims due rows up to the free places; true if any came. A short claim means the table has no more due. */
    private boolean claimIntoReady() {
        int want = READY_CAPACITY - readySlots.get();
        if (want <= 0) return false;
        var claimed = claim(want);
        if (claimed.size() < want) rowsWaiting = false;
        readySlots.addAndGet(claimed.size());
        ready.addAll(claimed);
        return !claimed.isEmpty();
    }

    private List<InboundActivity> claim(int limit) {
        // The claim pushes next_attempt_at ahead as a lease: a crashed process's work comes back by itself.
        // Rows go in the order they fall due (a fresh row is due when it arrives), which the index gives directly.
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
                    } catch (java.io.IOException e) {
                        throw new java.sql.SQLException("stored activity is not JSON", e);
                    }
                },
                limit,
                LEASE.toSeconds()));
    }

    /**
     * Deletes processed activities older than the retention (their bodies keep what people wrote, also
     * after they deleted it), a batch at a time; pending ones stay whatever their age. Returns how many.
     */
    public int prune() {
        int total = 0, n;
        do {
            n = db.transaction(c -> Sql.update(c, """
                    delete from inbound_activity where id in (
                        select id from inbound_activity
                        where state <> 'pending' and coalesce(processed_at, received_at) < now() - make_interval(secs => ?)
                        limit ?)""", retention.toSeconds(), PRUNE_BATCH));
            total += n;
        } while (n == PRUNE_BATCH);
        if (total > 0) log.info("deleted {} processed inbound activities older than {}", total, retention);
        return total;
    }

    private static final int PRUNE_BATCH = 5_000;

    /** Applies one activity; public so tests can drive processing without the worker. */
    public void process(InboundActivity in) {
        // Received before its instance was suspended: the block applies to what is still waiting.
        if (!federation.policy().federates(in.actor().getRawAuthority())) {
            finish(
                    in,
                    "failed",
                    "rejected: this instance does not federate with "
                            + in.actor().getRawAuthority());
            return;
        }
        try {
            var read = FederationContext.READER.read(in.body());
            switch (read) {
                case ReadResult.Unsupported u
                when PublicAddressing.privateMessage(in.body()).isPresent() -> {
                    var reason = PublicAddressing.privateMessage(in.body()).orElseThrow();
                    log.info("rejected {} {} from {}: {}", in.type(), in.activityId(), in.actor(), reason);
                    finish(in, "failed", "rejected: " + reason);
                }
                case ReadResult.Unsupported u -> {
                    log.info(
                            "ignored {} {} from {}: not supported ({})",
                            in.type(),
                            in.activityId(),
                            in.actor(),
                            u.reason());
                    finish(in, "done", "ignored: " + u.type() + " is not supported (" + u.reason() + ")");
                }
                case ReadResult.Malformed m -> finish(in, "failed", "malformed: " + m.reason());
                case ReadResult.Supported s when s.document() instanceof Activity activity -> apply(in, activity);
                case ReadResult.Supported s ->
                    finish(in, "failed", "a " + s.document().typeName() + " is not an activity");
            }
        } catch (Rejected e) {
            log.info("rejected {} {} from {}: {}", in.type(), in.activityId(), in.actor(), e.getMessage());
            finish(in, "failed", "rejected: " + e.getMessage(), e.stillApplied());
        } catch (Refusal e) {
            // A unique index lost a race: tried again, when the feature's own check will see the row.
            if (e.raced()) {
                retryOrPark(in, "error: " + e.getMessage());
                return;
            }
            // A feature's rule refused the act, as it refuses our own members the same act through the API.
            log.info("rejected {} {} from {}: {}", in.type(), in.activityId(), in.actor(), e.getMessage());
            finish(in, "failed", "rejected: " + e.getMessage());
        } catch (FetchException e) {
            // The origin's own word that a needed object is not there will not change by retrying for hours.
            if (e.reason() == FetchException.Reason.NOT_FOUND || e.reason() == FetchException.Reason.GONE) {
                log.info("rejected {} {} from {}: {}", in.type(), in.activityId(), in.actor(), e.getMessage());
                finish(in, "failed", "rejected: what it needs is not at its origin: " + e.getMessage());
                return;
            }
            retryOrPark(in, "could not fetch what it needs: " + e.getMessage());
        } catch (RuntimeException e) {
            log.warn("processing {} {} failed", in.type(), in.activityId(), e);
            retryOrPark(in, "error: " + e);
        }
    }

    private void apply(InboundActivity in, Activity activity) throws FetchException, Rejected {
        var incoming = new Incoming(activity, in.body());
        var handler = handlers.handlerFor(incoming);
        if (handler.isEmpty()) {
            finish(in, "done", "ignored: nothing here applies a " + activity.type() + " yet");
            return;
        }
        var actor = federation.remoteActors().byUri(in.actor());
        var effect = handler.get().handle(incoming, actor, Optional.empty());
        SqlWork<Void> work = c -> {
            try {
                effect.apply(c);
            } catch (Rejected r) {
                throw new RejectedInTransaction(r);
            }
            markFinished(c, in.id(), "done", null);
            return null;
        };
        try {
            // One change at a time per community, as on the API's side: see Database.inCommunity.
            var community = effect.community();
            if (community.isPresent()) db.inCommunity(community.getAsLong(), work);
            else db.transaction(work);
        } catch (RejectedInTransaction r) {
            throw r.rejected;
        }
    }

    /** Carries a rejection out of the transaction, which it rolls back. */
    private static final class RejectedInTransaction extends RuntimeException {
        final Rejected rejected;

        RejectedInTransaction(Rejected rejected) {
            super(rejected.getMessage(), null, false, false);
            this.rejected = rejected;
        }
    }

    private void retryOrPark(InboundActivity in, String reason) {
        if (in.attempts() >= MAX_ATTEMPTS) {
            log.warn("parked {} {} after {} attempts: {}", in.type(), in.activityId(), in.attempts(), reason);
            finish(in, "parked", reason);
            return;
        }
        long seconds = Math.round(Math.pow(4, in.attempts()) * 15 * timeScale * 1000);
        log.info("will retry {} {} from {} in {} ms: {}", in.type(), in.activityId(), in.actor(), seconds, reason);
        db.transaction(c -> Sql.update(c, """
                update inbound_activity set next_attempt_at = now() + make_interval(secs => ?), last_error = ? where id = ?""", seconds / 1000.0, reason, in.id()));
    }

    private void finish(InboundActivity in, String state, String note) {
        finish(in, state, note, Effect.NONE);
    }

    /** Records how the activity ended, with what its refusal still changes, in one transaction. */
    private void finish(InboundActivity in, String state, String note, Effect alsoApplied) {
        db.transaction(c -> {
            try {
                alsoApplied.apply(c);
            } catch (Rejected r) {
                // A bug, not a peer's doing: the row keeps its lease and comes back, the refusal unrecorded.
                throw new IllegalStateException("what a refusal takes down was itself refused: " + r.getMessage(), r);
            }
            markFinished(c, in.id(), state, note);
            return null;
        });
    }

    private static void markFinished(java.sql.Connection c, long id, String state, String note)
            throws java.sql.SQLException {
        Sql.update(
                c,
                "update inbound_activity set state = ?, last_error = ?, processed_at = now() where id = ?",
                state,
                note,
                id);
    }

    @Override
    public synchronized void close() {
        if (!running) return;
        running = false;
        wake();
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // Anything still running keeps its lease and comes back after it; nothing is lost.
        try {
            if (dispatcher != null) dispatcher.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Rows that never started are given back at once rather than after their lease.
        var unstarted = ready.stream().mapToLong(InboundActivity::id).toArray();
        ready.clear();
        readySlots.set(0);
        if (unstarted.length > 0) {
            try {
                db.transaction(c -> Sql.update(
                        c,
                        """
                        update inbound_activity set next_attempt_at = now(), attempts = attempts - 1
                        where id = any(?) and state = 'pending'""",
                        c.createArrayOf(
                                "bigint",
                                java.util.Arrays.stream(unstarted).boxed().toArray())));
            } catch (RuntimeException e) {
                log.warn(
                        "could not give back {} unstarted inbound activities; they return after their lease: {}",
                        unstarted.length,
                        e.getMessage());
            }
        }
    }
}
