package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestPostgres;
import app.kindred.storage.Database;
import app.kindred.thread.PostStore;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A community listing leaves out limited instances' threads, and the list of those is read again every few
 * seconds. It used to be read on a second connection from the pool while the listing held its first: a
 * crowd of readers arriving when it was due (a benchmark's 64 clients at once, perf14b) held every
 * connection, each waited for one more, and all were answered 503 after the pool's wait. On a pool of one
 * connection left that wait is certain, so the listing must take the rules the policy has in hand
 * (FederationPolicyReloadTest shows the same when they are due).
 */
class ListingConnectionTest {
    private Database db;

    @BeforeEach
    void open() {
        // Two connections (the migrations at start take both); the test holds one, the listing the other.
        db = Database.open(TestPostgres.config(Map.of("KINDRED_DATABASE_POOL_SIZE", "2")));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aListingReadsTheLimitedInstancesOnItsOwnConnection() {
        // The policy reads the rules when it is made; a listing asking for them later reads nothing.
        var policy = new FederationPolicy(db, FederationPolicy.Mode.OPEN, "kindred.test", Clock.systemUTC());
        var posts = new PostStore(policy::limitedAuthorities);
        long started = System.nanoTime();
        var threads = db.read(held -> db.read(c -> posts.threads(c, 1, PostStore.Sort.NEW, 20, 0)));
        assertTrue(threads.isEmpty());
        assertTrue(
                System.nanoTime() - started < 1_000_000_000L,
                "answered without waiting for a connection from an empty pool");
    }
}
