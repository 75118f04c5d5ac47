package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Account deletion through the API (issue 18): confirmed by password, waiting out the grace period
 * (signing in cancels it), then erasing the account in one transaction with its Delete{Person}.
 */
class AccountDeletionApiTest {
    /** Default grace (7d): for scheduling and cancelling. */
    private static TestServer graceful;
    /** accounts.deletion_grace = 0s: deletions run at once. */
    private static TestServer prompt;

    private static ApiClient gracefulApi, api;
    private static long community;
    private static long remoteFollower;

    @BeforeAll
    static void start() {
        graceful = TestServer.start();
        gracefulApi = new ApiClient(graceful);
        prompt = TestServer.start(
                Map.of("KINDRED_ACCOUNTS_DELETION_GRACE", "0s", "KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        api = new ApiClient(prompt);
        community = api.community(api.member("host"), "circle");
        // A remote server follows the community: it holds copies of what is posted there.
        prompt.sql("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox)
                values ('https://remote.example/users/ro', 'Person', 'ro', 'remote.example', false,
                        'https://remote.example/users/ro/inbox', 'https://remote.example/inbox')""");
        remoteFollower = api.count("select id from actor where uri = 'https://remote.example/users/ro'");
        prompt.sql(
                "insert into follow (follower_id, followed_id, state) select ?, actor_id, 'accepted' from community where id = ?",
                remoteFollower,
                community);
    }

    @AfterAll
    static void stop() {
        if (prompt != null) prompt.close();
        if (graceful != null) graceful.close();
    }

    private static Map<String, Object> confirm(String password, Boolean keep) {
        var body = new java.util.HashMap<String, Object>();
        if (password != null) body.put("password", password);
        if (keep != null) body.put("keep_posts", keep);
        return body;
    }

    private static long post(ApiClient on, String path, Map<String, Object> body, String token) {
        var response = on.post(path, body, token);
        assertEquals(201, response.statusCode(), response.body());
        return body(response).get("id").asLong();
    }

    /** A request the member makes on the prompt server before leaving; it must succeed with that status. */
    private static void expect(int status, String path, Map<String, Object> body, String token) {
        var response = api.post(path, body, token);
        assertEquals(status, response.statusCode(), response.body());
    }

    @Test
    void theOnlyAdminCannotLeaveUntilSomeoneElseIsAnAdmin() {
        graceful.app().members().create("warden", ApiClient.PASSWORD, Role.ADMIN);
        var token = gracefulApi.logIn("warden");
        var body = ApiClient.JSON.valueToTree(confirm(ApiClient.PASSWORD, true)).toString();
        var problem = assertProblem(gracefulApi.send("DELETE", "/api/v1/me", body, token), 409, "role");
        assertTrue(problem.get("detail").asText().contains("make someone else an admin first"), problem.toString());
        String waiting =
                "select count(*) from account_deletion d join account a on a.id = d.account_id where a.username = ?";
        assertEquals(0, gracefulApi.count(waiting, "warden"));
        assertEquals(200, gracefulApi.get("/api/v1/me", token).statusCode(), "still signed in");

        graceful.app().members().create("steward", ApiClient.PASSWORD, Role.ADMIN);
        var scheduled = gracefulApi.send("DELETE", "/api/v1/me", body, token);
        assertEquals(202, scheduled.statusCode(), scheduled.body());
        assertEquals(1, gracefulApi.count(waiting, "warden"));
        // The one who stays is now the only admin not leaving: they cannot go too.
        var steward = gracefulApi.logIn("steward");
        assertProblem(gracefulApi.send("DELETE", "/api/v1/me", body, steward), 409, "role");
        // Signing in cancels warden's, leaving nothing scheduled for the other tests on this server.
        gracefulApi.logIn("warden");
        assertEquals(0, gracefulApi.count(waiting, "warden"));
    }

    @Test
    void aWrongOrMissingPasswordOrChoiceIsRefusedAndChangesNothing() {
        var token = gracefulApi.member("wren");
        assertProblem(
                gracefulApi.send(
                        "DELETE",
                        "/api/v1/me",
                        ApiClient.JSON
                                .valueToTree(confirm("not mine at all", false))
                                .toString(),
                        token),
                422,
                "password");
        assertProblem(
                gracefulApi.send(
                        "DELETE",
                        "/api/v1/me",
                        ApiClient.JSON.valueToTree(confirm(null, false)).toString(),
                        token),
                422,
                "password");
        assertProblem(
                gracefulApi.send(
                        "DELETE",
                        "/api/v1/me",
                        ApiClient.JSON
                                .valueToTree(confirm(ApiClient.PASSWORD, null))
                                .toString(),
                        token),
                422,
                "keep_posts");
        assertProblem(
                gracefulApi.send("DELETE", "/api/v1/me", "{\"password\": \"x\", \"keep_posts\": \"yes\"}", token),
                400,
                "keep_posts");
        assertProblem(gracefulApi.send("DELETE", "/api/v1/me", null, null), 401, null);
        assertEquals(0, gracefulApi.count("select count(*) from account_deletion"));
        assertEquals(200, gracefulApi.get("/api/v1/me", token).statusCode(), "still signed in");
    }

    @Test
    void aScheduledDeletionSignsOutEverywhereWaitsForTheGraceAndSigningInCancelsIt() {
        var token = gracefulApi.member("ash");
        var other = gracefulApi.logIn("ash");
        var scheduled = gracefulApi.send(
                "DELETE",
                "/api/v1/me",
                ApiClient.JSON.valueToTree(confirm(ApiClient.PASSWORD, true)).toString(),
                token);
        assertEquals(202, scheduled.statusCode(), scheduled.body());
        var due = Instant.parse(body(scheduled).get("due_at").asText());
        var requested = Instant.parse(body(scheduled).get("requested_at").asText());
        assertEquals(Duration.ofDays(7), Duration.between(requested, due), "the default grace is 7 days");
        assertTrue(body(scheduled).get("keep_posts").asBoolean());
        assertEquals(401, gracefulApi.get("/api/v1/me", token).statusCode(), "this session ended");
        assertEquals(401, gracefulApi.get("/api/v1/me", other).statusCode(), "and every other one");

        // The worker finds nothing due yet.
        assertFalse(graceful.app().deletions().runNext());
        assertEquals(1, gracefulApi.count("select count(*) from account where username = 'ash'"));

        // Signing in cancels it, and says so once.
        var login =
                gracefulApi.post("/api/v1/auth/login", Map.of("username", "ash", "password", ApiClient.PASSWORD), null);
        assertEquals(200, login.statusCode(), login.body());
        assertTrue(body(login).get("deletion_cancelled").asBoolean());
        var again = body(login).get("token").asText();
        assertProblem(gracefulApi.get("/api/v1/me/deletion", again), 404, null);
        var next =
                gracefulApi.post("/api/v1/auth/login", Map.of("username", "ash", "password", ApiClient.PASSWORD), null);
        assertFalse(body(next).get("deletion_cancelled").asBoolean());
        assertEquals(0, gracefulApi.count("select count(*) from account_deletion"));
    }

    @Test
    void aDeletionErasesTheAccountTellsTheFollowersServerAndLeavesATombstone() throws Exception {
        var token = api.member("lark");
        long lark = prompt.actorId("lark");
        var friend = api.member("finch");
        long thread = post(
                api,
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Nights", "body", "I cannot sleep, **again**"),
                token);
        long comment = post(api, "/api/v1/posts/" + thread + "/comments", Map.of("body", "Still awake"), token);
        long finchs = post(
                api, "/api/v1/communities/" + community + "/threads", Map.of("title", "Mine", "body", "Hi"), friend);
        post(api, "/api/v1/posts/" + finchs + "/comments", Map.of("body", "A reply to finch"), token);
        expect(200, "/api/v1/posts/" + finchs + "/vote", Map.of("value", 1), token);
        expect(201, "/api/v1/reports", Map.of("post", finchs, "category", "other", "text", "words of lark"), token);
        expect(201, "/api/v1/me/mutes", Map.of("member", "finch"), token);
        expect(201, "/api/v1/me/breaks", Map.of("length", "day"), token);

        var scheduled = api.send(
                "DELETE",
                "/api/v1/me",
                ApiClient.JSON.valueToTree(confirm(ApiClient.PASSWORD, false)).toString(),
                token);
        assertEquals(202, scheduled.statusCode(), scheduled.body());
        assertTrue(prompt.app().deletions().runNext());
        assertFalse(prompt.app().deletions().runNext(), "done once");

        // The account and everything private to it are gone.
        assertEquals(0, api.count("select count(*) from account where username = 'lark'"));
        for (var table : new String[] {"member_distance", "member_break", "session", "notification"}) {
            assertEquals(
                    0,
                    api.count("select count(*) from " + table
                            + " t where not exists (select 1 from account a where a.id = t.account_id)"),
                    table);
        }
        assertEquals(0, api.count("select count(*) from vote where actor_id = ?", lark));
        // Their posts are tombstones; the thread's place stays.
        assertEquals(
                3,
                api.count(
                        "select count(*) from post where author_id = ? and deleted_at is not null and content_html = ''",
                        lark));
        var shown = body(api.get("/api/v1/posts/" + comment, null));
        assertTrue(shown.get("deleted").asBoolean(), shown.toString());
        // Their report stays for the moderators, without their name.
        assertEquals(
                1,
                api.count("select count(*) from report_filing where text = 'words of lark' and reporter_id is null"));

        // One Delete{Person}, signed by them, queued to the server that follows the community.
        var delete = ApiClient.JSON.readTree(prompt.app()
                .database()
                .read(c -> Sql.one(
                        c, "select body from outbound_activity where actor_id = ?", rs -> rs.getString(1), lark))
                .orElseThrow());
        var uri = prompt.base() + "/u/lark";
        assertEquals("Delete", delete.get("type").asText());
        assertEquals(uri, delete.get("actor").asText());
        assertEquals(uri, delete.get("object").asText());
        assertTrue(delete.get("removeData").asBoolean());
        assertEquals(
                1,
                api.count("select count(*) from outbound_activity where actor_id = ?", lark),
                "their earlier activities are gone");
        assertEquals(1, api.count("""
                select count(*) from delivery d join outbound_activity o on o.id = d.outbound_id
                where o.actor_id = ? and d.inbox = 'https://remote.example/inbox'""", lark));

        // Their actor answers 410 with a Tombstone; WebFinger no longer finds the name.
        var gone = prompt.get("/u/lark", TestServer.ACTIVITY_JSON);
        assertEquals(410, gone.statusCode(), gone.body());
        assertEquals("Tombstone", TestServer.json(gone).get("type").asText());
        assertEquals(uri, TestServer.json(gone).get("id").asText());
        assertEquals(410, prompt.get("/u/lark/outbox", TestServer.ACTIVITY_JSON).statusCode());
        assertEquals(
                404,
                prompt.get("/.well-known/webfinger?resource=acct:lark@" + prompt.domain())
                        .statusCode());

        // The key that signs the Delete stays until it is delivered, then goes.
        prompt.app().deletions().eraseSpentKeys();
        assertEquals(1, api.count("select count(*) from actor_private_key where actor_id = ?", lark));
        prompt.sql(
                "update delivery set state = 'delivered' where outbound_id in (select id from outbound_activity where actor_id = ?)",
                lark);
        prompt.sql("delete from delivery_fanout");
        assertEquals(1, prompt.app().deletions().eraseSpentKeys());
        assertEquals(0, api.count("select count(*) from actor_private_key where actor_id = ?", lark));

        // Nobody may take the name for a year.
        var taken = api.post("/api/v1/accounts", Map.of("username", "lark", "password", ApiClient.PASSWORD), null);
        var problem = assertProblem(taken, 409, "username");
        assertTrue(problem.get("detail").asText().contains("deleted their account"), problem.toString());
        prompt.sql("update actor set gone_at = now() - interval '366 days' where id = ?", lark);
        var later = api.post("/api/v1/accounts", Map.of("username", "lark", "password", ApiClient.PASSWORD), null);
        assertEquals(201, later.statusCode(), later.body());
        assertNotEquals(lark, prompt.actorId("lark"), "a new actor; the old one stays a tombstone");
        assertEquals(3, api.count("select count(*) from post where author_id = ?", lark));
    }

    @Test
    void keptPostsStayWithTheirAuthorShownAsADeletedMember() {
        var token = api.member("robin");
        long robin = prompt.actorId("robin");
        long thread = post(
                api,
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Kept", "body", "Words worth keeping"),
                token);
        var scheduled = api.send(
                "DELETE",
                "/api/v1/me",
                ApiClient.JSON.valueToTree(confirm(ApiClient.PASSWORD, true)).toString(),
                token);
        assertEquals(202, scheduled.statusCode(), scheduled.body());
        assertTrue(prompt.app().deletions().runNext());
        var shown = body(api.get("/api/v1/posts/" + thread, null));
        assertEquals("Words worth keeping", shown.get("source").asText(), shown.toString());
        assertEquals("[deleted member]", shown.get("author").asText(), shown.toString());
        assertFalse(shown.toString().contains("robin"), shown.toString());
        var delete = api.count(
                "select count(*) from outbound_activity where actor_id = ? and body::jsonb ->> 'removeData' = 'false'",
                robin);
        assertEquals(1, delete, "Delete{Person} says the posts stay");
    }

    /**
     * What remains of a deleted member is exactly what docs/members.md lists: the emptied actor row
     * (its address answers 410 and holds the name for a year), their posts as tombstones, the
     * Delete{Person} and its deliveries, and their reports without their name. Nothing else in any
     * table names them or points at them.
     */
    @Test
    void whatRemainsOfADeletedMemberIsExactlyWhatTheDesignKeeps() throws Exception {
        var token = api.member("heron");
        var heron = prompt.app().members().find("heron").orElseThrow();
        long actor = prompt.actorId("heron");
        var other = api.member("plover");
        var png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(
                new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", png);
        var image = prompt.app().media().upload(heron, png.toByteArray(), "a photo of my cat");
        long thread = post(
                api,
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Herons", "body", "Tall and patient", "media", java.util.List.of(image.id())),
                token);
        post(api, "/api/v1/posts/" + thread + "/comments", Map.of("body", "A reply from plover"), other);
        long plovers = post(
                api,
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Plovers", "body", "Small"),
                other);
        post(api, "/api/v1/posts/" + plovers + "/comments", Map.of("body", "Heron was here"), token);
        expect(200, "/api/v1/posts/" + plovers + "/vote", Map.of("value", 1), token);
        expect(201, "/api/v1/reports", Map.of("post", plovers, "category", "other", "text", "a worry"), token);
        expect(201, "/api/v1/me/mutes", Map.of("member", "plover"), token);
        expect(201, "/api/v1/me/blocks", Map.of("member", "host"), token);
        expect(201, "/api/v1/me/hidden_communities", Map.of("community_id", community), token);
        expect(201, "/api/v1/me/breaks", Map.of("length", "week"), token);
        expect(201, "/api/v1/me/mutes", Map.of("member", "heron"), other);
        api.post("/api/v1/me/export", Map.of(), token);
        assertEquals(
                1,
                api.count(
                        "select count(*) from notification n join account a on a.id = n.account_id where a.username = 'heron'"));

        var scheduled = api.send(
                "DELETE",
                "/api/v1/me",
                ApiClient.JSON.valueToTree(confirm(ApiClient.PASSWORD, false)).toString(),
                token);
        assertEquals(202, scheduled.statusCode(), scheduled.body());
        assertTrue(prompt.app().deletions().runNext());

        // Every row of every table, as text: which tables still name them (by name or address)?
        var uri = prompt.base() + "/u/heron";
        var naming = new java.util.TreeMap<String, Long>();
        prompt.app().database().read(c -> {
            for (var table : Sql.list(
                    c,
                    "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
                    rs -> rs.getString(1))) {
                long n = Sql.count(c, "select count(*) from \"" + table + "\" t where strpos(t::text, 'heron') > 0");
                if (n > 0) naming.put(table, n);
            }
            return null;
        });
        long deliveries = api.count(
                "select count(*) from delivery d join outbound_activity o on o.id = d.outbound_id where o.actor_id = ?",
                actor);
        var expected = new java.util.TreeMap<String, Long>(Map.of("actor", 1L, "outbound_activity", 1L));
        if (deliveries > 0) expected.put("delivery", deliveries);
        assertEquals(
                expected, naming, "only the emptied actor, its Delete{Person} and that Delete's deliveries name them");
        assertEquals(
                1,
                api.count(
                        "select count(*) from actor where id = ? and name is null and gone_at is not null and icon_media_id is null",
                        actor));
        assertEquals(
                uri,
                ApiClient.JSON
                        .readTree(prompt.app()
                                .database()
                                .read(c -> Sql.one(
                                        c,
                                        "select body from outbound_activity where actor_id = ?",
                                        rs -> rs.getString(1),
                                        actor))
                                .orElseThrow())
                        .get("object")
                        .asText());

        // And what points at them by id: their posts as tombstones, nothing else.
        assertEquals(
                2,
                api.count(
                        "select count(*) from post where author_id = ? and deleted_at is not null and content_html = '' and source_markdown is null",
                        actor));
        for (var reference : new String[] {
            "vote where actor_id = ?", "follow where follower_id = ? or followed_id = ?",
                    "member_distance where actor_id = ?",
            "community_moderator where actor_id = ?", "community_ban where actor_id = ?",
                    "report_filing where reporter_id = ?",
            "media where owner_id = ?", "report where decided_by = ?", "moderation_log where moderator_id = ?",
            "account where actor_id = ?"
        }) {
            var params = reference.contains(" or ") ? new Object[] {actor, actor} : new Object[] {actor};
            assertEquals(0, api.count("select count(*) from " + reference, params), reference);
        }
        assertEquals(
                1,
                api.count("select count(*) from report_filing where text = 'a worry' and reporter_id is null"),
                "their report stays, nameless");
        // Their upload is removed with its words, and its file deleted.
        assertEquals(
                1,
                api.count(
                        "select count(*) from media where id = ? and removed_at is not null and alt is null and file_deleted",
                        image.id()));
        // Nothing of theirs stays in the export folder.
        try (var files = java.nio.file.Files.list(
                prompt.app().config().dataDir().resolve("exports").toFile().exists()
                        ? prompt.app().config().dataDir().resolve("exports")
                        : prompt.app().config().dataDir())) {
            assertTrue(
                    files.noneMatch(f -> f.getFileName().toString().startsWith("kindred-export-" + heron.id() + "-")));
        }
    }
}
