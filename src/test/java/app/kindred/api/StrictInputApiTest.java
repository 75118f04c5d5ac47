package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Hostile input at the API's door: each is a 4xx problem naming what to change, never a 500. */
class StrictInputApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String alice;
    private static long community, thread;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        alice = api.member("alice");
        community = api.community(alice, "support");
        var created = api.post(
                "/api/v1/communities/" + community + "/threads", Map.of("title", "Hello", "body", "hi"), alice);
        assertEquals(201, created.statusCode(), created.body());
        thread = body(created).get("id").asLong();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNulInALoginNameIsABadRequestNotAServerError() {
        assertProblem(
                api.post("/api/v1/auth/login", "{\"username\": \"bob\\u0000\", \"password\": \"x\"}", null),
                400,
                "username");
    }

    @Test
    void aNulInATitleCommentReportOrRuleIsRefusedNamingTheField() {
        long before = api.count("select count(*) from post");
        assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        "{\"title\": \"a\\u0000b\", \"body\": \"x\"}",
                        alice),
                400,
                "title");
        assertProblem(
                api.post("/api/v1/posts/" + thread + "/comments", "{\"body\": \"a\\u0000b\"}", alice), 400, "body");
        assertProblem(
                api.post(
                        "/api/v1/reports",
                        "{\"post\": " + thread + ", \"category\": \"spam\", \"text\": \"\\u0000\"}",
                        alice),
                400,
                "text");
        assertProblem(
                api.send(
                        "PUT",
                        "/api/v1/communities/" + community + "/rules",
                        "[{\"title\": \"Be kind\\u0000\", \"description\": \"\"}]",
                        alice),
                400,
                "title");
        // A lone half of a surrogate pair has no UTF-8 form: refused the same way.
        assertProblem(
                api.post("/api/v1/posts/" + thread + "/comments", "{\"body\": \"a\\ud800b\"}", alice), 400, "body");
        assertEquals(before, api.count("select count(*) from post"));
    }

    @Test
    void markdownThatRendersPastTheHtmlLimitIsRefusedAndFiftyThousandEscapedCharactersAreNot() {
        // Each "[a]" becomes the whole link: 4 characters of Markdown, a kilobyte of HTML.
        var amplified = "[a]: https://example.org/" + "x".repeat(1000) + "\n\n" + "[a] ".repeat(1000);
        assertProblem(api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", amplified), alice), 422, "body");

        var escaped = api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "&".repeat(50_000)), alice);
        assertEquals(
                201,
                escaped.statusCode(),
                escaped.body().substring(0, Math.min(300, escaped.body().length())));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/communities/1%00",
                "/c/support%00",
                "/u/alice%00/inbox",
                "/.well-known/webfinger?resource=acct:alice%00@example.org"
            })
    void aNulInTheAddressIsABadRequest(String path) {
        var response = path.endsWith("inbox") ? api.send("POST", path, "{}", null) : api.get(path, null);
        assertProblem(response, 400, null);
    }

    @Test
    void trailingDataAfterTheDocumentIsRefused() {
        var problem = assertProblem(
                api.post(
                        "/api/v1/auth/login",
                        "{\"username\": \"alice\", \"password\": \"" + ApiClient.PASSWORD
                                + "\"} {\"username\": \"bob\"}",
                        null),
                400,
                null);
        assertTrue(problem.get("detail").asText().contains("not valid JSON"), problem.toString());
    }

    @Test
    void aBodyNestedBeyondTheWireLimitIsRefusedBeforeAnyFieldIsRead() {
        // 100 levels: within Jackson's own default (1000), beyond the limit every network read shares (64).
        var deep = "[".repeat(100) + "]".repeat(100);
        var problem = assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        "{\"title\": \"deep\", \"body\": " + deep + "}",
                        alice),
                400,
                null);
        assertTrue(problem.get("detail").asText().contains("nesting depth"), problem.toString());
    }

    @Test
    void aKeyGivenTwiceIsRefusedRatherThanTheLastWinning() {
        var problem = assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        "{\"title\": \"one\", \"title\": \"two\", \"body\": \"x\"}",
                        alice),
                400,
                null);
        assertTrue(problem.get("detail").asText().contains("title"), problem.toString());
    }

    @Test
    void aWriteInAnotherContentTypeIsUnsupported() throws Exception {
        var request = HttpRequest.newBuilder(
                        URI.create(server.base() + "/api/v1/communities/" + community + "/threads"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"title\": \"form\", \"body\": \"x\"}"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Bearer " + alice)
                .build();
        var response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertProblem(response, 415, null);
        var noType = HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/auth/login"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\": \"alice\", \"password\": \"x\"}"))
                .build();
        assertProblem(HttpClient.newHttpClient().send(noType, HttpResponse.BodyHandlers.ofString()), 415, null);
    }
}
