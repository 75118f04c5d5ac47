package app.kindred.storage;

import app.kindred.config.Config;
import app.kindred.refusal.Refusal;
import app.kindred.refusal.TryLater;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The connection pool, the schema migrations and, in embedded mode, the PostgreSQL we run
 * ourselves. Everything shared between processes lives behind this.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** What a caller told to wait should wait: long enough for a burst to pass, short enough to feel alive. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    private final HikariDataSource pool;
    private final Optional<EmbeddedPostgresServer> embedded;
    private final String url;
    private final Properties credentials = new Properties();
    // The inbound processor's and delivery workers' own connections; null in the background Database itself.
    private final Database background;
    // The communities' turns' own connections (CommunityBatches); null in the turns' Database itself.
    private final Database turns;
    // Changes to a community through inCommunity wait their turn here, holding no connection, so that a crowd of
    // them cannot take every pooled connection while each waits for the community's lock (shared by the pools).
    private final ReentrantLock[] communityOrder;
    private final LongAdder timedOutWaits = new LongAdder();
    private final LongAdder taken = new LongAdder();
    // Committed transactions of this process, both pools together (issue 14: ReadableChanges).
    private final AtomicLong commits;

    private Database(
            HikariDataSource pool,
            Optional<EmbeddedPostgresServer> embedded,
            String url,
            String user,
            String password,
            Database background,
            Database turns,
            AtomicLong commits,
            ReentrantLock[] communityOrder) {
        this.commits = commits;
        this.communityOrder = communityOrder;
        this.turns = turns;
        this.pool = pool;
        this.embedded = embedded;
        this.url = url;
        if (!user.isEmpty()) credentials.setProperty("user", user);
        if (!password.isEmpty()) credentials.setProperty("password", password);
        this.background = background;
    }

    /**
     * The same database through a pool of its own for background work (inbound processing,
     * deliveries): a flood of page views cannot take the connections federation needs, nor the reverse.
     */
    public Database background() {
        return background == null ? this : background;
    }

    /**
     * The same database through a small pool of its own for the communities' turns: the changes to one community
     * are applied one turn at a time, and a turn that waited for a connection behind the inbound workers (which
     * use the background pool for their reads) held up every change queued behind it.
     */
    public Database turns() {
        return turns == null ? this : turns;
    }

    /** The pool as it stands, for the metrics: connections in use, idle, in all, allowed, and requests waiting for one. */
    public record PoolState(int active, int idle, int total, int max, int waiting, long timedOutWaits) {}

    public PoolState poolState() {
        var bean = pool.getHikariPoolMXBean();
        if (bean == null) return new PoolState(0, 0, 0, pool.getMaximumPoolSize(), 0, timedOutWaits.sum());
        return new PoolState(
                bean.getActiveConnections(),
                bean.getIdleConnections(),
                bean.getTotalConnections(),
                pool.getMaximumPoolSize(),
                bean.getThreadsAwaitingConnection(),
                timedOutWaits.sum());
    }

    /**
     * Transactions this process has committed, through either pool: moves right after each commit,
     * so a page kept from before a change made here is never served after the change returns.
     */
    public long commits() {
        return commits.get();
    }

    /** For the one long-lived connection that LISTENs, which must not hold a pooled connection forever. */
    public String jdbcUrl() {
        return url;
    }

    public Properties jdbcProperties() {
        var copy = new Properties();
        copy.putAll(credentials);
        return copy;
    }

    /** Connects (starting or joining the embedded PostgreSQL when no URL is configured) and migrates. */
    public static Database open(Config config) {
        var db = config.database();
        Optional<EmbeddedPostgresServer> embedded = Optional.empty();
        String url = db.url(), user = db.user(), password = db.password();
        if (db.embedded()) {
            var server = EmbeddedPostgresServer.startOrJoin(config.dataDir().resolve("postgres"));
            embedded = server.owned() ? Optional.of(server) : Optional.empty();
            url = server.jdbcUrl();
            user = EmbeddedPostgresServer.USER;
            password = "";
        }
        HikariDataSource backgroundPool = null, turnPool = null;
        try {
            // Background work waits longer for a connection than a person would: nobody watches it, and
            // a retry costs more than a wait.
            backgroundPool =
                    pool(url, user, password, db.backgroundPoolSize(), Duration.ofSeconds(30), "kindred-db-background");
            turnPool = pool(url, user, password, db.turnPoolSize(), Duration.ofSeconds(30), "kindred-db-turns");
            var commits = new AtomicLong();
            var order = new ReentrantLock[COMMUNITY_ORDER_STRIPES];
            for (int i = 0; i < order.length; i++) order[i] = new ReentrantLock(true);
            var turns = new Database(turnPool, Optional.empty(), url, user, password, null, null, commits, order);
            var background =
                    new Database(backgroundPool, Optional.empty(), url, user, password, null, turns, commits, order);
            var database = new Database(
                    pool(url, user, password, db.poolSize(), db.connectionWait(), "kindred-db"),
                    embedded,
                    url,
                    user,
                    password,
                    background,
                    turns,
                    commits,
                    order);
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            if (backgroundPool != null) backgroundPool.close();
            if (turnPool != null) turnPool.close();
            embedded.ifPresent(EmbeddedPostgresServer::stop);
            throw e;
        }
    }

    private static HikariDataSource pool(
            String url, String user, String password, int size, Duration wait, String name) {
        var hc = new HikariConfig();
        hc.setJdbcUrl(url);
        if (!user.isEmpty()) hc.setUsername(user);
        if (!password.isEmpty()) hc.setPassword(password);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        // Hikari's floor is 250 ms.
        hc.setConnectionTimeout(Math.max(250, wait.toMillis()));
        hc.setPoolName(name);
        // Start even if the database is briefly away; health reports it and requests fail clearly.
        hc.setInitializationFailTimeout(-1);
        return new HikariDataSource(hc);
    }

    public void migrate() {
        var result = Flyway.configure()
                .dataSource(pool)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        if (result.migrationsExecuted > 0) log.info("applied {} database migration(s)", result.migrationsExecuted);
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * A pooled connection, or {@link TryLater} (503 with Retry-After) when none came free in time:
     * an exhausted pool is load to shed calmly, not a failure to report.
     */
    private Connection connection() throws SQLException {
        try {
            var connection = pool.getConnection();
            taken.increment();
            return connection;
        } catch (SQLTransientConnectionException e) {
            timedOutWaits.increment();
            throw TryLater.busy(RETRY_AFTER, "the server is busy; no database connection came free in time", e);
        }
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T transaction(SqlWork<T> work) {
        return committed(work, true);
    }

    /**
     * A transaction that writes only a member's own bookkeeping, which no page shows to anyone else and
     * V38 leaves out of the readable changes (daily_use, a session's last use): it does not move
     * {@link #commits()}, so a member reading pages does not end every kept page and kept read (issue 14).
     */
    public <T> T bookkeeping(SqlWork<T> work) {
        return committed(work, false);
    }

    private <T> T committed(SqlWork<T> work, boolean readable) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                if (readable) commits.incrementAndGet();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** What a failed statement of a transaction is to its caller: a lost race on a unique index, or a storage failure. */
    public static RuntimeException failure(SQLException e) {
        // A unique index lost a race that the feature's own check could not see coming.
        if ("23505".equals(e.getSQLState())) {
            return Refusal.raced("that already exists (someone was faster); reload and try again");
        }
        return new StorageException("database transaction failed: " + e.getMessage(), e);
    }

    /**
     * Runs work in one transaction that holds the community's lock from its first statement to its
     * end, so changes to one community are applied one at a time whichever door they come through
     * (the API or the inbox): a removal and a ban, or a reply and a lock, never interleave. Only the
     * community is locked (never two), so two such transactions cannot deadlock on these locks.
     */
    public <T> T inCommunity(long communityId, SqlWork<T> work) {
        // In this process the changes to one community line up first without a connection (fair, in arrival
        // order), for as long as a request would wait for a connection; only the first takes one and the lock.
        // A hundred local posts a second into one community otherwise held every connection of the pool, each
        // waiting for the lock, and the rest were answered 503 (the inbound benchmark's lag part).
        var order = orderOf(communityId);
        try {
            if (!order.tryLock(pool.getConnectionTimeout(), TimeUnit.MILLISECONDS)) {
                throw TryLater.busy(
                        RETRY_AFTER, "the server is busy; changes to this community are waiting their turn", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TryLater.busy(RETRY_AFTER, "the server is stopping", e);
        }
        try {
            return onPlatformThread(() -> transaction(c -> {
                lockCommunity(c, communityId);
                return work.run(c);
            }));
        } finally {
            order.unlock();
        }
    }

    // Threads for the work that holds a community's lock; idle ones end after a minute.
    private static final ExecutorService SERIAL = Executors.newCachedThreadPool(
            Thread.ofPlatform().name("community-change-", 0).daemon().factory());

    /**
     * Runs {@code work} on a platform thread and returns its result (or throws what it threw), for work that
     * holds a community's lock, which the changes after it wait for. Called from a virtual thread (requests,
     * inbound workers), such work waited behind every runnable virtual thread for a carrier after each answer
     * from PostgreSQL (virtual threads share one carrier per core and run until they block), and every change
     * queued behind the lock waited with it; the operating system shares the cores fairly among platform threads.
     */
    public static <T> T onPlatformThread(Supplier<T> work) {
        if (!Thread.currentThread().isVirtual()) return work.get();
        // The request's log context (its id) goes with the work, so that what it logs still names the request.
        var context = MDC.getCopyOfContextMap();
        try {
            return CompletableFuture.supplyAsync(
                            () -> {
                                if (context != null) MDC.setContextMap(context);
                                try {
                                    return work.get();
                                } finally {
                                    MDC.clear();
                                }
                            },
                            SERIAL)
                    .join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** Changes to the community lined up in this process behind the one whose turn it is (tests). */
    public int queuedForCommunity(long communityId) {
        return orderOf(communityId).getQueueLength();
    }

    private ReentrantLock orderOf(long communityId) {
        return communityOrder[Math.floorMod(Long.hashCode(communityId), communityOrder.length)];
    }

    /** Communities share these in-process queues by their id; two that share one wait for each other, nothing more. */
    private static final int COMMUNITY_ORDER_STRIPES = 256;

    /**
     * The one place the community lock is taken: a transaction-scoped advisory lock, released at
     * commit or rollback. Take it before reading any state that the change then checks.
     */
    public static void lockCommunity(Connection c, long communityId) throws SQLException {
        // The two-key form, in a key space of our own: Flyway's lock uses the one-key form. Ids past
        // 2^31 wrap and may share a lock with another community, which costs order, not correctness.
        Sql.one(c, "select pg_advisory_xact_lock(?, ?)", rs -> Boolean.TRUE, COMMUNITY_LOCKS, (int) communityId);
    }

    private static final int COMMUNITY_LOCKS = 0x4b43_4f4d; // "KCOM"

    /** Runs read-only work without a transaction of its own. */
    public <T> T read(SqlWork<T> work) {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StorageException("database read failed: " + e.getMessage(), e);
        }
    }

    /** Connections this pool has handed out for reads and transactions since it opened (a metric). */
    public long connectionsTaken() {
        return taken.sum();
    }

    /** Empty when the database answers, else why not. */
    public Optional<String> problem() {
        try (Connection c = pool.getConnection();
                var st = c.createStatement()) {
            st.setQueryTimeout(2);
            st.execute("select 1");
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of("the database does not answer: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (background != null) background.close();
        // The turns' pool belongs to the requests' Database (the background one shares it).
        if (turns != null && background != null) turns.close();
        pool.close();
        embedded.ifPresent(EmbeddedPostgresServer::stop);
    }
}
