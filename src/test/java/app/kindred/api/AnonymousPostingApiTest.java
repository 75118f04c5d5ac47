package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The anonymous-posting setting and what moderators do about anonymous posts (issue 17): only
 * moderators turn it on, bad values are refused, names cannot pose as pseudonyms, and a ban naming
 * a pseudonym bans the member behind it, taking their anonymous posts with remove_data.
 */
class AnonymousPostingApiTest {
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
    void onlyModeratorsTurnItOnAndOnlyTrueOrFalseIsTaken() {
        var mod = api.member("keeper");
        var member = api.member("passerby");
        long community = api.community(mod, "still");
        assertProblem(
                api.patch("/api/v1/communities/" + community, Map.of("anonymous_posting", true), member), 403, null);
        assertProblem(
                api.patch("/api/v1/communities/" + community, "{\"anonymous_posting\": \"yes\"}", mod),
                400,
                "anonymous_posting");
        // A body refused for any of its fields changes none of them, whatever feature stores each.
        assertEquals(
                422,
                api.patch(
                                "/api/v1/communities/" + community,
                                Map.of("anonymous_posting", true, "sensitive", true, "hold_posts", "sometimes"),
                                mod)
                        .statusCode());
        assertFalse(body(api.get("/api/v1/communities/" + community, null))
                .get("anonymous_posting")
                .asBoolean());
        assertFalse(body(api.get("/api/v1/communities/" + community, null))
                .path("sensitive")
                .asBoolean());
        var on = api.patch(
                "/api/v1/communities/" + community, Map.of("anonymous_posting", true, "title", "Still waters"), mod);
        assertEquals(200, on.statusCode(), on.body());
        assertTrue(body(on).get("anonymous_posting").asBoolean());
        assertEquals("Still waters", body(on).get("title").asText(), "the other settings in the body apply too");
        assertEquals(
                201,
                api.post(
                                "/api/v1/communities/" + community + "/threads",
                                Map.of("title", "Quietly", "anonymous", true),
                                member)
                        .statusCode());
        api.patch("/api/v1/communities/" + community, Map.of("anonymous_posting", false), mod);
        assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Again", "anonymous", true),
                        member),
                409,
                "anonymous");
        // Nobody may take a name that looks like a pseudonym.
        var refused = assertThrows(
                Refusal.class, () -> server.app().members().create("anon_abc", "a calm long passphrase", Role.MEMBER));
        assertEquals("name", refused.field());
    }

    @Test
    void aBanNamingAPseudonymBansItsWriterAndTakesTheirAnonymousPosts() {
        var mod = api.member("warden");
        var writer = api.member("hidden");
        long community = api.community(mod, "harbour");
        api.patch("/api/v1/communities/" + community, Map.of("anonymous_posting", true), mod);
        var thread = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Unkind", "body", "words", "anonymous", true),
                writer));
        long own = body(api.post(
                        "/api/v1/communities/" + community + "/threads", Map.of("title", "Mine", "body", "x"), writer))
                .get("id")
                .asLong();
        var pseudonym = thread.get("author").asText();
        assertTrue(pseudonym.startsWith("anon_"), pseudonym);

        var banned = api.post(
                "/api/v1/communities/" + community + "/bans",
                Map.of("actor", pseudonym, "reason", "cruelty", "remove_data", true),
                mod);
        assertEquals(204, banned.statusCode(), banned.body());
        var bans = body(api.get("/api/v1/communities/" + community + "/bans", mod));
        assertEquals(1, bans.size(), bans.toString());
        assertTrue(bans.get(0).get("actor").asText().endsWith("/u/hidden"), bans.toString());
        assertTrue(body(api.get("/api/v1/posts/" + thread.get("id").asLong(), null))
                .get("removed")
                .asBoolean());
        assertTrue(body(api.get("/api/v1/posts/" + own, null)).get("removed").asBoolean());
        // The writer, banned, cannot post anonymously either.
        assertEquals(
                403,
                api.post(
                                "/api/v1/communities/" + community + "/threads",
                                Map.of("title", "Back", "anonymous", true),
                                writer)
                        .statusCode());
    }
}
