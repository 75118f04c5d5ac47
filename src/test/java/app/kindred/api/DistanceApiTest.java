package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.federation.RemotePeer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Blocks, mutes, hidden communities and breaks (issue 18): what a member no longer sees, and what no one else learns. */
class DistanceApiTest {
    @RegisterExtension
    static WireMockExtension remoteHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static long community;
    private static long other;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().inboundProcessor().start();
        api = new ApiClient(server);
        var host = api.member("host");
        community = api.community(host, "circle");
        other = api.community(host, "garden");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBlockHidesEachFromTheOtherInListingsThreadsAndSearchAndRefusesRepliesNeutrally() {
        var ada = api.member("ada");
        var bo = api.member("bo");
        var cy = api.member("cy");
        long adas = thread(ada, community, "Quiet mornings zebrafinch", "I sit with tea zebrafinch");
        long bos = thread(bo, community, "Loud evenings zebrafinch", "Music helps zebrafinch");
        long boReply = comment(bo, adas, "Same here zebrafinch");
        comment(cy, boReply, "Replying under bo");

        var blocked = api.post("/api/v1/me/blocks", Map.of("member", "bo@" + server.domain()), ada);
        assertEquals(201, blocked.statusCode(), blocked.body());
        assertEquals("bo@" + server.domain(), body(blocked).get("handle").asText());
        assertEquals(1, body(api.get("/api/v1/me/blocks", ada)).size());
        assertEquals(0, body(api.get("/api/v1/me/blocks", bo)).size(), "a block is not shown to the one blocked");

        // Neither lists the other's threads; someone else still sees both.
        assertEquals(
                List.of(adas),
                threadIds(ada, community).stream()
                        .filter(id -> id == adas || id == bos)
                        .toList());
        assertEquals(
                List.of(bos),
                threadIds(bo, community).stream()
                        .filter(id -> id == adas || id == bos)
                        .toList());
        assertTrue(threadIds(cy, community).containsAll(List.of(adas, bos)));
        assertTrue(threadIds(null, community).containsAll(List.of(adas, bos)));

        // In the thread, bo's reply keeps its place (cy's answer stays under it) but shows nothing of bo.
        var page = body(api.get("/api/v1/threads/" + adas, ada));
        var collapsed = page.get("comments").get(0);
        assertEquals(boReply, collapsed.get("id").asLong());
        assertEquals("blocked", collapsed.get("collapsed").asText());
        assertFalse(collapsed.has("author"), collapsed.toString());
        assertEquals("", collapsed.get("html").asText());
        assertEquals(1, collapsed.get("children").size(), "the replies under a collapsed post stay");
        assertFalse(page.toString().contains("Same here"), page.toString());
        var asBo = body(api.get("/api/v1/threads/" + adas, bo)).get("thread");
        assertEquals("blocked", asBo.get("collapsed").asText(), "the blocker is collapsed for the blocked one too");
        assertEquals("[a blocked member]", asBo.get("title").asText());
        assertFalse(body(api.get("/api/v1/threads/" + adas, cy))
                .get("comments")
                .get(0)
                .has("collapsed"));

        assertEquals(
                List.of(adas),
                searchIds(ada, "zebrafinch").stream()
                        .filter(id -> id == adas || id == bos)
                        .toList());
        assertFalse(searchIds(bo, "zebrafinch").contains(adas));

        // bo cannot answer ada, and is not told why; nothing is written.
        long before = api.count("select count(*) from post");
        var refused = api.post("/api/v1/posts/" + adas + "/comments", Map.of("body", "Please listen"), bo);
        var problem = assertProblem(refused, 403, "parent");
        assertFalse(problem.toString().toLowerCase().contains("block"), problem.toString());
        var back = api.post("/api/v1/posts/" + bos + "/comments", Map.of("body", "Nor me to you"), ada);
        assertProblem(back, 403, "parent");
        assertEquals(before, api.count("select count(*) from post"));

        // A mention from bo notifies ada of nothing; no Block activity goes anywhere.
        long known = api.count(
                "select count(*) from notification n join account a on a.id = n.account_id where a.username = 'ada'");
        comment(bo, bos, "@ada are you there?");
        assertEquals(
                known,
                api.count(
                        "select count(*) from notification n join account a on a.id = n.account_id where a.username = 'ada'"));
        assertEquals(0, api.count("select count(*) from outbound_activity where body like '%\"Block\"%'"));

        // Lifted, everything is as before.
        long boActor = body(blocked).get("actor").asLong();
        assertEquals(204, api.delete("/api/v1/me/blocks/" + boActor, ada).statusCode());
        assertTrue(threadIds(ada, community).contains(bos));
        comment(bo, adas, "Thank you");
    }

