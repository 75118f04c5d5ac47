package app.kindred.web;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.federation.RemotePeer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.zaxxer.hikari.HikariDataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Under more than it can take, the server says "come back in a moment" (503 with Retry-After)
 * instead of 500, and what must keep answering (health, inboxes) does.
 */
class BackpressureTest {
    private static final String PASSWORD = "correct horse battery";

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("no answer to " + request.uri() + ": " + e, e);
        }
    }

    private HttpRequest wrongSignIn(TestServer server) {
        return HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\": \"ada\", \"password\": \"not the password at all\"}"))
                .build();
    }

    private static void assertTryLater(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, TestServer.mediaType(response), response.body());
        var retryAfter =
                response.headers().firstValue("Retry-After").orElseThrow(() -> new AssertionError("no Retry-After"));
        assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);
        assertEquals(status, TestServer.json(response).path("status").asInt(), response.body());
        assertFalse(TestServer.json(response).path("detail").asText().isBlank(), response.body());
    }

    @Test
    void aSignInFloodGets503WithRetryAfterWhileHealthAndInboxesKeepAnswering() throws Exception {
        try (var server = TestServer.start(
                Map.of("KINDRED_SERVER_PASSWORD_HASH_THREADS", "1", "KINDRED_SERVER_PASSWORD_HASH_QUEUE", "1"))) {
            server.app().members().create("ada", PASSWORD, Role.MEMBER);
            server.app().communities().create("calm", "Calm", "", "ada");
            var peer = RemotePeer.serve(remote, "flood");

            var outcomes = new ConcurrentLinkedQueue<HttpResponse<String>>();
            var health = new ConcurrentLinkedQueue<Integer>();
            var inbox = new ConcurrentLinkedQueue<Integer>();
            var flooding = new AtomicBoolean(true);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                var flood = new ArrayList<CompletableFuture<Void>>();
                var start = new CountDownLatch(1);
                for (int i = 0; i < 48; i++) {
                    flood.add(CompletableFuture.runAsync(
                            () -> {
                                try {
                                    start.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                outcomes.add(send(wrongSignIn(server)));
                            },
                            threads));
                }
                var watcher = CompletableFuture.runAsync(
                        () -> {
                            while (flooding.get()) {
                                health.add(send(HttpRequest.newBuilder(URI.create(server.base() + "/healthz"))
                                                .build())
                                        .statusCode());
                                var follow = """
                                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                                 "actor": "%s", "object": "%s"}""".formatted(peer.activityId(), peer.id(), server.base() + "/c/calm");
                                inbox.add(RemotePeer.post(
                                                URI.create(server.base() + "/c/calm/inbox"),
                                                RemotePeer.AP,
                                                follow,
                                                peer.cavage())
                                        .statusCode());
                            }
                        },
                        threads);
                start.countDown();
                CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).join();
                flooding.set(false);
                watcher.join();
            }

            var statuses = outcomes.stream().map(HttpResponse::statusCode).toList();
            assertEquals(48, statuses.size());
            assertTrue(statuses.stream().allMatch(s -> s == 401 || s == 503), "only 401 and 503: " + statuses);
            var busy = outcomes.stream().filter(r -> r.statusCode() == 503).toList();
            assertFalse(
                    busy.isEmpty(), "with one hashing thread and a queue of one, most of 48 at once wait: " + statuses);
            busy.forEach(r -> assertTryLater(r, 503));
            assertTrue(statuses.contains(401), "the sign-ins that got their turn were answered: " + statuses);
            assertFalse(health.isEmpty());
            assertTrue(health.stream().allMatch(s -> s == 200), "health during the flood: " + health);
            assertTrue(inbox.stream().allMatch(s -> s == 202), "inbox during the flood: " + inbox);
            // And afterwards the owner signs in as ever.
            var ok = send(HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"username\": \"ada\", \"password\": \"" + PASSWORD + "\"}"))
                    .build());
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    @Test
    void noFreeConnectionIs503WithRetryAfterAndBackgroundWorkHasItsOwn() throws Exception {
        try (var server = TestServer.start(
                Map.of("KINDRED_DATABASE_POOL_SIZE", "2", "KINDRED_DATABASE_CONNECTION_WAIT", "300ms"))) {
            server.app().members().create("ada", PASSWORD, Role.MEMBER);
            long community =
                    server.app().communities().create("calm", "Calm", "", "ada").id();
            var peer = RemotePeer.serve(remote, "patient");
            var follow = """
                    {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                     "actor": "%s", "object": "%s"}""".formatted(peer.activityId(), peer.id(), server.base() + "/c/calm");
            var release = new CountDownLatch(1);
            var held = new CountDownLatch(1);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // Someone holds both request connections.
                var holder = threads.submit(() -> holdBothRequestConnections(server, held, release));
                held.await();

                assertTryLater(
                        send(HttpRequest.newBuilder(
                                        URI.create(server.base() + "/api/v1/communities/" + community + "/threads"))
                                .build()),
                        503);
                // An inbox says 503 too (never 401, which would tell the sender its signature is bad): it sends again.
                var refused = RemotePeer.post(
                        URI.create(server.base() + "/c/calm/inbox"), RemotePeer.AP, follow, peer.cavage());
                assertTryLater(refused, 503);
                // The inbound processor and the delivery workers still have their connections.
                assertEquals(1L, (long) server.app().database().background().read(c -> Sql.count(c, "select 1")));
                assertTrue(
                        ((HikariDataSource) server.app().database().background().dataSource()).getMaximumPoolSize()
                                >= 1);

                release.countDown();
                holder.get();
            }
            // The same activity sent again is taken and stored: nothing was lost, and it is stored once.
            assertEquals(
                    202,
                    RemotePeer.post(URI.create(server.base() + "/c/calm/inbox"), RemotePeer.AP, follow, peer.cavage())
                            .statusCode());
            assertEquals(1L, (long)
                    server.app().database().read(c -> Sql.count(c, "select count(*) from inbound_activity")));
        }
    }

    /** Takes both of the server's request connections (a pool of two) until {@code release}, saying so on {@code held}. */
    private static Object holdBothRequestConnections(TestServer server, CountDownLatch held, CountDownLatch release) {
        return server.app()
                .database()
                .read(c -> server.app().database().read(d -> {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }));
    }

    @Test
    void federationIsProcessedWhileRequestsHaveEveryConnection() throws Exception {
        try (var server = TestServer.start(
                Map.of("KINDRED_DATABASE_POOL_SIZE", "2", "KINDRED_DATABASE_CONNECTION_WAIT", "300ms"))) {
            server.app().members().create("ada", PASSWORD, Role.MEMBER);
            server.app().communities().create("calm", "Calm", "", "ada");
            var peer = RemotePeer.serve(remote, "busy");
            var follow = """
                    {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                     "actor": "%s", "object": "%s"}""".formatted(peer.activityId(), peer.id(), server.base() + "/c/calm");
            // Stored while the workers are not running yet, so it waits in the table.
            assertEquals(
                    202,
                    RemotePeer.post(URI.create(server.base() + "/c/calm/inbox"), RemotePeer.AP, follow, peer.cavage())
                            .statusCode());
            var background = server.app().database().background();
            var release = new CountDownLatch(1);
            var held = new CountDownLatch(1);
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                // Page views hold every request connection...
                var holder = threads.submit(() -> holdBothRequestConnections(server, held, release));
                held.await();
                // ...and the inbound processor still applies the follow, through its own connections.
                server.app().startWorkers();
                Eventually.eventually(
                        Duration.ofSeconds(20),
                        () -> assertEquals(1L, (long) background.read(c ->
                                Sql.count(c, "select count(*) from inbound_activity where processed_at is not null"))));
                assertEquals(1L, (long) background.read(c -> Sql.count(c, "select count(*) from follow")));
                release.countDown();
                holder.get();
            }
        }
    }
}
