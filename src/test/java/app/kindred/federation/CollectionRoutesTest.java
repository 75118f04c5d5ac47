package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Followers, following, moderators, featured and outbox collections, and their page parameter. */
class CollectionRoutesTest {
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        for (var name : List.of("alice", "bob", "carol", "dave"))
            app.members().create(name, "correct horse battery", Role.MEMBER);
        app.communities().create("tips", "Tips", "", "alice");
        app.communities().create("news", "News", "", "bob");
        follow("bob", "tips", "accepted");
        follow("carol", "tips", "accepted");
        follow("dave", "tips", "pending");
        follow("alice", "tips", "accepted");
        follow("alice", "news", "accepted");
        follow("alice", "bob", "pending");
        follow("carol", "alice", "accepted");
    }

    private static void follow(String follower, String followed, String state) {
        server.sql(
                "insert into follow (follower_id, followed_id, state) values (?, ?, ?)",
                server.actorId(follower),
                server.actorId(followed),
                state);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void followersPublishAnHonestCountAndNoFollowers() {
        var followers = server.activityJson("/c/tips/followers");
        assertEquals(server.base() + "/c/tips/followers", followers.get("id").asText());
        assertEquals("OrderedCollection", followers.get("type").asText());
        assertEquals(3, followers.get("totalItems").asInt(), "three accepted; the pending follow does not count");
        assertTrue(followers.path("orderedItems").isEmpty(), followers.toString());
        assertFalse(followers.has("items"), followers.toString());
        assertFalse(followers.has("first"), followers.toString());
        for (var name : List.of("alice", "bob", "carol", "dave")) {
            assertFalse(followers.toString().contains("/u/" + name), followers.toString());
        }
        assertEquals(
                1, server.activityJson("/u/alice/followers").get("totalItems").asInt());
        assertEquals(
                0, server.activityJson("/u/dave/followers").get("totalItems").asInt());
    }

    @Test
    void followingPublishesNeitherTheFollowedNorACount() {
        var following = server.activityJson("/u/alice/following");
        assertEquals(server.base() + "/u/alice/following", following.get("id").asText());
        assertEquals("OrderedCollection", following.get("type").asText());
        // Alice follows two communities: on a small instance even the number starts to say which.
        assertFalse(following.has("totalItems"), following.toString());
        assertTrue(following.path("orderedItems").isEmpty(), following.toString());
        assertFalse(following.toString().contains("/c/tips"), following.toString());
        assertFalse(following.toString().contains("/c/news"), following.toString());
    }

    @Test
    void moderatorsListTheModeratorActors() {
        var moderators = server.activityJson("/c/tips/moderators");
        assertEquals(server.base() + "/c/tips/moderators", moderators.get("id").asText());
        assertEquals("OrderedCollection", moderators.get("type").asText());
        assertEquals(1, moderators.get("totalItems").asInt());
        assertEquals(List.of(server.base() + "/u/alice"), texts(moderators.get("orderedItems")));

        // A second moderator, added later, comes after the first.
        server.sql("""
                insert into community_moderator (community_id, actor_id)
                select c.id, ? from community c where c.actor_id = ?""", server.actorId("carol"), server.actorId("tips"));
        var two = server.activityJson("/c/tips/moderators");
        assertEquals(2, two.get("totalItems").asInt());
        assertEquals(List.of(server.base() + "/u/alice", server.base() + "/u/carol"), texts(two.get("orderedItems")));
        assertEquals(
                List.of(server.base() + "/u/bob"),
                texts(server.activityJson("/c/news/moderators").get("orderedItems")));
    }

    @Test
    void featuredIsAnEmptyOrderedCollection() {
        var featured = server.activityJson("/c/tips/featured");
        assertEquals(server.base() + "/c/tips/featured", featured.get("id").asText());
        assertEquals("OrderedCollection", featured.get("type").asText());
        assertEquals(0, featured.get("totalItems").asInt());
        assertTrue(featured.get("totalItems").isIntegralNumber());
        assertTrue(featured.get("orderedItems").isArray(), "Lemmy wants the item list on the featured collection");
    }

    @Test
    void theOutboxPointsAtItsFirstPage() {
        for (var actor : List.of("/c/tips", "/u/alice", "/actor")) {
            var outboxId = server.base() + actor + "/outbox";
            var outbox = server.activityJson(actor + "/outbox");
            assertEquals(outboxId, outbox.get("id").asText());
            assertEquals("OrderedCollection", outbox.get("type").asText());
            assertEquals(0, outbox.get("totalItems").asInt());
            assertEquals(outboxId + "?page=1", outbox.get("first").asText());

            var page = server.activityJson(actor + "/outbox?page=1");
            assertEquals(outboxId + "?page=1", page.get("id").asText());
            assertEquals("OrderedCollectionPage", page.get("type").asText());
            assertEquals(outboxId, page.get("partOf").asText());
            assertTrue(
                    page.get("orderedItems").isArray()
                            && page.get("orderedItems").isEmpty(),
                    page.toString());
            assertFalse(page.has("next"), "an empty page has no next");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "99999999999", "1.5", ""})
    void aBadPageIsRefusedNamingPage(String page) {
        for (var actor : List.of("/c/tips", "/u/alice", "/actor")) {
            var response = server.get(actor + "/outbox?page=" + page, TestServer.ACTIVITY_JSON);
            assertEquals(400, response.statusCode(), actor + " page=" + page + ": " + response.body());
            assertEquals("application/problem+json", mediaType(response));
            var problem = json(response);
            assertEquals(400, problem.get("status").asInt());
            assertEquals("page", problem.get("field").asText());
            assertTrue(problem.get("detail").asText().contains("page"), response.body());
        }
    }

    private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
        var out = new java.util.ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