    @Test
    void aMuteHidesPostsAndNotificationsWithoutRefusingAnything() {
        var dee = api.member("dee");
        var eli = api.member("eli");
        long dees = thread(dee, community, "Walks", "Where do you walk?");
        long elis = thread(eli, community, "Runs", "I run at dawn");
        assertEquals(
                201, api.post("/api/v1/me/mutes", Map.of("member", "@eli"), dee).statusCode());

        assertFalse(threadIds(dee, community).contains(elis));
        assertTrue(threadIds(eli, community).contains(dees), "a mute is one way");
        comment(eli, dees, "By the river");
        assertEquals(
                0,
                body(api.get("/api/v1/me/notifications", dee))
                        .get("notifications")
                        .size());
        var page = body(api.get("/api/v1/threads/" + dees, dee));
        assertEquals("muted", page.get("comments").get(0).get("collapsed").asText());
        comment(dee, elis, "Muted, not blocked: I may still answer");
        assertEquals(
                1,
                body(api.get("/api/v1/me/notifications", eli))
                        .get("notifications")
                        .size());
    }

    @Test
    void aRemoteReplyFromSomeoneBlockedIsKeptInTheThreadButNotifiesNoOne() {
        var fay = api.member("fay");
        var peer = RemotePeer.serve(remoteHost, "gus");
        var block = api.post("/api/v1/me/blocks", Map.of("member", peer.id()), fay);
        assertEquals(201, block.statusCode(), block.body());
        assertFalse(body(block).get("local").asBoolean());
        long thread = thread(fay, community, "Gardens", "Who grows things?");
        var group = server.base() + "/c/circle";
        var noteId = peer.activityId().replace("/activities/", "/objects/");
        var note = """
                {"id": "%s", "type": "Note", "attributedTo": "%s", "content": "<p>I do</p>", "inReplyTo": "%s",
                 "to": ["%s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%s"}""".formatted(noteId, peer.id(), server.base() + "/p/" + thread, group, group);
        peer.deliverAndAwait(server.app(), group, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Create", "actor": "%s",
                 "to": ["%s"], "object": %s}""".formatted(peer.activityId(), peer.id(), group, note));

        assertEquals(1, api.count("select count(*) from post where uri = ?", noteId), "stored for the thread");
        assertEquals(
                0,
                body(api.get("/api/v1/me/notifications", fay))
                        .get("notifications")
                        .size());
        assertEquals(
                "blocked",
                body(api.get("/api/v1/threads/" + thread, fay))
                        .get("comments")
                        .get(0)
                        .get("collapsed")
                        .asText());
    }

    @Test
    void aHiddenCommunityLeavesSearchButNotItsOwnListing() {
        var hal = api.member("hal");
        var ivy = api.member("ivy");
        long there = thread(ivy, other, "Roses quokkabloom", "quokkabloom petals");
        long here = thread(ivy, community, "Tulips quokkabloom", "quokkabloom bulbs");
        var hidden = api.post("/api/v1/me/hidden_communities", Map.of("community_id", other), hal);
        assertEquals(201, hidden.statusCode(), hidden.body());
        assertEquals(1, body(api.get("/api/v1/me/hidden_communities", hal)).size());
        assertProblem(api.post("/api/v1/me/hidden_communities", Map.of("community_id", 999999), hal), 404, null);

        assertEquals(List.of(here), searchIds(hal, "quokkabloom"));
        assertTrue(searchIds(ivy, "quokkabloom").containsAll(List.of(here, there)));
        assertTrue(threadIds(hal, other).contains(there), "opening the community itself still shows it");

        assertEquals(
                204, api.delete("/api/v1/me/hidden_communities/" + other, hal).statusCode());
        assertTrue(searchIds(hal, "quokkabloom").contains(there));
    }

    @Test
    void aBreakFromACommunityEmptiesItsListingAndNotificationsUntilItEnds() {
        var jo = api.member("jo");
        var kit = api.member("kit");
        long jos = thread(jo, other, "Rest lemurwind", "Resting lemurwind");
        long elsewhere = thread(jo, community, "Still here lemurwind", "lemurwind");

        var taken = api.post("/api/v1/me/breaks", Map.of("community_id", other, "length", "week"), jo);
        assertEquals(201, taken.statusCode(), taken.body());
        var brk = body(taken);
        assertEquals(other, brk.get("community_id").asLong());
        assertTrue(Duration.between(
                        Instant.parse(brk.get("started").asText()),
                        Instant.parse(brk.get("ends").asText()))
                .equals(Duration.ofDays(7)));
        assertProblem(api.post("/api/v1/me/breaks", Map.of("length", "forever"), jo), 422, "length");

        var listing = body(api.get("/api/v1/communities/" + other + "/threads", jo));
        assertEquals(0, listing.get("threads").size());
        assertEquals(brk.get("id").asLong(), listing.get("on_break").get("id").asLong());
        assertTrue(threadIds(jo, community).contains(elsewhere), "other communities are untouched");
        assertFalse(searchIds(jo, "lemurwind").contains(jos));
        comment(kit, jos, "Rest well");
        assertEquals(
                0,
                body(api.get("/api/v1/me/notifications", jo))
                        .get("notifications")
                        .size());

        // Nobody else can tell.
        assertEquals(0, body(api.get("/api/v1/me/breaks", kit)).size());
        assertFalse(
                body(api.get("/api/v1/communities/" + other + "/threads", kit)).has("on_break"));
        assertFalse(api.get("/api/v1/threads/" + jos, kit).body().contains("break"));
        assertEquals(
                server.app()
                        .breaks()
                        .activeFor(server.app().members().find("jo").orElseThrow())
                        .size(),
                1);

        assertEquals(
                204,
                api.delete("/api/v1/me/breaks/" + brk.get("id").asLong(), jo).statusCode());
        assertTrue(threadIds(jo, other).contains(jos));
        comment(kit, jos, "Welcome back");
        assertEquals(
                1,
                body(api.get("/api/v1/me/notifications", jo))
                        .get("notifications")
                        .size());
    }

    @Test
    void aBreakFromTheWholeInstanceUntilIComeBackKeepsEveryCommunityAway() {
        var lu = api.member("lu");
        long thread = thread(lu, community, "Everywhere", "words");
        var taken = body(api.post("/api/v1/me/breaks", Map.of("length", "until_i_come_back"), lu));
        assertTrue(
                taken.get("community_id") == null || taken.get("community_id").isNull());
        assertFalse(taken.has("ends"));
        assertEquals(
                0,
                body(api.get("/api/v1/communities/" + community + "/threads", lu))
                        .get("threads")
                        .size());
        assertEquals(
                0,
                body(api.get("/api/v1/communities/" + other + "/threads", lu))
                        .get("threads")
                        .size());
        comment(api.member("mo"), thread, "Hello?");
        assertEquals(
                0,
                body(api.get("/api/v1/me/notifications", lu))
                        .get("notifications")
                        .size());
    }

    private static List<Long> threadIds(String token, long communityId) {
        var ids = new ArrayList<Long>();
        for (var t : body(api.get("/api/v1/communities/" + communityId + "/threads?sort=new", token))
                .get("threads")) {
            ids.add(t.get("id").asLong());
        }
        return ids;
    }

    private static List<Long> searchIds(String token, String q) {
        var ids = new ArrayList<Long>();
        var response = api.get("/api/v1/search?type=posts&q=" + q, token);
        assertEquals(200, response.statusCode(), response.body());
        for (var p : body(response).get("results")) ids.add(p.get("id").asLong());
        return ids;
    }

    private static long thread(String token, long communityId, String title, String text) {
        var response = api.post(
                "/api/v1/communities/" + communityId + "/threads", Map.of("title", title, "body", text), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static long comment(String token, long parent, String text) {
        var response = api.post("/api/v1/posts/" + parent + "/comments", Map.of("body", text), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }
}
