package app.kindred.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.web.WebServer;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Each family of rate limits, with small numbers: 429, Retry-After, and a problem that says what to wait for. */
class RateLimitsApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static long community;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.ofEntries(
                Map.entry("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"),
                Map.entry("KINDRED_SERVER_CLIENT_ADDRESS_HEADER", "X-Forwarded-For"),
                Map.entry("KINDRED_LIMITS_THREAD", "2/1h"),
                Map.entry("KINDRED_LIMITS_COMMENT", "2/1h"),
                Map.entry("KINDRED_LIMITS_VOTE", "2/1h"),
                Map.entry("KINDRED_LIMITS_FOLLOW", "1/1h"),
                Map.entry("KINDRED_LIMITS_REPORT", "2/1h"),
                Map.entry("KINDRED_LIMITS_CONCERN", "1/1h"),
                Map.entry("KINDRED_LIMITS_SIGN_UP", "2/1h"),
                Map.entry("KINDRED_LIMITS_SIGN_IN_CLIENT", "3/1h"),
                Map.entry("KINDRED_LIMITS_SIGN_IN_FIRST_TRY", "1/1h"),
                Map.entry("KINDRED_LIMITS_SIGN_IN_ACCOUNT", "4/1h")));
        api = new ApiClient(server);
        var host = api.member("host");
        community = api.community(host, "calm");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** 429, a Retry-After of a second or more, and a problem whose detail names what was limited. */
    static void assertLimited(HttpResponse<String> response, String what) {
        assertEquals(429, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, TestServer.mediaType(response), response.body());
        var retryAfter =
                Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1, "Retry-After " + retryAfter);
        var problem = TestServer.json(response);
        assertEquals(429, problem.path("status").asInt());
        assertTrue(problem.path("detail").asText().contains(what), response.body());
        assertTrue(problem.path("detail").asText().contains("wait"), response.body());
    }

    private long thread(String token) {
        var response = api.post(
                "/api/v1/communities/" + community + "/threads", Map.of("title", "A thread", "body", "words"), token);
        assertEquals(201, response.statusCode(), response.body());
        return TestServer.json(response).get("id").asLong();
    }

    @Test
    void threadsCommentsAndVotesEachHaveTheirOwnLimitPerMember() {
        var ada = api.member("ada");
        long first = thread(ada);
        thread(ada);
        assertLimited(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Third", "body", "words"),
                        ada),
                "threads");
        // Another member is not held back by ada's threads.
        thread(api.member("bo"));

        for (int i = 0; i < 2; i++) {
            assertEquals(
                    201,
                    api.post("/api/v1/posts/" + first + "/comments", Map.of("body", "reply " + i), ada)
                            .statusCode());
        }
        assertLimited(api.post("/api/v1/posts/" + first + "/comments", Map.of("body", "one more"), ada), "comments");

        for (int i = 0; i < 2; i++) {
            assertEquals(
                    200,
                    api.post("/api/v1/posts/" + first + "/vote", Map.of("value", i == 0 ? 1 : 0), ada)
                            .statusCode());
        }
        assertLimited(api.post("/api/v1/posts/" + first + "/vote", Map.of("value", 1), ada), "votes");
        assertEquals(
                2,
                api.count(
                        "select count(*) from post where parent_id is not null and author_id = ?",
                        server.actorId("ada")),
                "a refused comment is not stored");
    }

    @Test
    void followsAreLimitedPerMember() {
        var cy = api.member("cy");
        assertEquals(
                200,
                api.post("/api/v1/follows", Map.of("community", "calm"), cy).statusCode());
        assertLimited(api.post("/api/v1/follows", Map.of("community", "calm"), cy), "follows");
    }

    @Test
    void wellbeingConcernsAreCountedApartFromReportsAndTighter() {
        var dee = api.member("dee");
        long thread = thread(api.member("eli"));
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", thread, "category", "spam"), dee)
                        .statusCode());
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", thread, "category", "harassment"), dee)
                        .statusCode());
        assertLimited(api.post("/api/v1/reports", Map.of("post", thread, "category", "other"), dee), "reports");
        // Reports used up do not take the room for a concern about someone's wellbeing.
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", thread, "category", "wellbeing", "text", "worried"), dee)
                        .statusCode());
        assertLimited(
                api.post("/api/v1/reports", Map.of("post", thread, "category", "wellbeing", "text", "still"), dee),
                "wellbeing concerns");
    }

    private HttpResponse<String> fromClient(String address, String path, String body) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(server.base() + path))
                            .header("Content-Type", "application/json")
                            .header("X-Forwarded-For", address)
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void signUpsAreLimitedPerClient() {
        assertEquals(
                201,
                fromClient(
                                "203.0.113.1",
                                "/api/v1/accounts",
                                "{\"username\": \"new1\", \"password\": \"a long password\"}")
                        .statusCode());
        assertEquals(
                201,
                fromClient(
                                "203.0.113.1",
                                "/api/v1/accounts",
                                "{\"username\": \"new2\", \"password\": \"a long password\"}")
                        .statusCode());
        assertLimited(
                fromClient(
                        "203.0.113.1",
                        "/api/v1/accounts",
                        "{\"username\": \"new3\", \"password\": \"a long password\"}"),
                "accounts created");
        assertEquals(
                201,
                fromClient(
                                "203.0.113.2",
                                "/api/v1/accounts",
                                "{\"username\": \"new3\", \"password\": \"a long password\"}")
                        .statusCode());
    }

    private HttpResponse<String> signIn(String address, String username, String password) {
        return fromClient(
                address,
                "/api/v1/auth/login",
                "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
    }

    @Test
    void wrongPasswordsSlowTheClientsThatSendThemButNeverLockTheOwnerOut() {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var logged = new ListAppender<ILoggingEvent>();
        logged.start();
        root.addAppender(logged);
        try {
            guessesAndTheOwner();
        } finally {
            root.detachAppender(logged);
        }
        // Clients are told apart, but their addresses are never written down.
        for (var event : logged.list) {
            assertTrue(
                    !event.getFormattedMessage().contains("198.51.100.")
                            && !event.getFormattedMessage().contains("192.0.2.10"),
                    event.getFormattedMessage());
        }
        for (var table : new String[] {"account", "session", "actor"}) {
            assertEquals(
                    0, api.count("select count(*) from " + table + " t where t::text like '%198.51.100.%'"), table);
        }
    }

    private void guessesAndTheOwner() {
        server.app().members().create("owner", ApiClient.PASSWORD, Role.MEMBER);
        // One client guessing: three failures, then it waits, whatever it sends.
        for (int i = 0; i < 3; i++)
            assertEquals(
                    401, signIn("198.51.100.7", "owner", "guess number " + i).statusCode());
        assertLimited(signIn("198.51.100.7", "owner", "guess number 4"), "failed sign-ins from your connection");
        assertLimited(signIn("198.51.100.7", "owner", ApiClient.PASSWORD), "failed sign-ins from your connection");

        // The account has had its failures: a second guessing client gets one try, then waits for the account.
        assertEquals(401, signIn("198.51.100.8", "owner", "another guess").statusCode());
        assertLimited(signIn("198.51.100.8", "owner", "yet another guess"), "failed sign-ins to this account");

        // The owner, from a client that has not failed, signs in all the same.
        var owner = signIn("192.0.2.10", "owner", ApiClient.PASSWORD);
        assertEquals(200, owner.statusCode(), owner.body());
        // And a client that failed against one account is not slowed for another account's sake.
        assertEquals(200, signIn("198.51.100.8", "host", ApiClient.PASSWORD).statusCode());
    }

    @Test
    void apiWritesOfAllKindsShareOneLimitPerMember() {
        try (var small = TestServer.start(Map.of("KINDRED_LIMITS_API_WRITE", "3/1h"))) {
            var client = new ApiClient(small);
            var fay = client.member("fay");
            long calm = client.community(fay, "calm");
            var t = client.post(
                    "/api/v1/communities/" + calm + "/threads", Map.of("title", "One", "body", "words"), fay);
            assertEquals(201, t.statusCode(), t.body());
            long thread = TestServer.json(t).get("id").asLong();
            assertEquals(
                    201,
                    client.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "two"), fay)
                            .statusCode());
            assertLimited(
                    client.post("/api/v1/posts/" + thread + "/vote", Map.of("value", 1), fay), "changes you made");
            // Reading stays open.
            assertEquals(200, client.get("/api/v1/threads/" + thread, fay).statusCode());
        }
    }
}
