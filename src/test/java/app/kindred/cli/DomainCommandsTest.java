package app.kindred.cli;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.Cli;
import app.kindred.TestPostgres;
import app.kindred.storage.Sql;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kindred domain ...` run in-process against a real PostgreSQL: output, exit codes, and nothing changed when refused. */
class DomainCommandsTest {
    private String url;
    private Map<String, String> env;

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {}

    @BeforeEach
    void freshDatabase() {
        url = TestPostgres.newDatabase();
        env = Map.of(
                "KINDRED_DATABASE_URL",
                url,
                "KINDRED_DATABASE_POOL_SIZE",
                "2",
                "KINDRED_INSTANCE_DOMAIN",
                "kindred.test");
    }

    private Result run(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var io = new Cli.Io(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        int code = Cli.run(args, io);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result ok(String... args) {
        var r = run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    private long count(String sql) throws Exception {
        try (var c = DriverManager.getConnection(url, "postgres", "")) {
            return Sql.count(c, sql);
        }
    }

    private void sql(String sql) throws Exception {
        try (var c = DriverManager.getConnection(url, "postgres", "");
                var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** alice follows a community on bad.example, rob of bad.example follows her. */
    private void twoFollowsWithBadExample() throws Exception {
        ok("migrate");
        var pw = new Cli.Io(
                new ByteArrayInputStream("password-of-alice\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream()),
                env);
        assertEquals(0, Cli.run(new String[] {"user", "create", "alice", "--password-stdin"}, pw));
        sql("""
                insert into actor (uri, type, preferred_username, domain, local, inbox) values
                    ('https://bad.example/c/group', 'Group', 'group', 'bad.example', false, 'https://bad.example/c/group/inbox'),
                    ('https://bad.example/u/rob', 'Person', 'rob', 'bad.example', false, 'https://bad.example/u/rob/inbox');
                insert into follow (follower_id, followed_id, state)
                    select a.id, g.id, 'accepted' from actor a, actor g where a.preferred_username = 'alice' and a.local and g.preferred_username = 'group';
                insert into follow (follower_id, followed_id, state)
                    select r.id, a.id, 'accepted' from actor a, actor r where a.preferred_username = 'alice' and a.local and r.preferred_username = 'rob';
                """);
        assertEquals(2, count("select count(*) from follow"));
    }

    @Test
    void aSuspendThatCutsFollowsIsShownAndNeedsYes() throws Exception {
        twoFollowsWithBadExample();

        var dry = ok("domain", "block", "bad.example", "--severity", "suspend", "--dry-run");
        assertTrue(
                dry.out()
                        .contains(
                                "suspending bad.example cuts 2 follow(s) (1 by our members and communities, 1 of them) "
                                        + "affecting 1 member(s) and 0 community(ies)"),
                dry.out());
        assertEquals(0, count("select count(*) from domain_block"));

        var unconfirmed = run("domain", "block", "bad.example", "--severity", "suspend", "--reason", "harassment");
        assertEquals(1, unconfirmed.code());
        assertTrue(
                unconfirmed.out().contains("cuts 2 follow(s)"),
                "the preview is shown before the refusal: " + unconfirmed.out());
        assertTrue(unconfirmed.err().contains("--yes"), unconfirmed.err());
        assertEquals(1, unconfirmed.err().strip().lines().count());
        assertEquals(0, count("select count(*) from domain_block"));
        assertEquals(2, count("select count(*) from follow"));

        var confirmed =
                ok("domain", "block", "bad.example", "--severity", "suspend", "--reason", "harassment", "--yes");
        assertTrue(confirmed.out().contains("blocked bad.example (suspend)"), confirmed.out());
        assertEquals(0, count("select count(*) from follow"));
        assertEquals(1, count("select count(*) from severed_relationship"));
        assertEquals(
                1,
                count("select count(*) from audit_log where actor = 'cli' and action = 'domain.suspend' "
                        + "and target = 'bad.example' and reason = 'harassment'"));
    }

    @Test
    void aSuspendThatCutsNothingNeedsNoConfirmation() throws Exception {
        var r = ok("domain", "block", "https://Quiet.Example/", "--severity", "suspend");
        assertTrue(r.out().contains("cuts 0 follow(s)"), r.out());
        assertTrue(r.out().contains("blocked quiet.example (suspend)"), r.out());
        ok(
                "domain",
                "block",
                "loud.example:8443",
                "--severity",
                "limit",
                "--reject-media",
                "--public-comment",
                "too loud");

        var list = ok("domain", "list").out();
        assertTrue(
                list.lines()
                        .anyMatch(l -> l.startsWith("loud.example:8443")
                                && l.contains("limit")
                                && l.contains("reject-media")
                                && l.contains("too loud")),
                list);
        assertTrue(list.lines().anyMatch(l -> l.startsWith("quiet.example") && l.contains("suspend")), list);

        var unblock = ok("domain", "unblock", "quiet.example", "--reason", "mistake");
        assertTrue(unblock.out().contains("unblocked quiet.example; severed follows are not restored"), unblock.out());
        assertFalse(ok("domain", "list").out().contains("quiet.example"));
        assertEquals(3, count("select count(*) from audit_log"));
    }

    @Test
    void refusalsExitOneWithOneLineNamingWhatToFix() throws Exception {
        var badDomain = run("domain", "block", "not a domain!", "--severity", "suspend");
        assertEquals(1, badDomain.code());
        assertEquals(1, badDomain.err().strip().lines().count(), badDomain.err());
        assertTrue(
                badDomain.err().contains("\"not a domain!\" is not a domain; write a host like example.com"),
                badDomain.err());

        var badSeverity = run("domain", "block", "bad.example", "--severity", "obliterate");
        assertEquals(1, badSeverity.code());
        assertTrue(badSeverity.err().contains("suspend, limit (silence) or noop"), badSeverity.err());
        var noop = run("domain", "block", "bad.example", "--severity", "noop");
        assertEquals(1, noop.code());
        assertTrue(noop.err().contains("--severity suspend or --severity limit"), noop.err());

        var notBlocked = run("domain", "unblock", "never.example");
        assertEquals(1, notBlocked.code());
        assertTrue(notBlocked.err().contains("never.example is not blocked"), notBlocked.err());
        assertEquals(1, run("domain", "unblock", "*.").code());
        assertEquals(1, run("domain", "allow", "exa mple.com").code());
        assertEquals(
                1,
                run("domain", "import", dir.resolve("missing.csv").toString()).code());
        assertEquals(0, count("select count(*) from domain_block"));
        assertEquals(0, count("select count(*) from domain_allow"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run("domain", "block", "bad.example").code(), "--severity is required");
        assertEquals(2, run("domain", "block", "--severity", "suspend").code(), "DOMAIN is required");
        assertEquals(
                2,
                run("domain", "block", "bad.example", "--severity", "suspend", "--force")
                        .code());
        assertEquals(2, run("domain", "unblock").code());
        assertEquals(2, run("domain", "list", "extra").code());
        assertEquals(2, run("domain", "import").code());
        assertEquals(2, run("domain", "frobnicate").code());
        var format = run("domain", "export", "--format", "xml");
        assertEquals(2, format.code());
        assertTrue(format.err().contains("csv or plain"), format.err());
        for (var sub : new String[] {"block", "unblock", "list", "allow", "import", "export"}) {
            var help = run("domain", sub, "--help");
            assertEquals(0, help.code());
            assertTrue(help.out().startsWith("usage: kindred domain " + sub), help.out());
        }
    }

    @Test
    void importDryRunThenImportThenExport() throws Exception {
        var file = dir.resolve("blocks.csv");
        Files.writeString(file, """
                #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
                spam.example,suspend,false,false,"spam, lots",false
                loud.example,silence,true,false,,true
                """);
        var dry = ok("domain", "import", file.toString(), "--dry-run");
        assertTrue(
                dry.out()
                        .startsWith(
                                "dry run, nothing applied: 2 block(s) added, 0 changed; 0 follow(s) severed, 0 member(s) affected"),
                dry.out());
        assertTrue(dry.out().contains("  + spam.example\n") && dry.out().contains("  + loud.example\n"), dry.out());
        assertEquals(0, count("select count(*) from domain_block"));

        var real = ok("domain", "import", file.toString());
        assertTrue(real.out().startsWith("imported: 2 block(s) added, 0 changed"), real.out());
        assertEquals(2, count("select count(*) from domain_block"));

        var csv = ok("domain", "export").out();
        assertEquals("""
                #domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate
                loud.example,silence,true,false,,true
                spam.example,suspend,false,false,"spam, lots",false
                """, csv);
        assertEquals(csv, ok("domain", "export", "--format", "csv").out());
        assertEquals(
                "loud.example\nspam.example\n",
                ok("domain", "export", "--format", "plain").out());

        // What was exported imports back unchanged.
        Files.writeString(file, csv);
        assertTrue(ok("domain", "import", file.toString(), "--dry-run").out().contains("0 block(s) added, 0 changed"));
    }

    @Test
    void anImportWithBadRowsNamesTheirLinesAndAppliesNothing() throws Exception {
        var file = dir.resolve("blocks.txt");
        Files.writeString(file, "# plain list\ngood.example\nnot a domain!\nalso-good.example\nhttp://x y\n");
        var r = run("domain", "import", file.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("2 invalid row(s), nothing imported"), r.err());
        assertTrue(r.err().contains("line 3:") && r.err().contains("line 5:"), r.err());
        assertEquals(0, count("select count(*) from domain_block"));
    }

    @Test
    void allowSaysWhenItTakesEffect() throws Exception {
        assertTrue(ok("domain", "allow", "friend.example")
                .out()
                .contains("allowed friend.example (takes effect when federation.mode = allowlist)"));
        env = Map.of(
                "KINDRED_DATABASE_URL", url, "KINDRED_DATABASE_POOL_SIZE", "2", "KINDRED_FEDERATION_MODE", "allowlist");
        assertEquals(
                "allowed other.example\n",
                ok("domain", "allow", "other.example").out());
        assertEquals(2, count("select count(*) from domain_allow"));
        assertEquals(2, count("select count(*) from audit_log where action = 'domain.allow'"));
    }

    @Test
    void unallowTakesADomainOffTheAllowlistAndRefusesOneNotOnIt() throws Exception {
        ok("domain", "allow", "friend.example");
        var r = ok("domain", "unallow", "friend.example");
        assertTrue(r.out().contains("took friend.example off the allowlist"), r.out());
        assertEquals(0, count("select count(*) from domain_allow"));
        assertEquals(1, count("select count(*) from audit_log where action = 'domain.unallow' and actor = 'cli'"));
        var again = run("domain", "unallow", "friend.example");
        assertEquals(Cli.REFUSED, again.code());
        assertEquals("kindred: friend.example is not on the allowlist\n", again.err());
        assertEquals(Cli.USAGE, run("domain", "unallow").code());
    }
}
