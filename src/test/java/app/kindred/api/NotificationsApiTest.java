package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.federation.RemotePeer;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Notifications of replies, mentions and report outcomes, from our members and from other servers. */
class NotificationsApiTest {
    @RegisterExtension
    static WireMockExtension remoteHost = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static long community;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().inboundProcessor().start();
        api = new ApiClient(server);
        community = api.community(api.member("host"), "circle");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aReplyNotifiesTheParentsAuthorWithAnExcerptButNotTheReplierThemselves() {
        var ann = api.member("ann");
        var ben = api.member("ben");
        long thread = thread(ann, "Sleep", "Anyone else awake?", null);
        comment(ann, thread, "Answering myself first.", null);
        long reply = comment(ben, thread, "Yes, me. **Tea** helps a little.", null);

        var list = notifications(ann);
        assertEquals(1, list.get("unread").asLong(), list.toString());
        var n = list.get("notifications").get(0);
        assertEquals("reply", n.get("kind").asText());
        assertEquals(reply, n.get("post_id").asLong());
        assertEquals(thread, n.get("thread_id").asLong());
        assertEquals("ben@" + server.domain(), n.get("from").asText());
        assertEquals("Yes, me. Tea helps a little.", n.get("excerpt").asText(), "plain text, no markup");
        assertFalse(n.get("read").asBoolean());
        assertFalse(n.get("post_gone").asBoolean());
        assertNotNull(n.get("created"));
        assertEquals(0, notifications(ben).get("notifications").size(), "ben wrote the reply and is told nothing");
    }

    @Test
    void aPostBehindAContentWarningGivesTheWarningAndNoExcerpt() {
        var cat = api.member("cat");
        var dan = api.member("dan");
        long thread = thread(cat, "Hard day", "words", null);
        comment(dan, thread, "The details of what happened to me", "self-harm");

        var n = notifications(cat).get("notifications").get(0);
        assertEquals("self-harm", n.get("content_warning").asText());
        assertFalse(n.has("excerpt"), n.toString());
        assertFalse(notifications(cat).toString().contains("details of what happened"));
    }

    @Test
    void aRemovedOrDeletedReplyLeaksNoText() {
        var eve = api.member("eve");
        var fay = api.member("fay");
        long thread = thread(eve, "Plans", "hello", null);
        long removed = comment(fay, thread, "secret words one", null);
        long deleted = comment(fay, thread, "secret words two", null);
        assertEquals(
                200,
                api.post("/api/v1/posts/" + removed + "/removal", Map.of("reason", "off topic"), api.logIn("host"))
                        .statusCode());
        assertEquals(204, api.delete("/api/v1/posts/" + deleted, fay).statusCode());

        var list = notifications(eve);
        assertEquals(2, list.get("notifications").size(), list.toString());
        for (var n : list.get("notifications")) {
            assertTrue(n.get("post_gone").asBoolean(), n.toString());
            assertFalse(n.has("excerpt"), n.toString());
            assertFalse(n.has("from"), n.toString());
        }
        assertFalse(list.toString().contains("secret words"), list.toString());
    }

    @Test
    void aMentionNotifiesTheMemberNamedOnceAndNeverTheAuthor() {
        var gil = api.member("gil");
        var hal = api.member("hal");
        var ivy = api.member("ivy");
        long thread = thread(
                gil,
                "Thanks",
                "Thank you @hal and @ivy@" + server.domain() + ", and me @gil. `@nobody` " + "mail me at x@hal.example",
                null);
        assertEquals(
                "mention",
                notifications(hal).get("notifications").get(0).get("kind").asText());
        assertEquals(
                thread,
                notifications(hal).get("notifications").get(0).get("post_id").asLong());
        assertEquals(1, notifications(ivy).get("notifications").size());
        assertEquals(0, notifications(gil).get("notifications").size(), "naming oneself is no news");

        // A reply that also names the author it answers tells them once, as a reply.
        comment(hal, thread, "You're welcome @gil", null);
        var gils = notifications(gil).get("notifications");
        assertEquals(1, gils.size(), gils.toString());
        assertEquals("reply", gils.get(0).get("kind").asText());

        // An edit that names someone new tells them; those told before are not told again.
        var jon = api.member("jon");
        assertEquals(
                200,
                api.patch("/api/v1/posts/" + thread, Map.of("body", "Thank you @hal, @ivy and @jon"), gil)
                        .statusCode());
        assertEquals(1, notifications(jon).get("notifications").size());
        assertEquals(1, notifications(hal).get("notifications").size());
    }

