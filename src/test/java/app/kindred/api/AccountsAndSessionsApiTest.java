package app.kindred.api;

import static app.kindred.api.ApiClient.PASSWORD;
import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.storage.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Registering, signing in and out, and what a token is worth once expired or revoked. */
class AccountsAndSessionsApiTest {
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void openRegistrationCreatesAMemberWhoCanSignIn() {
        var response = api.post("/api/v1/accounts", Map.of("username", "robin", "password", PASSWORD), null);
        assertEquals(201, response.statusCode(), response.body());
        var member = body(response);
        assertEquals("robin", member.get("username").asText());
        assertEquals("member", member.get("role").asText());
        assertEquals("robin@" + server.domain(), member.get("handle").asText());
        assertEquals(server.base() + "/u/robin", member.get("actor_id").asText());

        var token = api.logIn("robin");
        var me = api.get("/api/v1/me", token);
        assertEquals(200, me.statusCode());
        assertEquals("robin", body(me).get("username").asText());
        assertEquals(server.base() + "/u/robin", body(me).get("actor_id").asText());
    }

    @Test
    void registrationRefusesWhatMemberServiceRefusesNamingTheField() {
        long accounts = api.count("select count(*) from account");
        assertProblem(
                api.post("/api/v1/accounts", Map.of("username", "Bad Name", "password", PASSWORD), null),
                422,
                "username");
        assertProblem(
                api.post("/api/v1/accounts", Map.of("username", "shorty", "password", "short"), null), 422, "password");
        assertProblem(api.post("/api/v1/accounts", Map.of("password", PASSWORD), null), 422, "username");
        assertProblem(api.post("/api/v1/accounts", Map.of("username", 7, "password", PASSWORD), null), 400, "username");
        assertProblem(
                api.post("/api/v1/accounts", Map.of("username", "x", "password", PASSWORD, "email", "x@y"), null),
                400,
                "email");
        assertProblem(api.post("/api/v1/accounts", "{\"username\": ", null), 400, null);
        assertProblem(api.post("/api/v1/accounts", "[1, 2]", null), 400, null);
        assertEquals(accounts, api.count("select count(*) from account"), "a refused registration creates nothing");

        api.post("/api/v1/accounts", Map.of("username", "taken", "password", PASSWORD), null);
        long after = api.count("select count(*) from account");
        assertProblem(
                api.post("/api/v1/accounts", Map.of("username", "taken", "password", PASSWORD), null), 409, "username");
        assertEquals(after, api.count("select count(*) from account"));
        assertEquals(after, api.count("select count(*) from actor where type = 'Person'"));
    }

    @Test
    void aPasswordLongerThan1024CharactersIsRefusedBeforeHashingAtSignUpAndLogin() {
        long accounts = api.count("select count(*) from account");
        var problem = assertProblem(
                api.post("/api/v1/accounts", Map.of("username", "verbose", "password", "p".repeat(1025)), null),
                422,
                "password");
        assertTrue(problem.get("detail").asText().contains("1024"), problem.toString());
        assertEquals(accounts, api.count("select count(*) from account"));
        assertEquals(
                201,
                api.post("/api/v1/accounts", Map.of("username", "longest", "password", "p".repeat(1024)), null)
                        .statusCode());

        assertProblem(
                api.post("/api/v1/auth/login", Map.of("username", "longest", "password", "p".repeat(1_000_000)), null),
                422,
                "password");
    }

    @Test
    void closedRegistrationsAnswer403AndCreateNothing() {
        try (var closed = TestServer.start()) {
            var closedApi = new ApiClient(closed);
            var problem = assertProblem(
                    closedApi.post("/api/v1/accounts", Map.of("username", "robin", "password", PASSWORD), null),
                    403,
                    null);
            assertTrue(problem.get("detail").asText().contains("registrations are closed"), problem.toString());
            assertEquals(0, closedApi.count("select count(*) from account"));
            assertEquals(0, closedApi.count("select count(*) from actor where type = 'Person'"));
        }
    }

