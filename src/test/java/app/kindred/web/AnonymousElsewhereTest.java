package app.kindred.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.actor.LocalKeys;
import app.kindred.api.ApiClient;
import app.kindred.federation.RemotePeer;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SigningKey;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anonymous posting across servers, the writer's side (issue 17): the community's server tells the
 * writer's server, privately, where it published the post (an Accept of the request with its
 * result); the writer's server then shows that post as theirs to the writer alone, and their edit
 * and delete of it go to the community through their own copy, as the request did. WireMock plays
 * the other Kindred server on each side.
 */
class AnonymousElsewhereTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AP = RemotePeer.AP;

    @RegisterExtension
    static WireMockExtension elsewhere = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static final LocalKeys groupKeys = LocalKeys.generate(new SecureRandom());
    private static final LocalKeys pseudonymKeys = LocalKeys.generate(new SecureRandom());

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().startWorkers();
        api = new ApiClient(server);
        elsewhere.stubFor(
                WireMock.post(urlMatching(".*/inbox")).willReturn(aResponse().withStatus(202)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String origin() {
        return "http://127.0.0.1:" + elsewhere.getPort();
    }

    private static String group() {
        return origin() + "/c/quiet";
    }

    private static void deliver(String keyOwner, LocalKeys keys, String json) throws Exception {
        var signing = new RemotePeer.Signing(
                keyOwner + "#main-key",
                SigningKey.fromPem(keys.rsaPrivatePem()),
                SignatureScheme.CAVAGE,
                Instant.now());
        var response = RemotePeer.post(URI.create(server.base() + "/inbox"), AP, json, signing);
        assertEquals(202, response.statusCode(), response.body());
        var id = JSON.readTree(json).get("id").asText();
        var deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (RemotePeer.inboundOutcome(server.app(), id).startsWith("pending")
                && Instant.now().isBefore(deadline)) Thread.sleep(20);
        assertEquals("done", RemotePeer.inboundOutcome(server.app(), id).strip());
    }

    private static void serve(String path, String type, String name, LocalKeys keys, String extra) {
        var id = origin() + path;
        elsewhere.stubFor(WireMock.get(urlEqualTo(path)).willReturn(okForContentType(AP, """
                        {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                         "id": "%1$s", "type": "%2$s", "preferredUsername": "%3$s", "name": "%4$s",
                         "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers",
                         "endpoints": {"sharedInbox": "%5$s/inbox"}%6$s,
                         "publicKey": {"id": "%1$s#main-key", "owner": "%1$s", "publicKeyPem": %7$s}}""".formatted(
                        id,
                        type,
                        path.substring(path.lastIndexOf('/') + 1),
                        name,
                        origin(),
                        extra,
                        quoted(keys.rsaPublicPem())))));
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<JsonNode> sent(String type, String objectId) {
        return server
                .app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body from outbound_activity where body::jsonb ->> 'type' = ? and object_id = ?",
                        rs -> rs.getString(1),
                        type,
                        objectId))
                .stream()
                .map(body -> {
                    try {
                        return JSON.readTree(body);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
    }

    @Test
    void theCommunityTellsTheWritersServerAloneWhereItPublishedTheirPost() throws Exception {
        var keeper = api.member("keeper");
        long hush = api.community(keeper, "hush");
        assertEquals(
                200,
                api.patch("/api/v1/communities/" + hush, Map.of("anonymous_posting", true), keeper)
                        .statusCode());
        var writer = RemotePeer.serve(elsewhere, "bea");
        var source = writer.id() + "/p/42";
        var community = server.base() + "/c/hush";
        writer.deliverAndAwait(
                server.app(), community, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Create",
                 "actor": "%2$s", "anonymous": true, "to": ["%3$s"], "cc": [],
                 "object": {"id": "%4$s", "type": "Page", "name": "The thing I carry", "attributedTo": "%2$s",
                            "anonymous": true, "to": ["%3$s"], "cc": [], "audience": "%3$s",
                            "content": "<p>It is heavy.</p>", "mediaType": "text/html"}}""".formatted(writer.activityId(), writer.id(), community, source));

        var published = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select p.uri from post p join anonymous_source s on s.post_id = p.id where s.source_uri = ?",
                        rs -> rs.getString(1),
                        source))
                .orElseThrow();
        var accepts = sent("Accept", published);
        assertEquals(1, accepts.size(), accepts.toString());
        var accept = accepts.getFirst();
        assertEquals(community, accept.get("actor").asText());
        assertEquals(source, accept.get("object").asText());
        assertEquals(published, accept.get("result").asText());
        assertTrue(accept.get("anonymous").asBoolean());
        assertEquals(List.of(writer.id()), JSON.convertValue(accept.get("to"), List.class));
        assertFalse(accept.toString().contains("#Public"), accept.toString());
        // To the writer's server alone: nobody else may link the writer to the pseudonym.
        var inboxes = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select d.inbox from delivery d join outbound_activity o on o.id = d.outbound_id"
                                + " where o.activity_id = ?",
                        rs -> rs.getString(1),
                        accept.get("id").asText()));
        assertEquals(List.of(writer.id() + "/inbox"), inboxes);
    }

    @Test
    void onTheWritersServerThePublishedPostIsTheirsToSeeEditAndDeleteAndNobodyElsesToKnow() throws Exception {
        serve("/c/quiet", "Group", "Quiet", groupKeys, ", \"anonymousPosting\": true");
        elsewhere.stubFor(WireMock.get(urlEqualTo("/c/quiet/moderators"))
                .willReturn(okForContentType(AP, """
                        {"type": "OrderedCollection", "id": "%s/moderators", "orderedItems": []}""".formatted(group()))));
        var pseudonym = origin() + "/c/quiet/anonymous/5ee";
        serve("/c/quiet/anonymous/5ee", "Person", "Anonymous member 1", pseudonymKeys, "");
        var ash = api.member("ash");
        var birch = api.member("birch");

        // Both follow the community, which accepts at once (a public community: no answer needed here).
        long community = 0;
        for (var token : List.of(ash, birch)) {
            var followed = api.post("/api/v1/follows", Map.of("community", group()), token);
            assertEquals(200, followed.statusCode(), followed.body());
            community = ApiClient.body(followed).get("community").get("id").asLong();
        }
        for (var name : List.of("ash", "birch")) {
            var followId = server.app()
                    .database()
                    .read(c -> Sql.one(
                            c,
                            "select activity_uri from follow where follower_id = ?",
                            rs -> rs.getString(1),
                            server.actorId(name)))
                    .orElseThrow();
            deliver(group(), groupKeys, """
                    {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s/activities/accept/%s",
                     "type": "Accept", "actor": "%s", "object": "%s"}""".formatted(origin(), UUID.randomUUID(), group(), followId));
        }

        // Ash writes anonymously: kept here held, sent privately to the community.
        var held = api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "What I could not say", "body", "I was there that night.", "anonymous", true),
                ash);
        assertEquals(201, held.statusCode(), held.body());
        var heldUri = ApiClient.body(held).get("ap_id").asText();
        assertFalse(sent("Create", heldUri).isEmpty(), "the request went to the community");

        // The community tells Ash's server where it published it, then announces it under the pseudonym.
        var publishedUri = origin() + "/p/55";
        deliver(group(), groupKeys, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s/activities/accept/%s",
                 "type": "Accept", "actor": "%s", "object": "%s", "result": "%s", "anonymous": true,
                 "to": ["%s"]}""".formatted(
                        origin(), UUID.randomUUID(), group(), heldUri, publishedUri, server.base() + "/u/ash"));
        deliver(group(), groupKeys, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s/activities/announce/%2$s",
                 "type": "Announce", "actor": "%3$s",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%3$s/followers"],
                 "object": {"id": "%1$s/activities/create/%2$s", "type": "Create", "actor": "%4$s",
                            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%3$s"],
                            "object": {"id": "%5$s", "type": "Page", "name": "What I could not say",
                                       "attributedTo": "%4$s", "audience": "%3$s",
                                       "to": ["https://www.w3.org/ns/activitystreams#Public", "%3$s"],
                                       "content": "<p>I was there that night.</p>", "mediaType": "text/html"}}}""".formatted(origin(), UUID.randomUUID(), group(), pseudonym, publishedUri));
        long post = api.count("select id from post where uri = ?", publishedUri);
        assertNotEquals(0, post);

        // Ash is told it is theirs; Birch and a visitor see only the pseudonym.
        var asAsh = ApiClient.body(api.get("/api/v1/posts/" + post, ash));
        assertTrue(asAsh.get("anonymous").get("yours").asBoolean(), asAsh.toString());
        assertEquals(
                "Anonymous member 1", asAsh.get("anonymous").get("pseudonym").asText());
        for (var token : new String[] {birch, null}) {
            var body = api.get("/api/v1/posts/" + post, token).body();
            assertFalse(body.contains("\"yours\":true") || body.contains("/u/ash"), body);
        }
        var ashPage = signedIn("ash").get("/r/p/" + post).body();
        assertTrue(ashPage.contains("you wrote this anonymously"), ashPage);
        var birchPage = signedIn("birch").get("/r/p/" + post).body();
        assertFalse(birchPage.contains("you wrote this anonymously"), birchPage);
        assertTrue(birchPage.contains("What I could not say"), birchPage);

        // Their vote would be signed with their name: refused, as on the community's own server.
        assertEquals(
                409,
                api.post("/api/v1/posts/" + post + "/vote", Map.of("value", 1), ash)
                        .statusCode());
        // Ash edits it from here: the edit goes privately to the community, as the request did.
        var edited = api.patch("/api/v1/posts/" + post, Map.of("body", "I was there. I am sorry."), ash);
        assertEquals(200, edited.statusCode(), edited.body());
        var updates = sent("Update", heldUri);
        assertEquals(1, updates.size(), updates.toString());
        assertTrue(updates.getFirst().get("anonymous").asBoolean());
        assertTrue(updates.getFirst().toString().contains("I am sorry"));
        // Birch may not delete it; Ash may, and the Delete goes to the community the same way.
        assertEquals(403, api.delete("/api/v1/posts/" + post, birch).statusCode());
        assertEquals(204, api.delete("/api/v1/posts/" + post, ash).statusCode());
        assertEquals(1, sent("Delete", heldUri).size());
    }

    private static WebClient signedIn(String username) {
        var web = new WebClient(server);
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", username, "password", "correct horse battery"))
                        .statusCode());
        return web;
    }
}
