package app.kindred.cli;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.Cli;
import app.kindred.TestPostgres;
import app.kindred.storage.Sql;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI run in-process against a real PostgreSQL: results, refusals, exit codes, nothing half-written. */
class CliTest {
    private String url;
    private Map<String, String> env;

    private record Result(int code, String out, String err) {}

    @BeforeEach
    void freshDatabase() {
        url = TestPostgres.newDatabase();
        env = Map.of("KINDRED_DATABASE_URL", url, "KINDRED_DATABASE_POOL_SIZE", "2");
    }

    private Result run(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        var io = new Cli.Io(
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        int code = Cli.run(args, io);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private long count(String sql) throws Exception {
        try (var c = DriverManager.getConnection(url, "postgres", "")) {
            return Sql.count(c, sql);
        } catch (org.postgresql.util.PSQLException e) {
            return 0; // the schema does not exist yet: nothing was written
        }
    }

    @Test
    void createsMemberAndCommunity() throws Exception {
        var user = run("a good long password\n", "user", "create", "alice", "--admin", "--password-stdin");
        assertEquals(0, user.code(), user.err());
        assertTrue(user.out().contains("created admin alice"), user.out());

        var community = run(
                "",
                "community",
                "create",
                "peers",
                "--title",
                "Peer support",
                "--description",
                "A place to talk",
                "--moderator",
                "alice");
        assertEquals(0, community.code(), community.err());
        assertTrue(community.out().contains("created community peers"), community.out());

        assertEquals(1, count("select count(*) from account where username = 'alice' and role = 'admin'"));
        assertEquals(
                1,
                count("select count(*) from community c join actor a on a.id = c.actor_id "
                        + "where a.preferred_username = 'peers' and a.type = 'Group' and c.title = 'Peer support'"));
        assertEquals(
                1,
                count("select count(*) from community_moderator m join actor a on a.id = m.actor_id "
                        + "where a.preferred_username = 'alice'"));
        // Every local actor, instance included, has both key pairs.
        assertEquals(
                3,
                count(
                        "select count(*) from actor a join actor_private_key k on k.actor_id = a.id "
                                + "where a.local and a.public_key_pem like '-----BEGIN PUBLIC KEY-----%' and a.ed25519_multibase like 'z6Mk%'"
                                + " and k.rsa_private_pem like '-----BEGIN PRIVATE KEY-----%' and length(k.ed25519_private) = 32"));

        // An existing member made an admin (so that the only admin may leave, for one).
        assertEquals(
                0,
                run("a good long password\n", "user", "create", "rowan", "--password-stdin")
                        .code());
        var promoted = run("", "user", "admin", "rowan");
        assertEquals(0, promoted.code(), promoted.err());
        assertTrue(promoted.out().contains("rowan is an admin"), promoted.out());
        assertEquals(1, count("select count(*) from account where username = 'rowan' and role = 'admin'"));
        assertEquals(1, run("", "user", "admin", "nobody").code(), "an unknown member is refused");
    }

    @Test
    void passwordWithoutTrailingNewlineAndWithCrLf() throws Exception {
        assertEquals(
                0,
                run("exactly10!", "user", "create", "bob", "--password-stdin").code());
        assertEquals(
                0,
                run("windows-password\r\n", "user", "create", "carol", "--password-stdin")
                        .code());
        assertEquals(2, count("select count(*) from account where role = 'member'"));
    }

    @Test
    void usageErrorsExitTwoAndWriteNothing() throws Exception {
        var unknownCommand = run("", "frobnicate");
        assertEquals(2, unknownCommand.code());
        assertTrue(unknownCommand.err().contains("unknown command 'frobnicate'"), unknownCommand.err());

        var unknownOption = run("pw-long-enough\n", "user", "create", "alice", "--password-stdin", "--sudo");
        assertEquals(2, unknownOption.code());
        assertTrue(unknownOption.err().contains("unknown option --sudo"), unknownOption.err());
        assertTrue(unknownOption.err().contains("kindred user create --help"), unknownOption.err());

        var noPasswordFlag = run("pw-long-enough\n", "user", "create", "alice");
        assertEquals(2, noPasswordFlag.code());
        assertTrue(noPasswordFlag.err().contains("--password-stdin"), noPasswordFlag.err());

        var missingTitle = run("", "community", "create", "peers", "--moderator", "alice");
        assertEquals(2, missingTitle.code());
        assertTrue(missingTitle.err().contains("--title"), missingTitle.err());

        var extraArg = run("", "migrate", "now");
        assertEquals(2, extraArg.code());
        assertEquals(0, count("select count(*) from account"));
    }

    @Test
    void refusalsExitOneWithOneLineAndWriteNothing() throws Exception {
        var invalidName = run("pw-long-enough\n", "user", "create", "Alice!", "--password-stdin");
        assertEquals(1, invalidName.code());
        assertTrue(invalidName.err().contains("1 to 30 lowercase letters"), invalidName.err());
        assertEquals(1, invalidName.err().strip().lines().count());

        var tooLong = run("pw-long-enough\n", "user", "create", "a".repeat(31), "--password-stdin");
        assertEquals(1, tooLong.code());

        var shortPassword = run("short\n", "user", "create", "alice", "--password-stdin");
        assertEquals(1, shortPassword.code());
        assertTrue(shortPassword.err().contains("at least 10 characters"), shortPassword.err());
        assertEquals(0, count("select count(*) from account"));

        assertEquals(
                0,
                run("pw-long-enough\n", "user", "create", "alice", "--password-stdin")
                        .code());
        var taken = run("pw-long-enough\n", "user", "create", "alice", "--password-stdin");
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains("\"alice\" is taken"), taken.err());

        var unknownModerator = run("", "community", "create", "peers", "--title", "Peers", "--moderator", "nobody");
        assertEquals(1, unknownModerator.code());
        assertTrue(unknownModerator.err().contains("no local member \"nobody\""), unknownModerator.err());
        assertEquals(0, count("select count(*) from community"));

        // Members and communities share one namespace.
        var clash = run("", "community", "create", "alice", "--title", "Alice's", "--moderator", "alice");
        assertEquals(1, clash.code());
        assertTrue(clash.err().contains("taken"), clash.err());
        assertEquals(0, count("select count(*) from community"));
        assertEquals(1, count("select count(*) from account"));
        assertEquals(2, count("select count(*) from actor"), "instance actor and alice only");
    }

    @Test
    void badConfigurationExitsOneNamingTheKey() {
        env = Map.of("KINDRED_DATABASE_URL", url, "KINDRED_SERVER_PORT", "abc");
        var r = run("", "migrate");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("server.port = \"abc\""), r.err());
    }

    @Test
    void helpOnEveryCommand() {
        for (var words : new String[][] {{"serve"}, {"migrate"}, {"user", "create"}, {"community", "create"}}) {
            var args = new String[words.length + 1];
            System.arraycopy(words, 0, args, 0, words.length);
            args[words.length] = "--help";
            var r = run("", args);
            assertEquals(0, r.code());
            assertTrue(r.out().startsWith("usage: kindred " + String.join(" ", words)), r.out());
        }
        var overview = run("", "--help");
        assertEquals(0, overview.code());
        assertTrue(overview.out().contains("community create NAME"), overview.out());
        assertEquals(2, run("").code());
    }

    @Test
    void migrateAppliesTheSchema() throws Exception {
        var r = run("", "migrate");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, count("select count(*) from instance"));
        assertTrue(count("select count(*) from flyway_schema_history where success") >= 1);
    }
}