    @Test
    void loginIssuesAThirtyDayTokenStoredOnlyAsItsHash() throws Exception {
        server.app().members().create("hashed", PASSWORD, app.kindred.member.Role.MEMBER);
        server.sql("update account set last_active_at = now() - interval '90 days' where username = 'hashed'");
        var before = Instant.now();
        var response = api.post("/api/v1/auth/login", Map.of("username", "hashed", "password", PASSWORD), null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
        var token = body(response).get("token").asText();
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        var expires = Instant.parse(body(response).get("expires_at").asText());
        assertTrue(
                Duration.between(before, expires).compareTo(Duration.ofDays(30).minusMinutes(1)) > 0,
                expires.toString());
        assertTrue(
                Duration.between(before, expires).compareTo(Duration.ofDays(30).plusMinutes(1)) < 0,
                expires.toString());

        var stored = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select s.token_hash from session s join account a on a.id = s.account_id where a.username = 'hashed'",
                        rs -> rs.getBytes(1)));
        assertEquals(1, stored.size());
        var sha256 = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        assertArrayEquals(sha256, stored.get(0));
        // The raw token appears nowhere in the session table, in any encoding of any column.
        var everything =
                server.app().database().read(c -> Sql.list(c, "select s::text from session s", rs -> rs.getString(1)));
        var hex = HexFormat.of().formatHex(Base64.getUrlDecoder().decode(token));
        for (var row : everything) {
            assertFalse(row.contains(token), row);
            assertFalse(row.contains(hex), row);
        }
        // Signing in counts as activity for NodeInfo.
        assertEquals(
                1,
                api.count(
                        "select count(*) from account where username = 'hashed' and last_active_at > now() - interval '1 minute'"));
    }

    @Test
    void wrongCredentialsAnswerTheSameForAnUnknownNameAndAWrongPassword() {
        server.app().members().create("known", PASSWORD, app.kindred.member.Role.MEMBER);
        long sessions = api.count("select count(*) from session");
        var unknown = assertProblem(
                api.post("/api/v1/auth/login", Map.of("username", "nobody", "password", PASSWORD), null), 401, null);
        var wrong = assertProblem(
                api.post("/api/v1/auth/login", Map.of("username", "known", "password", "not the password"), null),
                401,
                null);
        assertEquals(unknown.get("detail"), wrong.get("detail"));
        assertEquals(unknown.get("title"), wrong.get("title"));
        assertProblem(
                api.post("/api/v1/auth/login", Map.of("username", "known", "password", List.of()), null),
                400,
                "password");
        assertEquals(sessions, api.count("select count(*) from session"), "no session for a failed sign-in");
    }

    @Test
    void logoutRevokesThePresentedTokenOnly() {
        server.app().members().create("twice", PASSWORD, app.kindred.member.Role.MEMBER);
        var phone = api.logIn("twice");
        var laptop = api.logIn("twice");
        assertNotEquals(phone, laptop);
        assertEquals(204, api.post("/api/v1/auth/logout", null, phone).statusCode());
        assertProblem(api.get("/api/v1/me", phone), 401, null);
        assertProblem(api.post("/api/v1/auth/logout", null, phone), 401, null);
        assertEquals(200, api.get("/api/v1/me", laptop).statusCode(), "the other session still works");
        assertEquals(
                1,
                api.count("select count(*) from session s join account a on a.id = s.account_id "
                        + "where a.username = 'twice' and s.revoked_at is not null"));
    }

    @Test
    void anExpiredTokenIsRefused() {
        var token = api.member("expiring");
        assertEquals(200, api.get("/api/v1/me", token).statusCode());
        server.sql("update session set expires_at = now() - interval '1 second' where account_id = "
                + "(select id from account where username = 'expiring')");
        var problem = assertProblem(api.get("/api/v1/me", token), 401, null);
        assertTrue(problem.get("detail").asText().contains("expired"), problem.toString());
    }

    @Test
    void writesWithoutAValidTokenAreRefused() {
        long communities = api.count("select count(*) from community");
        var create = Map.of("name", "nope", "title", "Nope");
        assertProblem(api.post("/api/v1/communities", create, null), 401, null);
        assertProblem(api.post("/api/v1/communities", create, "not-a-token"), 401, null);
        var raw = api.send("POST", "/api/v1/communities", "{\"name\":\"nope\",\"title\":\"Nope\"}", null);
        assertProblem(raw, 401, null);
        assertProblem(api.get("/api/v1/me", null), 401, null);
        assertProblem(api.get("/api/v1/me/subscriptions", null), 401, null);
        assertProblem(api.post("/api/v1/follows", Map.of("community", "x"), null), 401, null);
        assertEquals(communities, api.count("select count(*) from community"));
    }
}
