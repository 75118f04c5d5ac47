package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import app.kindred.activitypub.Ref;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A member's export (issue 18): made in the background, theirs alone, readable, and an outbox another server can import. */
class ExportApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static long community;
    private static String host;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().exportWorker().start();
        api = new ApiClient(server);
        host = api.member("host");
        community = api.community(host, "circle");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anExportHoldsWhatTheMemberWroteAndFiledButNotWhatWasFiledAboutThem() throws Exception {
        var nia = api.member("nia");
        var oz = api.member("oz");
        long thread = post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Sleep", "body", "**Tea** at night"),
                nia);
        long comment = post("/api/v1/posts/" + thread + "/comments", Map.of("body", "And a walk"), nia);
        long ozs = post("/api/v1/communities/" + community + "/threads", Map.of("title", "Ozs", "body", "Mine"), oz);
        post("/api/v1/posts/" + ozs + "/comments", Map.of("body", "Reply to oz"), nia);
        assertEquals(
                200,
                api.post("/api/v1/posts/" + ozs + "/vote", Map.of("value", 1), nia)
                        .statusCode());
        assertEquals(
                201,
                api.post("/api/v1/reports", Map.of("post", ozs, "category", "spam", "text", "nia's own words"), nia)
                        .statusCode());
        assertEquals(
                201,
                api.post(
                                "/api/v1/reports",
                                Map.of("post", thread, "category", "other", "text", "secret words of oz"),
                                oz)
                        .statusCode());
        assertEquals(
                201, api.post("/api/v1/me/mutes", Map.of("member", "oz"), nia).statusCode());
        // A moderator's check-in (issue 16) after oz's wellbeing concern, and nia's answer: both are nia's.
        long concern = post(
                "/api/v1/reports", Map.of("post", thread, "category", "wellbeing", "text", "worried about nia"), oz);
        long checkIn = post("/api/v1/reports/" + concern + "/check_in", Map.of("text", "Thinking of you, nia"), host);
        post("/api/v1/check_ins/" + checkIn + "/reply", Map.of("text", "Thank you, I am alright"), nia);

        assertProblem(api.get("/api/v1/me/export", nia), 404, null);
        var started = api.post("/api/v1/me/export", null, nia);
        assertEquals(202, started.statusCode(), started.body());
        assertTrue(Set.of("pending", "running", "ready")
                .contains(body(started).get("status").asText()));

        var ready = new JsonNode[1];
        Eventually.eventually(() -> {
            ready[0] = body(api.get("/api/v1/me/export", nia));
            assertEquals("ready", ready[0].get("status").asText(), ready[0].toString());
        });
        assertEquals(100, ready[0].get("progress").asInt());
        var expires = Instant.parse(ready[0].get("expires").asText());
        assertTrue(expires.isAfter(Instant.now().plusSeconds(6 * 86400)), "the link works for the configured 7 days");
        var link = ready[0].get("download").asText();

        // oz has no export, and nia's link read with oz's token is no link at all.
        assertProblem(api.get("/api/v1/me/export", oz), 404, null);
        assertProblem(api.get(link, oz), 404, null);
        assertEquals(401, api.get(link, null).statusCode());
        assertProblem(api.get("/api/v1/me/export/download/not-a-token", nia), 404, null);

        var files = unzip(download(link, nia));
        assertEquals(Set.of("kindred.json", "outbox.json"), files.keySet());
        var readable = ApiClient.JSON.readTree(files.get("kindred.json"));
        assertEquals("nia", readable.get("profile").get("username").asText());
        assertFalse(readable.get("settings").get("content_warnings_open").asBoolean());
        var posts = readable.get("posts");
        assertEquals(3, posts.size(), posts.toString());
        assertEquals("**Tea** at night", posts.get(0).get("markdown").asText());
        assertTrue(posts.get(0).get("html").asText().contains("<strong>Tea</strong>"));
        assertEquals(1, readable.get("votes").size());
        assertEquals(1, readable.get("reports_filed").size());
        assertEquals(
                "nia's own words",
                readable.get("reports_filed").get(0).get("text").asText());
        assertFalse(
                files.get("kindred.json").contains("secret words of oz"),
                "a report about the member is not theirs to see");
        assertEquals(1, readable.get("mutes").size());
        var checkIns = readable.get("check_ins");
        assertEquals(2, checkIns.size(), checkIns.toString());
        assertTrue(checkIns.get(0).get("html").asText().contains("Thinking of you, nia"));
        assertTrue(checkIns.get(0).get("from_moderator").asBoolean());
        assertTrue(checkIns.get(1).get("html").asText().contains("I am alright"));
        assertTrue(readable.has("notifications") && readable.has("subscriptions") && readable.has("blocks"));

        var outbox = ApiClient.JSON.readTree(files.get("outbox.json"));
        assertEquals("OrderedCollection", outbox.get("type").asText());
        assertEquals(3, outbox.get("totalItems").asInt());
        var reader = new ActivityPubReader();
        var objects = new HashSet<String>();
        for (var item : outbox.get("orderedItems")) {
            var read = reader.read(item);
            if (!(read instanceof ReadResult.Supported(Activity activity))) throw new AssertionError(read + " " + item);
            assertEquals(ActivityType.Create, activity.type());
            assertEquals(server.base() + "/u/nia", activity.actor());
            if (!(activity.objects().getFirst() instanceof Ref.Embedded(ContentObject object))) {
                throw new AssertionError("the Create carries its post: " + item);
            }
            objects.add(object.id());
        }
        assertEquals(
                Set.of(
                        server.base() + "/p/" + thread,
                        server.base() + "/p/" + comment,
                        posts.get(2).get("ap_id").asText()),
                objects,
                "every post, each once");
    }

    @Test
    void askingAgainWhileOneIsReadyMakesANewOneAndTheOldLinkStops() throws Exception {
        var pam = api.member("pam");
        api.post("/api/v1/me/export", null, pam);
        var first = new String[1];
        Eventually.eventually(() -> {
            var s = body(api.get("/api/v1/me/export", pam));
            assertEquals("ready", s.get("status").asText());
            first[0] = s.get("download").asText();
        });
        api.post("/api/v1/me/export", null, pam);
        Eventually.eventually(() -> assertEquals(
                "ready", body(api.get("/api/v1/me/export", pam)).get("status").asText()));
        assertNotEquals(
                first[0],
                body(api.get("/api/v1/me/export", pam)).get("download").asText());
        assertProblem(api.get(first[0], pam), 404, null);
    }

    /** Issue 19: the export worker has its own connections, so readers holding every request connection cannot stall it. */
    @Test
    void anExportIsMadeWhileReadersHoldEveryRequestConnection() throws Exception {
        var kai = api.member("kai");
        assertEquals(202, api.post("/api/v1/me/export", null, kai).statusCode());
        var requests = server.app().database();
        var held = new java.util.ArrayList<java.sql.Connection>();
        try {
            // Take the request pool's connections until it has none left to give.
            while (true) {
                try {
                    held.add(requests.dataSource().getConnection());
                } catch (java.sql.SQLException exhausted) {
                    break;
                }
            }
            assertFalse(held.isEmpty());
            Eventually.eventually(() -> assertEquals(
                    "ready",
                    server.app()
                            .database()
                            .background()
                            .read(c -> app.kindred.storage.Sql.one(
                                    c,
                                    "select e.status from member_export e join account a on a.id = e.account_id"
                                            + " where a.username = 'kai'",
                                    rs -> rs.getString(1)))
                            .orElse(null)));
        } finally {
            for (var c : held) c.close();
        }
        assertEquals(
                "ready", body(api.get("/api/v1/me/export", kai)).get("status").asText());
    }

    private static long post(String path, Map<String, Object> body, String token) {
        var response = api.post(path, new HashMap<>(body), token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    private static byte[] download(String link, String token) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.base() + link))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(
                "application/zip", response.headers().firstValue("Content-Type").orElse(""));
        return response.body();
    }

    private static Map<String, String> unzip(byte[] zip) throws IOException {
        var out = new HashMap<String, String>();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                out.put(entry.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
