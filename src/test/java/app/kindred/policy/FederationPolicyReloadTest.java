package app.kindred.policy;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.MovableClock;
import app.kindred.TestPostgres;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A check of the federation policy never reads the database on the caller's thread. Most checks are made while
 * the caller holds a pooled connection (a community's turn deciding on a remote post's media, an outbox fan-out
 * asking which hosts may receive it); when the rules were due, the check used to ask the pool for a second
 * connection, and a crowd doing that at once held every connection and waited until the pool's wait ran out.
 * Here the test holds every connection of a pool of two, so any read on the caller's thread would wait.
 */
class FederationPolicyReloadTest {
    private static final String OWN = "kindred.test";

    // The background read takes milliseconds, the refresher looks every second.
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private Database db;
    private MovableClock clock;

    @BeforeEach
    void open() {
        db = Database.open(TestPostgres.config(Map.of("KINDRED_DATABASE_POOL_SIZE", "2")));
        clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aCheckFindingTheRulesDueWhileEveryConnectionIsHeldAnswersAtOnceAndTheNewRulesFollow() throws Exception {
        var policy = new FederationPolicy(db, FederationPolicy.Mode.OPEN, OWN, clock);
        // Another process suspends an instance, and the rules this one read are now due.
        db.transaction(
                c -> Sql.update(c, "insert into domain_block (domain, severity) values ('late.example', 'suspend')"));
        clock.advance(Duration.ofSeconds(6));

        long started = System.nanoTime();
        boolean federated = db.read(turn -> db.read(nested -> policy.federates("late.example")));
        long took = System.nanoTime() - started;

        assertTrue(
                took < 1_000_000_000L, "answered without waiting for a connection; took " + took / 1_000_000 + " ms");
        assertTrue(federated, "the check answers with the rules in hand");
        // The rules read in the background apply moments later.
        eventually(WITHIN, () -> assertFalse(policy.federates("late.example")));
    }

    @Test
    void aListingFindingTheRulesDueReadsNothing() throws Exception {
        var policy = new FederationPolicy(db, FederationPolicy.Mode.OPEN, OWN, clock);
        db.transaction(c -> Sql.update(c, """
                insert into actor (uri, type, preferred_username, domain, inbox, local)
                values ('https://quiet.example/u/a', 'Person', 'a', 'quiet.example', 'https://quiet.example/inbox', false)"""));
        db.transaction(
                c -> Sql.update(c, "insert into domain_block (domain, severity) values ('quiet.example', 'limit')"));
        clock.advance(Duration.ofSeconds(6));

        long started = System.nanoTime();
        var limited = db.read(turn -> db.read(nested -> policy.limitedAuthorities()));
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "answered without a read");
        assertTrue(limited.isEmpty(), "the rules in hand knew of no limit");
        eventually(WITHIN, () -> assertTrue(policy.limitedAuthorities().contains("quiet.example")));
    }

    @Test
    void aRefreshAfterALocalChangeAppliesAtOnce() throws Exception {
        var policy = new FederationPolicy(db, FederationPolicy.Mode.OPEN, OWN, clock);
        db.transaction(
                c -> Sql.update(c, "insert into domain_block (domain, severity) values ('near.example', 'suspend')"));
        assertTrue(policy.federates("near.example"), "not due: the rules in hand still apply");
        policy.refresh();
        assertFalse(policy.federates("near.example"));
    }

    @Test
    void theStartedRefresherReadsTheRulesWhenDueWithNoCheckAsking() throws Exception {
        try (var policy = new FederationPolicy(db, FederationPolicy.Mode.OPEN, OWN, clock)) {
            var first = policy.rulesReadAt();
            clock.advance(Duration.ofSeconds(6));
            policy.startRefreshing();
            eventually(
                    WITHIN,
                    () -> assertNotEquals(
                            first, policy.rulesReadAt(), "the refresher read the rules again on its own thread"));
        }
    }
}
