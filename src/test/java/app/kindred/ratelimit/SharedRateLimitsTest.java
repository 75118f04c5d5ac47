package app.kindred.ratelimit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestPostgres;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.TryLater;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two "processes" (each its own pool, its own client keys, its own RateLimits) on one real
 * PostgreSQL: the shared limits hold for both together, the per-process ones do not, and a refusal
 * this process can give alone costs no database round trip.
 */
class SharedRateLimitsTest {
    private static final Map<String, String> SMALL = Map.of(
            "KINDRED_LIMITS_SIGN_IN_ACCOUNT", "3/1m",
            "KINDRED_LIMITS_SIGN_UP", "4/1h",
            "KINDRED_LIMITS_COMMENT", "2/1m",
            "KINDRED_LIMITS_INBOUND_HOST", "10/1m");

    // One database and two pools for the class: migrating a fresh database per test costs seconds.
    private static String url;
    private static Database first;
    private static Database second;
    private final List<SharedBuckets> buckets = new ArrayList<>();

    @BeforeAll
    static void databases() {
        url = TestPostgres.newDatabase();
        first = open();
        second = open();
    }

    @AfterAll
    static void closeDatabases() {
        first.close();
        second.close();
    }

    @BeforeEach
    void empty() {
        first.transaction(c -> Sql.update(c, "delete from rate_limit_bucket"));
    }

    @AfterEach
    void close() {
        buckets.forEach(SharedBuckets::close);
    }

    private static Database open() {
        var env = new HashMap<String, String>(SMALL);
        env.put("KINDRED_DATABASE_POOL_SIZE", "2");
        return Database.open(TestPostgres.configFor(url, env));
    }

    private RateLimits process(Database db) {
        return process(db.dataSource(), db);
    }

    private RateLimits process(DataSource requests, Database db) {
        return process(requests, db, Map.of());
    }

    private RateLimits process(DataSource requests, Database db, Map<String, String> limits) {
        var keys = ClientKeys.sharedThrough(db, new SecureRandom(), Clock.systemUTC());
        var shared = new SharedBuckets(requests, db.background().dataSource(), keys);
        buckets.add(shared);
        var env = new HashMap<String, String>(TestPostgres.UNLIMITED);
        env.putAll(SMALL);
        env.putAll(limits);
        return new RateLimits(TestPostgres.configFor(url, env).limits(), Optional.of(shared));
    }

