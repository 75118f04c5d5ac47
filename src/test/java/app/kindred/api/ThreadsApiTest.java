package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Threads, comment trees, votes, edits and deletes through the client API. */
class ThreadsApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String alice, bob;
    private static long community;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        alice = api.member("alice");
        bob = api.member("bob");
        community = api.community(alice, "support");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aThreadKeepsItsContentWarningAndRendersMarkdownWithHtmlEscaped() {
        var response = api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of(
                        "title", "A hard week",
                        "body", "It was **hard**.\n\n<script>alert('x')</script>",
                        "content_warning", "loss, grief",
                        "language", "en"),
                alice);
        assertEquals(201, response.statusCode(), response.body());
        var thread = body(response);
        long id = thread.get("id").asLong();
        assertEquals(server.base() + "/p/" + id, thread.get("ap_id").asText());
        assertEquals(community, thread.get("community_id").asLong());
        assertEquals("alice@" + server.domain(), thread.get("author").asText());
        assertEquals("A hard week", thread.get("title").asText());
        var html = thread.get("html").asText();
        assertTrue(html.contains("<strong>hard</strong>"), html);
        assertFalse(html.contains("<script"), html);
        assertTrue(html.contains("&lt;script&gt;"), html);
        assertEquals(
                "It was **hard**.\n\n<script>alert('x')</script>",
                thread.get("source").asText());
        assertEquals("loss, grief", thread.get("content_warning").asText());
        assertTrue(thread.get("sensitive").asBoolean(), "a content warning marks the post sensitive");
        assertEquals("en", thread.get("language").asText());
        assertEquals(0, thread.get("score").get("up").asLong());
        assertEquals(0, thread.get("score").get("down").asLong());
        assertEquals(0, thread.get("comment_count").asLong());
        assertFalse(thread.get("deleted").asBoolean());
        assertTrue(thread.hasNonNull("created"));

        var listed = body(api.get("/api/v1/communities/" + community + "/threads?sort=new", null));
        assertEquals("new", listed.get("sort").asText());
        assertEquals(1, listed.get("page").asInt());
        assertEquals(thread, byId(listed.get("threads"), id));
        assertEquals(thread, body(api.get("/api/v1/threads/" + id, null)).get("thread"));
    }

    @Test
    void commentsFormATreeThreeDeepAndADeletedOneKeepsItsPlace() {
        long thread = thread(alice, "Tree");
        long first = comment(bob, thread, "first");
        long second = comment(alice, first, "second");
        long third = comment(bob, second, "third");
        long sibling = comment(alice, thread, "sibling");

        var page = body(api.get("/api/v1/threads/" + thread, null));
        assertEquals(4, page.get("thread").get("comment_count").asLong());
        var top = page.get("comments");
        assertEquals(2, top.size());
        var c1 = top.get(0);
        assertEquals(first, c1.get("id").asLong());
        assertEquals("bob@" + server.domain(), c1.get("author").asText());
        assertEquals("<p>first</p>", c1.get("html").asText().strip());
        assertEquals(thread, c1.get("parent_id").asLong());
        assertEquals(thread, c1.get("thread_id").asLong());
        assertTrue(c1.has("score") && c1.has("created"));
        assertFalse(c1.has("comment_count"));
        var c2 = c1.get("children").get(0);
        assertEquals(second, c2.get("id").asLong());
        var c3 = c2.get("children").get(0);
        assertEquals(third, c3.get("id").asLong());
        assertEquals(0, c3.get("children").size());
        assertEquals(sibling, top.get(1).get("id").asLong());

        assertEquals(204, api.delete("/api/v1/posts/" + second, alice).statusCode());
        var after = body(api.get("/api/v1/threads/" + thread, null));
        assertEquals(3, after.get("thread").get("comment_count").asLong());
        var tombstone = after.get("comments").get(0).get("children").get(0);
        assertEquals(second, tombstone.get("id").asLong());
        assertTrue(tombstone.get("deleted").asBoolean());
        assertEquals("", tombstone.get("html").asText());
        assertFalse(tombstone.has("author"), "a tombstone no longer names its author");
        assertFalse(tombstone.has("source"));
        assertEquals(third, tombstone.get("children").get(0).get("id").asLong(), "replies keep their place under it");

        assertProblem(
                api.post("/api/v1/posts/" + second + "/comments", Map.of("body", "too late"), bob), 409, "parent");
        assertProblem(api.delete("/api/v1/posts/" + second, alice), 409, "post");
    }

    @Test
    void votesMoveTheScoreAndZeroTakesThemBack() {
        long thread = thread(alice, "Votes");
        var path = "/api/v1/posts/" + thread + "/vote";
        assertScore(api.post(path, Map.of("value", 1), bob), 1, 0);
        assertScore(api.post(path, Map.of("value", 1), alice), 2, 0);
        assertScore(api.post(path, Map.of("value", -1), bob), 1, 1);
        assertScore(api.post(path, Map.of("value", 0), bob), 1, 0);
        assertScore(api.post(path, Map.of("value", 0), bob), 1, 0);
        var score = body(api.get("/api/v1/posts/" + thread, null)).get("score");
        assertEquals(1, score.get("up").asLong());
        assertEquals(0, score.get("down").asLong());

        long votes = api.count("select count(*) from vote");
        assertProblem(api.post(path, Map.of("value", 2), bob), 422, "value");
        assertProblem(api.post(path, Map.of("value", "up"), bob), 400, "value");
        assertProblem(api.post(path, Map.of("value", 1.5), bob), 400, "value");
        assertProblem(api.post(path, Map.of(), bob), 422, "value");
        assertProblem(api.post("/api/v1/posts/987654/vote", Map.of("value", 1), bob), 404, null);
        assertEquals(votes, api.count("select count(*) from vote"));
    }

    @Test
    void onlyTheAuthorEditsAndAnEditKeepsWhatItLeavesOut() {
        long thread = thread(alice, "Before", "loss");
        var path = "/api/v1/posts/" + thread;
        var refused = api.patch(path, Map.of("body", "hijacked"), bob);
        assertProblem(refused, 403, null);
        assertProblem(api.delete(path, bob), 403, null);
        var untouched = body(api.get(path, null));
        assertEquals("body of Before", untouched.get("source").asText());
        assertFalse(untouched.get("deleted").asBoolean());

        var edited = api.patch(path, Map.of("title", "After", "body", "new *words*"), alice);
        assertEquals(200, edited.statusCode(), edited.body());
        var post = body(edited);
        assertEquals("After", post.get("title").asText());
        assertTrue(post.get("html").asText().contains("<em>words</em>"));
        assertEquals("new *words*", post.get("source").asText());
        assertEquals("loss", post.get("content_warning").asText(), "left out, the warning stays");
        assertTrue(post.hasNonNull("updated"));

        var cleared = new HashMap<String, Object>();
        cleared.put("body", "plain");
        cleared.put("content_warning", null);
        var uncovered = body(api.patch(path, cleared, alice));
        assertFalse(uncovered.has("content_warning"), "null removes the warning");
        assertFalse(uncovered.get("sensitive").asBoolean());

        long comment = comment(bob, thread, "a reply");
        assertProblem(api.patch("/api/v1/posts/" + comment, Map.of("body", " "), bob), 422, "body");
        assertProblem(api.patch("/api/v1/posts/" + comment, Map.of("title", "x", "body", "y"), bob), 422, "title");
        assertProblem(api.patch("/api/v1/posts/" + comment, Map.of("content_warning", "x"), bob), 422, "body");
        assertProblem(api.patch("/api/v1/posts/" + comment, Map.of("body", true), bob), 400, "body");
        assertEquals(
                "<p>a reply</p>",
                body(api.get("/api/v1/posts/" + comment, null))
                        .get("html")
                        .asText()
                        .strip());
    }

    @Test
    void aDeletedThreadLeavesTheListingButAnswersAsATombstone() {
        long thread = thread(alice, "Gone soon");
        assertEquals(204, api.delete("/api/v1/posts/" + thread, alice).statusCode());
        var listed = body(api.get("/api/v1/communities/" + community + "/threads?sort=new", null))
                .get("threads");
        assertNull(byId(listed, thread));
        var page = body(api.get("/api/v1/threads/" + thread, null));
        assertTrue(page.get("thread").get("deleted").asBoolean());
        assertEquals("", page.get("thread").get("html").asText());
    }

    @Test
    void badSortPageAndBodiesAreRefusedAndChangeNothing() {
        var threads = "/api/v1/communities/" + community + "/threads";
        assertProblem(api.get(threads + "?sort=hot", null), 400, "sort");
        assertProblem(api.get(threads + "?page=0", null), 400, "page");
        assertProblem(api.get(threads + "?page=two", null), 400, "page");
        assertEquals(200, api.get(threads + "?sort=top&page=2", null).statusCode());
        assertEquals(200, api.get(threads + "?sort=active", null).statusCode());

        long posts = api.count("select count(*) from post");
        long outbound = api.count("select count(*) from outbound_activity");
        assertProblem(api.post(threads, Map.of("title", "", "body", "x"), alice), 422, "title");
        assertProblem(api.post(threads, Map.of("title", "t".repeat(201)), alice), 422, "title");
        assertProblem(api.post(threads, Map.of("title", "Fine", "body", "x".repeat(50_001)), alice), 422, "body");
        assertProblem(
                api.post(threads, Map.of("title", "Fine", "content_warning", "w".repeat(501)), alice),
                422,
                "content_warning");
        assertProblem(api.post(threads, Map.of("title", "Fine", "language", "not a language"), alice), 422, "language");
        assertProblem(api.post(threads, Map.of("title", "Fine", "sensitive", "yes"), alice), 400, "sensitive");
        assertProblem(api.post(threads, Map.of("title", 1), alice), 400, "title");
        assertProblem(api.post(threads, "{not json", alice), 400, null);
        assertProblem(api.post("/api/v1/communities/424242/threads", Map.of("title", "Lost"), alice), 404, null);
        assertProblem(api.post("/api/v1/posts/424242/comments", Map.of("body", "hello"), alice), 404, null);
        long thread = thread(alice, "Target");
        posts++;
        outbound = api.count("select count(*) from outbound_activity");
        assertProblem(api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "  "), bob), 422, "body");
        assertProblem(
                api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "x", "title", "no"), bob),
                400,
                "title");
        assertProblem(api.get("/api/v1/threads/424242", null), 404, null);
        assertEquals(posts, api.count("select count(*) from post"));
        assertEquals(outbound, api.count("select count(*) from outbound_activity"));
    }

    @Test
    void aCommentIdIsNotAThread() {
        long thread = thread(alice, "Parent");
        long comment = comment(bob, thread, "child");
        var problem = assertProblem(api.get("/api/v1/threads/" + comment, null), 404, null);
        assertTrue(problem.get("detail").asText().contains(String.valueOf(thread)), problem.toString());
    }

    private static long thread(String token, String title) {
        return thread(token, title, null);
    }

    private static long thread(String token, String title, String warning) {
        var draft = new HashMap<String, Object>();
        draft.put("title", title);
        draft.put("body", "body of " + title);
        if (warning != null) draft.put("content_warning", warning);
        var response = api.post("/api/v1/communities/" + community + "/threads", draft, token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static long comment(String token, long parent, String text) {
        var response = api.post("/api/v1/posts/" + parent + "/comments", Map.of("body", text), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static void assertScore(java.net.http.HttpResponse<String> response, long up, long down) {
        assertEquals(200, response.statusCode(), response.body());
        var score = body(response);
        assertEquals(up, score.get("up").asLong());
        assertEquals(down, score.get("down").asLong());
        assertEquals(up - down, score.get("total").asLong());
    }

    private static JsonNode byId(JsonNode list, long id) {
        for (var p : list) if (p.get("id").asLong() == id) return p;
        return null;
    }
}
