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

/** `kindred user suspend|unsuspend` and `kindred federation retry` (issue 15), in-process on a real PostgreSQL. */
class AdminCommandsTest {
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
        }
    }

    private void sql(String sql) throws Exception {
        try (var c = DriverManager.getConnection(url, "postgres", "");
                var st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void suspendEndsSessionsAndUnsuspendLiftsIt() throws Exception {
        assertEquals(
                0,
                run("a good long password\n", "user", "create", "river", "--password-stdin")
                        .code());
        assertEquals(
                0,
                run("a good long password\n", "user", "create", "root", "--admin", "--password-stdin")
                        .code());
        sql("""
                insert into session (account_id, token_hash, expires_at)
                select id, '\\x01'::bytea, now() + interval '1 day' from account where username = 'river'""");

        var usage = run("", "user", "suspend", "river");
        assertEquals(Cli.USAGE, usage.code(), "a reason is required");

        var r = run("", "user", "suspend", "river", "--reason", "spam from this account");
        assertEquals(Cli.OK, r.code(), r.err());
        assertEquals("river is suspended: signed out everywhere, and cannot sign in or post\n", r.out());
        assertEquals(1, count("""
                select count(*) from actor a join account acc on acc.actor_id = a.id
                where acc.username = 'river' and a.suspended_at is not null"""));
        assertEquals(0, count("select count(*) from session where revoked_at is null"));
        assertEquals(1, count("""
                select count(*) from audit_log where action = 'member.suspend' and target = 'river'
                and actor = 'cli' and reason = 'spam from this account'"""));

        var twice = run("", "user", "suspend", "river", "--reason", "again");
        assertEquals(Cli.REFUSED, twice.code());
        assertEquals("kindred: river is already suspended\n", twice.err());
        var admin = run("", "user", "suspend", "root", "--reason", "no");
        assertEquals(Cli.REFUSED, admin.code());
        assertEquals("kindred: root is an admin; make them a member first\n", admin.err());
        assertEquals(
                Cli.REFUSED,
                run("", "user", "suspend", "nobody", "--reason", "x").code());

        var lifted = run("", "user", "unsuspend", "river");
        assertEquals(Cli.OK, lifted.code(), lifted.err());
        assertEquals(0, count("select count(*) from actor where local and suspended_at is not null"));
        assertEquals(1, count("select count(*) from audit_log where action = 'member.unsuspend'"));
    }

    @Test
    void applicationsAreListedApprovedAndRefusedFromTheCommandLine() throws Exception {
        for (var name : new String[] {"fern", "moss"}) {
            assertEquals(
                    0,
                    run("a good long password\n", "user", "create", name, "--password-stdin")
                            .code());
        }
        sql("update account set application_state = 'waiting', application_answer = 'I care for my mum',"
                + " applied_at = now() where username in ('fern', 'moss')");

        var list = run("", "user", "applications");
        assertEquals(Cli.OK, list.code(), list.err());
        assertTrue(list.out().contains("fern\t") && list.out().contains("I care for my mum"), list.out());

        var approved = run("", "user", "approve", "fern");
        assertEquals(Cli.OK, approved.code(), approved.err());
        assertEquals("approved fern: they can sign in\n", approved.out());
        assertEquals(
                0, count("select count(*) from account where username = 'fern' and application_state is not null"));
        assertEquals(Cli.REFUSED, run("", "user", "approve", "fern").code(), "already decided");

        var refused = run("", "user", "refuse", "moss", "--reason", "we are full for now");
        assertEquals(Cli.OK, refused.code(), refused.err());
        assertEquals(1, count("""
                select count(*) from account where username = 'moss' and application_state = 'refused'
                and application_reason = 'we are full for now'"""));
        assertEquals(1, count("select count(*) from audit_log where action = 'application.refuse' and actor = 'cli'"));
        assertEquals(
                "no application is waiting\n", run("", "user", "applications").out());
    }

    @Test
    void retryMakesAHostsWaitingDeliveriesDueAndLiftsItsUnavailableMark() throws Exception {
        assertEquals(0, run("", "migrate").code());
        sql("""
                insert into host_health (host, failing_since, unavailable, last_error, next_probe_at)
                values ('slow.example', now() - interval '3 days', true, 'connect timed out', now() + interval '1 hour');
                insert into outbound_activity (activity_id, actor_id, body)
                select 'https://kindred.test/a/1', (select id from actor limit 1), '{}';
                insert into delivery (outbound_id, inbox, host, state, next_attempt_at)
                select id, 'https://slow.example/inbox', 'slow.example', 'parked', now() + interval '1 day'
                from outbound_activity""");
        var r = run("", "federation", "retry", "slow.example");
        assertEquals(Cli.OK, r.code(), r.err());
        assertEquals("1 delivery(ies) to slow.example will be tried again now\n", r.out());
        assertEquals(1, count("select count(*) from delivery where state = 'queued' and next_attempt_at <= now()"));
        assertEquals(0, count("select count(*) from host_health where unavailable"));
        assertEquals(
                1, count("select count(*) from host_health where failing_since is not null"), "failing since stays");
        assertEquals(1, count("select count(*) from audit_log where action = 'federation.retry'"));
    }
}
