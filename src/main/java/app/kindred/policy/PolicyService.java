package app.kindred.policy;

import app.kindred.actor.DomainPattern;
import app.kindred.audit.AuditLog;
import app.kindred.follow.FollowStore;
import app.kindred.refusal.Refusal;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Admins' federation policy: domain blocks with their consequences (follows severed both ways,
 * queued deliveries dropped, content hidden, members told), unblocks that restore nothing
 * severed, and an audit log of every action.
 */
public final class PolicyService {
    private final Database db;
    private final FederationPolicy policy;

    public PolicyService(Database db, FederationPolicy policy) {
        this.db = db;
        this.policy = policy;
    }

    /** What a suspend would cut, shown before it is confirmed. */
    public record Consequences(
            List<String> domains,
            long followsOut,
            long followsIn,
            long membersAffected,
            long communitiesAffected,
            long queuedDeliveries) {
        public long follows() {
            return followsOut + followsIn;
        }
    }

    public Consequences preview(DomainPattern pattern) {
        return db.read(c -> consequences(c, covered(c, pattern)));
    }

    private Consequences consequences(Connection c, List<String> domains) throws SQLException {
        Array d = c.createArrayOf("text", domains.toArray());
        long out = Sql.count(c, """
                select count(*) from follow f join actor l on l.id = f.follower_id join actor r on r.id = f.followed_id
                where l.local and r.domain = any(?)""", d);
        long in = Sql.count(c, """
                select count(*) from follow f join actor l on l.id = f.followed_id join actor r on r.id = f.follower_id
                where l.local and r.domain = any(?)""", d);
        long members = Sql.count(c, """
                select count(distinct acc.id) from follow f join actor fa on fa.id = f.follower_id join actor ta on ta.id = f.followed_id
                join account acc on acc.actor_id = fa.id or acc.actor_id = ta.id
                where (fa.domain = any(?) or ta.domain = any(?))""", d, d);
        long communities = Sql.count(c, """
                select count(distinct cm.id) from follow f join community cm on cm.actor_id = f.followed_id
                join actor r on r.id = f.follower_id join actor g on g.id = cm.actor_id
                where g.local and r.domain = any(?)""", d);
        long queued =
                Sql.count(c, "select count(*) from delivery where state in ('queued', 'parked') and host = any(?)", d);
        return new Consequences(domains, out, in, members, communities, queued);
    }

    /** Known remote authorities this pattern covers. */
    private static List<String> covered(Connection c, DomainPattern pattern) throws SQLException {
        return Sql.list(c, """
                select distinct domain from actor where not local
                union select distinct host from delivery""", rs -> rs.getString(1)).stream()
                .filter(pattern::covers)
                .toList();
    }

    public Consequences block(DomainBlock block, String admin, String reason) {
        var result = db.transaction(c -> apply(c, block, admin, reason));
        policy.refresh();
        return result;
    }

    private Consequences apply(Connection c, DomainBlock block, String admin, String reason) throws SQLException {
        var domains = covered(c, block.domain());
        var consequences = consequences(c, domains);
        DomainBlockStore.upsert(c, block);
        if (block.severity() == DomainBlock.Severity.SUSPEND) sever(c, block.domain(), domains);
        audit(
                c,
                admin,
                "domain." + block.severity().wireName(),
                block.domain().toString(),
                reason,
                "{\"follows\":" + consequences.follows() + ",\"members\":" + consequences.membersAffected() + "}");
        return consequences;
    }

