package app.kindred.moderation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The moderators' private notes and escalation through the API (issue 15): a community's
 * moderators and the admins read and write notes about a member; the member, other members and
 * moderators of other communities cannot; a report is escalated to the admins once.
 */
class MemberNotesApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String mod, other, member, admin;
    private static long circle, elsewhere;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        mod = api.member("mira");
        other = api.member("otto");
        member = api.member("bob");
        server.app().members().create("alice", "correct horse battery", Role.ADMIN);
        admin = api.logIn("alice");
        circle = api.community(mod, "circle");
        elsewhere = api.community(other, "elsewhere");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String notes(long community) {
        return "/api/v1/communities/" + community + "/notes";
    }

    @Test
    void moderatorsAndAdminsKeepNotesTheMemberAndOthersNeverReach() {
        var added = api.post(notes(circle), Map.of("actor", "bob", "text", "Kind words helped last time"), mod);
        assertEquals(201, added.statusCode(), added.body());
        var note = ApiClient.body(added);
        assertEquals("Kind words helped last time", note.get("text").asText());
        assertTrue(note.get("author").asText().startsWith("mira@"));
        assertTrue(note.get("actor").asText().endsWith("/bob"));
        assertEquals(
                201,
                api.post(notes(circle), Map.of("actor", "bob", "text", "Second note"), admin)
                        .statusCode());

        var list = ApiClient.body(api.get(notes(circle) + "?actor=bob", mod));
        assertEquals(2, list.size());
        assertEquals("Kind words helped last time", list.get(0).get("text").asText());
        assertEquals(
                2, ApiClient.body(api.get(notes(circle) + "?actor=bob", admin)).size());

        // The member and a moderator of another community are refused; nothing is written.
        for (var who : new String[] {member, other}) {
            assertEquals(403, api.get(notes(circle) + "?actor=bob", who).statusCode());
            assertEquals(
                    403,
                    api.post(notes(circle), Map.of("actor", "bob", "text", "x"), who)
                            .statusCode());
        }
        assertEquals(401, api.get(notes(circle) + "?actor=bob", null).statusCode());
        // Notes belong to their community: another community's moderators see none of circle's.
        assertEquals(
                0,
                ApiClient.body(api.get(notes(elsewhere) + "?actor=bob", other)).size());
        assertEquals(2, api.count("select count(*) from member_note"));

        long id = list.get(1).get("id").asLong();
        assertEquals(403, api.delete(notes(circle) + "/" + id, member).statusCode());
        assertEquals(204, api.delete(notes(circle) + "/" + id, mod).statusCode());
        assertEquals(404, api.delete(notes(circle) + "/" + id, mod).statusCode());
    }

    @Test
    void badInputIsAnsweredByItsField() {
        var empty = api.post(notes(circle), Map.of("actor", "bob", "text", "   "), mod);
        assertEquals(422, empty.statusCode(), empty.body());
        var unknown = api.post(notes(circle), Map.of("actor", "nobody@nowhere.example", "text", "x"), mod);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(422, api.get(notes(circle), mod).statusCode());
        var tooLong = api.post(notes(circle), Map.of("actor", "bob", "text", "x".repeat(2_001)), mod);
        assertEquals(422, tooLong.statusCode());
    }

    @Test
    void aReportIsEscalatedToTheAdminsOnce() {
        var thread = api.post(
                "/api/v1/communities/" + circle + "/threads", Map.of("title", "An advert", "body", "buy"), member);
        assertEquals(201, thread.statusCode(), thread.body());
        long post = ApiClient.body(thread).get("id").asLong();
        var filed = api.post("/api/v1/reports", Map.of("post", post, "category", "spam"), api.member("carl"));
        assertEquals(201, filed.statusCode(), filed.body());
        long report = api.count("select max(id) from report");
        assertEquals(
                404,
                api.post("/api/v1/reports/" + report + "/escalate", Map.of(), other)
                        .statusCode(),
                "a moderator of another community is not told the report exists");
        var escalated = api.post("/api/v1/reports/" + report + "/escalate", Map.of("note", "threats"), mod);
        assertEquals(200, escalated.statusCode(), escalated.body());
        var body = ApiClient.body(escalated);
        assertEquals("threats", body.get("note").asText());
        assertTrue(body.get("escalated_by").asText().startsWith("mira@"));
        assertEquals(
                409,
                api.post("/api/v1/reports/" + report + "/escalate", Map.of(), mod)
                        .statusCode());
        assertEquals(
                List.of(report),
                server.app()
                        .reports()
                        .escalatedOpen(server.app().members().find("alice").orElseThrow()));
    }
}
