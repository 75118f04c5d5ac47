package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a remote reply may become here (issue 21). Addressing is a promise: a note its author
 * addressed only to people or to their followers never becomes a community post, whichever inbox
 * it arrives at and whatever community it names; it is refused with a reason, shown nowhere and
 * passed on to nobody. The private forms are Mastodon's and Lemmy's own (../shared/fixtures),
 * pointed at a local member and thread. And what a public reply says is served and passed on
 * only through the sanitiser, its content warning as plain text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteRepliesTest {
    private static final Path FIXTURES = Path.of("..", "shared", "fixtures");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    private TestServer server;
    private Member alice;
    private Post thread;
    private RemotePeer nutomic;

    @BeforeAll
    void start() throws Exception {
        server = TestServer.start(
                Map.of("KINDRED_DELIVERY_TIME_SCALE", "0.001", "KINDRED_DELIVERY_POLL_INTERVAL", "50ms"));
        server.app().startWorkers();
        alice = server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        long peers =
                server.app().communities().create("peers", "Peers", "", "alice").id();
        thread = server.app()
                .threads()
                .startThread(
                        alice,
                        peers,
                        new ThreadService.Draft("Check-in", "How is everyone tonight?", null, null, null));
        nutomic = RemotePeer.serve(remote, "nutomic");
        // Someone on another server follows the community, so anything it announced would have a recipient.
        var follower = RemotePeer.serve(remote, "follower");
        var follow = follower.follow(community());
        assertEquals(
                202,
                RemotePeer.post(URI.create(community() + "/inbox"), RemotePeer.AP, follow, follower.cavage())
                        .statusCode());
        eventually(() -> assertEquals(1L, (long) server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow where followed_id = ? and state = 'accepted'",
                        server.actorId("peers")))));
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
    }

    private String community() {
        return server.base() + "/c/peers";
    }

    private String aliceUri() {
        return alice.actor().uri().toString();
    }

    private static JsonNode fixture(String file) throws IOException {
        Assumptions.assumeTrue(
                Files.isDirectory(FIXTURES),
                "skipped: the interop fixtures live beside this checkout at ../shared/fixtures, which is absent here");
        return JSON.readTree(Files.readString(FIXTURES.resolve(file)));
    }

    /** Mastodon's direct message (fixture), from our remote peer to alice, replying to her thread. */
    private ObjectNode mastodonDirectMessage(String text) throws IOException {
        var note = (ObjectNode) fixture("mastodon/activities/private_message.json");
        var id = nutomic.id() + "/statuses/" + UUID.randomUUID();
        note.put("id", id).put("url", id).put("atomUri", id).put("attributedTo", nutomic.id());
        note.put("inReplyTo", thread.uri().toString())
                .put("inReplyToAtomUri", thread.uri().toString());
        note.putArray("to").add(aliceUri());
        note.put("content", "<p>" + text + "</p>").putObject("contentMap").put("en", "<p>" + text + "</p>");
        ((ObjectNode) note.path("tag").get(0)).put("href", aliceUri()).put("name", "@alice@" + server.domain());
        note.remove("replies");
        return note;
    }

    /** Mastodon's Create: the note's own addressing, copied onto the activity. */
    private ObjectNode create(ObjectNode note) {
        var create = JSON.createObjectNode();
        create.set("@context", note.get("@context"));
        create.put("id", note.path("id").asText() + "/activity")
                .put("type", "Create")
                .put("actor", nutomic.id());
        for (var field : List.of("to", "cc", "audience")) if (note.has(field)) create.set(field, note.get(field));
        var object = note.deepCopy();
        object.remove("@context");
        create.set("object", object);
        return create;
    }

    private record Outcome(String id, String objectId, String state, String lastError) {}

    private Outcome deliver(String inbox, JsonNode activity) throws Exception {
        var id = activity.path("id").asText();
        var response = RemotePeer.post(
                URI.create(server.base() + inbox), RemotePeer.AP, activity.toString(), nutomic.cavage());
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
            assertFalse(found[0].equals("pending"), "still pending: " + found[1]);
            row[0] = found[0];
            row[1] = found[1];
        });
        var object = activity.path("object");
        return new Outcome(id, object.isObject() ? object.path("id").asText() : object.asText(), row[0], row[1]);
    }

    /** Refused with the reason recorded, and nothing of it stored, shown, listed or queued for anyone. */
    private void refusedAsPrivate(Outcome outcome, String words) {
        assertEquals("failed", outcome.state(), outcome.lastError());
        assertTrue(outcome.lastError().startsWith("rejected: not public: "), outcome.lastError());
        assertTrue(outcome.lastError().contains("Kindred does not accept private messages yet"), outcome.lastError());
        assertEquals(
                Optional.empty(),
                server.app().database().read(c -> new PostStore().findByUri(c, URI.create(outcome.objectId()))));
        var signedOut = server.get("/api/v1/threads/" + thread.id(), "application/json");
        assertEquals(200, signedOut.statusCode());
        assertFalse(signedOut.body().contains(words), signedOut.body());
        var outbox =
                OutboxPrivacyTest.activityJson(server, "/c/peers/outbox?page=1").body();
        assertFalse(outbox.contains(words), outbox);
        assertEquals(
                0L,
                (long) server.app()
                        .database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from outbound_activity where object_id = ? or body like ?",
                                outcome.objectId(),
                                "%" + words + "%")),
                "nothing was queued about it");
        assertEquals(0L, (long)
                server.app().database().read(c -> Sql.count(c, """
                select count(*) from post where content_html like ? or title like ?""", "%" + words + "%", "%" + words + "%")));
    }

    @Test
    void mastodonsDirectMessageToAMemberIsRefused() throws Exception {
        var words = "I have not told anyone else this";
        refusedAsPrivate(deliver("/u/alice/inbox", create(mastodonDirectMessage(words))), words);
    }

    @Test
    void aDirectMessageAtTheSharedInboxIsRefusedToo() throws Exception {
        var words = "only for you, through the shared inbox";
        refusedAsPrivate(deliver("/inbox", create(mastodonDirectMessage(words))), words);
    }

    @Test
    void mastodonsFollowersOnlyReplyIsRefused() throws Exception {
        var words = "followers only, mentioning alice";
        var note = mastodonDirectMessage(words);
        note.putArray("to").add(nutomic.id() + "/followers");
        note.putArray("cc").add(aliceUri());
        refusedAsPrivate(deliver("/u/alice/inbox", create(note)), words);
    }

    @Test
    void aDirectNoteNamingTheCommunityInAudienceOrCcIsNoThread() throws Exception {
        var words = "a direct note that names the group";
        var note = mastodonDirectMessage(words);
        note.remove("inReplyTo");
        note.remove("inReplyToAtomUri");
        note.put("audience", community());
        note.putArray("cc").add(community());
        note.withArray("tag")
                .addObject()
                .put("type", "Mention")
                .put("href", community())
                .put("name", "@peers@" + server.domain());
        refusedAsPrivate(deliver("/c/peers/inbox", create(note)), words);
    }

    @Test
    void lemmysChatMessageIsRefusedAsAPrivateMessage() throws Exception {
        var create = (ObjectNode) fixture("lemmy/activities/create_or_update/create_private_message_0.19.json");
        var id = nutomic.id() + "/private_message/" + UUID.randomUUID();
        create.put("id", nutomic.activityId()).put("actor", nutomic.id());
        create.putArray("to").add(aliceUri());
        var message = (ObjectNode) create.path("object");
        message.put("id", id).put("attributedTo", nutomic.id()).put("content", "<p>a chat message, not a comment</p>");
        message.putArray("to").add(aliceUri());
        var outcome = deliver("/u/alice/inbox", create);
        assertEquals(
                "rejected: not public: a private message (ChatMessage); Kindred does not accept private messages yet",
                outcome.lastError());
        refusedAsPrivate(outcome, "a chat message, not a comment");
    }

    @Test
    void lemmysOlderPrivateMessageAsANoteIsRefused() throws Exception {
        var create = (ObjectNode) fixture("lemmy/activities/create_or_update/create_private_message.json");
        create.put("id", nutomic.activityId()).put("actor", nutomic.id());
        create.putArray("to").add(aliceUri());
        var message = (ObjectNode) create.path("object");
        message.put("id", nutomic.id() + "/private_message/" + UUID.randomUUID())
                .put("attributedTo", nutomic.id())
                .put("content", "hello, privately");
        message.putArray("to").add(aliceUri());
        refusedAsPrivate(deliver("/u/alice/inbox", create), "hello, privately");
    }

    @Test
    void aPublicReplyIsStillAcceptedShownAndAnnounced() throws Exception {
        var words = "a public reply, for everyone";
        var note = mastodonDirectMessage(words);
        note.putArray("to").add(PUBLIC);
        note.putArray("cc").add(nutomic.id() + "/followers").add(aliceUri());
        var outcome = deliver("/u/alice/inbox", create(note));

        assertEquals("done", outcome.state(), outcome.lastError());
        assertTrue(server.get("/api/v1/threads/" + thread.id(), "application/json")
                .body()
                .contains(words));
        assertEquals(
                2L,
                (long) server.app().database().read(c -> Sql.count(c, """
                select count(*) from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Announce'""", outcome.objectId())),
                "both announce forms");
    }

    @Test
    void lemmysPublicCommentIsStillAccepted() throws Exception {
        var create = (ObjectNode) fixture("lemmy/activities/create_or_update/create_comment.json");
        create.put("id", nutomic.activityId()).put("actor", nutomic.id());
        create.putArray("to").add(community()).add(PUBLIC);
        create.putArray("cc");
        create.put("audience", community());
        var comment = (ObjectNode) create.path("object");
        comment.put("id", nutomic.id() + "/comment/" + UUID.randomUUID())
                .put("attributedTo", nutomic.id())
                .put("inReplyTo", thread.uri().toString())
                .put("content", "a public Lemmy comment")
                .put("audience", community());
        comment.putArray("to").add(community()).add(PUBLIC);
        comment.putArray("cc");
        comment.remove("tag");
        var outcome = deliver("/c/peers/inbox", create);
        assertEquals("done", outcome.state(), outcome.lastError());
        assertTrue(server.get("/api/v1/threads/" + thread.id(), "application/json")
                .body()
                .contains("a public Lemmy comment"));
    }

    @Test
    void anUpdateThatMakesAReplyPrivateTakesItDownAndIsNotPassedOn() throws Exception {
        var note = mastodonDirectMessage("public at first");
        note.putArray("to").add(PUBLIC);
        note.putArray("cc").add(aliceUri());
        var created = deliver("/u/alice/inbox", create(note));
        assertEquals("done", created.state(), created.lastError());
        long sentBefore = server.app()
                .database()
                .read(c ->
                        Sql.count(c, "select count(*) from outbound_activity where object_id = ?", created.objectId()));

        note.put("content", "<p>now only for my followers</p>").putObject("contentMap");
        note.putArray("to").add(nutomic.id() + "/followers");
        note.put("updated", "2026-01-01T00:00:00Z");
        var update = create(note);
        update.put("type", "Update").put("id", nutomic.activityId());
        var outcome = deliver("/u/alice/inbox", update);

        assertEquals("failed", outcome.state(), outcome.lastError());
        assertTrue(outcome.lastError().startsWith("rejected: not public any more"), outcome.lastError());
        var post = server.app()
                .database()
                .read(c -> new PostStore().findByUri(c, URI.create(created.objectId())))
                .orElseThrow();
        assertNotNull(post.deletedAt(), "taken down");
        assertFalse(post.contentHtml().contains("public at first"));
        var shown =
                server.get("/api/v1/threads/" + thread.id(), "application/json").body();
        assertFalse(shown.contains("public at first") || shown.contains("now only for my followers"), shown);
        assertEquals(
                sentBefore,
                (long) server.app()
                        .database()
                        .read(c -> Sql.count(
                                c, "select count(*) from outbound_activity where object_id = ?", created.objectId())),
                "the Update is not relayed");
    }

    @Test
    void aRemoteContentWarningIsKeptAsPlainText() throws Exception {
        var note = mastodonDirectMessage("warned");
        note.putArray("to").add(PUBLIC);
        note.putArray("cc").add(aliceUri());
        note.put("summary", "<b>heavy</b> topic<img src=x onerror=alert(1)>");
        var outcome = deliver("/u/alice/inbox", create(note));
        assertEquals("done", outcome.state(), outcome.lastError());

        var shown = JSON.readTree(
                server.get("/api/v1/threads/" + thread.id(), "application/json").body());
        var reply = shown.path("comments").findParents("ap_id").stream()
                .filter(p -> p.path("ap_id").asText().equals(outcome.objectId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(shown));
        assertEquals("heavy topic", reply.path("content_warning").asText());
        assertTrue(reply.path("sensitive").asBoolean());
    }

    @Test
    void whatTheCommunityRelaysOfARemoteReplyIsSanitised() throws Exception {
        var note = mastodonDirectMessage("x");
        note.putArray("to").add(PUBLIC);
        note.putArray("cc").add(aliceUri());
        note.put("summary", "<b>heavy</b> topic<img src=x onerror=alert(1)>");
        var html = "<p>read this <a href=\"javascript:alert(1)\">link</a><script>alert(2)</script></p>";
        note.put("content", html).putObject("contentMap").put("en", html);
        note.put("url", "javascript:alert(3)");
        note.putArray("attachment")
                .addObject()
                .put("type", "Document")
                .put("mediaType", "image/png")
                .put("url", "javascript:alert(4)");
        var outcome = deliver("/u/alice/inbox", create(note));
        assertEquals("done", outcome.state(), outcome.lastError());

        var shown = JSON.readTree(
                server.get("/api/v1/threads/" + thread.id(), "application/json").body());
        var reply = shown.path("comments").findParents("ap_id").stream()
                .filter(p -> p.path("ap_id").asText().equals(outcome.objectId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError(shown));
        assertFalse(reply.path("html").asText().contains("script"), reply.toString());
        assertFalse(reply.path("html").asText().contains("javascript:"), reply.toString());

        var relayed = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Announce'",
                        rs -> rs.getString(1),
                        outcome.objectId()));
        assertEquals(2, relayed.size(), "Announce{Create} and Announce{Note}: " + relayed);
        for (var body : relayed) {
            for (var unsafe : List.of("<script", "javascript:", "onerror", "<img")) {
                assertFalse(body.contains(unsafe), unsafe + " relayed: " + body);
            }
            assertTrue(body.contains("read this"), body);
        }
    }
}
