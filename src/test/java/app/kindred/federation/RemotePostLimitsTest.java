package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.PostLimits;
import app.kindred.thread.PostStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A remote post meets the limits and the clock a member's post does, and text PostgreSQL refuses is taken out. */
class RemotePostLimitsTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;
    private static String community;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().startWorkers();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "", "alice");
        community = server.base() + "/c/peers";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A Lemmy-style Create{Page} for the community; the caller changes the page's fields. */
    private static ObjectNode create(RemotePeer peer, String objectId) throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%3$s/activity", "type": "Create", "actor": "%1$s",
                 "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                 "object": {"id": "%3$s", "type": "Page", "attributedTo": "%1$s", "name": "A title",
                            "content": "<p>words</p>", "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%2$s"}}""".formatted(peer.id(), community, objectId));
    }

    private static void deliver(RemotePeer peer, String body) {
        var response = RemotePeer.post(URI.create(community + "/inbox"), RemotePeer.AP, body, peer.cavage());
        assertEquals(202, response.statusCode(), response.body());
    }

    private static Optional<Post> post(String uri) {
        return server.app().database().read(c -> new PostStore().findByUri(c, URI.create(uri)));
    }

    private static String lastError(String activityId) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select coalesce(last_error, '') from inbound_activity where activity_id = ? and state <> 'pending'",
                        rs -> rs.getString(1),
                        activityId))
                .orElse(null);
    }

    @Test
    void nulCharactersInContentAndNameAreTakenOutAndThePostIsStored() throws Exception {
        var peer = RemotePeer.serve(remote, "nul");
        var id = peer.id() + "/objects/nul";
        var activity = create(peer, id);
        ((ObjectNode) activity.get("object"))
                .put("name", "Hel\u0000lo")
                .put("content", "<p>wo\u0000rds LONE-HALFhere</p>");

        // Written as JSON escapes: a lone surrogate has no UTF-8 bytes to send as itself.
        deliver(peer, activity.toString().replace("LONE-HALF", "\\ud800"));

        eventually(() -> {
            var post = post(id).orElseThrow();
            assertEquals("Hello", post.title());
            assertTrue(post.contentHtml().contains("words \uFFFDhere"), post.contentHtml());
        });
        assertEquals("", lastError(id + "/activity"));
    }

    @Test
    void aDateInTheFutureBecomesTheTimeOfReceiptAndAPastDateIsKept() throws Exception {
        var peer = RemotePeer.serve(remote, "clock");
        var future = peer.id() + "/objects/future";
        var activity = create(peer, future);
        ((ObjectNode) activity.get("object")).put("published", "9999-12-31T23:59:59Z");
        var past = peer.id() + "/objects/past";
        var earlier = create(peer, past);
        ((ObjectNode) earlier.get("object")).put("published", "2024-01-02T03:04:05Z");
        var sent = Instant.now();

        deliver(peer, activity.toString());
        deliver(peer, earlier.toString());

        eventually(() -> {
            var published = post(future).orElseThrow().published();
            assertFalse(published.isAfter(Instant.now()), "a post cannot be dated after it arrived: " + published);
            assertTrue(published.isAfter(sent.minus(Duration.ofMinutes(1))), published.toString());
            assertEquals(
                    Instant.parse("2024-01-02T03:04:05Z"),
                    post(past).orElseThrow().published());
        });
    }

    @Test
    void aLongTitleAndWarningAreClippedAndContentPastTheLimitIsRefusedWithAReason() throws Exception {
        var peer = RemotePeer.serve(remote, "long");
        var clipped = peer.id() + "/objects/clipped";
        var activity = create(peer, clipped);
        ((ObjectNode) activity.get("object"))
                .put("name", "t".repeat(100_000))
                .put("summary", "w".repeat(10_000))
                .put("sensitive", true);
        var huge = peer.id() + "/objects/huge";
        var tooMuch = create(peer, huge);
        ((ObjectNode) tooMuch.get("object")).put("content", "<p>" + "x".repeat(PostLimits.HTML + 1) + "</p>");

        deliver(peer, activity.toString());
        deliver(peer, tooMuch.toString());

        eventually(() -> {
            var post = post(clipped).orElseThrow();
            assertEquals(PostLimits.TITLE, post.title().length());
            assertTrue(post.title().endsWith("…"), post.title());
            assertEquals(PostLimits.WARNING, post.summary().length());
            assertTrue(
                    lastError(huge + "/activity").contains("at most " + PostLimits.HTML),
                    lastError(huge + "/activity"));
        });
        assertTrue(post(huge).isEmpty(), "content past the limit is not stored");
    }
}