    /** Follows both ways removed (members get a notice), queued deliveries dropped, content hidden. */
    private static void sever(Connection c, DomainPattern pattern, List<String> domains) throws SQLException {
        Array d = c.createArrayOf("text", domains.toArray());
        Sql.update(c, """
                insert into severed_relationship (account_id, domain, lost_following, lost_followers)
                select acc.id, ?,
                       count(*) filter (where f.follower_id = acc.actor_id),
                       count(*) filter (where f.followed_id = acc.actor_id)
                from account acc join follow f on f.follower_id = acc.actor_id or f.followed_id = acc.actor_id
                join actor fa on fa.id = f.follower_id join actor ta on ta.id = f.followed_id
                where fa.domain = any(?) or ta.domain = any(?)
                group by acc.id""", pattern.toString(), d, d);
        // Suspended first, so the follows ending below leave nothing queued for them (FollowStore.Ending.SHUT_OUT).
        Sql.update(
                c,
                "update actor set suspended_at = now() where not local and domain = any(?) and suspended_at is null",
                d);
        // No community lock: what was queued for a suspended instance is dropped whichever order things happen in.
        var severed = Sql.list(c, """
                select f.follower_id, f.followed_id from follow f join actor fa on fa.id = f.follower_id
                join actor ta on ta.id = f.followed_id where fa.domain = any(?) or ta.domain = any(?)""", rs -> new long[] {rs.getLong(1), rs.getLong(2)}, d, d);
        for (var follow : severed) FollowStore.end(c, follow[0], follow[1], FollowStore.Ending.SHUT_OUT);
        Sql.update(c, "delete from delivery where state in ('queued', 'parked') and host = any(?)", d);
    }

    /** Lifts a block for new activity; severed follows stay severed, hidden content is shown again. */
    public void unblock(DomainPattern domain, String admin, String reason) {
        db.transaction(c -> {
            if (DomainBlockStore.delete(c, domain) == 0) throw Refusal.notFound(domain + " is not blocked");
            // Hosts another suspend still covers stay hidden (a.example.com, lifting *.example.com while example.com
            // stays).
            var remaining = DomainBlockStore.all(c);
            var shown = covered(c, domain).stream()
                    .filter(host -> FederationPolicy.mostSpecific(remaining, host)
                            .map(b -> b.severity() != DomainBlock.Severity.SUSPEND)
                            .orElse(true))
                    .toList();
            Array d = c.createArrayOf("text", shown.toArray());
            // A suspension the actor's own server made (toot:suspended) is not ours to lift.
            Sql.update(
                    c,
                    "update actor set suspended_at = null where not local and domain = any(?) and suspension_origin is null",
                    d);
            audit(c, admin, "domain.unblock", domain.toString(), reason, "{}");
            return null;
        });
        policy.refresh();
    }

    /** What an import would do, and did when not a dry run. */
    public record ImportReport(
            List<String> added, List<String> changed, long followsSevered, long membersAffected, boolean applied) {}

    /**
     * Imports a blocklist. Every row must be valid first: otherwise the errors (with line numbers)
     * are refused and nothing is applied. A dry run reports the same changes without making them.
     */
    public ImportReport importBlocklist(String text, boolean dryRun, String admin) {
        var parsed = Blocklist.parse(text);
        if (!parsed.errors().isEmpty()) {
            throw Refusal.invalid(
                    "file",
                    parsed.errors().size() + " invalid row(s), nothing imported: "
                            + String.join("; ", parsed.errors()));
        }
        var report = db.read(c -> {
            var added = new ArrayList<String>();
            var changed = new ArrayList<String>();
            var severed = new LinkedHashSet<String>();
            for (var b : parsed.blocks()) {
                var existing = DomainBlockStore.find(c, b.domain());
                if (existing.isEmpty()) added.add(b.domain().toString());
                else if (!same(existing.get(), b)) changed.add(b.domain().toString());
                else continue;
                if (b.severity() == DomainBlock.Severity.SUSPEND) severed.addAll(covered(c, b.domain()));
            }
            var cut = consequences(c, List.copyOf(severed));
            return new ImportReport(added, changed, cut.follows(), cut.membersAffected(), false);
        });
        if (dryRun) return report;
        // One transaction: a failure part-way leaves none of the file applied, as a refused row does.
        db.transaction(c -> {
            for (var b : parsed.blocks()) {
                if (report.added().contains(b.domain().toString())
                        || report.changed().contains(b.domain().toString())) {
                    apply(c, b, admin, "imported");
                }
            }
            return null;
        });
        policy.refresh();
        return new ImportReport(
                report.added(), report.changed(), report.followsSevered(), report.membersAffected(), true);
    }

    private static boolean same(DomainBlock a, DomainBlock b) {
        return a.severity() == b.severity()
                && a.rejectMedia() == b.rejectMedia()
                && a.rejectReports() == b.rejectReports()
                && a.publicComment().equals(b.publicComment())
                && a.obfuscate() == b.obfuscate();
    }

