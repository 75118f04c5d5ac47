package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The anonymity proof (issue 17): a member posts a thread and a reply anonymously, edits the thread,
 * others reply, vote and report; then every place that could name the author is read as someone
 * else (a visitor, another member, another server): pages, API answers, ActivityPub documents and
 * every activity the server stored to send, notifications, search, the other member's export, and
 * every log line. The author's name appears in none of them, while the moderator and the admin are
 * told who wrote it and the author sees the posts as theirs.
 */
class AnonymousPostingLeakTest {
    private static final String WRITER = "wrenfield";
    private static final String PASSWORD = "a calm long passphrase";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;
    private static ListAppender<ILoggingEvent> logs;
    private static Logger root;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        server = TestServer.start();
        server.app().exportWorker().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        root.detachAppender(logs);
    }

    private static HttpResponse<String> api(String method, String path, Object body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) throws IOException {
        assertTrue(response.statusCode() < 400, response.statusCode() + " " + response.uri() + ": " + response.body());
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static String login(String name) throws Exception {
        var answer = api("POST", "/api/v1/auth/login", Map.of("username", name, "password", PASSWORD), null);
        // The password pool answers 503 with Retry-After when every hashing thread stayed busy past its
        // bounded wait (seen once at load 25): a client tries again when told, so this one does too.
        for (int tries = 0; answer.statusCode() == 503 && tries < 5; tries++) {
            Thread.sleep(1000L
                    * Long.parseLong(answer.headers().firstValue("Retry-After").orElseThrow()));
            answer = api("POST", "/api/v1/auth/login", Map.of("username", name, "password", PASSWORD), null);
        }
        return ok(answer).get("token").asText();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD))
                        .statusCode());
        return web;
    }

    private static String activityJson(String pathOrUrl) throws Exception {
        var uri = pathOrUrl.startsWith("http") ? URI.create(pathOrUrl) : URI.create(server.base() + pathOrUrl);
        var response = HTTP.send(
                HttpRequest.newBuilder(uri)
                        .header("Accept", TestServer.ACTIVITY_JSON)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), pathOrUrl + ": " + response.body());
        return response.body();
    }

    @Test
    void nothingNamesTheAuthorToAnyoneButTheModeratorsTheAdminsAndThemselves() throws Exception {
        var members = server.app().members();
        members.create("keeper", PASSWORD, Role.MEMBER);
        members.create(WRITER, PASSWORD, Role.MEMBER);
        members.create("bramble", PASSWORD, Role.MEMBER);
        members.create("corrie", PASSWORD, Role.MEMBER);
        members.create("admiral", PASSWORD, Role.ADMIN);
        var mod = login("keeper");
        var writer = login(WRITER);
        var other = login("bramble");
        var third = login("corrie");
        var admin = login("admiral");
        long community = ok(api(
                        "POST",
                        "/api/v1/communities",
                        Map.of("name", "hush", "title", "Hush", "description", "Things hard to say"),
                        mod))
                .get("id")
                .asLong();
        assertFalse(ok(api("GET", "/api/v1/communities/" + community, null, null))
                .get("anonymous_posting")
                .asBoolean());
        // Not until the moderators allow it.
        assertEquals(
                409,
                api(
                                "POST",
                                "/api/v1/communities/" + community + "/threads",
                                Map.of("title", "Too early", "body", "x", "anonymous", true),
                                writer)
                        .statusCode());
        ok(api("PATCH", "/api/v1/communities/" + community, Map.of("anonymous_posting", true), mod));

        // The writer: an anonymous thread, edited, and an anonymous reply further down the same thread.
        var thread = ok(api(
                "POST",
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "What I never said", "body", "It was me who left the door open.", "anonymous", true),
                writer));
        long threadId = thread.get("id").asLong();
        String threadUri = thread.get("ap_id").asText();
        assertEquals(
                "Anonymous member 1", thread.get("anonymous").get("pseudonym").asText());
        assertTrue(thread.get("anonymous").get("yours").asBoolean(), "the writer is told it is theirs");
        assertTrue(thread.get("anonymous").get("written_by").isNull(), thread.toString());
        ok(api(
                "PATCH",
                "/api/v1/posts/" + threadId,
                Map.of("body", "It was me who left the door open. I think about it every day."),
                writer));
        long reply = ok(api(
                        "POST",
                        "/api/v1/posts/" + threadId + "/comments",
                        Map.of("body", "Thank you for saying that."),
                        other))
                .get("id")
                .asLong();
        var answer = ok(api(
                "POST",
                "/api/v1/posts/" + reply + "/comments",
                Map.of("body", "It helps to hear it.", "anonymous", true),
                writer));
        assertEquals(
                thread.get("author").asText(), answer.get("author").asText(), "one pseudonym per writer per thread");
        var second = ok(api(
                "POST",
                "/api/v1/posts/" + threadId + "/comments",
                Map.of("body", "Me too, in my own way.", "anonymous", true),
                third));
        assertEquals(
                "Anonymous member 2", second.get("anonymous").get("pseudonym").asText());
        assertNotEquals(thread.get("author").asText(), second.get("author").asText());

        // Votes on the anonymous post: others' count; the writer's own would be signed with their name.
        ok(api("POST", "/api/v1/posts/" + threadId + "/vote", Map.of("value", 1), other));
        assertEquals(
                409,
                api("POST", "/api/v1/posts/" + threadId + "/vote", Map.of("value", 1), writer)
                        .statusCode());
        ok(api("POST", "/api/v1/posts/" + answer.get("id").asLong() + "/vote", Map.of("value", 1), third));
        // A report on it, reaching the moderators.
        ok(api(
                "POST",
                "/api/v1/reports",
                Map.of("post", threadId, "category", "wellbeing", "text", "worried about them"),
                other));

        // A complaint about it: the moderators cannot forward it to the writer's server, there is none but the
        // community's own (the pseudonym is ours), so no Flag anywhere names them.
        long complaint = ok(api(
                        "POST",
                        "/api/v1/reports",
                        Map.of("post", threadId, "category", "other", "text", "this upset me", "show_identity", true),
                        third))
                .get("id")
                .asLong();
        assertEquals(
                409,
                api("POST", "/api/v1/reports/" + complaint + "/forward", null, mod)
                        .statusCode());

        // The API, read by a visitor, another member, and in lists and search.
        var seenByOthers = new ArrayList<String>();
        // The reporters' own view of their reports names only the pseudonym.
        seenByOthers.add("reports of bramble: " + ok(api("GET", "/api/v1/me/reports", null, other)));
        seenByOthers.add("reports of corrie: " + ok(api("GET", "/api/v1/me/reports", null, third)));
        var myReportsPage = signedIn("corrie").get("/reports/mine");
        assertEquals(200, myReportsPage.statusCode());
        seenByOthers.add("reports page of corrie: " + myReportsPage.body());
        for (var token : new String[] {null, other}) {
            for (var path : List.of(
                    "/api/v1/threads/" + threadId,
                    "/api/v1/posts/" + threadId,
                    "/api/v1/posts/" + answer.get("id").asLong(),
                    "/api/v1/communities/" + community + "/threads",
                    "/api/v1/search?q=door")) {
                var body = ok(api("GET", path, null, token)).toString();
                assertTrue(body.contains("Anonymous member") || path.contains("communities"), path + ": " + body);
                seenByOthers.add("API " + path + " as " + (token == null ? "visitor" : "bramble") + ": " + body);
            }
        }
        assertTrue(
                ok(api("GET", "/api/v1/search?q=door", null, other)).toString().contains("What I never said"),
                "search finds the post");
        // Notifications: the other member is answered by "Anonymous member 1"; the writer hears of the
        // reply to "your anonymous post".
        var theirs = ok(api("GET", "/api/v1/me/notifications", null, other));
        assertEquals(
                "Anonymous member 1",
                theirs.get("notifications").get(0).get("from").asText(),
                theirs.toString());
        seenByOthers.add("notifications of bramble: " + theirs);
        var writers = ok(api("GET", "/api/v1/me/notifications", null, writer)).get("notifications");
        // bramble's reply and corrie's anonymous one, both to the writer's anonymous thread.
        assertEquals(2, writers.size(), writers.toString());
        for (var n : writers) assertEquals("anonymous_reply", n.get("kind").asText(), writers.toString());
        assertEquals("Anonymous member 2", writers.get(0).get("from").asText());
        var writerWeb = signedIn(WRITER);
        assertTrue(writerWeb.get("/notifications").body().contains("replied to your anonymous post"));

        // The pages, as a visitor and as another member (their own export page and profile included).
        var visitor = new WebClient(server);
        var brambleWeb = signedIn("bramble");
        for (var web : List.of(visitor, brambleWeb)) {
            for (var path : List.of(
                    "/p/" + threadId,
                    "/p/" + answer.get("id").asLong() + "/reply",
                    "/c/hush",
                    "/feed/local",
                    "/search?q=door")) {
                var page = web.get(path);
                // The pages that show the posts must really show them, or their silence proves nothing.
                if (path.contains("/reply")) assertTrue(page.statusCode() < 500, path + ": " + page.statusCode());
                else assertEquals(200, page.statusCode(), path);
                seenByOthers.add("page " + path + ": " + page.body());
            }
        }
        var threadPage = brambleWeb.get("/p/" + threadId).body();
        assertTrue(threadPage.contains("Anonymous member 1") && threadPage.contains("Anonymous member 2"), threadPage);
        assertTrue(visitor.get("/p/" + threadId).body().contains("Anonymous member 1"), "a visitor sees the pseudonym");
        // The writer's own profile names them, of course, and so lists none of their anonymous posts.
        for (var web : List.of(visitor, brambleWeb)) {
            var profile = web.get("/u/" + WRITER).body();
            assertTrue(profile.contains(WRITER));
            assertFalse(profile.contains("What I never said") || profile.contains("It helps to hear it"), profile);
        }
        var notificationsPage = brambleWeb.get("/notifications").body();
        assertTrue(notificationsPage.contains("Anonymous member 1"), notificationsPage);
        seenByOthers.add("notifications page of bramble: " + notificationsPage);

        // ActivityPub: the post, the reply, the pseudonym (a Person with its own key), WebFinger, outboxes.
        var post = JSON.readTree(activityJson(threadUri));
        var pseudonymUri = post.get("attributedTo").asText();
        assertTrue(pseudonymUri.startsWith(server.base() + "/c/hush/anonymous/"), pseudonymUri);
        var pseudonym = JSON.readTree(activityJson(pseudonymUri));
        assertEquals("Person", pseudonym.get("type").asText());
        assertEquals("Anonymous member 1", pseudonym.get("name").asText());
        assertTrue(pseudonym.get("publicKey").get("publicKeyPem").asText().contains("BEGIN PUBLIC KEY"));
        var handle = pseudonym.get("preferredUsername").asText();
        var finger = activityJson("/.well-known/webfinger?resource=acct:" + handle + "@" + server.domain());
        assertTrue(finger.contains(pseudonymUri), finger);
        for (var path : List.of(
                threadUri,
                answer.get("ap_id").asText(),
                pseudonymUri,
                pseudonymUri + "/outbox",
                "/c/hush",
                "/c/hush/outbox",
                "/c/hush/featured")) {
            seenByOthers.add("ActivityPub " + path + ": " + activityJson(path));
        }
        var writersOutbox = activityJson("/u/" + WRITER + "/outbox");
        assertFalse(
                writersOutbox.contains(threadUri)
                        || writersOutbox.contains(answer.get("ap_id").asText()),
                "not in the writer's own outbox: " + writersOutbox);
        // Every activity stored to be sent or fetched (creates, the update, votes, the reply, announces).
        var activities = server.app()
                .database()
                .read(c -> Sql.list(c, "select body from outbound_activity", rs -> rs.getString(1)));
        assertTrue(
                activities.stream().anyMatch(a -> a.contains(threadUri) && a.contains("\"Update\"")),
                "the edit went out: " + activities);
        assertTrue(activities.stream().anyMatch(a -> a.contains(pseudonymUri) && a.contains("\"Create\"")));
        for (var a : activities) seenByOthers.add("activity: " + a);

        // The other member's export.
        ok(api("POST", "/api/v1/me/export", null, other));
        JsonNode export = null;
        for (int i = 0;
                i < 300 && (export == null || !export.get("status").asText().equals("ready"));
                i++) {
            Thread.sleep(100);
            export = ok(api("GET", "/api/v1/me/export", null, other));
        }
        assertEquals("ready", export.get("status").asText(), export.toString());
        var zip = HTTP.send(
                HttpRequest.newBuilder(URI.create(
                                server.base() + export.get("download").asText()))
                        .header("Authorization", "Bearer " + other)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                seenByOthers.add("export of bramble " + entry.getName() + ": "
                        + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }

        // Every log line since the server started.
        for (var event : List.copyOf(logs.list)) {
            // The access log of this test's own reads of the writer's profile, above, names the page read, not a post.
            if (event.getFormattedMessage().startsWith("GET /u/" + WRITER)) continue;
            seenByOthers.add("log " + event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : ThrowableProxyUtil.asString(event.getThrowableProxy())));
        }

        var leaks = seenByOthers.stream()
                .filter(s -> s.toLowerCase().contains(WRITER))
                .map(s -> s.substring(0, Math.min(400, s.length())))
                .toList();
        assertEquals(List.of(), leaks, "the writer is named to someone else");

        // Those who may know: the moderator and the admin, in the API and on the pages; the writer sees it as theirs.
        var byModerator = ok(api("GET", "/api/v1/threads/" + threadId, null, mod));
        assertEquals(
                WRITER + "@" + server.domain(),
                byModerator.get("thread").get("anonymous").get("written_by").asText(),
                byModerator.toString());
        assertEquals(
                WRITER + "@" + server.domain(),
                ok(api("GET", "/api/v1/posts/" + threadId, null, admin))
                        .get("anonymous")
                        .get("written_by")
                        .asText());
        assertTrue(signedIn("keeper").get("/p/" + threadId).body().contains("written by " + WRITER));
        assertTrue(signedIn("admiral").get("/p/" + threadId).body().contains("written by " + WRITER));
        var ownPage = writerWeb.get("/p/" + threadId).body();
        assertTrue(ownPage.contains("you wrote this anonymously"), ownPage);
        assertTrue(ownPage.contains("/p/" + threadId + "/edit"), "the writer may edit it from the page");

        // The report queue names the writer next to the pseudonym to the moderator and the admin, API and pages.
        for (var token : List.of(mod, admin)) {
            var queue = ok(api("GET", "/api/v1/reports", null, token));
            var named = 0;
            for (var report : queue)
                if (report.path("post_id").asLong() == threadId) {
                    assertEquals(
                            WRITER + "@" + server.domain(),
                            report.get("written_by").asText(),
                            report.toString());
                    assertTrue(report.get("subject").asText().contains("/anonymous/"), report.toString());
                    named++;
                }
            assertEquals(2, named, queue.toString());
        }
        for (var who : List.of("keeper", "admiral")) {
            var web = signedIn(who);
            assertTrue(web.get("/mod").body().contains("written by " + WRITER), who + "'s queue");
            var reportPage = web.get("/mod/reports/" + complaint).body();
            assertTrue(reportPage.contains("written by " + WRITER), reportPage);
            assertTrue(reportPage.contains("Anonymous member 1"), reportPage);
        }
        // The writer and the reporters never get a queue (nor the writer's name in it).
        for (var token : List.of(writer, other, third))
            assertEquals(403, api("GET", "/api/v1/reports", null, token).statusCode());

        // The writer deletes their anonymous reply; someone else may not.
        assertEquals(
                403,
                api("DELETE", "/api/v1/posts/" + answer.get("id").asLong(), null, other)
                        .statusCode());
        assertEquals(
                204,
                api("DELETE", "/api/v1/posts/" + answer.get("id").asLong(), null, writer)
                        .statusCode());

        // Acting from the report acts on the real writer: the ban the report page offers bans them, not the pseudonym.
        var keeperWeb = signedIn("keeper");
        var banned = keeperWeb.submit(
                "/mod/reports/" + complaint,
                "/mod/reports/" + complaint + "/ban",
                Map.of("ban_reason", "Cruelty in the guise of a confession", "ban_days", "0"));
        assertTrue(banned.statusCode() < 400, banned.statusCode() + " " + banned.body());
        assertEquals(1L, (long) server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from community_ban where community_id = ? and actor_id ="
                                + " (select actor_id from account where username = ?)",
                        community,
                        WRITER)));
        assertEquals(
                403,
                api(
                                "POST",
                                "/api/v1/communities/" + community + "/threads",
                                Map.of("title", "Again", "body", "x", "anonymous", true),
                                writer)
                        .statusCode(),
                "banned, anonymous or not");
    }
}
