package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member's own filters (issue 16), with Mastodon's semantics: a hiding filter keeps matching
 * posts out of their listings and search (in a thread they keep their place, collapsed), a
 * collapsing one puts them behind a warning naming the filter; whole words or anywhere; filters
 * end at their expiry; nobody else's view changes.
 */
class FiltersApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String author;
    private static long community;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        author = api.member("wren");
        community = api.community(author, "food");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long thread(String title, String body) {
        var r = api.post("/api/v1/communities/" + community + "/threads", Map.of("title", title, "body", body), author);
        assertEquals(201, r.statusCode(), r.body());
        return body(r).get("id").asLong();
    }

    private static List<String> titles(String token) {
        var list = body(api.get("/api/v1/communities/" + community + "/threads?sort=new", token));
        var out = new java.util.ArrayList<String>();
        for (JsonNode t : list.path("threads")) out.add(t.path("title").asText());
        return out;
    }

    private static JsonNode filter(String token, Object body) {
        var r = api.post("/api/v1/me/filters", body, token);
        assertEquals(201, r.statusCode(), r.body());
        return body(r);
    }

    @Test
    void aHidingFilterKeepsMatchingPostsOutOfTheMembersListingsAndSearchOnly() {
        var reader = api.member("sol");
        thread("Week three", "No relapse this week");
        thread("Relapsed words", "This one says relapsed, another word");
        long withComment = thread("Open chat", "anything goes");
        var comment = api.post("/api/v1/posts/" + withComment + "/comments", Map.of("body", "a relapse story"), author);
        assertEquals(201, comment.statusCode());

        var made = filter(
                reader,
                Map.of("title", "Hard words", "action", "hide", "keywords", List.of(Map.of("keyword", "RELAPSE"))));
        assertEquals("hide", made.path("action").asText());
        assertTrue(made.path("keywords").get(0).path("whole_word").asBoolean(), "whole word unless asked otherwise");

        var seen = titles(reader);
        assertFalse(seen.contains("Week three"), seen.toString());
        assertTrue(seen.contains("Relapsed words"), "whole word: relapsed is another word: " + seen);
        assertTrue(titles(author).contains("Week three"), "the author and everyone else still see it");
        assertTrue(titles(null).contains("Week three"));
        var search = api.get("/api/v1/search?q=relapse", reader).body();
        assertFalse(search.contains("No relapse this week"), search);

        // In a thread the filtered comment keeps its place, collapsed, so the replies under it still read.
        var thread = body(api.get("/api/v1/threads/" + withComment, reader));
        var collapsed = thread.path("comments").get(0);
        assertEquals("filtered", collapsed.path("collapsed").asText(), thread.toString());
        assertEquals("", collapsed.path("html").asText());

        assertEquals(1, body(api.get("/api/v1/me/filters", reader)).size());
        assertEquals(
                204,
                api.delete("/api/v1/me/filters/" + made.get("id").asLong(), reader)
                        .statusCode());
        assertTrue(titles(reader).contains("Week three"));
    }

    @Test
    void aCollapsingFilterPutsMatchingPostsBehindAWarningAndAnywhereMatchesInsideWords() {
        var reader = api.member("ivy");
        long id = thread("Dieting again", "I started counting again");
        filter(
                reader,
                Map.of(
                        "title",
                        "Food talk",
                        "action",
                        "collapse",
                        "keywords",
                        List.of(Map.of("keyword", "diet", "whole_word", false))));
        var post = body(api.get("/api/v1/threads/" + id, reader)).path("thread");
        assertEquals("Filtered: Food talk", post.path("content_warning").asText(), post.toString());
        assertTrue(post.path("sensitive").asBoolean());
        assertTrue(post.path("html").asText().contains("counting"), "the words are kept, behind the warning");
        assertTrue(titles(reader).contains("Dieting again"), "collapsed, not hidden");
        var other = body(api.get("/api/v1/threads/" + id, author)).path("thread");
        assertTrue(other.path("content_warning").isMissingNode()
                || other.path("content_warning").isNull());
    }

    @Test
    void aFilterEndsAtItsExpiryAndBadFiltersAreRefused() {
        var reader = api.member("ash");
        thread("Anniversary", "It has been a year since the funeral");
        var made = filter(
                reader, Map.of("title", "Grief", "action", "hide", "keywords", List.of("funeral"), "expires_in", 3600));
        assertFalse(made.path("expires_at").isNull());
        assertFalse(titles(reader).contains("Anniversary"));
        server.sql(
                "update member_filter set expires_at = now() - interval '1 minute' where id = ?",
                made.get("id").asLong());
        assertTrue(titles(reader).contains("Anniversary"), "an expired filter hides nothing");

        assertProblem(
                api.post(
                        "/api/v1/me/filters",
                        Map.of("title", "x", "action", "shout", "keywords", List.of("a")),
                        reader),
                400,
                "action");
        assertProblem(
                api.post("/api/v1/me/filters", Map.of("title", "x", "action", "hide", "keywords", List.of()), reader),
                422,
                "keywords");
        assertProblem(
                api.post(
                        "/api/v1/me/filters",
                        Map.of("title", "x", "action", "hide", "keywords", List.of("a"), "expires_in", 5),
                        reader),
                422,
                "expires_in");
        var someoneElses = filter(author, Map.of("title", "mine", "action", "hide", "keywords", List.of("zzz")));
        assertEquals(
                404,
                api.delete("/api/v1/me/filters/" + someoneElses.get("id").asLong(), reader)
                        .statusCode());
        assertEquals(401, api.get("/api/v1/me/filters", null).statusCode());
    }

    @Test
    void theNotificationListLeavesOutWhatAHidingFilterMatchesAndCollapsesTheRest() {
        var reader = api.member("juniper");
        var started = api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Juniper's thread", "body", "how was everyone's week"),
                reader);
        assertEquals(201, started.statusCode(), started.body());
        long own = body(started).get("id").asLong();
        for (var words : List.of("my binge came back", "a purge story", "just saying hello")) {
            var r = api.post("/api/v1/posts/" + own + "/comments", Map.of("body", words), author);
            assertEquals(201, r.statusCode(), r.body());
        }
        filter(reader, Map.of("title", "Binge", "action", "hide", "keywords", List.of(Map.of("keyword", "binge"))));
        filter(reader, Map.of("title", "Purge", "action", "collapse", "keywords", List.of(Map.of("keyword", "purge"))));

        var listed = body(api.get("/api/v1/me/notifications?limit=100", reader)).path("notifications");
        var excerpts = new java.util.ArrayList<String>();
        var warnings = new java.util.ArrayList<String>();
        for (JsonNode n : listed) {
            excerpts.add(n.path("excerpt").asText(""));
            warnings.add(n.path("content_warning").asText(""));
        }
        assertEquals(2, listed.size(), listed.toString());
        assertFalse(excerpts.stream().anyMatch(e -> e.contains("binge")), "hidden: " + excerpts);
        assertFalse(excerpts.stream().anyMatch(e -> e.contains("purge")), "collapsed, no excerpt: " + excerpts);
        assertTrue(warnings.contains("Filtered: Purge"), warnings.toString());
        assertTrue(excerpts.contains("just saying hello"), excerpts.toString());
    }
}
