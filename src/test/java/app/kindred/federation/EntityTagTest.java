package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Actor documents and collections carry an ETag; a client that holds the same answer gets 304 and no body. */
class EntityTagTest {
    private static TestServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().members().create("ada", "correct horse battery", Role.MEMBER);
        server.app().communities().create("calm", "Calm", "", "ada");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private HttpResponse<String> get(String path, String accept, String ifNoneMatch) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path)).header("Accept", accept);
        if (ifNoneMatch != null) request.header("If-None-Match", ifNoneMatch);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/c/calm",
                "/u/ada",
                "/actor",
                "/c/calm/outbox",
                "/c/calm/followers",
                "/c/calm/moderators",
                "/u/ada/outbox"
            })
    void aClientHoldingTheSameDocumentGets304(String path) throws Exception {
        var full = get(path, TestServer.ACTIVITY_JSON, null);
        assertEquals(200, full.statusCode(), full.body());
        var etag = full.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag on " + path));
        assertTrue(etag.startsWith("\"") && etag.endsWith("\""), etag);

        var unchanged = get(path, TestServer.ACTIVITY_JSON, etag);
        assertEquals(304, unchanged.statusCode());
        assertEquals("", unchanged.body());
        assertEquals(etag, unchanged.headers().firstValue("ETag").orElseThrow());
        assertEquals(
                304,
                get(path, TestServer.ACTIVITY_JSON, "\"other\", W/" + etag).statusCode(),
                "weak comparison, lists");

        assertEquals(200, get(path, TestServer.ACTIVITY_JSON, "\"stale\"").statusCode());
        // The HTML page of the same id is another representation: the JSON's tag does not match it.
        var page = get(path, TestServer.BROWSER, etag);
        assertEquals(200, page.statusCode());
        page.headers().firstValue("ETag").ifPresent(tag -> assertNotEquals(etag, tag));
    }

    @Test
    void aChangedDocumentGetsANewTag() throws Exception {
        var before = get("/c/calm/followers", TestServer.ACTIVITY_JSON, null)
                .headers()
                .firstValue("ETag")
                .orElseThrow();
        var follower = server.app().members().create("bo", "correct horse battery", Role.MEMBER);
        server.app().follows().follow(follower, "calm");
        var after = get("/c/calm/followers", TestServer.ACTIVITY_JSON, before);
        assertEquals(200, after.statusCode(), "the collection changed, so the old tag no longer matches");
        assertNotEquals(before, after.headers().firstValue("ETag").orElseThrow());
    }
}
