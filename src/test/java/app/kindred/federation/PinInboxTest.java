package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.community.CommunityStore;
import app.kindred.thread.PostStore;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Add and Remove of a thread with target = a community's featured collection (Lemmy's pin):
 * applied from its moderators or its origin, refused from anyone else with nothing changed.
 */
class PinInboxTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static String mod;
    private static long circle;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of());
        server.app().startWorkers();
        api = new ApiClient(server);
        mod = api.member("mira");
        circle = api.community(mod, "circle");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String pinActivity(RemotePeer actor, String type, String object, String target, String group) {
        var id = actor.activityId();
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "%s", "actor": "%s",
                 "object": "%s", "target": "%s", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                 "cc": ["%s"], "audience": "%s"}""".formatted(id, type, actor.id(), object, target, group, group);
    }

    /** Delivers the activity to the group's inbox and waits until it is processed; returns state and error. */
    private static String[] deliver(RemotePeer actor, String json) throws Exception {
        var id = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(json)
                .get("id")
                .asText();
        var response =
                RemotePeer.post(URI.create(server.base() + "/c/circle/inbox"), RemotePeer.AP, json, actor.cavage());
        assertEquals(202, response.statusCode(), response.body());
        var row = new String[2];
        eventually(() -> {
            var found = server.app()
                    .database()
                    .read(c -> app.kindred.storage.Sql.one(
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

    private static boolean pinned(long postId) {
        return api.count("select count(*) from post where id = ? and pinned_at is not null", postId) == 1;
    }

    private static long logged(String action, String target) {
        return api.count("select count(*) from moderation_log where action = ? and target = ?", action, target);
    }

    @Test
    void aModeratorsAddPinsAndRemoveUnpinsWhileAStrangersIsRefusedAndChangesNothing() throws Exception {
        var stranger = RemotePeer.serve(remote, "stranger");
        var helper = RemotePeer.serve(remote, "helper");
        var group = server.base() + "/c/circle";
        var featured = group + "/featured";
        var thread = ApiClient.body(api.post(
                "/api/v1/communities/" + circle + "/threads", Map.of("title", "Welcome", "body", "read me"), mod));
        long threadId = thread.get("id").asLong();
        var threadUri = thread.get("ap_id").asText();

        var refused = deliver(stranger, pinActivity(stranger, "Add", threadUri, featured, group));
        assertEquals("failed", refused[0]);
        assertTrue(refused[1].contains("is not a moderator of " + group), refused[1]);
        assertFalse(pinned(threadId));
        assertEquals(0, logged("pin_thread", threadUri));
        assertEquals(
                0,
                api.count("select count(*) from outbound_activity where body::jsonb ->> 'type' = 'Announce'"
                        + " and body::jsonb -> 'object' ->> 'type' = 'Add'"),
                "nothing refused is relayed");

        var added = api.post("/api/v1/communities/" + circle + "/moderators", Map.of("actor", helper.id()), mod);
        assertEquals(200, added.statusCode(), added.body());

        var pin = pinActivity(helper, "Add", threadUri, featured, group);
        assertArrayEquals(new String[] {"done", null}, deliver(helper, pin));
        assertTrue(pinned(threadId));
        assertTrue(ApiClient.body(api.get("/api/v1/posts/" + threadId, null))
                .get("pinned")
                .asBoolean());
        assertEquals(1, logged("pin_thread", threadUri));
        var log = ApiClient.body(api.get("/api/v1/communities/" + circle + "/modlog", mod));
        assertEquals("pin_thread", log.get(0).get("action").asText());
        assertEquals(
                "helper@127.0.0.1:" + remote.getPort(),
                log.get(0).get("moderator").asText());
        // Our group passes the moderator's Add on to its followers, as received.
        var pinId = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(pin)
                .get("id")
                .asText();
        assertEquals(
                1,
                api.count(
                        "select count(*) from outbound_activity where body::jsonb ->> 'type' = 'Announce'"
                                + " and body::jsonb -> 'object' ->> 'id' = ?",
                        pinId));
        assertEquals(
                1,
                TestServer.json(server.get("/c/circle/featured", TestServer.ACTIVITY_JSON))
                        .get("totalItems")
                        .asInt());

        // A comment is no thread to pin.
        var comment = ApiClient.body(api.post("/api/v1/posts/" + threadId + "/comments", Map.of("body", "hi"), mod));
        var commentPin =
                deliver(helper, pinActivity(helper, "Add", comment.get("ap_id").asText(), featured, group));
        assertEquals("failed", commentPin[0]);
        assertTrue(commentPin[1].contains("only threads are pinned"), commentPin[1]);

        // A stranger cannot unpin either.
        assertEquals("failed", deliver(stranger, pinActivity(stranger, "Remove", threadUri, featured, group))[0]);
        assertTrue(pinned(threadId));

        assertArrayEquals(
                new String[] {"done", null},
                deliver(helper, pinActivity(helper, "Remove", threadUri, featured, group)));
        assertFalse(pinned(threadId));
        assertEquals(1, logged("unpin_thread", threadUri));
        assertEquals(
                0,
                TestServer.json(server.get("/c/circle/featured", TestServer.ACTIVITY_JSON))
                        .get("totalItems")
                        .asInt());
    }

    @Test
    void aRemoteGroupsFeaturedCollectionIsWhereItsDocumentSays() throws Exception {
        var origin = "http://127.0.0.1:" + remote.getPort();
        var groupUri = origin + "/groups/garden";
        var pinnedCollection = groupUri + "/pinned";
        remote.stubFor(WireMock.get("/groups/garden")
                .willReturn(okForContentType(RemotePeer.AP, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Group",
                 "preferredUsername": "garden", "name": "Garden", "inbox": "%1$s/inbox", "outbox": "%1$s/outbox",
                 "followers": "%1$s/followers", "featured": "%2$s"}""".formatted(groupUri, pinnedCollection))));
        var group = server.app().remoteActors().byUri(URI.create(groupUri));
        var postUri = origin + "/groups/garden/posts/1";
        var gardener = RemotePeer.serve(remote, "gardener");
        var author = server.app().remoteActors().byUri(URI.create(gardener.id()));
        long postId = server.app().database().transaction(c -> {
            var community = new CommunityStore(
                            new app.kindred.actor.ActorStore(server.app().ids()))
                    .ensureRemote(c, group);
            return new PostStore()
                    .insert(
                            c,
                            new PostStore.NewPost(
                                    URI.create(postUri),
                                    community.id(),
                                    author.id(),
                                    null,
                                    null,
                                    false,
                                    "Page",
                                    "Seeds",
                                    "<p>swap</p>",
                                    null,
                                    null,
                                    false,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null))
                    .post()
                    .id();
        });
        assertEquals(
                Optional.of(pinnedCollection),
                server.app()
                        .database()
                        .read(c -> app.kindred.storage.Sql.one(
                                c, "select featured from actor where uri = ?", rs -> rs.getString(1), groupUri)));

        // Lemmy's place is not this group's: an Add there pins nothing.
        var elsewhere = deliver(gardener, pinActivity(gardener, "Add", postUri, groupUri + "/featured", groupUri));
        assertEquals("failed", elsewhere[0]);
        assertTrue(elsewhere[1].contains("featured collection of a community we know"), elsewhere[1]);
        assertFalse(pinned(postId));

        // From the community's own origin, to the collection its document names: pinned.
        assertArrayEquals(
                new String[] {"done", null},
                deliver(gardener, pinActivity(gardener, "Add", postUri, pinnedCollection, groupUri)));
        assertTrue(pinned(postId));
    }
}
