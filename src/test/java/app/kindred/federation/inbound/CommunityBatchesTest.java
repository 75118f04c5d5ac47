package app.kindred.federation.inbound;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import app.kindred.HeldCommunityLock;
import app.kindred.TestPostgres;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.storage.SqlWork;
import app.kindred.storage.StorageException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Received changes to one community are applied one at a time in the order they arrived, those that wait
 * together in one transaction under one take of the community's lock; a change that fails is undone alone.
 */
class CommunityBatchesTest {
    private static final long COMMUNITY = 7;

    private Database db;
    private CommunityBatches batches;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void open() {
        // A pool of 4 while 6 changes wait: only the worker applying a batch holds a connection.
        db = Database.open(TestPostgres.config(Map.of("KINDRED_DATABASE_POOL_SIZE", "4")));
        db.transaction(c ->
                Sql.update(c, "create table applied (seq serial primary key, name text not null, tx bigint not null)"));
        batches = new CommunityBatches(db, new InboundQueue());
    }

    @AfterEach
    void close() throws InterruptedException {
        for (var t : threads) t.join(10_000);
        db.close();
    }

    /** A change that records its name and the transaction it ran in. */
    private static SqlWork<Void> record(String name) {
        return c -> {
            Sql.update(c, "insert into applied (name, tx) values (?, txid_current())", name);
            return null;
        };
    }

