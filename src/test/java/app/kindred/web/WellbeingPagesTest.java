package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.care.Filters;
import app.kindred.care.MemberFilter;
import app.kindred.member.Role;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pages of issue 16 without a browser: an admin who does not moderate a community sees its held
 * posts as its moderators do, and a check-in form with a problem comes back with the words kept.
 */
class WellbeingPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers, heldThread, report;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        for (var name : new String[] {"root", "mia", "sam", "dan"})
            app.members().create(name, PASSWORD, name.equals("root") ? Role.ADMIN : Role.MEMBER);
        peers = app.communities().create("peers", "Peer support", "", "mia").id();
        server.sql("update community set hold_posts = 'all' where id = ?", peers);
        heldThread = app.threads()
                .startThread(
                        app.members().find("dan").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Waiting here", "A post that waits for a moderator.", null, null, null))
                .id();
        server.sql("update community set hold_posts = 'none' where id = ?", peers);
        long open = app.threads()
                .startThread(
                        app.members().find("dan").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Hard week", "It has been a hard week.", null, null, null))
                .id();
        report = app.reports()
                .file(
                        app.members().find("sam").orElseThrow(),
                        new ReportService.Draft(open, null, Category.WELLBEING, null, "worried", false))
                .report()
                .id();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    @Test
    void anAdminWhoModeratesNothingSeesAHeldPostAndOthersDoNot() {
        assertEquals(1L, (long) server.app()
                .database()
                .read(c -> Sql.count(c, "select count(*) from post where id = ? and held_at is not null", heldThread)));
        var admin = signedIn("root").get("/p/" + heldThread);
        assertEquals(200, admin.statusCode());
        assertTrue(admin.body().contains("A post that waits for a moderator."));
        assertEquals(404, signedIn("sam").get("/p/" + heldThread).statusCode());
        assertEquals(200, signedIn("root").get("/c/peers/held").statusCode());
    }

    @Test
    void anEmptyCheckInComesBackWithTheProblemByTheField() {
        var mia = signedIn("mia");
        var form = mia.get("/mod/reports/" + report + "/check-in");
        assertEquals(200, form.statusCode(), form.body());
        var answer = mia.submit(
                "/mod/reports/" + report + "/check-in", "/mod/reports/" + report + "/check-in", Map.of("text", "   "));
        assertEquals(422, answer.statusCode(), answer.body());
        var page = Jsoup.parse(answer.body());
        assertEquals("#text", page.selectFirst(".error-summary a").attr("href"));
        assertNotNull(page.selectFirst("#text-error"));
    }

    @Test
    void aHidingFilterLeavesANotificationOutAndACollapsingOneHidesItsWords() {
        var app = server.app();
        var sam = app.members().find("sam").orElseThrow();
        long mine = app.threads()
                .startThread(sam, peers, new ThreadService.Draft("Checking in", "How is everyone?", null, null, null))
                .id();
        app.threads()
                .comment(
                        app.members().find("dan").orElseThrow(),
                        mine,
                        new ThreadService.Draft(null, "I had a relapse today.", null, null, null));
        app.threads()
                .comment(
                        app.members().find("mia").orElseThrow(),
                        mine,
                        new ThreadService.Draft(
                                null, "Thinking of you all, and of diets that hurt.", null, null, null));
        app.filters()
                .add(
                        sam,
                        new Filters.Draft(
                                "Hard days",
                                MemberFilter.Action.HIDE,
                                List.of(new MemberFilter.Keyword("relapse", true)),
                                null));
        app.filters()
                .add(
                        sam,
                        new Filters.Draft(
                                "Food",
                                MemberFilter.Action.COLLAPSE,
                                List.of(new MemberFilter.Keyword("diets", true)),
                                null));

        var page = signedIn("sam").get("/notifications").body();
        assertFalse(page.contains("relapse"), "the hidden reply is left out");
        assertFalse(page.contains("diets that hurt"), "the collapsed reply shows no words");
        assertTrue(page.contains("Filtered: Food"), page);
    }
}
