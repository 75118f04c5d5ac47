package app.kindred.storage;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.HeldCommunityLock;
import app.kindred.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * Changes to one community through {@link Database#inCommunity} wait for each other in the process without
 * holding a connection: a crowd of them (a hundred local posts a second into one community) used to take every
 * pooled connection, each waiting for the community's lock, and everything else that needed one was answered
 * 503. They still run one at a time, in the order they came, and their work runs on a platform thread.
 */
class CommunityLineTest {
    private static final long COMMUNITY = 42;
    private Database db;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeEach
    void open() {
        // Three connections: one for the lock held below, one for the change whose turn it is, one for a reader.
        db = Database.open(TestPostgres.config(Map.of("KINDRED_DATABASE_POOL_SIZE", "3")));
    }

    @AfterEach
    void close() throws InterruptedException {
        for (var t : threads) t.join(10_000);
        db.close();
    }

    @Test
    void changesWaitingForACommunityHoldNoConnectionAndRunInTheOrderTheyCame() throws Exception {
        var lock = HeldCommunityLock.hold(db, COMMUNITY);
        var ran = Collections.synchronizedList(new ArrayList<String>());
        var changes = new ArrayList<CompletableFuture<Void>>();
        for (int i = 1; i <= 5; i++) {
            var name = "change-" + i;
            var done = new CompletableFuture<Void>();
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    db.inCommunity(COMMUNITY, c -> {
                        ran.add(name + (Thread.currentThread().isVirtual() ? " on a virtual thread" : ""));
                        return null;
                    });
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }));
            changes.add(done);
            // Each starts after the one before it is waiting, so that their order is the order they came in.
            int waiting = i;
            eventually(Duration.ofSeconds(5), () -> assertEquals(waiting, waitingChanges()));
        }

        // Five changes wait, yet a reader gets a connection at once: only the first of them holds one.
        long started = System.nanoTime();
        assertEquals(1L, (long) db.read(c -> Sql.count(c, "select 1")));
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "a connection was free");
        assertTrue(ran.isEmpty());

        lock.release();
        for (var change : changes) change.get();
        assertEquals(List.of("change-1", "change-2", "change-3", "change-4", "change-5"), ran);
        for (var change : changes) assertFalse(change.isCompletedExceptionally());
    }

    @Test
    void theChangeRunsOnAPlatformThreadWithTheRequestsLogContext() throws Exception {
        var seen = new CompletableFuture<String>();
        threads.add(Thread.ofVirtual().start(() -> {
            MDC.put("request", "r-17");
            try {
                db.inCommunity(COMMUNITY, c -> {
                    seen.complete((Thread.currentThread().isVirtual() ? "virtual " : "platform ") + MDC.get("request"));
                    return null;
                });
            } catch (Throwable e) {
                seen.completeExceptionally(e);
            } finally {
                MDC.clear();
            }
        }));
        assertEquals("platform r-17", seen.get());
    }

    /** Changes waiting: the one waiting for the community's lock in PostgreSQL, and those lined up behind it here. */
    private long waitingChanges() {
        long inDatabase =
                db.read(c -> Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"));
        return inDatabase + db.queuedForCommunity(COMMUNITY);
    }
}
