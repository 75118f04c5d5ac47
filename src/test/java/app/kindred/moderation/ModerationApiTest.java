package app.kindred.moderation;

import static app.kindred.api.ApiClient.body;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
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
        var r = api.post(
                "/api/v1/communities/" + community + "/threads", Map.of("title", title, "body", "text"), token);
        assertEquals(201, r.statusCode(), r.body());
        return body(r).get("id").asLong();
    }

    private long logSize() {
        return api.count("select count(*) from moderation_log");
    }

    @Test
    void guidelinesAreNumberedShownOnTheGroupAndEditedOnlyByModerators() {
        var rules = List.of(
                Map.of("title", "Be kind", "description", "No *put-downs*."), Map.of("title", "No advice unasked"));
        var refused = api.send("PUT", "/api/v1/communities/" + community + "/rules", toJson(rules), member);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(
                0,
                body(api.get("/api/v1/communities/" + community + "/rules", null))
                        .size());

        var set = api.send("PUT", "/api/v1/communities/" + community + "/rules", toJson(rules), mod);
        assertEquals(200, set.statusCode(), set.body());
        var listed = body(api.get("/api/v1/communities/" + community + "/rules", null));
        assertEquals(2, listed.size());
        assertEquals(1, listed.get(0).get("number").asInt());
        assertEquals("No advice unasked", listed.get(1).get("title").asText());

        var group = TestServer.json(server.get("/c/circle", TestServer.ACTIVITY_JSON));
        assertEquals("Be kind", group.get("rules").get(0).get("name").asText());
        assertTrue(group.get("rules").get(0).get("content").asText().contains("<em>put-downs</em>"));
        assertTrue(
                group.get("summary").asText().contains("<strong>No advice unasked</strong>"),
                group.get("summary").asText());
    }

    @Test
    void removeAndRestoreHideAPostWithItsReasonAndOnlyModeratorsMay() {
        long thread = thread(member, "Removable");
        long before = logSize();
        var refused = api.post("/api/v1/posts/" + thread + "/removal", Map.of("reason", "no"), other);
        assertEquals(403, refused.statusCode(), refused.body());
        assertFalse(
                body(api.get("/api/v1/posts/" + thread, null)).get("removed").asBoolean());
        assertEquals(before, logSize());

        var removed = api.post("/api/v1/posts/" + thread + "/removal", Map.of("reason", "rule 1"), mod);
        assertEquals(200, removed.statusCode(), removed.body());
        var view = body(api.get("/api/v1/posts/" + thread, null));
        assertTrue(view.get("removed").asBoolean());
        assertEquals("rule 1", view.get("removal_reason").asText());
        assertEquals("", view.get("html").asText());
        var listed = body(api.get("/api/v1/communities/" + community + "/threads?sort=new", null))
                .get("threads");
        for (var t : listed) assertNotEquals(thread, t.get("id").asLong());
        var served = server.get("/p/" + thread, TestServer.ACTIVITY_JSON);
        assertTrue(
                served.statusCode() == 410 || served.body().contains("Tombstone"),
                "the fediverse sees it gone: " + served.body());

        var restored = api.delete("/api/v1/posts/" + thread + "/removal", mod);
        assertEquals(200, restored.statusCode(), restored.body());
        assertFalse(body(restored).get("removed").asBoolean());
        assertTrue(body(restored).get("html").asText().contains("text"));
    }

    @Test
    void theModerationLogPagesBackwardsWithBeforeAndLimit() {
        long c = api.community(mod, "pages");
        long thread = body(api.post(
                        "/api/v1/communities/" + c + "/threads", Map.of("title", "Paged", "body", "x"), member))
                .get("id")
                .asLong();
        for (int i = 0; i < 5; i++) {
            api.post("/api/v1/posts/" + thread + "/lock", Map.of("reason", "lock " + i), mod);
            api.delete("/api/v1/posts/" + thread + "/lock", mod);
        }
        var all = body(api.get("/api/v1/communities/" + c + "/modlog", null));
        assertEquals(10, all.size());
        var seen = new java.util.ArrayList<Long>();
        String before = "";
        for (int page = 0; page < 4; page++) {
            var entries = body(api.get("/api/v1/communities/" + c + "/modlog?limit=3" + before, null));
            assertTrue(entries.size() <= 3);
            for (var e : entries) seen.add(e.get("id").asLong());
            if (entries.isEmpty()) break;
            before = "&before=" + entries.get(entries.size() - 1).get("id").asLong();
        }
        var expected = new java.util.ArrayList<Long>();
        for (var e : all) expected.add(e.get("id").asLong());
        assertEquals(expected, seen, "the pages together are the whole log, newest first, nothing twice");
        for (var bad : List.of("limit=0", "limit=201", "before=soon")) {
            var refused = api.get("/api/v1/communities/" + c + "/modlog?" + bad, null);
            assertEquals(4, refused.statusCode() / 100, refused.body());
            assertTrue(refused.body().contains(bad.substring(0, bad.indexOf('='))), refused.body());
        }
    }

    @Test
    void aLockedThreadRefusesNewCommentsWithAConflict() {
        long thread = thread(member, "Lockable");
        assertEquals(
                403,
                api.post("/api/v1/posts/" + thread + "/lock", Map.of(), member).statusCode());
        var locked = api.post("/api/v1/posts/" + thread + "/lock", Map.of("reason", "heated"), admin);
        assertEquals(200, locked.statusCode(), locked.body());
        assertTrue(body(locked).get("locked").asBoolean());
        var comment = api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "one more"), member);
        assertEquals(409, comment.statusCode(), comment.body());
        assertTrue(comment.body().contains("locked"), comment.body());
        assertEquals(200, api.delete("/api/v1/posts/" + thread + "/lock", mod).statusCode());
        assertEquals(
                201,
                api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "one more"), member)
                        .statusCode());
    }

    @Test
    void aPinnedThreadIsListedFirstInEverySortAndShowsOnTheGroupsFeaturedCollection() {
        long c = api.community(mod, "pinboard");
        var path = "/api/v1/communities/" + c + "/threads";
        long rules = body(api.post(path, Map.of("title", "Read the rules", "body", "first"), mod))
                .get("id")
                .asLong();
        long middle = body(api.post(path, Map.of("title", "Middle", "body", "x"), member))
                .get("id")
                .asLong();
        long newest = body(api.post(path, Map.of("title", "Newest", "body", "x"), member))
                .get("id")
                .asLong();
        api.post("/api/v1/posts/" + newest + "/vote", Map.of("value", 1), member);

        var pinned = api.post("/api/v1/posts/" + rules + "/pin", Map.of("reason", "everyone should see it"), mod);
        assertEquals(200, pinned.statusCode(), pinned.body());
        assertTrue(body(pinned).get("pinned").asBoolean());
        assertFalse(body(api.get("/api/v1/posts/" + middle, null)).get("pinned").asBoolean());
        assertTrue(body(api.get("/api/v1/threads/" + rules, null))
                .get("thread")
                .get("pinned")
                .asBoolean());
        for (var sort : List.of("new", "active", "top")) {
            var threads = body(api.get(path + "?sort=" + sort, null)).get("threads");
            assertEquals(rules, threads.get(0).get("id").asLong(), sort + ": " + threads);
            assertTrue(threads.get(0).get("pinned").asBoolean());
            assertEquals(3, threads.size());
        }
        // Lemmy's form: Add{post} to the featured collection by the moderator, announced by the group.
        var group = server.base() + "/c/pinboard";
        var add = outbound("Add", server.base() + "/p/" + rules);
        assertEquals(server.base() + "/u/mira", add.get("actor").asText());
        assertEquals(server.base() + "/p/" + rules, add.get("object").asText());
        assertEquals(group + "/featured", add.get("target").asText());
        assertEquals(
                "https://www.w3.org/ns/activitystreams#Public",
                add.get("to").get(0).asText());
        assertEquals(group, add.get("cc").get(0).asText());
        assertEquals(group, add.get("audience").asText());
        var announce = outbound("Announce", server.base() + "/p/" + rules);
        assertEquals(group, announce.get("actor").asText());
        assertEquals(add.get("id").asText(), announce.get("object").get("id").asText());
        // After the pinned one, the sort as usual.
        assertEquals(
                newest,
                body(api.get(path + "?sort=new", null))
                        .get("threads")
                        .get(1)
                        .get("id")
                        .asLong());
        // Pinning again is no second action.
        long logged = logSize();
        assertEquals(
                200,
                api.post("/api/v1/posts/" + rules + "/pin", Map.of(), admin).statusCode());
        assertEquals(logged, logSize());
        var log = body(api.get("/api/v1/communities/" + c + "/modlog", mod));
        assertEquals("pin_thread", log.get(0).get("action").asText());
        assertEquals("everyone should see it", log.get(0).get("reason").asText());

        var featured = TestServer.json(server.get("/c/pinboard/featured", TestServer.ACTIVITY_JSON));
        assertEquals("OrderedCollection", featured.get("type").asText());
        assertEquals(1, featured.get("totalItems").asInt());
        var item = featured.get("orderedItems").get(0);
        assertEquals(server.base() + "/p/" + rules, item.get("id").asText());
        assertEquals("Page", item.get("type").asText());
        assertEquals("Read the rules", item.get("name").asText());

        var unpinned = api.delete("/api/v1/posts/" + rules + "/pin", mod);
        assertEquals(200, unpinned.statusCode(), unpinned.body());
        assertFalse(body(unpinned).get("pinned").asBoolean());
        assertEquals(
                newest,
                body(api.get(path + "?sort=new", null))
                        .get("threads")
                        .get(0)
                        .get("id")
                        .asLong());
        assertEquals(
                "unpin_thread",
                body(api.get("/api/v1/communities/" + c + "/modlog", mod))
                        .get(0)
                        .get("action")
                        .asText());
        assertEquals(
                0,
                TestServer.json(server.get("/c/pinboard/featured", TestServer.ACTIVITY_JSON))
                        .get("totalItems")
                        .asInt());
        var remove = outbound("Remove", server.base() + "/p/" + rules);
        assertEquals(group + "/featured", remove.get("target").asText());
        assertEquals(server.base() + "/p/" + rules, remove.get("object").asText());
    }

    /** The latest activity of that type we sent about that object. */
    private static com.fasterxml.jackson.databind.JsonNode outbound(String type, String objectId) {
        var body = server.app()
                .database()
                .read(c -> Sql.one(c, """
                select body from outbound_activity where object_id = ? and body::jsonb ->> 'type' = ? order by id desc limit 1""", rs -> rs.getString(1), objectId, type))
                .orElseThrow(() -> new AssertionError("no " + type + " of " + objectId));
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void onlyModeratorsPinAndOnlyThreadsArePinned() {
        long thread = thread(member, "Pin me");
        long before = logSize();
        var refused = api.post("/api/v1/posts/" + thread + "/pin", Map.of(), member);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(
                "application/problem+json",
                refused.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertFalse(body(api.get("/api/v1/posts/" + thread, null)).get("pinned").asBoolean());
        assertEquals(before, logSize());
        assertEquals(0, api.count("select count(*) from post where pinned_at is not null and id = ?", thread));
        assertEquals(
                401,
                api.post("/api/v1/posts/" + thread + "/pin", Map.of(), null).statusCode());

        var comment = api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "a reply"), member);
        long commentId = body(comment).get("id").asLong();
        var notAThread = api.post("/api/v1/posts/" + commentId + "/pin", Map.of(), mod);
        assertEquals(422, notAThread.statusCode(), notAThread.body());
        assertEquals(0, api.count("select count(*) from post where pinned_at is not null and id = ?", commentId));
        assertEquals(404, api.post("/api/v1/posts/999999/pin", Map.of(), mod).statusCode());
        assertEquals(403, api.delete("/api/v1/posts/" + thread + "/pin", member).statusCode());
        assertEquals(before, logSize());
    }

    @Test
    void aBannedMemberCannotPostCommentOrVoteUntilUnbanned() {
        api.member("bert");
        var bert = api.logIn("bert");
        long thread = thread(bert, "Before the ban");
        long before = logSize();
        var refused =
                api.post("/api/v1/communities/" + community + "/bans", Map.of("actor", "bert", "reason", "x"), member);
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals(before, logSize());
        assertEquals(0, api.count("select count(*) from community_ban"));

        var banned = api.post(
                "/api/v1/communities/" + community + "/bans",
                Map.of("actor", "bert", "reason", "harassment", "remove_data", true),
                mod);
        assertEquals(204, banned.statusCode(), banned.body());
        assertTrue(
                body(api.get("/api/v1/posts/" + thread, null)).get("removed").asBoolean(),
                "remove_data removes their posts");
        assertEquals(
                403,
                api.post("/api/v1/communities/" + community + "/threads", Map.of("title", "again", "body", "x"), bert)
                        .statusCode());
        long other = thread(member, "Someone else's");
        assertEquals(
                403,
                api.post("/api/v1/posts/" + other + "/comments", Map.of("body", "hi"), bert)
                        .statusCode());
        assertEquals(
                403,
                api.post("/api/v1/posts/" + other + "/vote", Map.of("value", 1), bert)
                        .statusCode());
        var bans = body(api.get("/api/v1/communities/" + community + "/bans", mod));
        assertEquals("harassment", bans.get(0).get("reason").asText());
        assertEquals(
                403,
                api.get("/api/v1/communities/" + community + "/bans", member).statusCode());

        assertEquals(
                204,
                api.delete("/api/v1/communities/" + community + "/bans?actor=bert", mod)
                        .statusCode());
        assertEquals(
                201,
                api.post("/api/v1/posts/" + other + "/comments", Map.of("body", "sorry"), bert)
                        .statusCode());
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
        assertEquals(
                403,
                api.patch("/api/v1/communities/" + c, Map.of("posting_restricted_to_mods", true), member)
                        .statusCode());
        var edited =
                api.patch("/api/v1/communities/" + c, Map.of("posting_restricted_to_mods", true, "title", "News"), mod);
        assertEquals(200, edited.statusCode(), edited.body());
        assertEquals("News", body(edited).get("title").asText());
        assertEquals(
                403,
                api.post("/api/v1/communities/" + c + "/threads", Map.of("title", "hi", "body", "x"), member)
                        .statusCode());
        assertEquals(
                201,
                api.post("/api/v1/communities/" + c + "/threads", Map.of("title", "hi", "body", "x"), mod)
                        .statusCode());

        var publicLog = body(api.get("/api/v1/communities/" + c + "/modlog", null));
        assertEquals("edit_community", publicLog.get(0).get("action").asText());
        assertTrue(
                publicLog.get(0).get("moderator") == null
                        || publicLog.get(0).get("moderator").isNull(),
                publicLog.toString());
        var modLog = body(api.get("/api/v1/communities/" + c + "/modlog", mod));
        assertEquals("mira@" + server.domain(), modLog.get(0).get("moderator").asText());
        api.patch("/api/v1/communities/" + c, Map.of("show_moderator_names", true), mod);
        assertEquals(
                "mira@" + server.domain(),
                body(api.get("/api/v1/communities/" + c + "/modlog", null))
                        .get(0)
                        .get("moderator")
                        .asText());
    }

    private static String toJson(Object o) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRemovalReachesTheAuthorsServerThoughTheyFollowNothingHere() {
        var author = "https://banned.example/users/gone";
        long post = server.app().database().transaction(c -> {
            Sql.update(c, """
                    insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox, fetched_at)
                    values (?, 'Person', 'gone', 'banned.example', false, ?, 'https://banned.example/inbox', now())""", author, author + "/inbox");
            return Sql.insert(c, """
                    insert into post (uri, community_id, author_id, local, title, content_html)
                    values ('https://banned.example/posts/1', ?, (select id from actor where uri = ?), false, 'Spam', '<p>x</p>')
                    returning id""", community, author);
        });
        var removed = api.post("/api/v1/posts/" + post + "/removal", Map.of("reason", "spam"), mod);
        assertEquals(200, removed.statusCode(), removed.body());

        // A ban that came first has ended their follow; the removal still goes to their server.
        var sentTo = server.app().database().read(c -> Sql.list(c, """
                select array_to_string(f.also_to, ',') from delivery_fanout f join outbound_activity o on o.id = f.outbound_id
                where o.object_id = 'https://banned.example/posts/1'
                union all
                select d.inbox from delivery d join outbound_activity o on o.id = d.outbound_id
                where o.object_id = 'https://banned.example/posts/1'""", rs -> rs.getString(1)));
        assertTrue(sentTo.stream().anyMatch(i -> i.contains("https://banned.example/inbox")), sentTo.toString());
    }
}