    /** One published block, as Mastodon's /api/v1/instance/domain_blocks shows it. */
    public record PublishedBlock(String domain, String digest, String severity, String comment) {}

    /** The blocklist as the instance publishes it; empty when it does not. */
    public List<PublishedBlock> published(String setting) {
        if (setting.equals("no")) return List.of();
        return list().stream()
                .filter(b -> b.severity() != DomainBlock.Severity.NOOP)
                .map(b -> new PublishedBlock(
                        setting.equals("obfuscated") && b.obfuscate()
                                ? b.domain().obfuscated()
                                : b.domain().toString(),
                        sha256(b.domain().toString()),
                        b.severity() == DomainBlock.Severity.LIMIT
                                ? "silence"
                                : b.severity().wireName(),
                        b.publicComment()))
                .toList();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<DomainBlock> list() {
        return db.read(DomainBlockStore::all);
    }

    public void allow(DomainPattern domain, String admin) {
        db.transaction(c -> {
            Sql.update(c, "insert into domain_allow (domain) values (?) on conflict do nothing", domain.toString());
            audit(c, admin, "domain.allow", domain.toString(), "", "{}");
            return null;
        });
        policy.refresh();
    }

    /** The allowlist (which federates when federation.mode = allowlist), in name order. */
    public List<String> allowed() {
        return db.read(c -> Sql.list(c, "select domain from domain_allow order by domain", rs -> rs.getString(1)));
    }

    /** Takes a domain off the allowlist; in allowlist mode it stops federating at once. */
    public void unallow(DomainPattern domain, String admin) {
        db.transaction(c -> {
            if (Sql.update(c, "delete from domain_allow where domain = ?", domain.toString()) == 0)
                throw Refusal.notFound(domain + " is not on the allowlist");
            audit(c, admin, "domain.unallow", domain.toString(), "", "{}");
            return null;
        });
        policy.refresh();
    }

    /** What an import would do to one line of the file. */
    public enum Fate {
        /** A new block. */
        ADD,
        /** A block that exists with other settings, replaced by the line's. */
        CHANGE,
        /** A block that exists just so: nothing to do. */
        SAME,
        /** Nothing to import: a header, a comment, a repeat. */
        SKIP,
        /** A line that cannot be read: while any line is like this, nothing is applied. */
        INVALID
    }

    /** One line of an import and its fate; {@code detail} says why a line is invalid. */
    public record LineFate(int number, String text, Fate fate, DomainBlock block, String detail) {}

    /** Each line's fate, read against the blocks as they are now; changes nothing. */
    public List<LineFate> importPreview(String text) {
        return db.read(c -> {
            var out = new ArrayList<LineFate>();
            for (var line : Blocklist.lines(text)) {
                if (line.error() != null) {
                    out.add(new LineFate(line.number(), line.text(), Fate.INVALID, null, line.error()));
                } else if (line.block() == null) {
                    out.add(new LineFate(line.number(), line.text(), Fate.SKIP, null, ""));
                } else {
                    var existing = DomainBlockStore.find(c, line.block().domain());
                    var fate = existing.isEmpty()
                            ? Fate.ADD
                            : same(existing.get(), line.block()) ? Fate.SAME : Fate.CHANGE;
                    out.add(new LineFate(line.number(), line.text(), fate, line.block(), ""));
                }
            }
            return out;
        });
    }

    static void audit(Connection c, String actor, String action, String target, String reason, String details)
            throws SQLException {
        AuditLog.record(c, actor, action, target, reason, details);
    }

    public record Notice(String domain, int lostFollowing, int lostFollowers, Instant at) {}

    /** What a member lost to blocks, newest first. */
    public List<Notice> severedFor(long accountId) {
        return db.read(c -> Sql.list(
                c,
                """
                select domain, lost_following, lost_followers, created_at from severed_relationship
                where account_id = ? order by created_at desc, id desc""",
                rs -> new Notice(rs.getString(1), rs.getInt(2), rs.getInt(3), Sql.instant(rs, "created_at")),
                accountId));
    }
}
