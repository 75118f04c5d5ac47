package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The private-community journey through the pages (issue 17), as a browser without JavaScript
 * makes it: apply with answers, wait, be approved by a moderator on the applications page, then
 * read and reply; a refused applicant reads the reason; an empty answer comes back beside its field.
 */
class PrivateCommunityPagesTest {
    private static final String PASSWORD = "correct horse battery";
    private static TestServer server;
    private static ApiClient api;
    private static long haven;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        server.app().members().create("keeper", PASSWORD, Role.MEMBER);
        var keeper = api.logIn("keeper");
        haven = api.community(keeper, "haven");
        assertEquals(
                200,
                api.patch(
                                "/api/v1/communities/" + haven,
                                Map.of(
                                        "visibility",
                                        "private",
                                        "application_questions",
                                        List.of("What brings you here?")),
                                keeper)
                        .statusCode());
        var thread = api.post(
                "/api/v1/communities/" + haven + "/threads",
                Map.of("title", "Welcome, all of you", "body", "Say hello when you are ready."),
                keeper);
        assertEquals(201, thread.statusCode(), thread.body());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebClient signedIn(String name) {
        server.app().members().create(name, PASSWORD, Role.MEMBER);
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static long threadId() {
        return api.count("select id from post where title = 'Welcome, all of you'");
    }

    @Test
    void applyWithAnswersBeApprovedThenReadAndReply() {
        var sam = signedIn("sam");
        var community = Jsoup.parse(sam.get("/c/haven").body());
        assertFalse(community.text().contains("Welcome, all of you"));
        // The community's page leads to the application, not to a Follow that would be refused.
        assertNotNull(community.selectFirst("a[href=/c/haven/join]"), community.html());
        assertNull(community.selectFirst("form[action=/c/haven/follow]"));
        var join = Jsoup.parse(sam.get("/c/haven/join").body());
        assertEquals(
                "What brings you here?", join.selectFirst("label[for=answer1]").text());

        var applied = sam.submit("/c/haven/join", "/c/haven/join", Map.of("answer1", "My mother died in May."));
        assertEquals(303, applied.statusCode(), applied.body());
        assertTrue(sam.get("/c/haven/join").body().contains("waiting for a moderator"));
        assertEquals(404, sam.get("/p/" + threadId()).statusCode());

        var keeper = new WebClient(server);
        keeper.submit("/login", "/login", Map.of("username", "keeper", "password", PASSWORD));
        var requests = Jsoup.parse(keeper.get("/c/haven/requests").body());
        assertEquals("My mother died in May.", requests.selectFirst("dd").text());
        var approve = requests.selectFirst("form[action$=/approve]").attr("action");
        var approved = keeper.submit("/c/haven/requests", approve, Map.of());
        assertEquals(303, approved.statusCode(), approved.body());

        var thread = sam.get("/p/" + threadId());
        assertEquals(200, thread.statusCode());
        assertTrue(thread.body().contains("Say hello when you are ready."));
        var replied = sam.submit(
                "/p/" + threadId() + "/reply", "/p/" + threadId() + "/reply", Map.of("body", "Hello. Thank you."));
        assertEquals(303, replied.statusCode(), replied.body());
        assertTrue(sam.get("/p/" + threadId()).body().contains("Hello. Thank you."));
    }

    @Test
    void aRefusedApplicantReadsTheReasonAndAnEmptyAnswerIsShownByItsField() {
        var lee = signedIn("lee");
        var empty = lee.submit("/c/haven/join", "/c/haven/join", Map.of("answer1", " "));
        assertEquals(422, empty.statusCode());
        assertTrue(Jsoup.parse(empty.body()).selectFirst("#answer1-error") != null, empty.body());
        assertEquals(0, api.count("select count(*) from follow where follower_id = ?", server.actorId("lee")));

        lee.submit("/c/haven/join", "/c/haven/join", Map.of("answer1", "Curious."));
        var keeper = new WebClient(server);
        keeper.submit("/login", "/login", Map.of("username", "keeper", "password", PASSWORD));
        var refused = keeper.submit(
                "/c/haven/requests",
                "/c/haven/requests/" + server.actorId("lee") + "/refuse",
                Map.of("reason", "This room is for bereaved people."));
        assertEquals(303, refused.statusCode(), refused.body());
        assertTrue(lee.get("/c/haven/join").body().contains("This room is for bereaved people."));
        assertEquals(404, lee.get("/p/" + threadId()).statusCode());
    }

    @Test
    void onlyModeratorsSeeTheApplications() {
        var kim = signedIn("kim");
        assertEquals(403, kim.get("/c/haven/requests").statusCode());
    }
}
