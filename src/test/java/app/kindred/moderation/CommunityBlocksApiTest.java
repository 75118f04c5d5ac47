package app.kindred.moderation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-community blocks through the API (issue 15): only the community's moderators and admins list,
 * add and lift them; a block ends the blocked server's follows of the community.
 */
class CommunityBlocksApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String mod, other, member, admin;
    private static long circle;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        mod = api.member("mira");
        other = api.member("otto");
        member = api.member("bob");
        server.app().members().create("alice", "correct horse battery", Role.ADMIN);
        admin = api.logIn("alice");
        circle = api.community(mod, "circle");
        api.community(other, "elsewhere");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private long blocks() {
        return api.count("select count(*) from community_block where community_id = ?", circle);
    }

    @Test
    void aModeratorBlocksADomainAndItsFollowsEnd() {
        long group = server.actorId("circle");
        server.sql("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://bad.example/u/troll', 'Person', 'troll', 'bad.example', false, 'https://bad.example/inbox', now())""");
        long troll = api.count("select id from actor where uri = 'https://bad.example/u/troll'");
        server.sql("insert into follow (follower_id, followed_id, state) values (?, ?, 'accepted')", troll, group);

        var added = api.post(
                "/api/v1/communities/" + circle + "/blocks",
                Map.of("target", "bad.example", "reason", "spam wave"),
                mod);
        assertEquals(201, added.statusCode(), added.body());
        assertEquals(1, ApiClient.body(added).get("follows_ended").asInt());
        assertEquals(
                0, api.count("select count(*) from follow where follower_id = ? and followed_id = ?", troll, group));

        var list = ApiClient.body(api.get("/api/v1/communities/" + circle + "/blocks", admin));
        assertEquals(1, list.size());
        assertEquals("bad.example", list.get(0).get("target").asText());
        assertEquals("domain", list.get(0).get("kind").asText());
        assertEquals("spam wave", list.get(0).get("reason").asText());

        assertEquals(
                204,
                api.delete("/api/v1/communities/" + circle + "/blocks?target=bad.example", mod)
                        .statusCode());
        assertEquals(0, blocks());
        assertEquals(
                404,
                api.delete("/api/v1/communities/" + circle + "/blocks?target=bad.example", mod)
                        .statusCode());
    }

    @Test
    void onlyItsModeratorsAndAdminsTouchACommunitysBlocks() {
        for (var who : new String[] {member, other}) {
            assertEquals(
                    403,
                    api.get("/api/v1/communities/" + circle + "/blocks", who).statusCode());
            assertEquals(
                    403,
                    api.post("/api/v1/communities/" + circle + "/blocks", Map.of("target", "x.example"), who)
                            .statusCode());
            assertEquals(0, blocks());
        }
        assertEquals(
                401, api.get("/api/v1/communities/" + circle + "/blocks", null).statusCode());
        var byAdmin = api.post(
                "/api/v1/communities/" + circle + "/blocks", Map.of("target", "https://far.example/u/x"), admin);
        assertEquals(201, byAdmin.statusCode(), byAdmin.body());
        assertEquals(
                403,
                api.delete("/api/v1/communities/" + circle + "/blocks?target=https://far.example/u/x", other)
                        .statusCode());
        assertEquals(1, blocks());
        assertEquals(
                204,
                api.delete("/api/v1/communities/" + circle + "/blocks?target=https://far.example/u/x", admin)
                        .statusCode());
    }

    @Test
    void aTargetThatIsNeitherADomainNorAUrlIsRefusedByItsField() {
        for (var bad : new String[] {"not a domain!", "https://", ""}) {
            var response = api.post("/api/v1/communities/" + circle + "/blocks", Map.of("target", bad), mod);
            assertEquals(422, response.statusCode(), bad + ": " + response.body());
        }
        assertEquals(0, blocks());
    }
}
