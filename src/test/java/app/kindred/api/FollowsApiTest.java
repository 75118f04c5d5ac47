package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Following local communities through the API; remote follows are covered by the federation tests. */
class FollowsApiTest {
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void followingALocalCommunityByNameIsAcceptedAndListedUntilUnfollowed() {
        var moderator = api.member("host");
        long peers = api.community(moderator, "peers");
        var member = api.member("newcomer");

        var response = api.post("/api/v1/follows", Map.of("community", "peers"), member);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("accepted", body(response).get("state").asText());
        assertEquals(peers, body(response).get("community").get("id").asLong());
        assertEquals(1, body(response).get("community").get("follower_count").asLong());

        var subscriptions = body(api.get("/api/v1/me/subscriptions", member));
        assertEquals(1, subscriptions.size());
        assertEquals("peers", subscriptions.get(0).get("community").get("name").asText());
        assertEquals("accepted", subscriptions.get(0).get("state").asText());

        // Following again changes nothing.
        assertEquals(
                200,
                api.post("/api/v1/follows", Map.of("community", "peers"), member)
                        .statusCode());
        assertEquals(1, api.count("select count(*) from follow where follower_id = ?", server.actorId("newcomer")));

        assertEquals(204, api.delete("/api/v1/follows/" + peers, member).statusCode());
        assertEquals(0, body(api.get("/api/v1/me/subscriptions", member)).size());
        assertEquals(
                0,
                body(api.get("/api/v1/communities/" + peers, null))
                        .get("follower_count")
                        .asLong());
        assertProblem(api.delete("/api/v1/follows/" + peers, member), 404, null);
    }

    @Test
    void parallelUnfollowsEndTheFollowOnceAndTheRestFindNothing() throws Exception {
        var moderator = api.member("keeper");
        long circle = api.community(moderator, "circle");
        var member = api.member("hasty");
        // A race is won or lost by timing: several rounds make a double unfollow show up if it can happen.
        for (int round = 0; round < 8; round++) {
            assertEquals(
                    200,
                    api.post("/api/v1/follows", Map.of("community", "circle"), member)
                            .statusCode());

            var statuses = new java.util.concurrent.ConcurrentLinkedQueue<Integer>();
            try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                var start = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 64; i++) {
                    pool.submit(() -> {
                        start.await();
                        return statuses.add(unfollowAsAClientWould(circle, member));
                    });
                }
                start.countDown();
            }

            assertEquals(64, statuses.size());
            assertEquals(1, statuses.stream().filter(s -> s == 204).count(), "round " + round + ": " + statuses);
            assertEquals(63, statuses.stream().filter(s -> s == 404).count(), "round " + round + ": " + statuses);
        }
    }

    /**
     * 64 requests at once on a busy 2-core machine can outwait the pool's bounded connection wait:
     * the instance then answers 503 with Retry-After, as designed, and a client tries again. The race
     * under test is between requests that do reach the database, so a 503 is retried, not counted.
     */
    private static int unfollowAsAClientWould(long community, String member) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            var r = api.delete("/api/v1/follows/" + community, member);
            if (r.statusCode() != 503 || attempt == 20) return r.statusCode();
            assertTrue(r.headers().firstValue("Retry-After").isPresent(), "a 503 says when to come back");
            Thread.sleep(50L * (attempt + 1));
        }
    }

    @Test
    void refusedFollowsChangeNothing() {
        var member = api.member("wanderer");
        long follows = api.count("select count(*) from follow");
        assertProblem(api.post("/api/v1/follows", Map.of("community", "nosuchplace"), member), 404, null);
        assertProblem(api.post("/api/v1/follows", Map.of(), member), 422, "community");
        assertProblem(api.post("/api/v1/follows", Map.of("community", 12), member), 400, "community");
        assertProblem(api.post("/api/v1/follows", Map.of("community", "peers", "notify", true), member), 400, "notify");
        assertProblem(api.delete("/api/v1/follows/424242", member), 404, null);
        assertProblem(api.delete("/api/v1/follows/x", member), 400, "id");
        assertEquals(follows, api.count("select count(*) from follow"));
    }

    @Test
    void aFollowOfAnInternalAddressSaysOnlyThatItCannotBeReachedAndNoLogNamesTheAddress() {
        var root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var ours = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("app.kindred");
        var previous = ours.getLevel();
        var appender = new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        ours.setLevel(ch.qos.logback.classic.Level.DEBUG);
        // As in production: private and local addresses are refused.
        try (var strict = TestServer.start(Map.of("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "false"))) {
            var client = new ApiClient(strict);
            var member = client.member("curious");

            var problem = assertProblem(
                    client.post("/api/v1/follows", Map.of("community", "http://localhost:9/c/admin"), member),
                    404,
                    "community");

            var detail = problem.get("detail").asText();
            assertEquals("cannot follow http://localhost:9/c/admin: its server cannot be reached from here", detail);
        } finally {
            root.detachAppender(appender);
            ours.setLevel(previous);
        }
        // Ours: Javalin announces the address it listens on, which is our own.
        for (var event : appender.list.stream()
                .filter(e -> e.getLoggerName().startsWith("app.kindred"))
                .toList()) {
            var line = event.getFormattedMessage();
            assertFalse(
                    line.contains("127.0.0.1") || line.contains("0:0:0:0:0:0:0:1") || line.contains("resolves to"),
                    line);
        }
    }

    @Test
    void meDescribesTheSignedInMember() {
        var token = api.member("selfaware");
        var me = body(api.get("/api/v1/me", token));
        assertEquals("selfaware", me.get("username").asText());
        assertEquals("member", me.get("role").asText());
        assertEquals("selfaware@" + server.domain(), me.get("handle").asText());
        assertEquals(server.base() + "/u/selfaware", me.get("actor_id").asText());
    }
}
