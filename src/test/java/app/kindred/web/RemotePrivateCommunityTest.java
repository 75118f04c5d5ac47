package app.kindred.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.actor.LocalKeys;
import app.kindred.api.ApiClient;
import app.kindred.federation.RemotePeer;
import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.SigningKey;
import app.kindred.federation.signature.VerificationKey;
import app.kindred.federation.signature.VerificationResult;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A private community on another server, followed by our members (issue 17). WireMock plays a Lemmy
 * 1.0 instance in Lemmy's wire forms (its Group with {@code manuallyApprovesFollowers}, its Accept and
 * its Reject with the Follow nested, its Announce to the community's followers, never Public), with
 * the post written on a second Lemmy instance that answers only signed fetches, as Lemmy's
 * {@code check_community_content_fetchable} does; and another Kindred instance, whose Group
 * advertises anonymous posting and its application questions.
 */
class RemotePrivateCommunityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LEMMY = Path.of("../shared/fixtures/lemmy");
    private static final String AP = RemotePeer.AP;
    private static final String TITLE = "Lanterns for the ones we lost";

    /** The community's Lemmy instance (127.0.0.1) and, under another name (localhost), the writer's. */
    @RegisterExtension
    static WireMockExtension lemmy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static final LocalKeys groupKeys = LocalKeys.generate(new SecureRandom());

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().startWorkers();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String origin() {
        return "http://127.0.0.1:" + lemmy.getPort();
    }

    /** The writer's Lemmy instance: the same WireMock under another host name, so another origin. */
    private static String writersOrigin() {
        return "http://localhost:" + lemmy.getPort();
    }

    private static String group() {
        return origin() + "/c/tenforward";
    }

    /** Lemmy's Group (objects/group.json) on our WireMock, private, with a key we sign with. */
    private static void serveLemmyGroup() throws Exception {
        var text =
                Files.readString(LEMMY.resolve("objects/group.json")).replace("https://enterprise.lemmy.ml", origin());
        var document = (ObjectNode) JSON.readTree(text);
        document.put("manuallyApprovesFollowers", true);
        document.remove("icon");
        document.remove("image");
        ((ObjectNode) document.get("publicKey")).put("publicKeyPem", groupKeys.rsaPublicPem());
        lemmy.stubFor(WireMock.get(urlEqualTo("/c/tenforward")).willReturn(okForContentType(AP, document.toString())));
        lemmy.stubFor(WireMock.get(urlEqualTo("/c/tenforward/moderators"))
                .willReturn(okForContentType(AP, """
                        {"type": "OrderedCollection", "id": "%s/moderators", "orderedItems": []}""".formatted(group()))));
    }

    /** Signed as the group, as Lemmy's activities are; posted to our shared inbox and awaited. */
    private static void deliverAsGroup(JsonNode activity) throws Exception {
        var signing = new RemotePeer.Signing(
                group() + "#main-key",
                SigningKey.fromPem(groupKeys.rsaPrivatePem()),
                SignatureScheme.CAVAGE,
                Instant.now());
        var response = RemotePeer.post(URI.create(server.base() + "/inbox"), AP, activity.toString(), signing);
        assertEquals(202, response.statusCode(), response.body());
        var id = activity.get("id").asText();
        Eventually.eventually(
                Duration.ofSeconds(20),
                () -> assertFalse(RemotePeer.inboundOutcome(server.app(), id).startsWith("pending")));
        assertEquals("done", RemotePeer.inboundOutcome(server.app(), id).strip());
    }

    private static HttpResponse<String> follow(String token) {
        var response = api.post("/api/v1/follows", Map.of("community", group()), token);
        assertEquals(200, response.statusCode(), response.body());
        return response;
    }

    private static String followActivity(String username) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select activity_uri from follow where follower_id = ? and followed_id ="
                                + " (select id from actor where uri = ?)",
                        rs -> rs.getString(1),
                        server.actorId(username),
                        group()))
                .orElseThrow(() -> new AssertionError("no follow from " + username));
    }

    private static String followState(String username) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select state from follow where follower_id = ? and followed_id ="
                                + " (select id from actor where uri = ?)",
                        rs -> rs.getString(1),
                        server.actorId(username),
                        group()))
                .orElse("none");
    }

    /** Lemmy's answer to our member's Follow: Accept (activities/following/accept.json) or Reject (RejectFollow). */
    private static ObjectNode answer(String type, String username) throws Exception {
        var answer = (ObjectNode) JSON.readTree(Files.readString(LEMMY.resolve("activities/following/accept.json")));
        var member = server.base() + "/u/" + username;
        answer.put("type", type)
                .put("actor", group())
                .put("id", origin() + "/activities/" + type.toLowerCase() + "/" + UUID.randomUUID());
        answer.set("to", JSON.valueToTree(List.of(member)));
        var nested = (ObjectNode) answer.get("object");
        nested.put("actor", member).put("object", group()).put("id", followActivity(username));
        nested.set("to", JSON.valueToTree(List.of(group())));
        return answer;
    }

    private static boolean shows(HttpResponse<String> response, String text) {
        return response.statusCode() == 200 && response.body().contains(text);
    }

    private static WebClient signedIn(String username) {
        var web = new WebClient(server);
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", username, "password", "correct horse battery"))
                        .statusCode());
        return web;
    }

    @Test
    void aLemmyPrivateCommunityIsJoinedByItsAcceptItsPostsFetchedSignedAndShownToItsMembersAlone() throws Exception {
        serveLemmyGroup();
        lemmy.stubFor(
                WireMock.post(urlMatching(".*/inbox")).willReturn(aResponse().withStatus(202)));
        var reader = api.member("rowan");
        var refused = api.member("sorrel");
        var bystander = api.member("tamsin");

        // Following waits: the Group says manuallyApprovesFollowers, and our Follow went to it.
        assertEquals("pending", ApiClient.body(follow(reader)).get("state").asText());
        long community =
                ApiClient.body(follow(refused)).get("community").get("id").asLong();
        assertEquals(
                "private",
                ApiClient.body(api.get("/api/v1/communities/" + community + "/privacy", null))
                        .get("visibility")
                        .asText());
        assertEquals("pending", followState("rowan"));

        // Lemmy's moderator approves: its Accept, signed by the Group, makes the member a follower.
        deliverAsGroup(answer("Accept", "rowan"));
        assertEquals("accepted", followState("rowan"));
        // And refuses the other: Lemmy's Reject, the Follow nested; the follow is gone and stays refused.
        deliverAsGroup(answer("Reject", "sorrel"));
        assertEquals("none", followState("sorrel"));

        // The writer's instance answers only signed GETs (Lemmy's check_community_content_fetchable).
        var author = writersOrigin() + "/u/lemmy_beta";
        var authorKeys = LocalKeys.generate(new SecureRandom());
        lemmy.stubFor(WireMock.get(urlEqualTo("/u/lemmy_beta")).willReturn(okForContentType(AP, """
                        {"id": "%1$s", "type": "Person", "preferredUsername": "lemmy_beta", "inbox": "%1$s/inbox",
                         "publicKey": {"id": "%1$s#main-key", "owner": "%1$s", "publicKeyPem": %2$s}}""".formatted(
                        author, JSON.writeValueAsString(authorKeys.rsaPublicPem())))));
        var postId = writersOrigin() + "/post/7";
        var followers = List.of(group(), group() + "/followers");
        var page = (ObjectNode) JSON.readTree(Files.readString(LEMMY.resolve("objects/page.json")));
        page.put("id", postId)
                .put("attributedTo", author)
                .put("audience", group())
                .put("name", TITLE)
                .put("content", "<p>We light one each evening.</p>");
        page.remove("attachment");
        page.remove("image");
        page.set("to", JSON.valueToTree(followers));
        page.set("cc", JSON.valueToTree(List.of()));
        lemmy.stubFor(WireMock.get(urlEqualTo("/post/7"))
                .atPriority(10)
                .willReturn(aResponse().withStatus(401)));
        lemmy.stubFor(WireMock.get(urlEqualTo("/post/7"))
                .atPriority(1)
                .withHeader("Signature", matching(".+"))
                .willReturn(okForContentType(AP, page.toString())));

        // Lemmy's Announce in a private community (announce_create_page.json): to the community and its
        // followers, never Public; the Create is the writer's instance's, so its Page is fetched from there.
        var announce = (ObjectNode)
                JSON.readTree(Files.readString(LEMMY.resolve("activities/community/announce_create_page.json")));
        announce.put("actor", group()).put("id", origin() + "/activities/announce/" + UUID.randomUUID());
        announce.set("to", JSON.valueToTree(followers));
        announce.set("cc", JSON.valueToTree(List.of(group() + "/followers")));
        var create = (ObjectNode) announce.get("object");
        create.put("actor", author).put("id", writersOrigin() + "/activities/create/" + UUID.randomUUID());
        create.set("to", JSON.valueToTree(followers));
        create.set("cc", JSON.valueToTree(List.of()));
        create.set("object", page);
        deliverAsGroup(announce);

        // Fetched with a signature that verifies with our instance actor's key, as Lemmy checks it.
        var fetches = lemmy.findAll(getRequestedFor(urlEqualTo("/post/7")));
        assertFalse(fetches.isEmpty(), "the post was fetched from its origin");
        var instance = server.app().instanceActor();
        var key = VerificationKey.fromPem(instance.publicKeyPem());
        for (var fetch : fetches) {
            var result = new SignatureVerifier(Clock.systemUTC())
                    .verify(
                            parts(fetch),
                            keyId -> keyId.equals(instance.publicKeyId()) ? Optional.of(key) : Optional.empty());
            assertInstanceOf(VerificationResult.Verified.class, result, result.toString());
        }
        long post = api.count("select id from post where uri = ? and members_only", postId);
        assertNotEquals(0, post, "stored, for members only");

        // Shown to the member; to nobody else here, in no listing, feed or search.
        assertTrue(shows(api.get("/api/v1/threads/" + post, reader), TITLE));
        assertTrue(shows(api.get("/api/v1/communities/" + community + "/threads", reader), TITLE));
        var ownPage = signedIn("rowan").get("/r/p/" + post);
        assertTrue(shows(ownPage, TITLE), ownPage.statusCode() + " " + ownPage.body());
        for (var token : new String[] {null, refused, bystander}) {
            assertFalse(shows(api.get("/api/v1/threads/" + post, token), TITLE), "thread as " + token);
            assertFalse(
                    shows(api.get("/api/v1/communities/" + community + "/threads", token), TITLE), "list as " + token);
        }
        for (var token : new String[] {null, reader, bystander})
            assertFalse(shows(api.get("/api/v1/search?q=lanterns", token), TITLE), "search as " + token);
        for (var web : List.of(new WebClient(server), signedIn("sorrel"), signedIn("tamsin"))) {
            assertFalse(shows(web.get("/r/p/" + post), TITLE));
            for (var path : List.of("/feed/local", "/feed/all", "/search?q=lanterns"))
                assertFalse(web.get(path).body().contains(TITLE), path);
        }
        // Nor served from here to anyone: it is another server's.
        assertFalse(shows(RemotePeer.get(URI.create(postId), AP, null), TITLE), "the origin refuses unsigned");
    }

    @Test
    void aKindredGroupAdvertisesAnonymousPostingAndItsQuestionsAndAnotherKindredReadsThem() throws Exception {
        var keeper = api.member("keeper");
        long hearth = api.community(keeper, "hearth");
        var questions = List.of("What brings you here?", "Who did you lose?");
        assertEquals(
                200,
                api.patch(
                                "/api/v1/communities/" + hearth,
                                Map.of(
                                        "visibility",
                                        "private",
                                        "application_questions",
                                        questions,
                                        "anonymous_posting",
                                        true),
                                keeper)
                        .statusCode());
        var group = (ObjectNode) server.activityJson("/c/hearth");
        assertTrue(group.get("anonymousPosting").asBoolean(), group.toString());
        assertEquals(questions, JSON.convertValue(group.get("applicationQuestions"), List.class));
        var context = group.get("@context").toString();
        assertTrue(context.contains("\"anonymousPosting\":\"kindred:anonymousPosting\""), context);
        assertTrue(context.contains("kindred:applicationQuestions"), context);
        // A public community asks nothing; one without anonymous posting says so.
        long open = api.community(keeper, "openhearth");
        var plain = server.activityJson("/c/openhearth");
        assertFalse(plain.get("anonymousPosting").asBoolean(), plain.toString());
        assertFalse(plain.has("applicationQuestions"), plain.toString());
        assertTrue(open > 0);

        // The same Group served by another Kindred instance (WireMock), followed from here.
        var text = group.toString().replace(server.base(), origin());
        var remoteKeys = LocalKeys.generate(new SecureRandom());
        var remote = (ObjectNode) JSON.readTree(text);
        ((ObjectNode) remote.get("publicKey")).put("publicKeyPem", remoteKeys.rsaPublicPem());
        remote.remove("assertionMethod");
        lemmy.stubFor(WireMock.get(urlEqualTo("/c/hearth")).willReturn(okForContentType(AP, remote.toString())));
        lemmy.stubFor(WireMock.get(urlEqualTo("/c/hearth/moderators"))
                .willReturn(okForContentType(AP, """
                        {"type": "OrderedCollection", "id": "%s/c/hearth/moderators", "orderedItems": []}""".formatted(origin()))));
        lemmy.stubFor(
                WireMock.post(urlMatching(".*/inbox")).willReturn(aResponse().withStatus(202)));
        var reader = api.member("willow");
        var followed = api.post("/api/v1/follows", Map.of("community", origin() + "/c/hearth"), reader);
        assertEquals(200, followed.statusCode(), followed.body());
        long id = ApiClient.body(followed).get("community").get("id").asLong();
        var community = ApiClient.body(api.get("/api/v1/communities/" + id, reader));
        assertTrue(community.get("anonymous_posting").asBoolean(), community.toString());
        var privacy = ApiClient.body(api.get("/api/v1/communities/" + id + "/privacy", reader));
        assertEquals("private", privacy.get("visibility").asText(), privacy.toString());
        assertEquals(questions, JSON.convertValue(privacy.get("application_questions"), List.class));

        // Its page here shows the questions to read before following; answers cannot travel with a Follow.
        var page = signedIn("willow").get("/r/hearth@127.0.0.1:" + lemmy.getPort());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(
                page.body().contains("What brings you here?") && page.body().contains("Who did you lose?"),
                page.body());
        assertFalse(page.body().contains("<textarea"), page.body());
    }

    private static HttpRequestParts parts(LoggedRequest r) {
        Map<String, List<String>> headers = new HashMap<>();
        for (var h : r.getHeaders().all()) headers.put(h.key(), h.values());
        return new HttpRequestParts(r.getMethod().getName(), URI.create(r.getAbsoluteUrl()), headers, r.getBody());
    }
}
