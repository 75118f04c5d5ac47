package app.kindred.media;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A remote image's address is signed with the instance's proxy key. The key used to be read on its first use,
 * which came inside a listing's or a post view's read: a second connection from the pool while holding one, so
 * the first crowd after a start could hold every connection, each waiting for one more. It is read at start now;
 * here the test holds every connection of a pool of two while the first address is signed.
 */
class ProxyKeyConnectionTest {
    @Test
    void theFirstProxiedAddressIsSignedWithoutAskingThePool() throws Exception {
        var config = TestPostgres.config(Map.of(
                "KINDRED_DATABASE_POOL_SIZE",
                "2",
                "KINDRED_DATA_DIR",
                Files.createTempDirectory("kindred-proxy-key").toString()));
        try (var app = App.open(config)) {
            var db = app.database();
            long started = System.nanoTime();
            var address =
                    db.read(held -> db.read(nested -> app.media().picture(null, "https://elsewhere.example/a.png")));
            long took = System.nanoTime() - started;
            assertTrue(
                    took < 1_000_000_000L, "signed without waiting for a connection; took " + took / 1_000_000 + " ms");
            assertTrue(address.contains(MediaProxy.PATH), address);
        }
    }
}
