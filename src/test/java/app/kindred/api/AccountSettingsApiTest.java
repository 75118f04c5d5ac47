package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A member's own settings: the content-warning preference, password, and sessions. */
class AccountSettingsApiTest {
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void contentWarningsStartClosedAndTheMemberMayOpenThemByDefault() {
        var token = api.member("cora");
        var me = body(api.get("/api/v1/me", token));
        assertEquals("cora", me.get("username").asText());
        assertFalse(me.get("content_warnings_open").asBoolean());

        var changed = api.patch("/api/v1/me", Map.of("content_warnings_open", true), token);
        assertEquals(200, changed.statusCode(), changed.body());
        assertTrue(body(changed).get("content_warnings_open").asBoolean());
        assertTrue(
                body(api.get("/api/v1/me", token)).get("content_warnings_open").asBoolean());
        assertFalse(
                body(api.get("/api/v1/me", api.member("dora")))
                        .get("content_warnings_open")
                        .asBoolean(),
                "one member's choice");

        assertEquals(200, api.patch("/api/v1/me", Map.of(), token).statusCode(), "leaving it out changes nothing");
        assertTrue(
                body(api.get("/api/v1/me", token)).get("content_warnings_open").asBoolean());
        assertProblem(
                api.patch("/api/v1/me", Map.of("content_warnings_open", "yes"), token), 400, "content_warnings_open");
        assertProblem(api.patch("/api/v1/me", Map.of("username", "other"), token), 400, "username");
        assertProblem(api.patch("/api/v1/me", Map.of("content_warnings_open", false), null), 401, null);
    }

    @Test
    void sessionsAreListedWithoutTokensOrAddressesAndCanBeEnded() {
        var phone = api.member("enzo");
        var laptop = api.logIn("enzo");
        var listed = api.get("/api/v1/me/sessions", phone);
        assertEquals(200, listed.statusCode(), listed.body());
        var sessions = body(listed);
        assertEquals(2, sessions.size(), sessions.toString());
        long current = -1, other = -1;
        for (var s : sessions) {
            assertTrue(s.has("created") && s.has("last_used") && s.has("expires"), s.toString());
            assertEquals(5, s.size(), "id, created, last_used, expires, current; nothing else: " + s);
            if (s.get("current").asBoolean()) current = s.get("id").asLong();
            else other = s.get("id").asLong();
        }
        assertTrue(current > 0 && other > 0);
        assertFalse(listed.body().contains(phone) || listed.body().contains(laptop), "no token is shown");

        // Another member cannot end it, nor learn that it exists.
        assertProblem(api.delete("/api/v1/me/sessions/" + other, api.member("fern")), 404, null);
        assertEquals(200, api.get("/api/v1/me", laptop).statusCode());

        assertEquals(204, api.delete("/api/v1/me/sessions/" + other, phone).statusCode());
        assertProblem(api.get("/api/v1/me", laptop), 401, null);
        assertEquals(200, api.get("/api/v1/me", phone).statusCode());
        assertEquals(1, body(api.get("/api/v1/me/sessions", phone)).size());
        assertProblem(api.delete("/api/v1/me/sessions/" + other, phone), 404, null);
        assertProblem(api.delete("/api/v1/me/sessions/x", phone), 400, "id");
    }

    @Test
    void changingThePasswordNeedsTheCurrentOneAndEndsEveryOtherSession() {
        var here = api.member("gwen");
        var elsewhere = api.logIn("gwen");

        assertProblem(
                api.post(
                        "/api/v1/me/password",
                        Map.of("current_password", "wrong password!", "new_password", "a new long password"),
                        here),
                422,
                "current_password");
        assertProblem(
                api.post(
                        "/api/v1/me/password",
                        Map.of("current_password", ApiClient.PASSWORD, "new_password", "short"),
                        here),
                422,
                "new_password");
        assertEquals(200, api.get("/api/v1/me", elsewhere).statusCode(), "a refused change ends nothing");

        var changed = api.post(
                "/api/v1/me/password",
                Map.of("current_password", ApiClient.PASSWORD, "new_password", "a new long password"),
                here);
        assertEquals(204, changed.statusCode(), changed.body());
        assertEquals(200, api.get("/api/v1/me", here).statusCode(), "the session in use stays");
        assertProblem(api.get("/api/v1/me", elsewhere), 401, null);

        assertEquals(
                401,
                api.post("/api/v1/auth/login", Map.of("username", "gwen", "password", ApiClient.PASSWORD), null)
                        .statusCode());
        assertEquals(
                200,
                api.post("/api/v1/auth/login", Map.of("username", "gwen", "password", "a new long password"), null)
                        .statusCode());
        assertProblem(api.post("/api/v1/me/password", Map.of("new_password", "another long one"), null), 401, null);
    }

    @Test
    void aSessionRemembersWhenItWasLastUsedRoughly() {
        var token = api.member("hugo");
        server.sql("update session set last_used_at = created_at - interval '1 hour'");
        assertEquals(200, api.get("/api/v1/me", token).statusCode());
        var session = body(api.get("/api/v1/me/sessions", token)).get(0);
        assertTrue(
                session.get("last_used")
                                .asText()
                                .compareTo(session.get("created").asText())
                        >= 0,
                "using it moved last_used past an hour ago: " + session);
    }
}
