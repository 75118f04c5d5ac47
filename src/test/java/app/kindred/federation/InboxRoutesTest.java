package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.web.WebServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * POSTs to our inboxes from a remote actor that WireMock serves: what is accepted and stored once,
 * and what is refused (with a problem document, and nothing stored).
 */
class InboxRoutesTest {
    private static final int MAX_BODY = 8192;

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;

    @BeforeAll
    static void start() {
        // The shipped key-fetch timeout: no test here waits for a key that never comes (KeyDirectoryTest does), and
        // with 1 s a busy machine's WireMock answering a first key fetch late turned an accepted activity into a
        // refusal.
        server = TestServer.start(Map.of("KINDRED_SERVER_MAX_BODY_BYTES", String.valueOf(MAX_BODY)));
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static URI inbox() {
        return URI.create(server.base() + "/c/peers/inbox");
    }

    private static String community() {
        return server.base() + "/c/peers";
    }

    private static long stored() {
        return server.app().database().read(c -> Sql.count(c, "select count(*) from inbound_activity"));
    }

    private static long stored(String activityId) {
        return server.app()
                .database()
                .read(c -> Sql.count(c, "select count(*) from inbound_activity where activity_id = ?", activityId));
    }

    private static String column(String activityId, String column) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select " + column + " from inbound_activity where activity_id = ?",
                        rs -> rs.getString(1),
                        activityId))
                .orElseThrow();
    }

    private static JsonNode parse(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A refusal is a problem document with the status and a title naming the reason, and stores nothing. */
    private static void assertRefused(int status, String title, HttpResponse<String> response, long storedBefore) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, mediaType(response), response.body());
        var problem = json(response);
        assertEquals(status, problem.get("status").asInt(), response.body());
        assertTrue(problem.get("title").asText().toLowerCase().contains(title), response.body());
        assertEquals(storedBefore, stored(), "a refused request stores nothing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/c/peers/inbox", "/inbox", "/u/alice/inbox", "/actor/inbox"})
    void aCavageSignedFollowIsAcceptedAndStored(String path) {
        var peer = RemotePeer.serve(remote, path.replaceAll("[^a-z]", ""));
        var follow = peer.follow(community());

        var response = RemotePeer.post(URI.create(server.base() + path), RemotePeer.AP, follow, peer.cavage());

        assertEquals(202, response.statusCode(), response.body());
        var id = parse(follow).get("id").asText();
        assertEquals(1, stored(id));
        assertEquals("cavage", column(id, "signature_scheme"));
        assertEquals("Follow", column(id, "activity_type"));
        assertEquals(peer.id(), column(id, "actor_uri"));
        assertEquals(server.base() + path, column(id, "inbox"));
    }

    @Test
    void anRfc9421Ed25519SignedFollowIsAcceptedAndStored() {
        var peer = RemotePeer.serve(remote, "ed");
        var id = peer.activityId();

        var response = RemotePeer.post(
                inbox(),
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
                RemotePeer.follow(id, peer.id(), community()),
                peer.rfc9421());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(1, stored(id));
        assertEquals("rfc9421", column(id, "signature_scheme"));
    }

    @Test
    void aCavageSignatureMadeForAnotherHostIsRefusedEvenWithThatHostHeader() {
        var peer = RemotePeer.serve(remote, "elsewhere");
        var follow = peer.follow(community()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var signing = peer.cavage();
        var headers = new java.util.LinkedHashMap<String, java.util.List<String>>();
        headers.put("Content-Type", java.util.List.of(RemotePeer.AP));
        var signed = new app.kindred.federation.signature.RequestSigner(java.time.Clock.systemUTC())
                .sign(
                        "POST",
                        URI.create("https://evil.example/c/peers/inbox"),
                        headers,
                        follow,
                        signing.keyId(),
                        signing.key(),
                        app.kindred.federation.signature.SignatureScheme.CAVAGE);
        var head = new StringBuilder("POST /c/peers/inbox HTTP/1.1\r\nContent-Type: " + RemotePeer.AP
                + "\r\nContent-Length: " + follow.length + "\r\nConnection: close");
        signed.forEach(
                (name, value) -> head.append("\r\n").append(name).append(": ").append(value));
        assertTrue(signed.containsKey("Host"), "the signer names the host it signed: " + signed);
        long before = stored();

        var response = app.kindred.RawHttp.exchange(app.kindred.RawHttp.port(server), head.toString(), follow);

        assertEquals(401, response.status(), response.head() + response.body());
        assertTrue(response.body().contains("wrong host"), response.body());
        assertEquals(before, stored(), "a refused request stores nothing");
    }

    @Test
    void theSameActivityTwiceIsAcceptedTwiceAndStoredOnce() {
        var peer = RemotePeer.serve(remote, "twice");
        var follow = peer.follow(community());
        long before = stored();

        assertEquals(
                202,
                RemotePeer.post(inbox(), RemotePeer.AP, follow, peer.cavage()).statusCode());
        assertEquals(
                202,
                RemotePeer.post(inbox(), RemotePeer.AP, follow, peer.cavage()).statusCode());

        assertEquals(before + 1, stored());
        assertEquals(1, stored(parse(follow).get("id").asText()));
    }

    @Test
    void aBodyThatIsNotActivityJsonIsUnsupported() {
        var peer = RemotePeer.serve(remote, "plain");
        long before = stored();

        assertRefused(
                415,
                "unsupported content type",
                RemotePeer.post(inbox(), "text/plain", peer.follow(community()), peer.cavage()),
                before);
    }

    @Test
    void aBodyThatIsNotJsonIsMalformed() {
        var peer = RemotePeer.serve(remote, "notjson");
        long before = stored();

        assertRefused(
                400, "not valid json", RemotePeer.post(inbox(), RemotePeer.AP, "{\"id\": ", peer.cavage()), before);
        assertRefused(
                400,
                "not valid json",
                RemotePeer.post(inbox(), RemotePeer.AP, peer.follow(community()) + " trailing", peer.cavage()),
                before);
    }

    @Test
    void aKeyGivenTwiceIsMalformedRatherThanTheLastWinning() {
        var peer = RemotePeer.serve(remote, "twicekey");
        var follow = peer.follow(community());
        var doubled = follow.replaceFirst("\"type\": \"Follow\"", "\"type\": \"Follow\", \"type\": \"Undo\"");
        long before = stored();

        assertRefused(400, "not valid json", RemotePeer.post(inbox(), RemotePeer.AP, doubled, peer.cavage()), before);
    }

    @Test
    void aJsonArrayIsNoActivity() {
        var peer = RemotePeer.serve(remote, "array");
        long before = stored();

        assertRefused(
                400,
                "not a json object",
                RemotePeer.post(inbox(), RemotePeer.AP, "[" + peer.follow(community()) + "]", peer.cavage()),
                before);
        assertRefused(400, "not a json object", RemotePeer.post(inbox(), RemotePeer.AP, "null", peer.cavage()), before);
    }

    @Test
    void nestingDeeperThanTheLimitIsMalformedNotAServerError() {
        var peer = RemotePeer.serve(remote, "deep");
        var deep = "[".repeat(100) + "]".repeat(100);
        var body = """
                {"id": "%s", "type": "Create", "actor": "%s", "object": %s}""".formatted(peer.activityId(), peer.id(), deep);
        long before = stored();

        assertRefused(400, "not valid json", RemotePeer.post(inbox(), RemotePeer.AP, body, peer.cavage()), before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "type", "actor"})
    void anActivityWithoutIdTypeOrActorIsMalformed(String missing) {
        var peer = RemotePeer.serve(remote, "partial");
        var activity = (ObjectNode) parse(peer.follow(community()));
        activity.remove(missing);
        long before = stored();

        assertRefused(
                400,
                "lacks an id, type or actor",
                RemotePeer.post(inbox(), RemotePeer.AP, activity.toString(), peer.cavage()),
                before);
    }

    @Test
    void anUnsignedActivityIsRefusedAsMissingItsSignature() {
        var peer = RemotePeer.serve(remote, "unsigned");
        long before = stored();

        assertRefused(
                401,
                "missing signature",
                RemotePeer.post(inbox(), RemotePeer.AP, peer.follow(community()), null),
                before);
        assertEquals(0, peer.actorFetches(), "an unsigned request names no key to fetch");
    }

    @Test
    void aBodyChangedAfterSigningFailsItsDigest() {
        var peer = RemotePeer.serve(remote, "tampered");
        var signed = peer.follow(community());
        var sent = signed.replace("Follow", "Block");
        long before = stored();

        assertRefused(401, "bad digest", RemotePeer.post(inbox(), RemotePeer.AP, signed, sent, peer.cavage()), before);
        assertRefused(401, "bad digest", RemotePeer.post(inbox(), RemotePeer.AP, signed, sent, peer.rfc9421()), before);
    }

    @Test
    void aSignatureDatedTwoHoursAgoHasExpired() {
        var peer = RemotePeer.serve(remote, "late");
        var twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
        long before = stored();

        assertRefused(
                401,
                "expired",
                RemotePeer.post(
                        inbox(),
                        RemotePeer.AP,
                        peer.follow(community()),
                        peer.cavage().at(twoHoursAgo)),
                before);
        assertRefused(
                401,
                "expired",
                RemotePeer.post(
                        inbox(),
                        RemotePeer.AP,
                        peer.follow(community()),
                        peer.rfc9421().at(twoHoursAgo)),
                before);
    }

    @Test
    void anActivitySignedByAnotherActorThanItsActorIsRefused() {
        var x = RemotePeer.serve(remote, "signer");
        var y = RemotePeer.serve(remote, "claimed");
        // Same origin, so only the owner check can tell them apart.
        var activity = RemotePeer.follow(x.activityId(), y.id(), community());
        long before = stored();

        assertRefused(401, "owner mismatch", RemotePeer.post(inbox(), RemotePeer.AP, activity, x.cavage()), before);
    }

    @Test
    void anActivityIdOnAnotherOriginThanItsActorIsRefused() {
        var peer = RemotePeer.serve(remote, "forger");
        var activity = RemotePeer.follow("https://elsewhere.example/activities/1", peer.id(), community());
        long before = stored();

        assertRefused(400, "another origin", RemotePeer.post(inbox(), RemotePeer.AP, activity, peer.cavage()), before);
    }

    @Test
    void theInboxOfACommunityThatDoesNotExistIsNotFound() {
        var peer = RemotePeer.serve(remote, "lost");
        long before = stored();

        assertRefused(
                404,
                "not found",
                RemotePeer.post(
                        URI.create(server.base() + "/c/nosuch/inbox"),
                        RemotePeer.AP,
                        peer.follow(server.base() + "/c/nosuch"),
                        peer.cavage()),
                before);
    }

    private static String oversized(RemotePeer peer) {
        return """
                {"id": "%s", "type": "Create", "actor": "%s", "object": {"type": "Note", "content": "%s"}}""".formatted(peer.activityId(), peer.id(), "a".repeat(MAX_BODY));
    }

    @Test
    void aBodyOverTheLimitIsTooLarge() {
        var peer = RemotePeer.serve(remote, "large");
        long before = stored();

        assertRefused(
                413, "too large", RemotePeer.post(inbox(), RemotePeer.AP, oversized(peer), peer.cavage()), before);
        assertEquals(0, peer.actorFetches(), "an oversized request is refused before its key is looked up");
    }

    @Test
    void aChunkedBodyOverTheLimitIsTooLarge() throws Exception {
        // Without a Content-Length the limit can only be enforced while reading.
        var peer = RemotePeer.serve(remote, "chunked");
        var body = HttpRequest.BodyPublishers.ofString(oversized(peer));
        Flow.Publisher<java.nio.ByteBuffer> unsized = body::subscribe;
        long before = stored();

        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(inbox())
                                .POST(HttpRequest.BodyPublishers.fromPublisher(unsized))
                                .header("Content-Type", RemotePeer.AP)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        assertRefused(413, "too large", response, before);
    }
}
