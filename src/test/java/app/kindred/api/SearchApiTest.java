package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Full-text search over communities and posts, and the look-up of a pasted handle or URL. */
class SearchApiTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static String alice, bob;
    private static long anxiety, grief;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        alice = api.member("alice");
        bob = api.member("bob");
        var created = api.post(
                "/api/v1/communities",
                Map.of(
                        "name",
                        "anxiety_support",
                        "title",
                        "Anxiety support",
                        "description",
                        "A calm place for panic and worry. Hjälp på svenska också."),
                alice);
        anxiety = body(created).get("id").asLong();
        grief = body(api.post(
                        "/api/v1/communities",
                        Map.of(
                                "name",
                                "loss",
                                "title",
                                "Living with loss",
                                "description",
                                "For those grieving someone."),
                        alice))
                .get("id")
                .asLong();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void wordsFindCommunitiesByTitleDescriptionAndNameAsPrefixes() {
        assertEquals(List.of(anxiety), communityIds(search("communities", "anx")));
        assertEquals(List.of(anxiety), communityIds(search("communities", "PANIC worry")));
        assertEquals(List.of(anxiety), communityIds(search("communities", "svenska")), "any language, unstemmed");
        assertEquals(List.of(grief), communityIds(search("communities", "grieving")));
        assertEquals(List.of(anxiety), communityIds(search("communities", "support")), "its name counts too");
        assertEquals(List.of(), communityIds(search("communities", "panic grieving")), "every word must match");
    }

    @Test
    void postsThatAreRemovedDeletedOrUnderARemovedThreadNeverShow() {
        long shown = thread(bob, "Breathing exercises", "Box breathing calms me down");
        long removed = thread(bob, "Breathing scam", "buy breathing pills");
        long deleted = thread(bob, "Breathing again", "breathing text I took back");
        long underRemoved = comment(alice, removed, "breathing is free, do not buy");
        long comment = comment(alice, shown, "Breathing through the nose helps me");
        assertEquals(
                200,
                api.post("/api/v1/posts/" + removed + "/removal", Map.of("reason", "spam"), alice)
                        .statusCode());
        assertEquals(204, api.delete("/api/v1/posts/" + deleted, bob).statusCode());

        var found = postIds(search("posts", "breathing"));
        assertTrue(found.containsAll(List.of(shown, comment)), found.toString());
        assertFalse(found.contains(removed), "removed");
        assertFalse(found.contains(deleted), "deleted");
        assertFalse(found.contains(underRemoved), "a comment under a removed thread");
        assertEquals(shown, postIds(search("posts", "box breath")).getFirst(), "the title and body words together");

        // Signed out sees the same; a signed-in reader nothing more.
        assertEquals(found, postIds(body(api.get("/api/v1/search?type=posts&q=breathing", alice))));
    }

    @Test
    void pagingAndBadInput() {
        for (int i = 0; i < 23; i++) thread(bob, "Gratitude " + i, "grateful for small things");
        var first = search("posts", "grateful");
        assertEquals(20, first.get("results").size());
        assertEquals(20, first.get("per_page").asInt());
        var second = body(api.get("/api/v1/search?type=posts&q=grateful&page=2", null));
        assertEquals(3, second.get("results").size());
        assertTrue(Collections.disjoint(postIds(first), postIds(second)));

        assertProblem(api.get("/api/v1/search?type=posts", null), 422, "q");
        assertProblem(api.get("/api/v1/search?type=posts&q=" + enc("!!! ???"), null), 422, "q");
        assertProblem(api.get("/api/v1/search?type=people&q=x", null), 400, "type");
        assertProblem(api.get("/api/v1/search?q=x&page=0", null), 400, "page");
        // Query syntax is never passed through: operators are just characters.
        assertEquals(
                200,
                api.get("/api/v1/search?q=" + enc("a & | ! ( ) :* '"), null).statusCode());
    }

    @Test
    void aHandleOrUrlOfSomethingKnownResolvesWithoutAFetchEvenSignedOut() {
        var local = body(api.get("/api/v1/search?q=" + enc("!loss@" + server.domain()), null));
        assertEquals("community", local.get("resolved").get("kind").asText());
        assertEquals(grief, local.get("resolved").get("community").get("id").asLong());

        long thread = thread(bob, "Known post", "words");
        var byUrl = body(api.get("/api/v1/search?q=" + enc(server.base() + "/p/" + thread), null));
        assertEquals("post", byUrl.get("resolved").get("kind").asText());
        assertEquals(thread, byUrl.get("resolved").get("post").get("id").asLong());
    }

    @Test
    void anUnknownRemoteCommunityIsFetchedOnlyForASignedInMember() {
        var host = "127.0.0.1:" + remote.getPort();
        var groupUri = "http://" + host + "/c/calm";
        remote.stubFor(get(urlPathEqualTo("/.well-known/webfinger"))
                .withQueryParam("resource", equalTo("acct:calm@" + host))
                .willReturn(okJson("""
                {"subject": "acct:calm@%s", "links": [{"rel": "self", "type": "application/activity+json", "href": "%s"}]}""".formatted(host, groupUri))));
        remote.stubFor(get(urlEqualTo("/c/calm"))
                .willReturn(okForContentType("application/activity+json", """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Group",
                 "preferredUsername": "calm", "name": "Calm corner", "summary": "<p>Quiet talk</p>",
                 "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers"}""".formatted(groupUri))));

        var handle = enc("!calm@" + host);
        assertProblem(api.get("/api/v1/search?type=communities&q=" + handle, null), 401, "q");
        remote.verify(0, getRequestedFor(urlPathEqualTo("/.well-known/webfinger")));

        var found = body(api.get("/api/v1/search?type=communities&q=" + handle, alice));
        var community = found.get("resolved").get("community");
        assertEquals("Calm corner", community.get("title").asText());
        assertFalse(community.get("local").asBoolean());
        // Known now: a words search finds it, and a signed-out look-up needs no fetch.
        assertEquals(List.of(community.get("id").asLong()), communityIds(search("communities", "calm corner")));
        assertEquals(200, api.get("/api/v1/search?q=" + handle, null).statusCode());

        assertProblem(api.get("/api/v1/search?q=" + enc("!nobody@" + host), alice), 404, "q");
    }

    @Test
    void aPastedUrlIsFetchedOnlyForASignedInMemberAndAPostResolvesOnlyWhenHeld() {
        var host = "127.0.0.1:" + remote.getPort();
        var groupUri = "http://" + host + "/m/quiet";
        remote.stubFor(get(urlEqualTo("/m/quiet"))
                .willReturn(okForContentType("application/activity+json", """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Group",
                 "preferredUsername": "quiet", "name": "Quiet room", "summary": "<p>Low voices</p>",
                 "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers"}""".formatted(groupUri))));
        var postUri = "http://" + host + "/post/5";
        remote.stubFor(get(urlEqualTo("/post/5"))
                .willReturn(okForContentType("application/activity+json", """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Page", "name": "Hello",
                 "attributedTo": "http://%s/u/someone", "content": "<p>hi</p>", "audience": "%s"}""".formatted(postUri, host, groupUri))));

        assertProblem(api.get("/api/v1/search?q=" + enc(groupUri), null), 401, "q");
        remote.verify(0, getRequestedFor(urlEqualTo("/m/quiet")));

        var found = body(api.get("/api/v1/search?q=" + enc(groupUri), bob));
        assertEquals(
                "Quiet room",
                found.get("resolved").get("community").get("title").asText());
        var missing = assertProblem(api.get("/api/v1/search?q=" + enc(postUri), bob), 404, "q");
        assertTrue(missing.get("detail").asText().contains("does not hold"), missing.toString());
        assertProblem(api.get("/api/v1/search?q=" + enc("http://" + host + "/nothing"), bob), 404, "q");
    }

    private static JsonNode search(String type, String q) {
        var response = api.get("/api/v1/search?type=" + type + "&q=" + enc(q), null);
        assertEquals(200, response.statusCode(), response.body());
        return body(response);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static List<Long> communityIds(JsonNode answer) {
        var out = new ArrayList<Long>();
        for (var c : answer.get("results")) out.add(c.get("id").asLong());
        return out;
    }

    private static List<Long> postIds(JsonNode answer) {
        var out = new ArrayList<Long>();
        for (var p : answer.get("results")) out.add(p.get("id").asLong());
        return out;
    }

    private static long thread(String token, String title, String text) {
        var response =
                api.post("/api/v1/communities/" + anxiety + "/threads", Map.of("title", title, "body", text), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static long comment(String token, long parent, String text) {
        var response = api.post("/api/v1/posts/" + parent + "/comments", Map.of("body", text), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }
}
