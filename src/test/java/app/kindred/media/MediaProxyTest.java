package app.kindred.media;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.MovableClock;
import app.kindred.remote.FetchException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The proxy's cache: bounded on disk, expiring, and refusing what it must not fetch. */
class MediaProxyTest {
    private static final URI BASE = URI.create("https://kindred.example");

    private final List<URI> fetched = new ArrayList<>();
    private final MovableClock clock = new MovableClock();

    private MediaProxy proxy(Path dir, long maxCacheBytes) {
        MediaProxy.Source source = (uri, max) -> {
            fetched.add(uri);
            if (uri.getPath().endsWith("missing.png"))
                throw new FetchException(FetchException.Reason.NOT_FOUND, 404, "gone");
            return TestImages.jpeg(200, 200);
        };
        return new MediaProxy(
                "a test secret",
                source,
                new ImageIntake(new ImageIntake.Limits(1_000_000, 10_000_000, 256)),
                dir,
                maxCacheBytes,
                Duration.ofDays(1),
                authority -> authority.equals("rejected.example"),
                BASE,
                clock);
    }

    private static MediaProxy.Answer serve(MediaProxy proxy, String remote) {
        var path =
                proxy.url(remote).substring((BASE + MediaProxy.PATH).length()).split("/");
        return proxy.serve(path[0], path[1]);
    }

    @Test
    void aCachedImageExpiresAndIsFetchedAgain() throws Exception {
        var proxy = proxy(Files.createTempDirectory("proxy"), 10_000_000);
        assertInstanceOf(MediaProxy.Image.class, serve(proxy, "https://a.example/1.jpg"));
        assertInstanceOf(MediaProxy.Image.class, serve(proxy, "https://a.example/1.jpg"));
        assertEquals(1, fetched.size());
        clock.advance(Duration.ofDays(2));
        assertInstanceOf(MediaProxy.Image.class, serve(proxy, "https://a.example/1.jpg"));
        assertEquals(2, fetched.size(), "an expired copy is fetched again");
    }

    @Test
    void theCacheStaysWithinItsBoundOldestFirst() throws Exception {
        var dir = Files.createTempDirectory("proxy");
        long one = new ImageIntake(new ImageIntake.Limits(1_000_000, 10_000_000, 256))
                .clean(TestImages.jpeg(200, 200))
                .bytes()
                .length;
        var proxy = proxy(dir, one * 3 + one / 2);
        for (int i = 0; i < 6; i++) {
            clock.advance(Duration.ofSeconds(60));
            serve(proxy, "https://a.example/" + i + ".jpg");
        }
        long total;
        try (var files = Files.list(dir)) {
            total = files.mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(total <= one * 3 + one / 2, "cache holds " + total + " bytes");
        fetched.clear();
        serve(proxy, "https://a.example/5.jpg");
        assertTrue(fetched.isEmpty(), "the newest stays cached");
        serve(proxy, "https://a.example/0.jpg");
        assertEquals(1, fetched.size(), "the oldest was evicted");
    }

    @Test
    void rejectedMediaUnsafeSchemesAndForgedAddressesAreNeverFetched() throws Exception {
        var proxy = proxy(Files.createTempDirectory("proxy"), 10_000_000);
        assertNull(proxy.url("https://rejected.example/a.jpg"));
        assertNull(proxy.url("javascript:alert(1)"));
        assertNull(proxy.url("file:///etc/passwd"));
        assertEquals(
                "https://kindred.example/media/abc.jpg",
                proxy.url("https://kindred.example/media/abc.jpg"),
                "ours need no proxy");
        assertNull(proxy.url("https://kindred.example/logout"), "no other address of ours is shown as an image");
        var answer = proxy.serve(
                "0".repeat(32), Base64.getUrlEncoder().encodeToString("https://a.example/x.jpg".getBytes()));
        assertEquals(MediaProxy.Miss.NOT_OURS, ((MediaProxy.Refused) answer).why());
        assertEquals(
                MediaProxy.Miss.UNAVAILABLE,
                ((MediaProxy.Refused) serve(proxy, "https://a.example/missing.png")).why());
        assertEquals(List.of(URI.create("https://a.example/missing.png")), fetched);
    }
}
