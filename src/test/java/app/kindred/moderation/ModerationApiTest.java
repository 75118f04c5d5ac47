package app.kindred.moderation;

import static app.kindred.api.ApiClient.body;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each moderation action through the API, and each refusal leaving nothing changed. */
class ModerationApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String mod, member, other, admin;
    private static long community;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        mod = api.member("mira");
        member = api.member("max");
        other = api.member("olga");
        server.app().members().create("ada", "correct horse battery", Role.ADMIN);
        admin = api.logIn("ada");
        community = api.community(mod, "circle");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private long thread(String token, String title) {
        var r = api.post("/api/v1/communities/" + community + "/threads", Map.of("title", title, "body", "text"), token);
        assertEquals(201, r.statusCode(), r.body());
        return body(r).get("id").asLong();
    }

    private long logSize() {
        return api.count("select count(*) from moderation_log");
    }

    @Test
    void guidelinesAreNumberedShownOnTheGroupAndEditedOnlyByModerators() {
        var rules = List.of(Map.of("title", "Be kind", "description", "No *put-downs*."), Map.of("title", "No advice unasked"));
        var refused = api.send("PUT", "/api/v1/communities/" + community + "/rules", toJson(rules), member);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(0, body(api.get("/api/v1/communities/" + community + "/rules", null)).size());

        var set = api.send("PUT", "/api/v1/communities/" + community + "/rules", toJson(rules), mod);
        assertEquals(200, set.statusCode(), set.body());
        var listed = body(api.get("/api/v1/communities/" + community + "/rules", null));
        assertEquals(2, listed.size());
        assertEquals(1, listed.get(0).get("number").asInt());
        assertEquals("No advice unasked", listed.get(1).get("title").asText());

        var group = TestServer.json(server.get("/c/circle", TestServer.ACTIVITY_JSON));
        assertEquals("Be kind", group.get("rules").get(0).get("name").asText());
        assertTrue(group.get("rules").get(0).get("content").asText().contains("<em>put-downs</em>"));
        assertTrue(group.get("summary").asText().contains("<strong>No advice unasked</strong>"), group.get("summary").asText());
    }

    @Test
    void removeAndRestoreHideAPostWithItsReasonAndOnlyModeratorsMay() {
        long thread = thread(member, "Removable");
        long before = logSize();
        var refused = api.post("/api/v1/posts/" + thread + "/removal", Map.of("reason", "no"), other);
        assertEquals(403, refused.statusCode(), refused.body());
        assertFalse(body(api.get("/api/v1/posts/" + thread, null)).get("removed").asBoolean());
        assertEquals(before, logSize());

        var removed = api.post("/api/v1/posts/" + thread + "/removal", Map.of("reason", "rule 1"), mod);
        assertEquals(200, removed.statusCode(), removed.body());
        var view = body(api.get("/api/v1/posts/" + thread, null));
        assertTrue(view.get("removed").asBoolean());
        assertEquals("rule 1", view.get("removal_reason").asText());
        assertEquals("", view.get("html").asText());
        var listed = body(api.get("/api/v1/communities/" + community + "/threads?sort=new", null)).get("threads");
        for (var t : listed) assertNotEquals(thread, t.get("id").asLong());
        var served = server.get("/p/" + thread, TestServer.ACTIVITY_JSON);
        assertTrue(served.statusCode() == 410 || served.body().contains("Tombstone"), "the fediverse sees it gone: " + served.body());

        var restored = api.delete("/api/v1/posts/" + thread + "/removal", mod);
        assertEquals(200, restored.statusCode(), restored.body());
        assertFalse(body(restored).get("removed").asBoolean());
        assertTrue(body(restored).get("html").asText().contains("text"));
    }

    @Test
    void aLockedThreadRefusesNewCommentsWithAConflict() {
        long thread = thread(member, "Lockable");
        assertEquals(403, api.post("/api/v1/posts/" + thread + "/lock", Map.of(), member).statusCode());
        var locked = api.post("/api/v1/posts/" + thread + "/lock", Map.of("reason", "heated"), admin);
        assertEquals(200, locked.statusCode(), locked.body());
        assertTrue(body(locked).get("locked").asBoolean());
        var comment = api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "one more"), member);
        assertEquals(409, comment.statusCode(), comment.body());
        assertTrue(comment.body().contains("locked"), comment.body());
        assertEquals(200, api.delete("/api/v1/posts/" + thread + "/lock", mod).statusCode());
        assertEquals(201, api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "one more"), member).statusCode());
    }

    @Test
    void aBannedMemberCannotPostCommentOrVoteUntilUnbanned() {
        api.member("bert");
        var bert = api.logIn("bert");
        long thread = thread(bert, "Before the ban");
        long before = logSize();
        var refused = api.post("/api/v1/communities/" + community + "/bans", Map.of("actor", "bert", "reason", "x"), member);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(before, logSize());
        assertEquals(0, api.count("select count(*) from community_ban"));

        var banned = api.post("/api/v1/communities/" + community + "/bans",
                Map.of("actor", "bert", "reason", "harassment", "remove_data", true), mod);
        assertEquals(204, banned.statusCode(), banned.body());
        assertTrue(body(api.get("/api/v1/posts/" + thread, null)).get("removed").asBoolean(), "remove_data removes their posts");
        assertEquals(403, api.post("/api/v1/communities/" + community + "/threads", Map.of("title", "again", "body", "x"), bert).statusCode());
        long other = thread(member, "Someone else's");
        assertEquals(403, api.post("/api/v1/posts/" + other + "/comments", Map.of("body", "hi"), bert).statusCode());
        assertEquals(403, api.post("/api/v1/posts/" + other + "/vote", Map.of("value", 1), bert).statusCode());
        var bans = body(api.get("/api/v1/communities/" + community + "/bans", mod));
        assertEquals("harassment", bans.get(0).get("reason").asText());
        assertEquals(403, api.get("/api/v1/communities/" + community + "/bans", member).statusCode());

        assertEquals(204, api.delete("/api/v1/communities/" + community + "/bans?actor=bert", mod).statusCode());
        assertEquals(201, api.post("/api/v1/posts/" + other + "/comments", Map.of("body", "sorry"), bert).statusCode());
    }

    @Test
    void moderatorsAreAddedAndRemovedByModeratorsAndAdmins() {
        long c = api.community(mod, "mods");
        var path = "/api/v1/communities/" + c + "/moderators";
        assertEquals(403, api.post(path, Map.of("actor", "max"), member).statusCode());
        assertEquals(1, body(api.get(path, null)).size());
        var added = api.post(path, Map.of("actor", "max"), admin);
        assertEquals(200, added.statusCode(), added.body());
        assertEquals(2, body(added).size());
        assertTrue(body(added).get(0).asText().endsWith("/u/mira"), "the creator stays first");
        // The new moderator can now act, and remove the old one; the last one stays.
        assertEquals(204, api.delete(path + "?actor=mira", member).statusCode());
        assertEquals(409, api.delete(path + "?actor=max", member).statusCode());
    }

    @Test
    void postingCanBeRestrictedToModeratorsAndTheLogHidesModeratorsFromThePublic() {
        long c = api.community(mod, "announcements");
        assertEquals(403, api.patch("/api/v1/communities/" + c, Map.of("posting_restricted_to_mods", true), member).statusCode());
        var edited = api.patch("/api/v1/communities/" + c, Map.of("posting_restricted_to_mods", true, "title", "News"), mod);
        assertEquals(200, edited.statusCode(), edited.body());
        assertEquals("News", body(edited).get("title").asText());
        assertEquals(403, api.post("/api/v1/communities/" + c + "/threads", Map.of("title", "hi", "body", "x"), member).statusCode());
        assertEquals(201, api.post("/api/v1/communities/" + c + "/threads", Map.of("title", "hi", "body", "x"), mod).statusCode());

        var publicLog = body(api.get("/api/v1/communities/" + c + "/modlog", null));
        assertEquals("edit_community", publicLog.get(0).get("action").asText());
        assertTrue(publicLog.get(0).get("moderator") == null || publicLog.get(0).get("moderator").isNull(), publicLog.toString());
        var modLog = body(api.get("/api/v1/communities/" + c + "/modlog", mod));
        assertEquals("mira@" + server.domain(), modLog.get(0).get("moderator").asText());
        api.patch("/api/v1/communities/" + c, Map.of("show_moderator_names", true), mod);
        assertEquals("mira@" + server.domain(), body(api.get("/api/v1/communities/" + c + "/modlog", null)).get(0).get("moderator").asText());
    }

    private static String toJson(Object o) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
