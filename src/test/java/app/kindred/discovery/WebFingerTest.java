package app.kindred.discovery;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WebFinger (RFC 7033) over HTTP: handles of communities and members, actor URLs, FEP-d556, and refusals. */
class WebFingerTest {
    private static final String AS_TYPE = "https://www.w3.org/ns/activitystreams#type";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("gardening", "Gardening", "Soil and seeds", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> webfinger(String resource) {
        return server.get("/.well-known/webfinger?resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8));
    }

    /** The JRD of a found actor, with the checks every answer must pass. */
    private static JsonNode found(String resource) {
        var response = webfinger(resource);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/jrd+json", mediaType(response));
        assertEquals(
                "*",
                response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        return json(response);
    }

    private static JsonNode link(JsonNode jrd, String rel) {
        for (var link : jrd.get("links")) {
            if (link.path("rel").asText().equals(rel)) return link;
        }
        throw new AssertionError("no " + rel + " link in " + jrd);
    }

    private static void assertActor(JsonNode jrd, String subject, String actorId, String type) {
        assertEquals(subject, jrd.get("subject").asText());
        assertEquals(1, jrd.get("aliases").size(), jrd.toString());
        assertEquals(actorId, jrd.get("aliases").get(0).asText());
        var self = link(jrd, "self");
        assertEquals("application/activity+json", self.get("type").asText());
        assertEquals(actorId, self.get("href").asText());
        assertEquals(type, self.get("properties").get(AS_TYPE).asText());
        var profile = link(jrd, "http://webfinger.net/rel/profile-page");
        assertEquals(actorId, profile.get("href").asText());
        assertEquals("text/html", profile.get("type").asText());
    }

    @Test
    void aCommunityHandleAnswersItsGroupActor() {
        var jrd = found("acct:gardening@" + server.domain());
        assertActor(jrd, "acct:gardening@" + server.domain(), server.base() + "/c/gardening", "Group");
    }

    @Test
    void aMemberHandleAnswersItsPersonActor() {
        var jrd = found("acct:alice@" + server.domain());
        assertActor(jrd, "acct:alice@" + server.domain(), server.base() + "/u/alice", "Person");
    }

    @Test
    void handlesAreCaseInsensitive() {
        var jrd = found("acct:Alice@" + server.domain().toUpperCase());
        assertEquals(server.base() + "/u/alice", link(jrd, "self").get("href").asText());
    }

    @Test
    void theActorsUrlAnswersTheSameActor() {
        var community = found(server.base() + "/c/gardening");
        assertActor(community, "acct:gardening@" + server.domain(), server.base() + "/c/gardening", "Group");
        var member = found(server.base() + "/u/alice");
        assertActor(member, "acct:alice@" + server.domain(), server.base() + "/u/alice", "Person");
    }

    @Test
    void theServerRootAnswersTheInstanceActor() {
        // FEP-d556: server-level actor discovery by the origin's root URL.
        var root = server.base() + "/";
        var jrd = found(root);
        assertActor(jrd, root, server.base() + "/actor", "Application");
    }

    @Test
    void anUnknownNameIsNotFound() {
        assertProblem(webfinger("acct:nobody@" + server.domain()), 404, null);
        assertProblem(webfinger(server.base() + "/u/nobody"), 404, null);
    }

    @Test
    void anotherDomainIsNotFound() {
        assertProblem(webfinger("acct:alice@elsewhere.example"), 404, null);
        assertProblem(webfinger("https://elsewhere.example/u/alice"), 404, null);
    }

    @Test
    void aMissingResourceIsABadRequest() {
        assertProblem(server.get("/.well-known/webfinger"), 400, "resource");
        assertProblem(server.get("/.well-known/webfinger?resource="), 400, "resource");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "acct:nodomain",
                "acct:@" + "127.0.0.1",
                "acct:alice@",
                "ftp://x",
                "::::",
                "mailto:alice",
                "/u/alice",
                "http://"
            })
    void aMalformedResourceIsABadRequest(String resource) {
        assertProblem(webfinger(resource), 400, "resource");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String field) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", mediaType(response));
        var problem = json(response);
        assertEquals(status, problem.get("status").asInt());
        assertFalse(problem.path("title").asText().isBlank(), response.body());
        if (field != null) assertEquals(field, problem.path("field").asText(), response.body());
        assertFalse(response.body().contains("Exception"), response.body());
    }
}
