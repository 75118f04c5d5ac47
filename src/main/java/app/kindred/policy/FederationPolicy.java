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

/**
 * Whom this instance federates with. Every door asks it: the inbox, delivery, fetching, WebFinger,
 * authorized fetch. Rules are read from the database and kept for a few seconds, so several
 * processes agree within moments of a change and each check costs nothing.
 */
public final class FederationPolicy {
    public enum Mode {
        OPEN,
        ALLOWLIST
    }

    private static final Duration REFRESH = Duration.ofSeconds(5);

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

    private record Snapshot(
            List<DomainBlock> blocks, List<DomainPattern> allowed, List<String> limited, Instant loadedAt) {}

    private final Database db;
    private final Mode mode;
    private final String ownDomain;
    private final Clock clock;
    private volatile Snapshot snapshot;

    public FederationPolicy(Database db, Mode mode, String ownDomain, Clock clock) {
        this.db = db;
        this.mode = mode;
        this.ownDomain = ownDomain.toLowerCase(Locale.ROOT);
        this.clock = clock;
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

    /** Forget the cached rules, after this process changed them. */
    public void refresh() {
        snapshot = load();
    }

    private Snapshot current() {
        var s = snapshot;
        if (s == null || s.loadedAt().plus(REFRESH).isBefore(clock.instant())) {
            s = load();
            snapshot = s;
        }
        return s;
    }

    private Snapshot load() {
        return db.read(this::load);
    }

    private Snapshot load(Connection c) throws SQLException {
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
        return new Snapshot(blocks, allowed, limited, clock.instant());
    }

    /**
     * Authorities whose content is kept out of public listings (limited instances we know of), for a listing
     * that holds a connection: the rules are read again on that connection when due, never on a second one
     * from the pool (a crowd of listings holding every connection and each waiting for one more stalled until
     * the pool's wait ran out, and answered 503: perf14b).
     */
    public List<String> limitedAuthorities(Connection c) throws SQLException {
        var s = snapshot;
        if (s == null || s.loadedAt().plus(REFRESH).isBefore(clock.instant())) {
            s = load(c);
            snapshot = s;
        }
        return s.limited();
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
