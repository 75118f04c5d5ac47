package app.kindred.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Private communities and Lemmy (issue 17), against Lemmy's wire forms from the shared fixtures
 * (WireMock plays the Lemmy instance): Lemmy's Follow of our private community waits for a
 * moderator and is answered with Lemmy's Accept, or a Reject with the reason; a Lemmy member's
 * post in Lemmy's private addressing (to the community and its followers, never Public) is taken
 * and passed on to the followers only; and a Lemmy Group with {@code manuallyApprovesFollowers}
 * is known here as private.
 */
class LemmyPrivateCommunityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LEMMY = Path.of("../shared/fixtures/lemmy");

    @RegisterExtension
    static WireMockExtension lemmy = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static String moderator;
    private static long haven;
    private static String group;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().startWorkers();
        api = new ApiClient(server);
        moderator = api.member("keeper");
        haven = api.community(moderator, "haven");
        group = server.base() + "/c/haven";
        assertEquals(
                200,
                api.patch("/api/v1/communities/" + haven, Map.of("visibility", "private"), moderator)
                        .statusCode());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Lemmy's Follow (activities/following/follow.json) from this peer to our community. */
    private static String lemmyFollow(RemotePeer peer, String id) throws Exception {
        var follow = (ObjectNode) JSON.readTree(Files.readString(LEMMY.resolve("activities/following/follow.json")));
        follow.put("actor", peer.id()).put("object", group).put("id", id);
        follow.set("to", JSON.valueToTree(List.of(group)));
        return follow.toString();
    }

    private static JsonNode sent(String type, String objectId) {
        var body = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select body from outbound_activity where body::jsonb ->> 'type' = ? and object_id = ?",
                        rs -> rs.getString(1),
                        type,
                        objectId))
                .orElseThrow(() -> new AssertionError("no " + type + " of " + objectId + " was sent"));
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long actorId(RemotePeer peer) {
        return api.count("select id from actor where uri = ?", peer.id());
    }

    @Test
    void lemmysFollowWaitsForAModeratorAndIsAnsweredWithLemmysAccept() throws Exception {
        lemmy.stubFor(
                WireMock.post(urlMatching(".*/inbox")).willReturn(aResponse().withStatus(202)));
        var alpha = RemotePeer.serve(lemmy, "lemmy_alpha");
        var followId = alpha.id() + "/activities/follow/6abcd50b";
        alpha.deliverAndAwait(server.app(), group, lemmyFollow(alpha, followId));

        assertEquals(
                1, api.count("select count(*) from follow where activity_uri = ? and state = 'pending'", followId));
        assertEquals(0, api.count("select count(*) from outbound_activity where object_id = ?", followId));

        var approved = api.post(
                "/api/v1/communities/" + haven + "/follow_requests/" + actorId(alpha) + "/approve",
                Map.of(),
                moderator);
        assertEquals(204, approved.statusCode(), approved.body());

        // Lemmy's Accept (activities/following/accept.json): the group, to the follower, the Follow embedded by its id.
        var accept = sent("Accept", followId);
        assertEquals(group, accept.get("actor").asText());
        assertEquals(alpha.id(), accept.get("to").get(0).asText());
        assertEquals("Follow", accept.get("object").get("type").asText());
        assertEquals(followId, accept.get("object").get("id").asText());
        assertEquals(alpha.id(), accept.get("object").get("actor").asText());
        assertEquals(group, accept.get("object").get("object").asText());

        // Lemmy's Create{Page} in a private community: to the community and its followers, never Public.
        var create = (ObjectNode)
                JSON.readTree(Files.readString(LEMMY.resolve("activities/create_or_update/create_page.json")));
        var postId = alpha.id() + "/post/1";
        var followers = JSON.valueToTree(List.of(group, group + "/followers"));
        var page = (ObjectNode) create.get("object");
        page.put("id", postId).put("attributedTo", alpha.id()).put("audience", group);
        page.set("to", followers);
        page.remove("attachment");
        create.put("actor", alpha.id()).put("id", alpha.activityId()).put("audience", group);
        create.set("to", followers);
        create.set("cc", JSON.valueToTree(List.of()));
        alpha.deliverAndAwait(server.app(), group, create.toString());

        assertEquals(1, api.count("select count(*) from post where uri = ? and members_only", postId));
        var announce = sent("Announce", postId);
        assertFalse(announce.toString().contains("#Public"), announce.toString());
        assertTrue(announce.get("to").toString().contains(group + "/followers"), announce.toString());
        // Not served to anyone unsigned, though the author's server wrote it.
        assertEquals(0, api.count("select count(*) from outbound_activity where object_id = ? and public", postId));
    }

    @Test
    void aRefusalIsARejectOfLemmysFollowWithTheReasonAsSummary() throws Exception {
        lemmy.stubFor(
                WireMock.post(urlMatching(".*/inbox")).willReturn(aResponse().withStatus(202)));
        var beta = RemotePeer.serve(lemmy, "lemmy_beta");
        var followId = beta.id() + "/activities/follow/0f1e";
        beta.deliverAndAwait(server.app(), group, lemmyFollow(beta, followId));

        var refused = api.post(
                "/api/v1/communities/" + haven + "/follow_requests/" + actorId(beta) + "/reject",
                Map.of("reason", "This group is for bereaved parents."),
                moderator);
        assertEquals(204, refused.statusCode(), refused.body());

        var reject = sent("Reject", followId);
        assertEquals(group, reject.get("actor").asText());
        assertEquals(followId, reject.get("object").get("id").asText());
        assertEquals(
                "This group is for bereaved parents.", reject.get("summary").asText());
        assertEquals(0, api.count("select count(*) from follow where activity_uri = ?", followId));
    }

    @Test
    void aLemmyGroupThatManuallyApprovesFollowersIsPrivateHere() throws Exception {
        var group = (ObjectNode) JSON.readTree(Files.readString(LEMMY.resolve("objects/group.json")));
        assertFalse(RemoteCommunities.profile(group).orElseThrow().isPrivate());
        group.put("manuallyApprovesFollowers", true);
        assertTrue(RemoteCommunities.profile(group).orElseThrow().isPrivate());
    }
}
