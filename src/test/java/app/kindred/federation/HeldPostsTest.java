package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The content-warning policy and pre-moderation through the inbox door (issue 16): a Mastodon
 * Note without the warning the community asks for is held (stored, shown to nobody else, not
 * announced), a Lemmy Page with it is announced; a moderator's approval announces the held post
 * in both forms, with a warning of the community's own; a held post is on no read path until then.
 */
class HeldPostsTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POLICY = """
            {"content_warning_policy": {"mode": "topics",
              "topics": [{"name": "self-harm", "words": ["cutting"]}, {"name": "suicide", "words": []}]}}""";

    private static TestServer server;
    private static ApiClient api;
    private static String mod;
    private static String reader;
    private static long circle;
    private static String group;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("KINDRED_DELIVERY_TIME_SCALE", "0.001", "KINDRED_DELIVERY_POLL_INTERVAL", "50ms"));
        server.app().startWorkers();
        api = new ApiClient(server);
        mod = api.member("mira");
        reader = api.member("rowan");
        circle = api.community(mod, "circle");
        group = server.base() + "/c/circle";
        var set = api.patch("/api/v1/communities/" + circle, POLICY, mod);
        assertEquals(200, set.statusCode(), set.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Mastodon's form: a public Note that mentions the group, no summary unless given. */
    private static String mastodonNote(RemotePeer peer, String text, String summary) {
        var id = peer.id() + "/statuses/" + UUID.randomUUID();
        var note = JSON.createObjectNode()
                .put("id", id)
                .put("type", "Note")
                .put("attributedTo", peer.id())
                .put("content", "<p>" + text + "</p>")
                .put("sensitive", summary != null)
                .put("published", "2026-01-01T00:00:00Z");
        if (summary != null) note.put("summary", summary);
        note.putArray("to").add("https://www.w3.org/ns/activitystreams#Public");
        note.putArray("cc").add(peer.id() + "/followers").add(group);
        note.putArray("tag")
                .addObject()
                .put("type", "Mention")
                .put("href", group)
                .put("name", "@circle@" + server.domain());
        var create = JSON.createObjectNode()
                .put("@context", "https://www.w3.org/ns/activitystreams")
                .put("id", id + "/activity")
                .put("type", "Create")
                .put("actor", peer.id());
        create.set("to", note.get("to"));
        create.set("cc", note.get("cc"));
        create.set("object", note);
        return create.toString();
    }

    /** Lemmy's form: a Page to the community, its warning in summary and marked sensitive. */
    private static String lemmyPage(RemotePeer peer, String title, String text, String summary) {
        var id = peer.id() + "/post/" + UUID.randomUUID();
        var page = JSON.createObjectNode()
                .put("id", id)
                .put("type", "Page")
                .put("attributedTo", peer.id())
                .put("name", title)
                .put("content", "<p>" + text + "</p>")
                .put("mediaType", "text/html")
                .put("sensitive", summary != null)
                .put("audience", group);
        if (summary != null) page.put("summary", summary);
        page.putArray("to").add(group).add("https://www.w3.org/ns/activitystreams#Public");
        var create = JSON.createObjectNode()
                .put("@context", "https://www.w3.org/ns/activitystreams")
                .put("id", peer.id() + "/activities/create/" + UUID.randomUUID())
                .put("type", "Create")
                .put("actor", peer.id())
                .put("audience", group);
        create.putArray("to").add("https://www.w3.org/ns/activitystreams#Public");
        create.putArray("cc").add(group);
        create.set("object", page);
        return create.toString();
    }

    private static String[] deliver(RemotePeer peer, String json) throws Exception {
        var id = JSON.readTree(json).get("id").asText();
        var response = RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, json, peer.cavage());
        assertEquals(202, response.statusCode(), response.body());
        var row = new String[2];
        eventually(() -> {
            var found = server.app()
                    .database()
                    .read(c -> Sql.one(
                            c,
                            "select state, last_error from inbound_activity where activity_id = ?",
                            rs -> new String[] {rs.getString(1), rs.getString(2)},
                            id))
                    .orElseThrow();
            assertNotEquals("pending", found[0], found[1]);
            row[0] = found[0];
            row[1] = found[1];
        });
        return row;
    }

    private static String objectId(String activity) throws Exception {
        return JSON.readTree(activity).path("object").path("id").asText();
    }

    private static long postId(String uri) {
        return api.count("select id from post where uri = ?", uri);
    }

    private static long announces(String objectUri) {
        return api.count(
                "select count(*) from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Announce'",
                objectUri);
    }

    @Test
    void aMastodonNoteWithoutTheWarningIsHeldAndALemmyPageWithItIsAnnounced() throws Exception {
        var felix = RemotePeer.serve(remote, "felix");
        var note = mastodonNote(felix, "Some days the thought of suicide will not leave me alone.", null);
        assertEquals("done", deliver(felix, note)[0]);
        var noteUri = objectId(note);
        long held = postId(noteUri);
        assertEquals(
                1, api.count("select count(*) from post where id = ? and held_at is not null", held), "stored, held");
        assertEquals(0, announces(noteUri), "not announced while held");
        assertEquals(404, api.get("/api/v1/posts/" + held, null).statusCode());
        assertEquals(404, api.get("/api/v1/posts/" + held, reader).statusCode());
        var seenByMod = api.get("/api/v1/posts/" + held, mod);
        assertEquals(200, seenByMod.statusCode(), seenByMod.body());
        assertTrue(ApiClient.body(seenByMod).path("held").asBoolean());
        assertTrue(ApiClient.body(seenByMod).path("held_reason").asText().contains("suicide"), seenByMod.body());
        var queue = api.get("/api/v1/communities/" + circle + "/held", mod);
        assertEquals(200, queue.statusCode(), queue.body());
        assertTrue(queue.body().contains(noteUri), queue.body());
        assertEquals(
                403, api.get("/api/v1/communities/" + circle + "/held", reader).statusCode());

        var lemmy = RemotePeer.serve(remote, "lemmy_alpha");
        var page = lemmyPage(lemmy, "A hard week", "I have been thinking about cutting again.", "self-harm");
        assertEquals("done", deliver(lemmy, page)[0]);
        var pageUri = objectId(page);
        assertEquals(0, api.count("select count(*) from post where uri = ? and held_at is not null", pageUri));
        eventually(() -> assertEquals(2, announces(pageUri), "Announce{Create} and Announce{Page}"));
    }

    @Test
    void approvalAnnouncesTheHeldPostInBothFormsWithTheCommunitysWarning() throws Exception {
        var ash = RemotePeer.serve(remote, "ash");
        var note = mastodonNote(ash, "I keep thinking about self-harm tonight.", null);
        assertEquals("done", deliver(ash, note)[0]);
        var noteUri = objectId(note);
        long held = postId(noteUri);
        assertEquals(0, announces(noteUri));

        var byReader = api.post("/api/v1/posts/" + held + "/approve", Map.of(), reader);
        assertEquals(403, byReader.statusCode(), byReader.body());
        var approved = api.post("/api/v1/posts/" + held + "/approve", Map.of("content_warning", "self-harm"), mod);
        assertEquals(200, approved.statusCode(), approved.body());
        assertFalse(ApiClient.body(approved).path("held").asBoolean());
        assertEquals(
                "self-harm", ApiClient.body(approved).path("community_warning").asText());

        assertEquals(2, announces(noteUri), "Announce{Create} and Announce{Note}, as if it had just arrived");
        var bodies = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Announce'",
                        rs -> rs.getString(1),
                        noteUri));
        for (var body : bodies) assertTrue(body.contains("\"communityWarning\":\"self-harm\""), body);
        assertEquals(200, api.get("/api/v1/posts/" + held, null).statusCode());
        assertEquals(
                1,
                api.count("select count(*) from moderation_log where action = 'approve_post' and target = ?", noteUri));
        var again = api.post("/api/v1/posts/" + held + "/approve", Map.of(), mod);
        assertEquals(200, again.statusCode());
        assertEquals(2, announces(noteUri), "approving again sends nothing more");
    }

    /** A remote reply to a held post is held with it rather than refused; our own members are asked to wait. */
    @Test
    void aRemoteReplyToAHeldPostIsHeldTooAndLetThroughOnItsOwn() throws Exception {
        var sky = RemotePeer.serve(remote, "skye");
        var note = mastodonNote(sky, "Some thoughts about suicide tonight.", null);
        assertEquals("done", deliver(sky, note)[0]);
        var parentUri = objectId(note);
        long parent = postId(parentUri);

        var ray = RemotePeer.serve(remote, "ray");
        var reply = (ObjectNode) JSON.readTree(mastodonNote(ray, "Sending you warmth.", null));
        ((ObjectNode) reply.get("object")).put("inReplyTo", parentUri);
        remote.stubFor(WireMock.get(URI.create(parentUri).getRawPath())
                .willReturn(WireMock.okForContentType(
                        RemotePeer.AP, JSON.readTree(note).get("object").toString())));
        var outcome = deliver(ray, reply.toString());
        assertEquals("done", outcome[0], outcome[1]);
        var replyUri = objectId(reply.toString());
        long held = postId(replyUri);
        assertEquals(
                1,
                api.count("select count(*) from post where id = ? and held_at is not null", held),
                "kept for the moderators, not refused");
        assertEquals(0, announces(replyUri), "nothing relayed");

        var ours = api.post("/api/v1/posts/" + parent + "/comments", Map.of("body", "Here for you"), reader);
        assertEquals(409, ours.statusCode(), "our member is asked to wait: " + ours.body());

        assertEquals(
                200, api.post("/api/v1/posts/" + parent + "/approve", null, mod).statusCode());
        assertEquals(
                1,
                api.count("select count(*) from post where id = ? and held_at is not null", held),
                "the reply waits on its own");
        assertEquals(
                200, api.post("/api/v1/posts/" + held + "/approve", null, mod).statusCode());
        eventually(() -> assertEquals(2, announces(replyUri)));
    }

    @Test
    void refusingAHeldRemotePostSendsNothingOut() throws Exception {
        var sky = RemotePeer.serve(remote, "sky");
        var note = mastodonNote(sky, "Notes on suicide and what helped.", null);
        assertEquals("done", deliver(sky, note)[0]);
        var noteUri = objectId(note);
        long held = postId(noteUri);
        long before = api.count("select count(*) from outbound_activity");
        var removed = api.post("/api/v1/posts/" + held + "/removal", Map.of("reason", "please add a warning"), mod);
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(before, api.count("select count(*) from outbound_activity"), "nothing was ever sent about it");
        assertEquals(404, api.get("/api/v1/posts/" + held, null).statusCode());
    }

    @Test
    void aRemoteEditThatDropsTheWarningTakesThePostBackToTheModerators() throws Exception {
        var kit = RemotePeer.serve(remote, "kit");
        var page = lemmyPage(kit, "Tonight", "About self-harm, and what I did instead.", "self-harm");
        assertEquals("done", deliver(kit, page)[0]);
        var pageUri = objectId(page);
        long id = postId(pageUri);
        assertEquals(200, api.get("/api/v1/posts/" + id, null).statusCode());
        var update =
                (ObjectNode) JSON.readTree(lemmyPage(kit, "Tonight", "About self-harm, and what I did instead.", null));
        ((ObjectNode) update.get("object")).put("id", pageUri);
        update.put("type", "Update").put("id", kit.id() + "/activities/update/" + UUID.randomUUID());
        long announcedBefore = announces(pageUri);
        assertEquals("done", deliver(kit, update.toString())[0]);
        assertEquals(1, api.count("select count(*) from post where id = ? and held_at is not null", id));
        assertEquals(404, api.get("/api/v1/posts/" + id, null).statusCode());
        assertEquals(announcedBefore, announces(pageUri), "the edit is not relayed");
    }

    /** One read path as someone who is neither the author nor a moderator sees it. */
    private record ReadPath(String name, Function<Long, HttpResponse<String>> read) {}

    @Test
    void aHeldPostIsOnNoReadPathUntilApprovedThenOnEach() throws Exception {
        var members = api.member("nia");
        long quiet = api.community(mod, "quiet");
        var hold = api.patch("/api/v1/communities/" + quiet, Map.of("hold_posts", "all"), mod);
        assertEquals(200, hold.statusCode(), hold.body());
        var start = api.post(
                "/api/v1/communities/" + quiet + "/threads",
                Map.of("title", "First steps", "body", "Pebblequartz is how I name the calm I found"),
                members);
        assertEquals(201, start.statusCode(), start.body());
        var thread = ApiClient.body(start);
        long id = thread.get("id").asLong();
        assertTrue(thread.path("held").asBoolean(), "its author is told it waits: " + start.body());
        server.sql("update post set pinned_at = now() where id = ?", id);
        // A moderator's thread, and a held reply to it that would notify them.
        var open = ApiClient.body(api.post(
                "/api/v1/communities/" + quiet + "/threads", Map.of("title", "Open thread", "body", "hello"), mod));
        var reply = api.post(
                "/api/v1/posts/" + open.get("id").asLong() + "/comments",
                Map.of("body", "Marbleglow is my word for this feeling"),
                members);
        assertEquals(201, reply.statusCode(), reply.body());
        long replyId = ApiClient.body(reply).get("id").asLong();

        var paths = List.of(
                new ReadPath("API thread list", x -> api.get("/api/v1/communities/" + quiet + "/threads", reader)),
                new ReadPath("API thread", x -> api.get("/api/v1/threads/" + id, reader)),
                new ReadPath("API thread with the held reply", x -> api.get("/api/v1/threads/" + open.get("id"), null)),
                new ReadPath("API post", x -> api.get("/api/v1/posts/" + id, reader)),
                new ReadPath("API post, signed out", x -> api.get("/api/v1/posts/" + id, null)),
                new ReadPath("API search", x -> api.get("/api/v1/search?q=pebblequartz", reader)),
                new ReadPath("web community page", x -> server.get("/c/quiet", TestServer.BROWSER)),
                new ReadPath("web thread page", x -> server.get("/p/" + id, TestServer.BROWSER)),
                new ReadPath("web member page", x -> server.get("/u/nia", TestServer.BROWSER)),
                new ReadPath("ActivityPub GET of the post", x -> server.get("/p/" + id, TestServer.ACTIVITY_JSON)),
                new ReadPath(
                        "ActivityPub GET of the reply", x -> server.get("/p/" + replyId, TestServer.ACTIVITY_JSON)),
                new ReadPath("group outbox", x -> OutboxPrivacyTest.activityJson(server, "/c/quiet/outbox?page=1")),
                new ReadPath("member outbox", x -> OutboxPrivacyTest.activityJson(server, "/u/nia/outbox?page=1")),
                new ReadPath("featured collection", x -> OutboxPrivacyTest.activityJson(server, "/c/quiet/featured")),
                new ReadPath("notifications", x -> api.get("/api/v1/me/notifications", mod)));
        for (var path : paths) {
            var body = path.read().apply(id).body();
            // The search echoes its lower-case query; the post's own words are capitalised.
            assertFalse(body.contains("Pebblequartz"), path.name() + ": " + body);
            assertFalse(body.contains("Marbleglow"), path.name() + ": " + body);
            assertFalse(body.contains("First steps"), path.name() + ": " + body);
        }
        assertEquals(
                0,
                api.count("select count(*) from outbound_activity where body like '%Pebblequartz%'"
                        + " or body like '%Marbleglow%'"),
                "nothing about a held post is queued for anyone");
        // Its author and the moderators see it, marked.
        assertTrue(ApiClient.body(api.get("/api/v1/posts/" + id, members))
                .path("held")
                .asBoolean());
        assertTrue(api.get("/api/v1/threads/" + open.get("id"), members).body().contains("Marbleglow"));
        assertTrue(api.get("/api/v1/threads/" + open.get("id"), mod).body().contains("Marbleglow"));
        assertEquals(200, api.get("/api/v1/posts/" + id, mod).statusCode());

        assertEquals(
                200, api.post("/api/v1/posts/" + id + "/approve", Map.of(), mod).statusCode());
        assertEquals(
                200,
                api.post("/api/v1/posts/" + replyId + "/approve", Map.of(), mod).statusCode());
        for (var path : paths) {
            var body = path.read().apply(id).body();
            assertTrue(
                    body.contains("Pebblequartz") || body.contains("Marbleglow") || body.contains("First steps"),
                    "after approval, " + path.name() + ": " + body);
        }
    }
}