    /** A DataSource that counts the connections taken from {@code db}'s pool. */
    private DataSource counted(Database db, AtomicInteger connections) {
        return (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) connections.incrementAndGet();
                    return method.invoke(db.dataSource(), args);
                });
    }

    @Test
    void failedSignInsAgainstOneAccountCountOnEveryProcess() {
        var a = process(first);
        var b = process(second);
        a.count(Limit.SIGN_IN_ACCOUNT, "someone");
        a.count(Limit.SIGN_IN_ACCOUNT, "someone");
        assertDoesNotThrow(() -> b.check(Limit.SIGN_IN_ACCOUNT, "someone"), "two of three used");
        b.count(Limit.SIGN_IN_ACCOUNT, "someone");
        var refused = assertThrows(TryLater.class, () -> b.check(Limit.SIGN_IN_ACCOUNT, "someone"));
        assertTrue(refused.retryAfterSeconds() >= 1);
        assertThrows(TryLater.class, () -> a.check(Limit.SIGN_IN_ACCOUNT, "someone"));
        assertDoesNotThrow(() -> a.check(Limit.SIGN_IN_ACCOUNT, "someone else"), "other accounts are not touched");
    }

    @Test
    void ofTriesTakenAtOnceOnlyOneGetsTheLastFirstTryOnEitherProcess() throws InterruptedException {
        // A sign-in's "first try from this client" is a take that refuses nobody: 20 guesses at once, 10 on each
        // process, and exactly one is a first try (asking whether the client had failed and then taking let
        // every guess in flight be a first one).
        var a = process(first.dataSource(), first, Map.of("KINDRED_LIMITS_SIGN_IN_FIRST_TRY", "1/15m"));
        var b = process(second.dataSource(), second, Map.of("KINDRED_LIMITS_SIGN_IN_FIRST_TRY", "1/15m"));
        var firsts = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < 20; i++) {
            var limits = i % 2 == 0 ? a : b;
            threads.add(Thread.ofPlatform().start(() -> {
                if (limits.tryTake(Limit.SIGN_IN_FIRST_TRY, "one client")) firsts.incrementAndGet();
            }));
        }
        for (var t : threads) t.join();
        assertEquals(1, firsts.get());
        assertEquals(
                0, a.refusals(Limit.SIGN_IN_FIRST_TRY) + b.refusals(Limit.SIGN_IN_FIRST_TRY), "nobody was refused");
        // Given back (a right password, or never tried), it is there for the next try, on either process.
        assertTrue(a.tryTake(Limit.SIGN_IN_FIRST_TRY, "another client"));
        a.giveBack(Limit.SIGN_IN_FIRST_TRY, "another client");
        assertTrue(b.tryTake(Limit.SIGN_IN_FIRST_TRY, "another client"));
        assertFalse(a.tryTake(Limit.SIGN_IN_FIRST_TRY, "another client"));
    }

    @Test
    void signUpsFromOneClientAreLimitedAcrossProcessesThroughTheSameClientKey() {
        var dbA = first;
        var dbB = second;
        var keyA = ClientKeys.sharedThrough(dbA, new SecureRandom(), Clock.systemUTC());
        var keyB = ClientKeys.sharedThrough(dbB, new SecureRandom(), Clock.systemUTC());
        assertEquals(keyA.of("198.51.100.7"), keyB.of("198.51.100.7"), "every process names a client alike");
        var a = process(dbA);
        var b = process(dbB);
        var client = keyA.of("198.51.100.7");
        a.take(Limit.SIGN_UP, client);
        b.take(Limit.SIGN_UP, client);
        a.take(Limit.SIGN_UP, client);
        b.take(Limit.SIGN_UP, client);
        assertThrows(TryLater.class, () -> a.take(Limit.SIGN_UP, client));
        assertThrows(TryLater.class, () -> b.take(Limit.SIGN_UP, client));
        assertDoesNotThrow(() -> b.take(Limit.SIGN_UP, keyB.of("198.51.100.8")));
    }

    @Test
    void aMembersOwnPostingLimitStaysWithEachProcess() {
        var a = process(first);
        var b = process(second);
        var key = RateLimits.memberKey(7);
        a.take(Limit.COMMENT, key);
        a.take(Limit.COMMENT, key);
        assertThrows(TryLater.class, () -> a.take(Limit.COMMENT, key));
        assertDoesNotThrow(() -> b.take(Limit.COMMENT, key), "kept in each process (Limit.shared)");
        assertEquals(0L, rows(first, "select count(*) from rate_limit_bucket"));
    }

    @Test
    void aRefusalThisProcessCanGiveAloneAsksNoDatabase() {
        var db = first;
        var connections = new AtomicInteger();
        var limits = process(counted(db, connections), db);
        for (int i = 0; i < 4; i++) limits.take(Limit.SIGN_UP, "client");
        int asked = connections.get();
        System.out.println("connections for 4 shared takes of one new key: " + asked);
        assertTrue(asked >= 4 && asked <= 8, "one or two transactions for each sign-up that passed: " + asked);
        for (int i = 0; i < 20; i++) assertThrows(TryLater.class, () -> limits.take(Limit.SIGN_UP, "client"));
        assertEquals(asked, connections.get(), "refused by this process's own bucket: no database round trip");
        limits.take(Limit.COMMENT, RateLimits.memberKey(1));
        assertEquals(asked, connections.get(), "limits of each process never ask the database");
    }

    @Test
    void inboundActivitiesOfOneHostAreLimitedAcrossProcesses() {
        var a = process(first);
        var b = process(second);
        int passed = 0;
        for (int i = 0; i < 15; i++) {
            try {
                a.take(Limit.INBOUND_HOST, "flood.example");
                passed++;
            } catch (TryLater e) {
                // refused
            }
        }
        assertEquals(10, passed, "one process alone gives the host its 10");
        assertThrows(TryLater.class, () -> a.take(Limit.INBOUND_HOST, "flood.example"));
        assertThrows(TryLater.class, () -> b.take(Limit.INBOUND_HOST, "flood.example"));
        assertDoesNotThrow(() -> b.take(Limit.INBOUND_HOST, "other.example"));
    }

    @Test
    void aBusyHostsActivitiesTakeTheSharedBucketAFewAtATimeAndTheInstanceStillGivesNoMore() {
        // 640 a day: a process takes 10 at once from the shared bucket (RateLimits.MOST_AHEAD), and
        // in a test's few seconds nothing refills.
        var limit = Map.of("KINDRED_LIMITS_INBOUND_HOST", "640/1d");
        var connections = new AtomicInteger();
        var a = process(counted(first, connections), first, limit);
        var b = process(second.dataSource(), second, limit);
        for (int i = 0; i < 100; i++) a.take(Limit.INBOUND_HOST, "busy.example");
        System.out.println("connections for 100 shared takes of one host: " + connections.get());
        assertTrue(
                connections.get() >= 10 && connections.get() <= 15,
                "one transaction per ten activities (and one more for a new row): " + connections.get());
        int passed = 100;
        boolean aRefused = false, bRefused = false;
        for (int i = 0; i < 1_000 && !(aRefused && bRefused); i++) {
            var process = i % 2 == 0 ? a : b;
            try {
                process.take(Limit.INBOUND_HOST, "busy.example");
                passed++;
            } catch (TryLater e) {
                assertTrue(e.retryAfterSeconds() >= 1);
                if (process == a) aRefused = true;
                else bRefused = true;
            }
        }
        assertTrue(aRefused && bRefused, "both processes refuse the host in the end");
        assertEquals(640, passed, "the two processes together let through exactly the instance's 640");
        // A token given back is the instance's again: this process spends it without asking the table.
        a.giveBack(Limit.INBOUND_HOST, "busy.example");
        int asked = connections.get();
        assertDoesNotThrow(() -> a.take(Limit.INBOUND_HOST, "busy.example"));
        assertEquals(asked, connections.get());
        assertThrows(TryLater.class, () -> b.take(Limit.INBOUND_HOST, "busy.example"));
    }

    @Test
    void anAccountNameIsNeverWrittenToTheTable() {
        var db = first;
        var limits = process(db);
        limits.count(Limit.SIGN_IN_ACCOUNT, "correct horse battery staple");
        var ids = db.read(c -> Sql.list(c, "select id from rate_limit_bucket", rs -> rs.getString(1)));
        assertEquals(1, ids.size());
        assertFalse(ids.getFirst().contains("horse"), ids.toString());
        assertTrue(ids.getFirst().startsWith("sign_in_account:"), ids.toString());
    }

    @Test
    void theClientKeySecretChangesEachDayAndOnlyTheDaysSecretIsKept() {
        var db = first;
        var day = new AtomicInteger();
        var clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.parse("2031-01-01T12:00:00Z").plus(Duration.ofDays(day.get()));
            }
        };
        var keys = ClientKeys.sharedThrough(db, new SecureRandom(), clock);
        var today = keys.of("198.51.100.7");
        day.incrementAndGet();
        var tomorrow = keys.of("198.51.100.7");
        assertNotEquals(today, tomorrow);
        day.incrementAndGet();
        var dayAfter = keys.of("198.51.100.7");
        assertNotEquals(tomorrow, dayAfter);
        // Yesterday's stays for processes whose clocks are a little behind at midnight; older ones go.
        assertEquals(2L, rows(db, "select count(*) from rate_limit_secret"));
        assertEquals(0L, rows(db, "select count(*) from rate_limit_secret where day < 22281"));
        assertEquals(
                dayAfter,
                ClientKeys.sharedThrough(db, new SecureRandom(), clock).of("198.51.100.7"),
                "another process finds the same secret");
    }

    @Test
    void rowsOfBucketsBackAtRestAreSwept() {
        var db = first;
        var limits = process(db);
        limits.take(Limit.SIGN_UP, "one");
        limits.take(Limit.SIGN_UP, "two");
        db.transaction(c -> Sql.update(c, "update rate_limit_bucket set expires_at = 0 where id like '%:one'"));
        assertEquals(1, buckets.getFirst().sweep());
        assertEquals(1L, rows(db, "select count(*) from rate_limit_bucket"));
    }

    /** Reported, not asserted: what a shared limit adds to a limited request, beside the memory bucket. */
    @Test
    void costOfASharedLimit() {
        var db = first;
        var limits = process(db);
        var local = new RateLimits(TestPostgres.configFor(url, Map.of()).limits());
        for (int i = 0; i < 50; i++) limits.take(Limit.SIGN_UP, "warm" + i);
        int n = 500;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) limits.count(Limit.SIGN_IN_CLIENT, "client" + (i % 50));
        long shared = System.nanoTime() - start;
        start = System.nanoTime();
        for (int i = 0; i < n; i++) local.count(Limit.SIGN_IN_CLIENT, "client" + (i % 50));
        long inMemory = System.nanoTime() - start;
        System.out.printf(
                "shared limit: %.0f µs per counted request; in memory: %.1f µs (load %s)%n",
                shared / 1000.0 / n,
                inMemory / 1000.0 / n,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        assertTrue(shared > 0);
    }

    private static long rows(Database db, String sql) {
        return db.read(c -> Sql.count(c, sql));
    }
}
