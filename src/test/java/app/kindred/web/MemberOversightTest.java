package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: the admin's page of a member shows the reports about them, across communities, and
 * what moderators did about them; and admins are told when a moderator escalates a report.
 */
class MemberOversightTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers, walkers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("ada", PASSWORD, Role.ADMIN);
        app.members().create("alex", PASSWORD, Role.ADMIN);
        for (var name : List.of("mona", "nat", "carol", "quiet")) app.members().create(name, PASSWORD, Role.MEMBER);
        peers = app.communities().create("peers", "Peer support", "", "mona").id();
        walkers = app.communities().create("walkers", "Walkers", "", "mona").id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Member member(String name) {
        return server.app().members().find(name).orElseThrow();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static long thread(long community, String title) {
        return server.app()
                .threads()
                .startThread(member("nat"), community, new ThreadService.Draft(title, "words", null, null, null))
                .id();
    }

    private static long report(long post, String text) {
        return server.app()
                .reports()
                .file(member("carol"), new ReportService.Draft(post, null, Category.SPAM, null, text, false))
                .report()
                .id();
    }

    @Test
    void theAdminsMemberPageShowsReportsAboutThemAcrossCommunitiesAndTheirModerationHistory() {
        var inPeers = report(thread(peers, "Cheap pills"), "selling");
        var inWalkers = report(thread(walkers, "Cheap boots"), "selling again");
        server.app().moderation().remove(member("mona"), thread(walkers, "More boots"), "selling is not allowed here");
        server.app()
                .moderation()
                .ban(member("mona"), walkers, new ModerationService.BanRequest("nat", "kept selling", null, false));

        var page = Jsoup.parse(signedIn("ada").get("/admin/members/nat").body());
        var links = page.select("#member-reports li > p > a").eachAttr("href");
        int walkersAt = links.indexOf("/mod/reports/" + inWalkers), peersAt = links.indexOf("/mod/reports/" + inPeers);
        assertTrue(walkersAt >= 0 && peersAt > walkersAt, "both, newest first: " + links);
        var peersReport = page.select("#member-reports li").get(peersAt);
        assertTrue(peersReport.text().contains("Open"), peersReport.text());
        assertTrue(peersReport.text().contains("in peers"), peersReport.text());
        var history = page.select("#member-history li");
        assertEquals(2, history.size(), history.toString());
        assertTrue(
                history.get(0).text().contains("kept selling"), history.get(0).text());
        assertTrue(history.get(0).text().contains("in walkers"), history.get(0).text());
        assertTrue(
                history.get(1).text().contains("selling is not allowed here"),
                history.get(1).text());
        // Whoever reported is not named on this page.
        assertFalse(page.select("main").text().contains("carol"), "the reporter stays unnamed");
        // What each community's moderators noted, with where and by whom.
        server.app().moderation().notes().add(member("mona"), walkers, "nat", "Warned twice about selling.");
        server.app().moderation().notes().add(member("mona"), peers, "nat", "Seems to be struggling; be gentle.");
        server.app().moderation().notes().add(member("mona"), peers, "quiet", "Not about nat.");
        var notes =
                Jsoup.parse(signedIn("ada").get("/admin/members/nat").body()).select("#member-notes li");
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).text().contains("in walkers"), notes.get(0).text());
        assertTrue(
                notes.get(0).text().contains("Warned twice about selling."),
                notes.get(0).text());
        assertTrue(notes.get(0).text().contains("by mona@"), notes.get(0).text());
        assertTrue(notes.get(1).text().contains("in peers"), notes.get(1).text());
        // Admins only: a community's moderators read their own community's notes, not all of them.
        assertThrows(
                Refusal.class,
                () -> server.app()
                        .moderation()
                        .notes()
                        .everywhere(member("mona"), member("nat").actor().id()));

        // Someone nobody reported: said plainly.
        var quiet = Jsoup.parse(signedIn("ada").get("/admin/members/quiet").body());
        assertNotNull(quiet.selectFirst("#member-reports-none"));
        assertNotNull(quiet.selectFirst("#member-history-none"));
        // The service refuses anyone but an admin.
        assertThrows(
                Refusal.class,
                () -> server.app()
                        .reports()
                        .aboutMember(member("mona"), member("nat").actor().id()));
    }

    @Test
    void anEscalatedReportReachesEveryOtherAdminsNotificationsThroughThePageAndTheApi() throws Exception {
        var id = report(thread(peers, "Something worrying"), "please look");
        var before = unread("alex");
        var escalated = server.app().reports().escalate(member("mona"), id, "this needs an admin");
        assertEquals(id, escalated.reportId());

        // The page: the header counts it and the list links to the report.
        var alex = signedIn("alex");
        var home = Jsoup.parse(alex.get("/").body());
        assertTrue(
                home.select("header").text().contains("(" + (before + 1) + " new)"),
                home.select("header").text());
        var list = Jsoup.parse(alex.get("/notifications").body());
        var link = list.selectFirst("a[href=/mod/reports/" + id + "]");
        assertNotNull(link, list.select("main").html());
        assertTrue(link.text().contains("passed a report to the admins"), link.text());

        // The API says the same, with the report's id.
        var token = apiToken("ada");
        var json = TestServer.json(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/me/notifications"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
        boolean found = false;
        for (var n : json.get("notifications"))
            if (n.path("kind").asText().equals("escalated")
                    && n.path("report_id").asLong() == id) found = true;
        assertTrue(found, json.toString());
        // The moderator who escalated is not an admin and is told nothing; a member is told nothing.
        assertEquals(0, unreadOf("mona", "escalated"));
        assertEquals(0, unreadOf("carol", "escalated"));
    }

    @Test
    void aSuspendedMembersActorAndPageSaySoCalmlyAndLiftingItClearsThem() {
        server.app().members().create("gale", PASSWORD, Role.MEMBER);
        var before = server.activityJson("/u/gale");
        assertFalse(before.has("suspended"), before.toString());

        server.app().accounts().suspend(member("ada"), "gale", "three reports of selling");
        var actor = server.activityJson("/u/gale");
        assertTrue(actor.get("suspended").asBoolean(), actor.toString());
        assertEquals("gale", actor.get("name").asText());
        assertFalse(actor.has("icon"));
        // The context says what the term is: Mastodon's.
        assertTrue(actor.get("@context").toString().contains("\"suspended\":\"toot:suspended\""), actor.toString());
        var page = Jsoup.parse(new WebClient(server).get("/u/gale").body());
        assertNotNull(page.selectFirst("#suspended"), page.select("main").html());

        server.app().accounts().unsuspend(member("ada"), "gale", "appeal heard");
        assertFalse(server.activityJson("/u/gale").has("suspended"));
        assertNull(Jsoup.parse(new WebClient(server).get("/u/gale").body()).selectFirst("#suspended"));
    }

    private static long unread(String name) {
        return server.app().notifications().list(member(name), null, 20).unread();
    }

    private static long unreadOf(String name, String kind) {
        return server.app().notifications().list(member(name), null, 100).items().stream()
                .filter(n -> n.kind().wire().equals(kind))
                .count();
    }

    private static String apiToken(String name) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/auth/login"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD + "\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return TestServer.json(response).get("token").asText();
    }
}
