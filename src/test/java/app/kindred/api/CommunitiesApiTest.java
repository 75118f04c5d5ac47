package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Creating communities and reading the directory. */
class CommunitiesApiTest {
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aCreatedCommunityIsListedWithItsCreatorAsModerator() {
        var token = api.member("founder");
        var response = api.post(
                "/api/v1/communities",
                Map.of("name", "grief", "title", "Grief support", "description", "A quiet place."),
                token);
        assertEquals(201, response.statusCode(), response.body());
        var created = body(response);
        long id = created.get("id").asLong();
        assertEquals("grief", created.get("name").asText());
        assertEquals("grief@" + server.domain(), created.get("handle").asText());
        assertEquals("Grief support", created.get("title").asText());
        assertEquals("A quiet place.", created.get("description").asText());
        assertTrue(created.get("local").asBoolean());
        assertEquals(0, created.get("follower_count").asLong());
        assertEquals(0, created.get("thread_count").asLong());
        assertEquals(server.base() + "/c/grief", created.get("actor_id").asText());
        assertEquals(1, api.count("""
                select count(*) from community_moderator m join community c on c.id = m.community_id
                where c.id = ? and m.actor_id = ?""", id, server.actorId("founder")));

        var listed = find(body(api.get("/api/v1/communities", null)), id);
        assertNotNull(listed, "the new community is in the directory");
        assertEquals(created, listed);
        assertEquals(created, body(api.get("/api/v1/communities/" + id, null)));

        api.post("/api/v1/communities/" + id + "/threads", Map.of("title", "Hello", "body", "hi"), token);
        var counted = body(api.get("/api/v1/communities/" + id, null));
        assertEquals(1, counted.get("thread_count").asLong());
    }

    @Test
    void aRefusedCommunityChangesNothing() {
        var token = api.member("careful");
        api.community(token, "existing");
        long communities = api.count("select count(*) from community");
        long actors = api.count("select count(*) from actor");
        long moderators = api.count("select count(*) from community_moderator");

        assertProblem(
                api.post("/api/v1/communities", Map.of("name", "existing", "title", "Again"), token), 409, "name");
        assertProblem(
                api.post("/api/v1/communities", Map.of("name", "careful", "title", "Member's name"), token),
                409,
                "name");
        assertProblem(api.post("/api/v1/communities", Map.of("name", "No Caps", "title", "Bad"), token), 422, "name");
        assertProblem(api.post("/api/v1/communities", Map.of("name", "notitle", "title", " "), token), 422, "title");
        assertProblem(
                api.post(
                        "/api/v1/communities",
                        Map.of("name", "longdesc", "title", "Long", "description", "x".repeat(10_001)),
                        token),
                422,
                "description");
        assertProblem(api.post("/api/v1/communities", Map.of("name", "typed", "title", 5), token), 400, "title");
        assertProblem(api.post("/api/v1/communities", "{\"name\": \"broken\",", token), 400, null);
        assertProblem(api.post("/api/v1/communities", "", token), 400, null);

        assertEquals(communities, api.count("select count(*) from community"));
        assertEquals(actors, api.count("select count(*) from actor"));
        assertEquals(moderators, api.count("select count(*) from community_moderator"));
    }

    @Test
    void unknownOrMalformedIdsAreRefused() {
        assertProblem(api.get("/api/v1/communities/999999", null), 404, null);
        assertProblem(api.get("/api/v1/communities/abc", null), 400, "id");
        assertProblem(api.get("/api/v1/communities/999999/threads", null), 404, null);
    }

    private static JsonNode find(JsonNode list, long id) {
        for (var c : list) if (c.get("id").asLong() == id) return c;
        return null;
    }
}
