package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Actor endpoints over HTTP: content negotiation, the Person, Group and Application shapes, and HTML pages. */
class ActorRoutesTest {
    private static final String HOSTILE_TITLE = "Tips <script>alert('title')</script> & tricks";
    private static final String DESCRIPTION = """
            A place for **careful** tips.

            <script>alert('description')</script>
            [click](javascript:alert(1)) <img src=x onerror=alert(2)>""";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("tips", HOSTILE_TITLE, DESCRIPTION, "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String url(String path) {
        return server.base() + path;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                TestServer.ACTIVITY_JSON,
                TestServer.LD_JSON_PROFILE,
                "application/ld+json",
                "application/activity+json, application/ld+json; q=0.9"
            })
    void activityPubClientsGetJson(String accept) {
        for (var path : new String[] {"/c/tips", "/u/alice", "/actor"}) {
            var response = server.get(path, accept);
            assertEquals(200, response.statusCode(), path);
            assertEquals("application/activity+json", mediaType(response), path);
            assertVaryAccept(response);
            assertEquals(url(path), json(response).get("id").asText());
        }
    }

    @Test
    void browsersGetAnHtmlPage() {
        for (var path : new String[] {"/c/tips", "/u/alice", "/actor"}) {
            var response = server.get(path, TestServer.BROWSER);
            assertEquals(200, response.statusCode(), path);
            assertEquals("text/html", mediaType(response), path);
            assertVaryAccept(response);
            assertTrue(response.body().contains(url(path)), response.body());
        }
    }

    @Test
    void theHtmlPageEscapesTheTitleAndSanitisesTheDescription() {
        var html = server.get("/c/tips", TestServer.BROWSER).body();
        var page = Jsoup.parse(html);
        assertNothingRuns(page);
        // The title survives as text, in the heading and the window title alike.
        assertEquals(HOSTILE_TITLE, page.selectFirst("h1").text());
        assertEquals(HOSTILE_TITLE, page.title());
        assertFalse(html.contains("<script>"), html);
        assertEquals("careful", page.selectFirst("strong").text());
    }

    @Test
    void theGroupRendersItsMarkdownDescriptionAsSanitisedHtml() {
        var group = server.activityJson("/c/tips");
        assertEquals("Group", group.get("type").asText());
        assertEquals(HOSTILE_TITLE, group.get("name").asText(), "JSON carries the title as text; clients escape it");
        var summary = group.get("summary").asText();
        assertTrue(summary.contains("<strong>careful</strong>"), summary);
        assertNothingRuns(Jsoup.parseBodyFragment(summary));
        // What was not allowed is shown as text, not dropped silently.
        assertTrue(summary.contains("&lt;script&gt;"), summary);
        assertEquals(DESCRIPTION, group.get("source").get("content").asText());
        assertEquals("text/markdown", group.get("source").get("mediaType").asText());
    }

    @Test
    void theGroupHasEveryCommunityField() {
        var group = server.activityJson("/c/tips");
        var id = url("/c/tips");
        assertEquals("tips", group.get("preferredUsername").asText());
        assertEquals(id + "/inbox", group.get("inbox").asText());
        assertEquals(id + "/outbox", group.get("outbox").asText());
        assertEquals(id + "/followers", group.get("followers").asText());
        assertEquals(id + "/featured", group.get("featured").asText());
        assertEquals(id + "/moderators", group.get("attributedTo").asText());
        assertEquals(id + "/moderators", group.get("moderators").asText());
        assertEquals(url("/inbox"), group.get("endpoints").get("sharedInbox").asText());
        assertEquals(id, group.get("url").asText());
        assertFalse(group.get("postingRestrictedToMods").booleanValue());
        assertFalse(group.get("sensitive").booleanValue());
        assertFalse(group.get("manuallyApprovesFollowers").booleanValue());
        assertTrue(group.get("discoverable").booleanValue(), "communities are there to be found");
        assertFalse(group.has("following"), "a community follows no one");
        assertKeys(group, id);
    }

    @Test
    void thePersonHasItsKeysAndCollectionsAndIsNotDiscoverable() {
        var person = server.activityJson("/u/alice");
        var id = url("/u/alice");
        assertEquals("Person", person.get("type").asText());
        assertEquals("alice", person.get("preferredUsername").asText());
        assertEquals(id + "/inbox", person.get("inbox").asText());
        assertEquals(id + "/outbox", person.get("outbox").asText());
        assertEquals(id + "/followers", person.get("followers").asText());
        assertEquals(id + "/following", person.get("following").asText());
        assertEquals(url("/inbox"), person.get("endpoints").get("sharedInbox").asText());
        // Members of support communities opt in to being found; the default is hidden.
        assertFalse(person.get("discoverable").booleanValue());
        assertFalse(person.get("indexable").booleanValue());
        assertFalse(person.has("attributedTo"), person.toString());
        assertKeys(person, id);
    }

    @Test
    void theInstanceActorIsAnApplicationFetchableWithoutASignature() {
        // No Signature header: peers fetch it to verify our signed fetches, so it must not demand one.
        var response = server.get("/actor", TestServer.ACTIVITY_JSON);
        assertEquals(200, response.statusCode());
        var actor = json(response);
        var id = url("/actor");
        assertEquals(id, actor.get("id").asText());
        assertEquals("Application", actor.get("type").asText());
        assertEquals(server.domain(), actor.get("preferredUsername").asText());
        assertEquals(id + "/inbox", actor.get("inbox").asText());
        assertEquals(id + "/outbox", actor.get("outbox").asText());
        assertEquals(url("/inbox"), actor.get("endpoints").get("sharedInbox").asText());
        assertKeys(actor, id);
    }

    /** The RSA key for HTTP signatures and the FEP-521a Ed25519 Multikey. */
    private static void assertKeys(JsonNode actor, String id) {
        var key = actor.get("publicKey");
        assertEquals(id + "#main-key", key.get("id").asText());
        assertEquals(id, key.get("owner").asText());
        assertTrue(key.get("publicKeyPem").asText().startsWith("-----BEGIN PUBLIC KEY-----"), key.toString());
        var methods = actor.get("assertionMethod");
        assertTrue(methods.isArray(), actor.toString());
        assertEquals(1, methods.size());
        var multikey = methods.get(0);
        assertEquals(id + "#ed25519-key", multikey.get("id").asText());
        assertEquals("Multikey", multikey.get("type").asText());
        assertEquals(id, multikey.get("controller").asText());
        // z + base58btc of the ed25519-pub multicodec prefix and 32 bytes always starts "z6Mk".
        assertTrue(
                multikey.get("publicKeyMultibase").asText().matches("z6Mk[1-9A-HJ-NP-Za-km-z]{44}"),
                multikey.toString());
    }

    @Test
    void aNameUnderTheWrongKindOfActorIsNotFound() {
        assertNotFound(server.get("/u/tips", TestServer.ACTIVITY_JSON));
        assertNotFound(server.get("/c/alice", TestServer.ACTIVITY_JSON));
        assertNotFound(server.get("/u/tips/followers", TestServer.ACTIVITY_JSON));
        assertNotFound(server.get("/c/alice/moderators", TestServer.ACTIVITY_JSON));
        assertNotFound(server.get("/c/nobody", TestServer.ACTIVITY_JSON));
        assertNotFound(server.get("/u/nobody", TestServer.ACTIVITY_JSON));
        // A browser is told on a page, not in JSON (the web interface, issue #14).
        var page = server.get("/u/nobody", TestServer.BROWSER);
        assertEquals(404, page.statusCode());
        assertEquals("text/html", mediaType(page));
        assertTrue(
                page.body().contains("there is no member nobody here")
                        || page.body().contains("There is no member nobody here"),
                page.body());
    }

    private static void assertNotFound(HttpResponse<String> response) {
        assertEquals(404, response.statusCode(), response.body());
        assertEquals("application/problem+json", mediaType(response));
        assertEquals(404, json(response).get("status").asInt());
    }

    /** No element or attribute that runs code, loads something, or styles the page. */
    private static void assertNothingRuns(Document document) {
        for (Element e : document.getAllElements()) {
            assertFalse(
                    List.of("script", "img", "iframe", "style", "svg", "object", "embed")
                            .contains(e.normalName()),
                    e.outerHtml());
            for (var attribute : e.attributes()) {
                assertFalse(attribute.getKey().toLowerCase().startsWith("on"), e.outerHtml());
                assertFalse(attribute.getKey().equalsIgnoreCase("style"), e.outerHtml());
                assertFalse(attribute.getValue().strip().toLowerCase().startsWith("javascript:"), e.outerHtml());
            }
        }
    }

    private static void assertVaryAccept(HttpResponse<String> response) {
        var vary = String.join(",", response.headers().allValues("Vary")).toLowerCase();
        assertTrue(vary.contains("accept"), "Vary: " + vary);
    }
}
