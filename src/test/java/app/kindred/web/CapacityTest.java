package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.Eventually;
import app.kindred.RawHttp;
import app.kindred.TestServer;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Jetty's limits: how many requests at once, how long a client may take, how large a request's head may be. */
class CapacityTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(TestServer server, String path) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(server.base() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aClientTricklingItsHeadersIsDisconnectedAtTheHeaderDeadline() throws Exception {
        try (var server = TestServer.start(Map.of("KINDRED_SERVER_HEADER_TIMEOUT", "1s"));
                var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", RawHttp.port(server)));
            socket.setSoTimeout(200);
            var out = socket.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // One byte every 200 ms: never idle for the 30 s idle timeout, never a whole request.
            var deadline = Instant.now().plusSeconds(15);
            boolean closed = false;
            while (!closed && Instant.now().isBefore(deadline)) {
                try {
                    out.write('a');
                    out.flush();
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException stillOpen) {
                    // nothing from the server yet; keep trickling
                } catch (IOException reset) {
                    closed = true;
                }
            }
            assertTrue(closed, "the server kept a connection that trickled its headers for 15 s");
            // A prompt client is served as ever.
            assertEquals(200, get(server, "/healthz").statusCode());
        }
    }

    @Test
    void pastTheConcurrentRequestsAndTheQueueRequestsGet503WithRetryAfter() throws Exception {
        try (var server = TestServer.start(Map.of(
                "KINDRED_SERVER_MAX_CONCURRENT_REQUESTS",
                "1",
                "KINDRED_SERVER_MAX_QUEUED_REQUESTS",
                "1",
                "KINDRED_SERVER_MAX_QUEUE_WAIT",
                "20s",
                "KINDRED_DATABASE_CONNECTION_WAIT",
                "20s"))) {
            var db = server.app().database();
            var pool = ((HikariDataSource) db.dataSource()).getHikariPoolMXBean();
            var release = new CountDownLatch(1);
            var held = new CountDownLatch(4);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // Every request connection is held, so the one request let in waits for a connection.
                var holders = new ArrayList<Future<?>>();
                for (int i = 0; i < 4; i++) {
                    holders.add(threads.submit(() -> db.read(c -> {
                        held.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return null;
                    })));
                }
                held.await();
                var first = threads.submit(() -> get(server, "/api/v1/communities"));
                Eventually.eventually(
                        Duration.ofSeconds(10), () -> assertEquals(1, pool.getThreadsAwaitingConnection()));

                // One more fits in the queue; the other is turned away at once.
                var second = threads.submit(() -> get(server, "/api/v1/communities"));
                var third = threads.submit(() -> get(server, "/api/v1/communities"));
                var turnedAway = firstDone(List.of(second, third));
                assertEquals(503, turnedAway.statusCode(), turnedAway.body());
                assertTrue(Long.parseLong(
                                turnedAway.headers().firstValue("Retry-After").orElseThrow())
                        >= 1);
                assertEquals(WebServer.PROBLEM_JSON, TestServer.mediaType(turnedAway), turnedAway.body());

                release.countDown();
                for (var h : holders) h.get();
                assertEquals(200, first.get().statusCode());
                var waited = second.isDone() && second.get() == turnedAway ? third.get() : second.get();
                assertEquals(200, waited.statusCode(), "the queued request is served once there is room");
            }
        }
    }

    /** The answer of whichever request is answered first. */
    private static HttpResponse<String> firstDone(List<Future<HttpResponse<String>>> requests) throws Exception {
        var deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline)) {
            for (var r : requests) if (r.isDone()) return r.get();
            Thread.sleep(10);
        }
        throw new AssertionError("neither request was answered within 10 s");
    }

    @Test
    void headersPastTheConfiguredSizeAre431() throws Exception {
        try (var server = TestServer.start(Map.of("KINDRED_SERVER_MAX_HEADER_BYTES", "4096"))) {
            var small = RawHttp.exchange(
                    RawHttp.port(server),
                    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(2000) + "\r\nConnection: close",
                    new byte[0]);
            assertEquals(200, small.status(), small.head());
            var large = RawHttp.exchange(
                    RawHttp.port(server),
                    "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "a".repeat(6000) + "\r\nConnection: close",
                    new byte[0]);
            assertEquals(431, large.status(), large.head());
        }
    }
}
