package app.kindred.ratelimit;

import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.storage.Database;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buckets of the limits that hold for the whole instance, kept in PostgreSQL (table
 * {@code rate_limit_bucket}, V40) through Bucket4j's PostgreSQL integration, so every process on the
 * database takes from the same bucket. Each operation is one short transaction ({@code SELECT ... FOR
 * UPDATE}, then {@code UPDATE}) on the request pool, outside any transaction of the caller's.
 *
 * <p>When the database cannot answer (pool exhausted, database away), the answer of this process's own
 * bucket stands: a limit per process is a calm fallback, a 500 on a sign-in is not.
 */
public final class SharedBuckets implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SharedBuckets.class);
    /** Above this many proxies of one limit in memory, they are dropped: the state is in the table. */
    private static final int FORGET_ABOVE = 50_000;

    private final ProxyManager<String> requests;
    private final PostgreSQLSelectForUpdateBasedProxyManager<String> sweeper;
    private final ClientKeys keys;
    private final Map<Limit, Map<String, BucketProxy>> proxies = new EnumMap<>(Limit.class);
    // Per limit and key: tokens taken from the table ahead of need (see Ahead).
    private final Map<Limit, Map<String, Ahead>> ahead = new EnumMap<>(Limit.class);
    private final AtomicLong lastWarning = new AtomicLong();
    private ScheduledExecutorService sweeping;

    public SharedBuckets(Database database, ClientKeys keys) {
        this(database.dataSource(), database.background().dataSource(), keys);
    }

    /** Requests' buckets through {@code requests}, the sweep through {@code background}. */
    SharedBuckets(DataSource requests, DataSource background, ClientKeys keys) {
        this.requests = manager(requests);
        this.sweeper = manager(background);
        this.keys = keys;
        for (var limit : Limit.values()) {
            proxies.put(limit, new ConcurrentHashMap<>());
            ahead.put(limit, new ConcurrentHashMap<>());
        }
    }

    private static PostgreSQLSelectForUpdateBasedProxyManager<String> manager(DataSource source) {
        return Bucket4jPostgreSQL.selectForUpdateBasedBuilder(source)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("rate_limit_bucket")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                // A row may go a minute after its bucket is full again: a new one would answer the same.
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    /**
     * Takes one; empty when the table could not be asked. With {@code ahead} above one, up to that many
     * are taken from the table at once and this process spends them one by one before it asks again
     * (see {@link Ahead}); with one, every take is a transaction on the row.
     */
    Optional<ConsumptionProbe> take(Limit limit, String version, String key, BucketConfiguration config, int ahead) {
        if (ahead <= 1) return ask(() -> proxy(limit, version, key, config).tryConsumeAndReturnRemaining(1));
        var held = held(limit, key);
        // One asker per key at a time: the others wait for its answer rather than each taking a share.
        synchronized (held) {
            if (held.tokens > 0) {
                held.tokens--;
                return Optional.of(ConsumptionProbe.consumed(held.tokens, 0));
            }
            return ask(() -> {
                var bucket = proxy(limit, version, key, config);
                long taken = bucket.tryConsumeAsMuchAsPossible(ahead);
                if (taken > 0) {
                    held.tokens = taken - 1;
                    return ConsumptionProbe.consumed(held.tokens, 0);
                }
                // Nothing left for the instance: asked once more for how long to wait (or to pass, if one came back).
                return bucket.tryConsumeAndReturnRemaining(1);
            });
        }
    }

    /** Counts one without refusing. */
    void count(Limit limit, String version, String key, BucketConfiguration config, int ahead) {
        if (ahead > 1) take(limit, version, key, config, ahead);
        else ask(() -> proxy(limit, version, key, config).tryConsume(1));
    }

    /**
     * Puts one back (never past the bucket's capacity). A limit taken ahead keeps it among this process's
     * tokens held ahead: they are the instance's, so it is back for the instance all the same.
     */
    void giveBack(Limit limit, String version, String key, BucketConfiguration config, int ahead) {
        if (ahead > 1) {
            var held = held(limit, key);
            synchronized (held) {
                if (held.tokens < ahead) held.tokens++;
            }
            return;
        }
        ask(() -> {
            proxy(limit, version, key, config).addTokens(1);
            return Boolean.TRUE;
        });
    }

    /** How long until one more may pass; empty when the table could not be asked. */
    Optional<Duration> waitFor(Limit limit, String version, String key, BucketConfiguration config) {
        if (heldNow(limit, key) > 0) return Optional.of(Duration.ZERO);
        return ask(() -> Duration.ofNanos(
                proxy(limit, version, key, config).estimateAbilityToConsume(1).getNanosToWaitForRefill()));
    }

    /**
     * Tokens this process took from a shared bucket ahead of need and has not spent yet (guarded by
     * itself). A busy key then costs one transaction per {@code ahead} requests instead of one each: an
     * inbound flood from one host ran every request through {@code SELECT ... FOR UPDATE} on the same
     * row, which PostgreSQL spent more time on than on storing the activity. They are the instance's
     * tokens, spent only here, so the instance never lets more through than its bucket holds; another
     * process may be refused while this one still holds a few (at most {@code ahead - 1} per key).
     */
    private static final class Ahead {
        long tokens;
    }

    private Ahead held(Limit limit, String key) {
        var map = ahead.get(limit);
        // Forgetting tokens held ahead only makes the instance stricter for a moment.
        if (map.size() > FORGET_ABOVE) map.clear();
        return map.computeIfAbsent(key, k -> new Ahead());
    }

    private long heldNow(Limit limit, String key) {
        var held = ahead.get(limit).get(key);
        if (held == null) return 0;
        synchronized (held) {
            return held.tokens;
        }
    }

    private <T> Optional<T> ask(Supplier<T> operation) {
        try {
            return Optional.of(operation.get());
        } catch (RuntimeException e) {
            // At most one line a minute: an outage must not also flood the log.
            long now = System.nanoTime(), last = lastWarning.get();
            if (now - last > TimeUnit.MINUTES.toNanos(1) && lastWarning.compareAndSet(last, now)) {
                log.warn("shared rate limits unavailable, each process limits alone for now: {}", e.toString());
            }
            return Optional.empty();
        }
    }

    private BucketProxy proxy(Limit limit, String version, String key, BucketConfiguration config) {
        var map = proxies.get(limit);
        if (map.size() > FORGET_ABOVE) map.clear();
        // No Bucket4j "delaying" optimization: it flushes a process's unsynced tokens only on that
        // bucket's next remote call, which the memory fast path in RateLimits skips once the process's
        // own bucket is empty, so a flooding host's tokens would never reach the table.
        return map.computeIfAbsent(key, k -> requests.builder().build(rowId(limit, version, k), () -> config));
    }

    /**
     * The row of a limit's key. The version (a checksum of the limit's bands) starts fresh buckets when
     * an admin changes a limit. Account names are HMACed like client addresses: a password typed into
     * the name field must not end up in a table.
     */
    private String rowId(Limit limit, String version, String key) {
        var stored = limit == Limit.SIGN_IN_ACCOUNT ? keys.of("account:" + key) : key;
        return limit.name().toLowerCase() + ":" + version + ":" + stored;
    }

    /** Deletes rows of buckets long back at rest, every ten minutes, from the background pool. */
    public synchronized void startSweeping() {
        if (sweeping != null) return;
        sweeping = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "kindred-rate-limit-sweep");
            t.setDaemon(true);
            return t;
        });
        sweeping.scheduleWithFixedDelay(this::sweep, 1, 10, TimeUnit.MINUTES);
    }

    /** Deletes expired rows; returns how many. Several processes may sweep at once (SKIP LOCKED). */
    public int sweep() {
        int removed = 0;
        try {
            for (int round = 0; round < 100; round++) {
                int batch = sweeper.removeExpired(1000);
                removed += batch;
                if (batch < 1000) break;
            }
        } catch (RuntimeException e) {
            log.warn("could not delete expired rate limit buckets: {}", e.toString());
        }
        return removed;
    }

    @Override
    public synchronized void close() {
        if (sweeping != null) sweeping.shutdownNow();
    }
}
