package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.MovableClock;
import app.kindred.TestPostgres;
import app.kindred.actor.DomainPattern;
import app.kindred.policy.DomainBlock.Severity;
import app.kindred.policy.FederationPolicy.Mode;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which rule applies to a remote authority, in open and allowlist mode, over rules stored in a real database. */
class FederationPolicyTest {
    private static final String OWN = "kindred.test";

    private Database db;
    private MovableClock clock;

    @BeforeEach
    void open() {
        db = Database.open(TestPostgres.config());
        clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private FederationPolicy policy(Mode mode) {
        return new FederationPolicy(db, mode, OWN, clock);
    }

    private void block(FederationPolicy policy, String domain, Severity severity) {
        new PolicyService(db, policy)
                .block(
                        new DomainBlock(DomainPattern.parse(domain), severity, false, false, "", "", false, null),
                        "admin",
                        "test");
    }

    @Test
    void openModeFederatesWithAnyoneNotBlocked() {
        var policy = policy(Mode.OPEN);
        assertTrue(policy.federates("anywhere.example"));
        assertNull(policy.decide("anywhere.example").severity());
        assertTrue(policy.federates((String) null), "an activity without an authority is judged elsewhere");
    }

    @Test
    void theMostSpecificRuleWins() {
        var policy = policy(Mode.OPEN);
        block(policy, "example.com", Severity.SUSPEND);
        block(policy, "*.example.com", Severity.NOOP);
        block(policy, "quiet.example.com", Severity.LIMIT);
        block(policy, "quiet.example.com:8443", Severity.SUSPEND);
        block(policy, "*.social.example.com", Severity.LIMIT);

        assertTrue(policy.decide("example.com").suspended());
        assertTrue(policy.decide("example.com:9000").suspended());
        // The wildcard is more specific for subdomains than the bare host ...
        var sub = policy.decide("other.example.com");
        assertFalse(sub.suspended());
        assertEquals(Severity.NOOP, sub.severity());
        // ... a named host beats the wildcard ...
        assertTrue(policy.decide("quiet.example.com").limited());
        assertTrue(policy.decide("QUIET.example.com:80").limited());
        // ... and a port beats the host.
        assertTrue(policy.decide("quiet.example.com:8443").suspended());
        assertTrue(
                policy.decide(URI.create("https://quiet.example.com:8443/u/x")).suspended());
        // A wildcard deeper in the name beats the bare parent host.
        assertTrue(policy.decide("x.social.example.com").limited());
        assertNull(policy.decide("elsewhere.example").severity());
    }

    @Test
    void flagsCarryThrough() {
        var policy = policy(Mode.OPEN);
        new PolicyService(db, policy)
                .block(
                        new DomainBlock(
                                DomainPattern.parse("media.example"), Severity.NOOP, true, false, "", "", false, null),
                        "admin",
                        "");
        var d = policy.decide("media.example");
        assertTrue(d.rejectMedia());
        assertFalse(d.rejectReports());
        assertTrue(policy.federates("media.example"));
    }

    @Test
    void allowlistModeFederatesOnlyWithListedDomainsAndOurOwn() {
        var policy = policy(Mode.ALLOWLIST);
        var service = new PolicyService(db, policy);
        service.allow(DomainPattern.parse("friend.example"), "admin");
        service.allow(DomainPattern.parse("127.0.0.1:8080"), "admin");

        assertTrue(policy.federates("friend.example"));
        assertTrue(policy.federates("a.friend.example:8443"));
        assertTrue(policy.federates("127.0.0.1:8080"));
        assertFalse(policy.federates("127.0.0.1:8081"), "another port is another instance");
        assertFalse(policy.federates("stranger.example"));
        assertTrue(
                policy.decide("stranger.example").reason().contains("allowlist"),
                policy.decide("stranger.example").reason());
        assertTrue(policy.federates(OWN));
        assertTrue(policy.federates("KINDRED.test"));
    }

    @Test
    void aSuspendBeatsTheAllowlist() {
        var policy = policy(Mode.ALLOWLIST);
        var service = new PolicyService(db, policy);
        service.allow(DomainPattern.parse("friend.example"), "admin");
        block(policy, "bad.friend.example", Severity.SUSPEND);
        block(policy, "loud.friend.example", Severity.LIMIT);
        assertFalse(policy.federates("bad.friend.example"));
        assertTrue(policy.decide("bad.friend.example").reason().contains("suspended"));
        assertTrue(policy.decide("loud.friend.example").limited(), "a limit on an allowed domain still applies");
        assertTrue(policy.federates("friend.example"));
    }

    @Test
    void rulesWrittenElsewhereApplyWithinSecondsAndAtOnceAfterRefresh() throws InterruptedException {
        var policy = policy(Mode.OPEN);
        assertTrue(policy.federates("late.example"));
        // Another process writes the block.
        db.transaction(
                c -> Sql.update(c, "insert into domain_block (domain, severity) values ('late.example', 'suspend')"));
        assertTrue(policy.federates("late.example"), "cached for a few seconds");
        clock.advance(Duration.ofSeconds(6));
        // The check that finds the rules due has them read again in the background, never on its own thread.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (policy.federates("late.example") && System.nanoTime() < deadline) Thread.sleep(10);
        assertFalse(policy.federates("late.example"));

        db.transaction(c -> Sql.update(c, "delete from domain_block"));
        policy.refresh();
        assertTrue(policy.federates("late.example"));
    }
}