    /** Applies the change on a worker of its own; the future says how it went. */
    private CompletableFuture<Void> start(SqlWork<Void> work) {
        var done = new CompletableFuture<Void>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                batches.apply(COMMUNITY, work);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }));
        return done;
    }

    /**
     * Holds the community's lock (as a change through the API would) until released, so that the first
     * change's worker waits in its transaction while the next ones queue behind it.
     */
    private HeldCommunityLock holdLock() throws InterruptedException {
        return HeldCommunityLock.hold(db, COMMUNITY);
    }

    private record Row(String name, long tx) {}

    private List<Row> applied() {
        return db.read(c -> Sql.list(
                c, "select name, tx from applied order by seq", rs -> new Row(rs.getString(1), rs.getLong(2))));
    }

    /** Waits until the first change's worker waits for the community's lock in its transaction. */
    private void awaitLockWaiter() throws Exception {
        eventually(
                Duration.ofSeconds(5),
                () -> assertEquals(1L, (long) db.read(c ->
                        Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"))));
    }

    /** Starts {@code work} and waits until it queues behind the batch being applied. */
    private CompletableFuture<Void> queue(SqlWork<Void> work, int waitingAfter) throws Exception {
        var result = start(work);
        eventually(Duration.ofSeconds(5), () -> assertEquals(waitingAfter, batches.waiting(COMMUNITY)));
        return result;
    }

    @Test
    void changesThatWaitAreAppliedTogetherInOneTransactionInTheOrderTheyArrived() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        // The first change's worker applies a batch of one and waits for the lock; the others queue behind it.
        awaitLockWaiter();
        var rest = new ArrayList<CompletableFuture<Void>>();
        for (int i = 1; i <= 5; i++) rest.add(queue(record("next-" + i), i));

        release.release();
        first.get();
        for (var f : rest) f.get();

        var rows = applied();
        assertEquals(
                List.of("first", "next-1", "next-2", "next-3", "next-4", "next-5"),
                rows.stream().map(Row::name).toList(),
                "applied one after another in the order they arrived");
        assertNotEquals(rows.get(0).tx(), rows.get(1).tx(), "the first batch was already under way");
        assertEquals(
                1,
                rows.subList(1, 6).stream().map(Row::tx).distinct().count(),
                "the five that waited were applied in one transaction");
        assertEquals(0, batches.waiting(COMMUNITY));
    }

    @Test
    void aChangeThatFailsIsUndoneAloneAndTheOthersOfItsBatchCommit() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        awaitLockWaiter();
        var before = queue(record("before"), 1);
        // Writes, then a rule refuses it: its write is undone.
        var refused = queue(
                c -> {
                    record("refused").run(c);
                    throw new IllegalStateException("a rule refused it");
                },
                2);
        // Writes, then a statement fails: PostgreSQL aborts the transaction unless it goes back to the savepoint.
        var broken = queue(
                c -> {
                    record("broken").run(c);
                    Sql.one(c, "select 1 / 0", rs -> rs.getInt(1));
                    return null;
                },
                3);
        var after = queue(record("after"), 4);

        release.release();
        first.get();
        before.get();
        after.get();
        var refusal = assertInstanceOf(
                IllegalStateException.class, refused.handle((ok, e) -> e).get());
        assertEquals("a rule refused it", refusal.getMessage());
        assertInstanceOf(StorageException.class, broken.handle((ok, e) -> e).get());

        assertEquals(
                List.of("first", "before", "after"),
                applied().stream().map(Row::name).toList(),
                "the failed changes left nothing; the others of their batch were applied");
    }

    @Test
    void aFailedChangeIsRunOnceAndTheBatchIsDoneAgainWithoutIt() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        awaitLockWaiter();
        var runs = new AtomicInteger();
        var before = queue(record("before"), 1);
        // Without a savepoint of its own, its failure undoes the attempt; the batch is done again without it.
        var refused = queue(
                c -> {
                    runs.incrementAndGet();
                    record("refused").run(c);
                    throw new IllegalStateException("a rule refused it");
                },
                2);
        var after = queue(record("after"), 3);
        var turnsBefore = batches.turns();

        release.release();
        first.get();
        before.get();
        after.get();
        assertInstanceOf(
                IllegalStateException.class, refused.handle((ok, e) -> e).get());

        assertEquals(1, runs.get(), "the change that failed is not run a second time");
        var rows = applied();
        assertEquals(
                List.of("first", "before", "after"),
                rows.stream().map(Row::name).toList());
        assertEquals(rows.get(1).tx(), rows.get(2).tx(), "the rest of the batch still commits together");
        var turns = batches.turns().since(turnsBefore);
        assertEquals(2, turns.turns(), "the first change's turn, then one for the three that waited");
        assertEquals(1, turns.redone(), "one attempt was undone and done again");
    }

    /** Records saved up by a turn's changes and written at once, as a turn's posts' announces are. */
    private static final class Saved implements CommunityTurn.Deferred {
        final List<String> names = new ArrayList<>();
        final AtomicInteger flushes;

        Saved(AtomicInteger flushes) {
            this.flushes = flushes;
        }

        @Override
        public void flush(Connection c) throws SQLException {
            for (var name : names) record(name).run(c);
            flushes.incrementAndGet();
        }
    }

    /** A change that saves its record up for the turn when it may, else writes it at once. */
    private static SqlWork<Void> saved(String name, AtomicInteger flushes) {
        return c -> {
            var saved = CommunityTurn.deferred(c, COMMUNITY, Saved.class, () -> new Saved(flushes));
            if (saved.isPresent()) saved.get().names.add(name);
            else record(name).run(c);
            return null;
        };
    }

    private CompletableFuture<Void> queueKeeping(SqlWork<Void> work, int waitingAfter) throws Exception {
        var done = new CompletableFuture<Void>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                batches.apply(COMMUNITY, CommunityBatches.NO_ROW, work, true);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }));
        eventually(Duration.ofSeconds(5), () -> assertEquals(waitingAfter, batches.waiting(COMMUNITY)));
        return done;
    }

    @Test
    void postsSaveWorkUpForTheTurnAndAnyOtherChangeComesAfterWhatTheyHadSavedUp() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        awaitLockWaiter();
        var flushes = new AtomicInteger();
        var changes = List.of(
                queueKeeping(saved("post-1", flushes), 1),
                queueKeeping(saved("post-2", flushes), 2),
                // Not a post (a ban, an Update): what the posts before it saved up is written before it.
                queue(record("other"), 3),
                queueKeeping(saved("post-3", flushes), 4));

        release.release();
        first.get();
        for (var f : changes) f.get();

        var rows = applied();
        assertEquals(
                List.of("first", "post-1", "post-2", "other", "post-3"),
                rows.stream().map(Row::name).toList(),
                "in the order the changes were applied");
        assertEquals(2, flushes.get(), "the first two posts' records in one go, the third's at the turn's end");
        assertEquals(1, rows.subList(1, 5).stream().map(Row::tx).distinct().count());
    }

    @Test
    void afterAFailureInTheTurnNothingIsSavedUpAndTheRestIsAppliedInOrder() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        awaitLockWaiter();
        var flushes = new AtomicInteger();
        var one = queueKeeping(saved("post-1", flushes), 1);
        var failing = queueKeeping(
                c -> {
                    saved("refused", flushes).run(c);
                    throw new IllegalStateException("a rule refused it");
                },
                2);
        var two = queueKeeping(saved("post-2", flushes), 3);

        release.release();
        first.get();
        one.get();
        two.get();
        assertInstanceOf(
                IllegalStateException.class, failing.handle((ok, e) -> e).get());
        assertEquals(
                List.of("first", "post-1", "post-2"),
                applied().stream().map(Row::name).toList(),
                "the refused change's saved-up record went with its undone attempt");
        assertEquals(0, flushes.get(), "done again, each change wrote its own at once");
    }

    /** An inbound row as the inbox stores it, pending or already ended (by another process). */
    private long inboundRow(String name, String state) {
        return db.transaction(c -> Sql.insert(c, """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme, state)
                values (?, 'Create', 'https://remote.example/u/a', '/inbox', '{}'::jsonb, 'cavage', ?) returning id""", "https://remote.example/activities/" + name, state));
    }

    private String state(long row) {
        return db.read(c -> Sql.one(
                        c,
                        "select state || ' ' || (processed_at is not null) from inbound_activity where id = ?",
                        rs -> rs.getString(1),
                        row))
                .orElseThrow();
    }

    /** Applies the change with its inbound row on a worker of its own. */
    private CompletableFuture<Void> startWithRow(long row, SqlWork<Void> work) {
        var done = new CompletableFuture<Void>();
        threads.add(Thread.ofVirtual().start(() -> {
            try {
                batches.apply(COMMUNITY, row, work);
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }));
        return done;
    }

    @Test
    void aBatchMarksItsRowsAppliedOnceAndAFailedChangeLeavesItsRowPending() throws Exception {
        long firstRow = inboundRow("first", "pending"), okRow = inboundRow("ok", "pending");
        long failingRow = inboundRow("failing", "pending"), endedRow = inboundRow("ended", "done");
        var release = holdLock();
        var first = startWithRow(firstRow, record("first"));
        awaitLockWaiter();
        var failing = startWithRow(failingRow, c -> {
            record("failing").run(c);
            throw new IllegalStateException("a rule refused it");
        });
        eventually(Duration.ofSeconds(5), () -> assertEquals(1, batches.waiting(COMMUNITY)));
        // Another process ended this row first: its change must not be applied a second time.
        var ended = startWithRow(endedRow, record("ended"));
        eventually(Duration.ofSeconds(5), () -> assertEquals(2, batches.waiting(COMMUNITY)));
        var ok = startWithRow(okRow, record("ok"));
        eventually(Duration.ofSeconds(5), () -> assertEquals(3, batches.waiting(COMMUNITY)));

        release.release();
        first.get();
        ok.get();
        assertInstanceOf(
                IllegalStateException.class, failing.handle((done, e) -> e).get());
        assertInstanceOf(
                InboundApplier.EndedElsewhere.class,
                ended.handle((done, e) -> e).get());

        assertEquals(List.of("first", "ok"), applied().stream().map(Row::name).toList());
        assertEquals("done true", state(firstRow));
        assertEquals("done true", state(okRow));
        assertEquals("pending false", state(failingRow), "left to be recorded as failed or tried again");
        assertEquals("done false", state(endedRow), "left as the other process ended it");
    }

    @Test
    void whenTheBatchTransactionFailsEveryChangeInItFailsAndNoneIsHalfApplied() throws Exception {
        var release = holdLock();
        var first = start(record("first"));
        awaitLockWaiter();
        var one = queue(record("one"), 1);
        // Breaks the connection's transaction beyond what a savepoint can undo.
        var breaking = queue(
                c -> {
                    Sql.one(c, "select pg_terminate_backend(pg_backend_pid())", rs -> true);
                    return null;
                },
                2);
        var two = queue(record("two"), 3);

        release.release();
        first.get();
        for (var f : List.of(one, breaking, two))
            assertInstanceOf(RuntimeException.class, f.handle((ok, e) -> e).get());
        assertEquals(List.of("first"), applied().stream().map(Row::name).toList());

        // The community is not left marked busy: the next change is applied at once.
        start(record("later")).get();
        assertEquals("later", applied().getLast().name());
    }
}