    @Test
    void pagingMarkingReadAndTheUnreadCount() {
        var kim = api.member("kim");
        var lee = api.member("lee");
        long thread = thread(kim, "Count", "one", null);
        var ids = new ArrayList<Long>();
        for (int i = 0; i < 5; i++) ids.add(comment(lee, thread, "reply " + i, null));

        var first = body(api.get("/api/v1/me/notifications?limit=2", kim));
        assertEquals(List.of(ids.get(4), ids.get(3)), postIds(first), "newest first");
        assertEquals(5, first.get("unread").asLong());
        var second = body(api.get(
                "/api/v1/me/notifications?limit=2&before="
                        + first.get("next_before").asLong(),
                kim));
        assertEquals(List.of(ids.get(2), ids.get(1)), postIds(second));

        var count = api.get("/api/v1/me/notifications/unread_count", kim);
        assertEquals(200, count.statusCode());
        assertEquals(5, body(count).get("unread").asLong());

        // Up to the second oldest: two read, three left.
        long upTo = second.get("notifications").get(1).get("id").asLong();
        var marked = body(api.post("/api/v1/me/notifications/read", Map.of("up_to", upTo), kim));
        assertEquals(2, marked.get("marked").asLong());
        assertEquals(3, marked.get("unread").asLong());
        var all = body(api.post("/api/v1/me/notifications/read", null, kim));
        assertEquals(3, all.get("marked").asLong());
        assertEquals(
                0,
                body(api.get("/api/v1/me/notifications/unread_count", kim))
                        .get("unread")
                        .asLong());
        assertTrue(body(api.get("/api/v1/me/notifications", kim))
                .get("notifications")
                .get(0)
                .get("read")
                .asBoolean());
        assertEquals(5, notifications(kim).get("notifications").size(), "read ones stay listed");

        assertProblem(api.get("/api/v1/me/notifications?limit=0", kim), 422, "limit");
        assertProblem(api.get("/api/v1/me/notifications?before=x", kim), 400, "before");
        assertProblem(api.get("/api/v1/me/notifications", null), 401, null);
        assertProblem(api.post("/api/v1/me/notifications/read", null, null), 401, null);
    }

    @Test
    void aReportsOutcomeReachesItsReporterWithoutTheModeratorOrTheirNote() {
        var mod = api.logIn("host");
        var ned = api.member("ned");
        var ola = api.member("ola");
        long thread = thread(ola, "Buy my pills", "cheap", null);
        var filed =
                api.post("/api/v1/reports", Map.of("post", thread, "category", "spam", "text", "selling pills"), ned);
        assertEquals(201, filed.statusCode(), filed.body());
        long report = body(filed).get("id").asLong();
        assertEquals(
                200,
                api.post("/api/v1/reports/" + report + "/resolve", Map.of("note", "removed it, warned them"), mod)
                        .statusCode());

        var list = notifications(ned);
        var n = list.get("notifications").get(0);
        assertEquals("report_outcome", n.get("kind").asText());
        assertEquals(report, n.get("report_id").asLong());
        assertEquals("resolved", n.get("outcome").asText());
        assertFalse(n.has("from"), n.toString());
        assertFalse(list.toString().contains("host@"), "never who decided: " + list);
        assertFalse(list.toString().contains("warned them"), "the moderators' note is theirs: " + list);
        assertEquals(0, notifications(ola).get("notifications").size(), "the reported member hears nothing of it");

        // My reports shows the same outcome, and what the reporter wrote; the reported member's list is empty.
        var mine = body(api.get("/api/v1/me/reports", ned));
        assertEquals("resolved", mine.get(0).get("status").asText());
        assertEquals("selling pills", mine.get(0).get("text").asText());
        assertFalse(mine.toString().contains("warned them"), mine.toString());
        assertEquals(0, body(api.get("/api/v1/me/reports", ola)).size());
    }

    @Test
    void aRemoteReplyAndARemoteMentionNotifyOurMembers() {
        var pia = api.member("pia");
        api.member("quin");
        var peer = RemotePeer.serve(remoteHost, "rowan");
        long thread = thread(pia, "Evenings", "How do you spend them?", null);
        var threadUri = server.base() + "/p/" + thread;
        var group = server.base() + "/c/circle";
        var noteId = peer.activityId().replace("/activities/", "/objects/");
        var quin = server.base() + "/u/quin";
        var note = """
                {"id": "%s", "type": "Note", "attributedTo": "%s", "content": "<p>Walking, with <a href=\\"%s\\">@quin</a></p>",
                 "inReplyTo": "%s", "to": ["%s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%s",
                 "tag": [{"type": "Mention", "href": "%s", "name": "@quin"}]}""".formatted(noteId, peer.id(), quin, threadUri, group, group, quin);
        var create = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Create", "actor": "%s",
                 "to": ["%s"], "object": %s}""".formatted(peer.activityId(), peer.id(), group, note);
        peer.deliverAndAwait(server.app(), group, create);

        var n = notifications(pia).get("notifications").get(0);
        assertEquals("reply", n.get("kind").asText());
        assertEquals("Walking, with @quin", n.get("excerpt").asText());
        assertEquals(
                peer.uri().getAuthority(),
                n.get("from").asText().substring(n.get("from").asText().indexOf('@') + 1));
        var quins = notifications(api.logIn("quin")).get("notifications");
        assertEquals(1, quins.size(), quins.toString());
        assertEquals("mention", quins.get(0).get("kind").asText());
    }

    private static JsonNode parse(String json) {
        try {
            return ApiClient.JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static long thread(String token, String title, String text, String warning) {
        var body = new HashMap<String, Object>(Map.of("title", title, "body", text));
        if (warning != null) body.put("content_warning", warning);
        var response = api.post("/api/v1/communities/" + community + "/threads", body, token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static long comment(String token, long parent, String text, String warning) {
        var body = new HashMap<String, Object>(Map.of("body", text));
        if (warning != null) body.put("content_warning", warning);
        var response = api.post("/api/v1/posts/" + parent + "/comments", body, token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static JsonNode notifications(String token) {
        var response = api.get("/api/v1/me/notifications?limit=100", token);
        assertEquals(200, response.statusCode(), response.body());
        return body(response);
    }

    private static List<Long> postIds(JsonNode list) {
        var out = new ArrayList<Long>();
        for (var n : list.get("notifications")) out.add(n.get("post_id").asLong());
        return out;
    }
}
