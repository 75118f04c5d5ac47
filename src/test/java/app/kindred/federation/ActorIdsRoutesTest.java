package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every id we publish dereferences: a peer that follows any URL in one of our actors gets a
 * document with that id, and an inbox answers a GET with 405, not 404.
 */
class ActorIdsRoutesTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("tips", "Tips", "Helpful *tips*", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyUrlInEveryActorDereferencesToADocumentWithThatId() {
        var failures = new ArrayList<String>();
        for (var path : List.of("/c/tips", "/u/alice", "/actor")) {
            var actor = server.activityJson(path);
            for (var url : urls(actor)) {
                var response = server.get(url, TestServer.ACTIVITY_JSON);
                if (response.statusCode() != 200) {
                    failures.add(path + ": " + url + " answered " + response.statusCode());
                    continue;
                }
                var expected = withoutFragment(url);
                var id = json(response).path("id").asText();
                if (!id.equals(expected)) failures.add(path + ": " + url + " has id " + id);
                if (!mediaType(response).equals("application/activity+json")) {
                    failures.add(path + ": " + url + " is " + mediaType(response));
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void pagesOfCollectionsDereferenceToo() {
        var outbox = server.activityJson("/c/tips/outbox");
        var first = outbox.get("first").asText();
        assertEquals(first, server.activityJson(first).get("id").asText());
        assertEquals(
                outbox.get("id").asText(),
                server.activityJson(first).get("partOf").asText());
    }

    @Test
    void inboxesAnswerAGetWith405() {
        var inboxes = new LinkedHashSet<String>();
        for (var path : List.of("/c/tips", "/u/alice", "/actor")) {
            var actor = server.activityJson(path);
            inboxes.add(actor.get("inbox").asText());
            inboxes.add(actor.get("endpoints").get("sharedInbox").asText());
        }
        assertEquals(4, inboxes.size(), inboxes.toString());
        for (var inbox : inboxes) {
            for (var accept : new String[] {TestServer.ACTIVITY_JSON, TestServer.BROWSER}) {
                var response = server.get(inbox, accept);
                assertEquals(405, response.statusCode(), inbox + ": " + response.body());
                if (accept.equals(TestServer.BROWSER)) {
                    // A person who opens an inbox in a browser is told on a page (the web interface, issue #14).
                    assertEquals("text/html", mediaType(response), inbox);
                } else {
                    assertEquals("application/problem+json", mediaType(response), inbox);
                    assertEquals(405, json(response).get("status").asInt());
                }
                assertEquals("POST", response.headers().firstValue("Allow").orElse(null), inbox);
            }
        }
        // An inbox of no one is still not found.
        assertEquals(
                404, server.get("/u/nobody/inbox", TestServer.ACTIVITY_JSON).statusCode());
        assertEquals(404, server.get("/c/alice/inbox", TestServer.ACTIVITY_JSON).statusCode());
    }

    /** The URL-valued fields of an actor a peer may follow; inboxes only take POSTs. */
    private static Set<String> urls(JsonNode actor) {
        var urls = new LinkedHashSet<String>();
        for (var field :
                List.of("id", "outbox", "followers", "following", "featured", "moderators", "attributedTo", "url")) {
            var value = actor.path(field);
            if (value.isTextual()) urls.add(value.asText());
            if (value.isArray()) value.forEach(v -> urls.add(v.asText()));
        }
        urls.add(actor.get("publicKey").get("id").asText());
        actor.get("assertionMethod").forEach(key -> urls.add(key.get("id").asText()));
        assertTrue(urls.size() >= 5, "too few URLs found in " + actor);
        return urls;
    }

    private static String withoutFragment(String url) {
        int hash = url.indexOf('#');
        return hash < 0 ? url : url.substring(0, hash);
    }
}
