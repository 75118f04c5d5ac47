package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whom this instance federates with. Every door asks it: the inbox, delivery, fetching, WebFinger,
 * authorized fetch. Rules are read from the database and kept for a few seconds, so several
 * processes agree within moments of a change and each check costs nothing.
 *
 * <p>A check never reads the database: most are made while the caller holds a pooled connection (a
 * community's turn, an outbox fan-out, a listing), and a read there would ask the pool for a second one. A
 * crowd doing that at once holds every connection, each waiting for one more, until the pool's wait runs out
 * (503s). So the rules are read when the policy is made (at start, holding nothing), after a change made here
 * ({@link #refresh()}, outside any transaction), and otherwise in the background: by the refresher a serving
 * process starts, or on a thread of its own when a check finds them due; checks meanwhile use the rules they have.
 */
public final class FederationPolicy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FederationPolicy.class);

    public enum Mode {
        OPEN,
        ALLOWLIST
    }

    private static final Duration REFRESH = Duration.ofSeconds(5);
    /** How often the refresher looks whether the rules are due: often enough that a check seldom finds them so. */
    private static final Duration TICK = Duration.ofSeconds(1);

    /** What applies to one remote authority. */
    public record Decision(DomainBlock.Severity severity, boolean rejectMedia, boolean rejectReports, String reason) {
        static final Decision FEDERATE = new Decision(null, false, false, "");

        public boolean suspended() {
            return severity == DomainBlock.Severity.SUSPEND;
        }

        public boolean limited() {
            return severity == DomainBlock.Severity.LIMIT;
        }
    }

    /**
     * The rules as one read found them. The read with the higher generation began later, so it saw every change
     * committed before it began: a background read that started before an admin's change and ends after its
     * {@link #refresh()} must not put the older rules back.
     */
    private record Snapshot(
            long generation,
            List<DomainBlock> blocks,
            List<DomainPattern> allowed,
            List<String> limited,
            Instant loadedAt) {}

    private final Database db;
    private final Mode mode;
    private final String ownDomain;
    private final Clock clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
    private final AtomicLong generations = new AtomicLong();
    // One background read at a time, however many checks find the rules due together.
    private final AtomicBoolean reloading = new AtomicBoolean();
    // After a failed background read, the next waits a REFRESH: a database that is away is not asked on every check.
    private volatile Instant quietUntil = Instant.MIN;
    private ScheduledExecutorService refresher;

    /** Reads the rules once, on the thread that makes the policy (at start, holding no connection). */
    public FederationPolicy(Database db, Mode mode, String ownDomain, Clock clock) {
        this.db = db;
        this.mode = mode;
        this.ownDomain = ownDomain.toLowerCase(Locale.ROOT);
        this.clock = clock;
        refresh();
    }

    public Mode mode() {
        return mode;
    }

    public Decision decide(String authority) {
        if (authority == null) return Decision.FEDERATE;
        var a = authority.toLowerCase(Locale.ROOT);
        if (a.equals(ownDomain)) return Decision.FEDERATE;
        var s = current();
        var block = mostSpecific(s.blocks(), a);
        if (block.isPresent() && block.get().severity() == DomainBlock.Severity.SUSPEND) {
            return new Decision(DomainBlock.Severity.SUSPEND, true, true, a + " is suspended by this instance");
        }
        if (mode == Mode.ALLOWLIST && s.allowed().stream().noneMatch(p -> p.covers(a))) {
            return new Decision(DomainBlock.Severity.SUSPEND, true, true, a + " is not on this instance's allowlist");
        }
        return block.map(b -> new Decision(
                        b.severity(), b.rejectMedia(), b.rejectReports(), a + " is limited by this instance"))
                .orElse(Decision.FEDERATE);
    }

    public Decision decide(URI uri) {
        return decide(uri == null ? null : uri.getRawAuthority());
    }

    /** False when nothing may pass between us and this authority. */
    public boolean federates(String authority) {
        return !decide(authority).suspended();
    }

    /**
     * The rule naming the longest host wins (a.b.example.com over example.com, and *.b.example.com
     * over example.com); for one host a port-specific rule wins, then the wildcard, which covers
     * fewer hosts than the bare name.
     */
    private static int specificity(DomainPattern p) {
        return p.host().length() * 4 + (p.port() != -1 ? 2 : 0) + (p.subdomainsOnly() ? 1 : 0);
    }

    /**
     * Reads the rules now, after this process changed them, so the change applies at once here. Called after the
     * change's transaction has committed, never inside one: it takes a connection of its own.
     */
    public void refresh() {
        install(db.read(this::load));
    }

    /**
     * Looks every second whether the rules are due and reads them on its own daemon thread, so an idle process
     * keeps up with changes other processes make, and a check seldom finds its rules old. A serving process starts it.
     */
    public synchronized void startRefreshing() {
        if (refresher != null) return;
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            var t = new Thread(r, "kindred-policy-refresh");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::reloadIfDue, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (refresher != null) refresher.shutdownNow();
    }

    /** The rules as they stand; when due, read again elsewhere while this check uses what it has. */
    private Snapshot current() {
        var s = snapshot.get();
        if (due(s) && !clock.instant().isBefore(quietUntil) && reloading.compareAndSet(false, true)) {
            Thread.ofVirtual().name("kindred-policy-reload").start(this::reload);
        }
        return s;
    }

    private boolean due(Snapshot s) {
        return s.loadedAt().plus(REFRESH).isBefore(clock.instant());
    }

    /** The refresher's tick: reads the rules on its own thread if due and no other read is under way. */
    void reloadIfDue() {
        if (due(snapshot.get()) && reloading.compareAndSet(false, true)) reload();
    }

    /** Only with {@code reloading} taken. Background work, so from the background pool. */
    private void reload() {
        try {
            install(db.background().read(this::load));
        } catch (RuntimeException e) {
            quietUntil = clock.instant().plus(REFRESH);
            log.warn("could not read the federation rules again; the ones read before still apply: {}", e.toString());
        } finally {
            reloading.set(false);
        }
    }

    private void install(Snapshot fresh) {
        snapshot.accumulateAndGet(
                fresh, (had, read) -> had != null && had.generation() > read.generation() ? had : read);
    }

    /** When the rules in use were read, for tests of the refresher. */
    Instant rulesReadAt() {
        return snapshot.get().loadedAt();
    }

    private Snapshot load(Connection c) throws SQLException {
        // Taken before the first statement, so a higher generation saw at least what a lower one did.
        long generation = generations.incrementAndGet();
        var blocks = DomainBlockStore.all(c);
        var allowed = Sql.list(c, "select domain from domain_allow", rs -> DomainPattern.parse(rs.getString(1)));
        // Known remote authorities under a limit, so listings can leave their content out in SQL.
        var limited = blocks.stream().noneMatch(b -> b.severity() == DomainBlock.Severity.LIMIT)
                ? List.<String>of()
                : Sql.list(c, "select distinct domain from actor where not local", rs -> rs.getString(1)).stream()
                        .filter(a -> mostSpecific(blocks, a)
                                .map(b -> b.severity() == DomainBlock.Severity.LIMIT)
                                .orElse(false))
                        .toList();
        return new Snapshot(generation, blocks, allowed, limited, clock.instant());
    }

    /**
     * Authorities whose content is kept out of public listings (limited instances we know of). Read from the rules
     * in hand, never the database: a listing asks while holding its connection (perf14b: a crowd of listings each
     * asking the pool for a second one stalled until the pool's wait ran out, and answered 503).
     */
    public List<String> limitedAuthorities() {
        return current().limited();
    }

    public Optional<DomainBlock> blockFor(String authority) {
        return mostSpecific(current().blocks(), authority);
    }

    /** The one rule that applies to an authority among several that cover it. */
    static Optional<DomainBlock> mostSpecific(List<DomainBlock> blocks, String authority) {
        return blocks.stream()
                .filter(b -> b.domain().covers(authority))
                .max(Comparator.comparingInt(b -> specificity(b.domain())));
    }
}
