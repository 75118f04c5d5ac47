package app.kindred.federation.inbound;

import app.kindred.federation.queue.InboundQueue;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Database;
import app.kindred.storage.SqlWork;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies the received changes waiting for one community together: one transaction, the community's
 * lock taken once ({@link Database#lockCommunity}); a change that fails is undone alone and the others
 * still commit. Changes run without a savepoint (a round trip each); when one fails, the attempt is
 * rolled back and the batch done again without it, the changes after it each in a savepoint of its own.
 * The turn reads the community's state once for its new posts and queues their announces together
 * ({@link CommunityTurn}). Changes to one community stay one at a time
 * (as {@link Database#inCommunity}), in the order they arrived here; what a batch saves is the lock,
 * the transaction and the commit per activity, and every worker but one waiting for the lock on a
 * database connection of its own.
 *
 * <p>The worker that finds nobody applying its community's changes applies one batch, its own change
 * first; the others wait for their own result without a connection. When a batch is over, the first
 * change still waiting (if any) has its worker apply the next batch, so each worker leads at most once
 * and returns as soon as its own change is settled.
 *
 * <p>A change that comes with its inbound row has the row marked applied in the same transaction: all
 * the batch's rows in one statement before any change (so another process that took a row over after a
 * lease ran out waits for this transaction, then finds it done), and a change that then fails has its
 * row pending again when it is undone. One statement per batch rather than one per change:
 * the turn is the part of taking in a busy community's activities that cannot run in parallel.
 */
final class CommunityBatches {
    /**
     * At most this many changes in one transaction: PostgreSQL caches 64 subtransactions (savepoints
     * that wrote) per transaction, and a snapshot past that gets slow for every session.
     */
    static final int MAX_BATCH = 32;

    /** A change with no inbound row to mark (tests). */
    static final long NO_ROW = -1;

    private final Database db;
    private final InboundQueue queue;
    // A community is a key here while a worker applies its changes; the value is what waits for the next batch.
    private final Map<Long, ArrayDeque<Waiting>> communities = new HashMap<>();
    // How long the turns took (lock, changes, commit), so how much of the work is serial can be measured.
    private final LongAdder turns = new LongAdder(), turnChanges = new LongAdder(), turnNanos = new LongAdder();
    // Attempts undone because a change run without a savepoint failed (each then done again).
    private final LongAdder redone = new LongAdder();
    // Of the turns' time: starting them (connection, lock, marking the rows), and the changes; the rest is commits.
    private final LongAdder startNanos = new LongAdder(), changeNanos = new LongAdder();
    // The turns' own CPU time (of their thread): against their time, how much of a turn is work and how much waiting.
    private final LongAdder cpuNanos = new LongAdder();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    CommunityBatches(Database db, InboundQueue queue) {
        this.db = db;
        this.queue = queue;
    }

    /**
     * Applies {@code work} holding the community's lock, in a transaction that may also apply other
     * changes to that community; returns when it is committed, throws what it threw (then it alone is
     * undone) or why the transaction as a whole failed (then none of the batch is applied).
     */
    void apply(long communityId, SqlWork<Void> work) {
        apply(communityId, NO_ROW, work);
    }

    /**
     * As {@link #apply(long, SqlWork)}, marking the inbound row {@code row} applied with it; throws
     * {@link InboundApplier.EndedElsewhere} (and applies nothing) when the row was no longer pending.
     */
    void apply(long communityId, long row, SqlWork<Void> work) {
        apply(communityId, row, work, false);
    }

    /**
     * As {@link #apply(long, long, SqlWork)}; {@code keepsCommunityState} when the change leaves the
     * community's own state as it was (a new post: {@link Effect#keepsCommunityState}), so that what the turn
     * read of it stays true for the next change ({@link CommunityTurn}).
     */
    void apply(long communityId, long row, SqlWork<Void> work, boolean keepsCommunityState) {
        var mine = new Waiting(row, work, keepsCommunityState);
        boolean lead;
        synchronized (this) {
            var queue = communities.get(communityId);
            lead = queue == null;
            if (lead) communities.put(communityId, new ArrayDeque<>());
            else queue.add(mine);
        }
        if (!lead) {
            // Either this change was applied in another worker's batch, or this worker is to apply the next one.
            try {
                CompletableFuture.anyOf(mine.turn, mine.result).join();
            } catch (CompletionException settledWithFailure) {
                // thrown below
            }
            lead = mine.turn.isDone();
        }
        if (lead) {
            // On a platform thread (Database.onPlatformThread): the turn is what every change queued for the
            // community waits for, and on the worker's virtual thread it waited behind every runnable worker for
            // a carrier after each answer from PostgreSQL (JFR saw a tenth of the turns' time as CPU).
            try {
                Database.onPlatformThread(() -> {
                    applyBatch(communityId, mine);
                    return null;
                });
            } catch (RuntimeException | Error e) {
                // applyBatch settles every change it took, its own result included, before it returns
                if (!mine.result.isDone()) mine.result.completeExceptionally(e);
            }
        }
        try {
            mine.result.join();
        } catch (CompletionException e) {
            var cause = e.getCause();
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
        }
    }

    /** Applies {@code first} and up to {@link #MAX_BATCH}-1 of the changes waiting behind it, then passes the turn on. */
    private void applyBatch(long communityId, Waiting first) {
        var batch = new ArrayList<Waiting>();
        batch.add(first);
        synchronized (this) {
            var queue = communities.get(communityId);
            while (batch.size() < MAX_BATCH && !queue.isEmpty()) batch.add(queue.poll());
        }
        // Failures known from an attempt that was undone: the same change, after the same changes, fails the same.
        var known = new Throwable[batch.size()];
        int savepointsFrom = batch.size();
        Throwable[] failures;
        Throwable whole = null;
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        while (true) {
            failures = known.clone();
            try {
                applyAll(communityId, batch, failures, savepointsFrom);
                break;
            } catch (UndoTurn undo) {
                if (undo.index >= 0 && savepointsFrom == batch.size()) {
                    // The first failure of this batch: done again up to it without it, then each in a savepoint.
                    known[undo.index] = undo.failure;
                    savepointsFrom = undo.index + 1;
                } else {
                    // A change before the first failure failed when done again, or the work the turn saved up
                    // failed: all of them in savepoints, nothing saved up.
                    Arrays.fill(known, null);
                    savepointsFrom = 0;
                }
                redone.increment();
            } catch (Throwable e) {
                whole = e; // the lock, a rollback to a savepoint or the commit failed: nothing of the batch stayed
                break;
            }
        }
        turnNanos.add(System.nanoTime() - start);
        cpuNanos.add(THREADS.getCurrentThreadCpuTime() - cpuStart);
        turns.increment();
        turnChanges.add(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            var failure = whole != null ? whole : failures[i];
            if (failure == null) batch.get(i).result.complete(null);
            else batch.get(i).result.completeExceptionally(failure);
        }
        synchronized (this) {
            var queue = communities.get(communityId);
            var next = queue.poll();
            if (next == null) communities.remove(communityId);
            else next.turn.complete(null);
        }
    }

    /**
     * One attempt at the batch in one transaction. The changes before {@code savepointsFrom} run without a
     * savepoint (one round trip fewer each: most changes are applied, and a failure is rare): the first of them
     * that fails undoes the whole attempt ({@link UndoTurn}), and the batch is done again knowing it. The
     * changes from {@code savepointsFrom} on each run in a savepoint of their own, undone alone when they fail.
     * A change with a failure in {@code failures} already (from the attempt undone) is not run again.
     */
    private void applyAll(long communityId, List<Waiting> batch, Throwable[] failures, int savepointsFrom) {
        long start = System.nanoTime();
        // From the turns' own pool: a turn never waits for a connection behind the workers that feed it.
        db.turns().transaction(c -> {
            Database.lockCommunity(c, communityId);
            var rows = batch.stream()
                    .mapToLong(w -> w.row)
                    .filter(r -> r != NO_ROW)
                    .toArray();
            Set<Long> taken = rows.length == 0 ? Set.of() : queue.completeAll(c, rows);
            long started = System.nanoTime();
            startNanos.add(started - start);
            try (var turn = CommunityTurn.open(c, communityId)) {
                for (int i = 0; i < batch.size(); i++) {
                    var change = batch.get(i);
                    if (change.row != NO_ROW && !taken.contains(change.row)) {
                        failures[i] = new InboundApplier.EndedElsewhere();
                        continue;
                    }
                    if (failures[i] != null) {
                        if (change.row != NO_ROW) queue.reopen(c, change.row);
                        continue;
                    }
                    if (i < savepointsFrom) {
                        // A post may save its announces up for the turn's end only while a failure undoes the
                        // whole attempt; anything else first has what was saved up done, so that it comes after.
                        boolean saves = change.keepsCommunityState && savepointsFrom == batch.size();
                        if (!saves) flush(turn);
                        try {
                            turn.defers(saves);
                            change.work.run(c);
                        } catch (SQLException | RuntimeException e) {
                            throw new UndoTurn(i, e instanceof SQLException s ? Database.failure(s) : e);
                        } finally {
                            turn.defers(false);
                        }
                    } else {
                        // Not released after it succeeds: that would be one more round trip each, and rolling back
                        // to the newest savepoint undoes the newest change alone either way.
                        var savepoint = c.setSavepoint();
                        try {
                            change.work.run(c);
                        } catch (SQLException | RuntimeException e) {
                            c.rollback(savepoint);
                            turn.forget();
                            if (change.row != NO_ROW) queue.reopen(c, change.row);
                            failures[i] = e instanceof SQLException s ? Database.failure(s) : e;
                            continue;
                        }
                    }
                    if (!change.keepsCommunityState) turn.forget();
                }
                try {
                    flush(turn);
                } finally {
                    changeNanos.add(System.nanoTime() - started);
                }
            }
            return null;
        });
    }

    /**
     * Does the work the turn's posts saved up; when that fails, no change is to blame: the attempt is undone and
     * the batch done again with nothing saved up.
     */
    private static void flush(CommunityTurn turn) {
        try {
            turn.flush();
        } catch (SQLException | RuntimeException e) {
            throw new UndoTurn(-1, e instanceof SQLException s ? Database.failure(s) : e);
        }
    }

    /** A change run without a savepoint failed: the attempt is rolled back and the batch done again. */
    private static final class UndoTurn extends RuntimeException {
        final int index;
        final Throwable failure;

        UndoTurn(int index, Throwable failure) {
            super(null, null, false, false);
            this.index = index;
            this.failure = failure;
        }
    }

    /** How many changes wait behind the batch being applied for this community (tests sequence arrivals with it). */
    synchronized int waiting(long communityId) {
        var queue = communities.get(communityId);
        return queue == null ? 0 : queue.size();
    }

    /** The community turns taken so far: how many, the changes they applied and their time in all. */
    InboundProcessor.Turns turns() {
        return new InboundProcessor.Turns(
                turns.sum(),
                turnChanges.sum(),
                turnNanos.sum(),
                redone.sum(),
                startNanos.sum(),
                changeNanos.sum(),
                cpuNanos.sum());
    }

    /** One change waiting: for its result, or for its worker's turn to apply the next batch. */
    private static final class Waiting {
        final long row;
        final SqlWork<Void> work;
        final boolean keepsCommunityState;
        final CompletableFuture<Void> turn = new CompletableFuture<>();
        final CompletableFuture<Void> result = new CompletableFuture<>();

        Waiting(long row, SqlWork<Void> work, boolean keepsCommunityState) {
            this.row = row;
            this.work = work;
            this.keepsCommunityState = keepsCommunityState;
        }
    }
}
