package app.kindred.federation.inbound;

import app.kindred.delivery.RetrySchedule;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.storage.Database;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound scheduler: starts stored activities in the order they fall due (a fresh one when it
 * arrives) on at most {@code concurrency} workers, has {@link InboundApplier} apply each, and
 * records how it went in the {@link InboundQueue}: refusals with their reason; failures that may
 * pass (a remote server down) again on the {@link RetrySchedule}, parked after a few tries, readable
 * by admins. Rows are claimed under a lease, so several processes share the work; a row the inbox
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

    private final Database db;
    private final InboundQueue queue = new InboundQueue();
    private final InboundApplier applier;
    private final int concurrency;
    private final Duration pollInterval;
    private final RetrySchedule retries;
    private final RandomGenerator random;
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

    /** @param retries when a failure that may pass is tried again (the outbox's schedule); parked after {@value #MAX_ATTEMPTS} tries */
    public InboundProcessor(
            Database db,
            FederationContext federation,
            int concurrency,
            Duration pollInterval,
            RetrySchedule retries,
            RandomGenerator random,
            Duration retention) {
        this.db = db;
        this.retention = retention;
        this.applier = new InboundApplier(db, federation, queue);
        this.concurrency = concurrency;
        this.pollInterval = pollInterval;
        this.retries = retries;
        this.random = random;
    }

    /** Activities applied at once at most (federation.inbound_concurrency). */
    public int concurrency() {
        return concurrency;
    }

    /**
     * The turns in which changes to one community were applied one after another ({@link CommunityBatches}):
     * how many turns, how many changes in them, and their time in all (lock, changes and commit), which
     * is the serial part of taking in a busy community's activities; and how many attempts were undone
     * and done again because a change run without a savepoint failed. Of the time, {@code startNanos} went to
     * starting (a connection, the lock, marking the rows) and {@code changeNanos} to the changes and the work
     * saved up for the turn's end; the rest is the commit.
     */
    public record Turns(
            long turns, long changes, long nanos, long redone, long startNanos, long changeNanos, long cpuNanos) {
        /** What happened between {@code earlier} and this. */
        public Turns since(Turns earlier) {
            return new Turns(
                    turns - earlier.turns,
                    changes - earlier.changes,
                    nanos - earlier.nanos,
                    redone - earlier.redone,
                    startNanos - earlier.startNanos,
                    changeNanos - earlier.changeNanos,
                    cpuNanos - earlier.cpuNanos);
        }
    }

    /** The community turns taken since this processor was made. */
    public Turns turns() {
        return applier.turns();
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
        var claimed = queue.claim(db, want, LEASE);
        if (claimed.size() < want) rowsWaiting = false;
        readySlots.addAndGet(claimed.size());
        ready.addAll(claimed);
        return !claimed.isEmpty();
    }

    /**
     * Deletes processed activities older than the retention (their bodies keep what people wrote, also
     * after they deleted it), a batch at a time; pending ones stay whatever their age. Returns how many.
     */
    public int prune() {
        int total = queue.prune(db, retention);
        if (total > 0) log.info("deleted {} processed inbound activities older than {}", total, retention);
        return total;
    }

    /** Applies one activity and records how it went; public so tests can drive processing without the worker. */
    public Outcome process(InboundActivity in) {
        var outcome = applier.apply(in);
        switch (outcome) {
            case Outcome.Applied a -> {}
            case Outcome.EndedElsewhere e ->
                log.info("{} {} from {} was ended by another process first", in.type(), in.activityId(), in.actor());
            case Outcome.Ignored i -> {
                log.info("ignored {} {} from {}: {}", in.type(), in.activityId(), in.actor(), i.note());
                finish(in, InboundQueue.Ending.DONE, i.note(), Effect.NONE);
            }
            case Outcome.Refused r -> {
                log.info("rejected {} {} from {}: {}", in.type(), in.activityId(), in.actor(), r.note());
                finish(in, InboundQueue.Ending.FAILED, r.note(), r.stillApplied());
            }
            case Outcome.RetryLater r -> retryOrPark(in, r.reason());
        }
        return outcome;
    }

    private void retryOrPark(InboundActivity in, String reason) {
        if (in.attempts() >= MAX_ATTEMPTS) {
            log.warn("parked {} {} after {} attempts: {}", in.type(), in.activityId(), in.attempts(), reason);
            finish(in, InboundQueue.Ending.PARKED, reason, Effect.NONE);
            return;
        }
        var delay = retries.delayAfter(in.attempts(), random);
        log.info(
                "will retry {} {} from {} in {} ms: {}",
                in.type(),
                in.activityId(),
                in.actor(),
                delay.toMillis(),
                reason);
        queue.retryAfter(db, in.id(), delay, reason);
    }

    /** Records how the activity ended, with what its refusal still changes, in one transaction. */
    private void finish(InboundActivity in, InboundQueue.Ending ending, String note, Effect alsoApplied) {
        db.transaction(c -> {
            try {
                alsoApplied.apply(c);
            } catch (Rejected r) {
                // A bug, not a peer's doing: the row keeps its lease and comes back, the refusal unrecorded.
                throw new IllegalStateException("what a refusal takes down was itself refused: " + r.getMessage(), r);
            }
            queue.finish(c, in.id(), ending, note);
            return null;
        });
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
                queue.giveBack(db, unstarted);
            } catch (RuntimeException e) {
                log.warn(
                        "could not give back {} unstarted inbound activities; they return after their lease: {}",
                        unstarted.length,
                        e.getMessage());
            }
        }
    }
}
