package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.care.ExportWorker;
import app.kindred.member.Role;
import app.kindred.report.ReportStatus;
import app.kindred.thread.ThreadService;
import java.time.Duration;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The care pages over HTTP: the report form and its limits, "my reports", blocks, mutes and breaks
 * as the thread and community pages apply them, and the export page.
 */
class CarePagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers, thread, byCarol, byDan;

    @BeforeAll
    static void start() {
        // Tight report limits, so the page for a refused report can be seen.
        server = TestServer.start(Map.of("KINDRED_LIMITS_REPORT", "3/1h", "KINDRED_LIMITS_CONCERN", "1/1h"));
        var app = server.app();
        for (var name : new String[] {"alice", "bob", "carol", "dan", "erin", "fay"})
            app.members().create(name, PASSWORD, name.equals("alice") ? Role.ADMIN : Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "alice")
                .id();
        server.sql(
                "insert into community_rule (community_id, number, title, description) values (?, 1, 'Be kind', ''), (?, 2, 'No advice unless asked', '')",
                peers,
                peers);
        var alice = app.members().find("alice").orElseThrow();
        thread = app.threads()
                .startThread(alice, peers, new ThreadService.Draft("Hello", "Say hello.", null, null, null))
                .id();
        byCarol = app.threads()
                .comment(
                        app.members().find("carol").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, "Carol was here.", null, null, null))
                .id();
        byDan = app.threads()
                .comment(
                        app.members().find("dan").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, "Dan was here.", null, null, null))
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
    void theReportFormSaysWhoSeesItListsTheRulesAndSetsTheConcernApart() {
        var web = signedIn("bob");
        var page = Jsoup.parse(web.get("/p/" + byCarol + "/report").body());
        assertEquals("Rule 1: Be kind", page.selectFirst("label[for=reason]").text());
        assertNotNull(page.selectFirst("input[type=radio][value=rule-2]"));
        for (var c : new String[] {"spam", "harassment", "other"})
            assertNotNull(page.selectFirst("input[type=radio][value=" + c + "]"), c);
        var wellbeing = page.selectFirst("fieldset.wellbeing");
        assertEquals(
                "I’m worried about this person", wellbeing.selectFirst("label").text());
        assertTrue(wellbeing.text().contains("Nobody is told automatically"), wellbeing.text());
        assertNotNull(wellbeing.selectFirst("a[href=/help]"), "crisis resources for the reporter");
        var who = page.selectFirst("section[aria-labelledby=who]").text();
        assertTrue(who.contains("The moderators of Peer support"), who);
        assertTrue(who.contains("stays on this server"), who);
        assertTrue(who.contains("not told who reported"), who);
        assertNull(page.selectFirst("#show_identity"), "nothing leaves, so there is no name to show elsewhere");
    }

    @Test
    void aReportWithoutAReasonComesBackWithTheTextKeptThenShowsInMyReports() {
        var web = signedIn("erin");
        var refused = web.submit(
                "/p/" + byDan + "/report", "/p/" + byDan + "/report", Map.of("text", "This felt unkind to me."));
        assertEquals(422, refused.statusCode());
        var page = Jsoup.parse(refused.body());
        assertEquals("#reason", page.selectFirst(".error-summary a").attr("href"));
        assertEquals("reason-error", page.selectFirst("fieldset").attr("aria-describedby"));
        assertEquals("This felt unkind to me.", page.selectFirst("#text").text());

        var filed = web.submit(
                "/p/" + byDan + "/report",
                "/p/" + byDan + "/report",
                Map.of("reason", "rule-1", "text", "This felt unkind to me."));
        assertEquals(303, filed.statusCode(), filed.body());
        assertEquals(
                "/reports/mine?done=filed",
                filed.headers().firstValue("Location").orElseThrow());
        var mine = Jsoup.parse(web.get("/reports/mine?done=filed").body());
        assertTrue(mine.selectFirst("[role=status]").text().contains("Thank you"));
        var card = mine.selectFirst("li.card");
        assertTrue(card.text().contains("Rule 1"), card.text());
        assertTrue(card.text().contains("This felt unkind to me."), card.text());
        assertTrue(card.text().contains("Waiting for a moderator"), card.text());

        // A wellbeing concern's thanks also says where help is, for the one who worries too (issue 16).
        var concern = web.submit(
                "/p/" + byDan + "/report", "/p/" + byDan + "/report", Map.of("reason", "wellbeing", "text", "worried"));
        assertEquals(303, concern.statusCode(), concern.body());
        var afterConcern = concern.headers().firstValue("Location").orElseThrow();
        assertEquals("/reports/mine?done=concernFiled", afterConcern);
        assertTrue(Jsoup.parse(web.get(afterConcern).body())
                .selectFirst("[role=status]")
                .text()
                .contains("Need help now?"));

        // The outcome shows once a moderator decides.
        var alice = server.app().members().find("alice").orElseThrow();
        var report = server.app()
                .reports()
                .mine(server.app().members().find("erin").orElseThrow())
                .getFirst();
        server.app().reports().decide(alice, report.report().id(), ReportStatus.RESOLVED, "spoke to them");
        var after = Jsoup.parse(web.get("/reports/mine").body())
                .selectFirst("li.card")
                .text();
        assertTrue(after.contains("acted on it"), after);
        assertFalse(after.contains("spoke to them"), "the moderators' note stays theirs");
    }

    @Test
    void pastTheApisLimitAKindPageKeepsTheWordsAndSaysWhenToComeBack() {
        var web = signedIn("fay");
        var concern = Map.of("reason", "wellbeing", "text", "They said they feel hopeless.");
        assertEquals(
                303,
                web.submit("/p/" + byDan + "/report", "/p/" + byDan + "/report", concern)
                        .statusCode());
        var refused = web.submit("/p/" + byCarol + "/report", "/p/" + byCarol + "/report", concern);
        assertEquals(429, refused.statusCode());
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        var page = Jsoup.parse(refused.body());
        assertTrue(page.selectFirst(".error-summary").text().contains("Please wait"), page.text());
        assertEquals("They said they feel hopeless.", page.selectFirst("#text").text());
        assertEquals("wellbeing", page.selectFirst("input[checked]").val());
        // A concern does not use up the room for complaints.
        assertEquals(
                303,
                web.submit("/p/" + byCarol + "/report", "/p/" + byCarol + "/report", Map.of("reason", "spam"))
                        .statusCode());
    }

    @Test
    void aMemberCanBeReportedFromTheirPageToTheAdmins() {
        var web = signedIn("bob");
        var member = Jsoup.parse(web.get("/u/dan").body());
        assertNotNull(member.selectFirst("a[href=/u/dan/report]"));
        var form = Jsoup.parse(web.get("/u/dan/report").body());
        assertNull(form.selectFirst("input[value^=rule-]"), "a member is reported under no community's rules");
        assertTrue(form.text().contains("The admins of"), form.text());
        var filed = web.submit("/u/dan/report", "/u/dan/report", Map.of("reason", "harassment"));
        assertEquals(303, filed.statusCode(), filed.body());
        assertTrue(Jsoup.parse(web.get("/reports/mine").body()).text().contains("The member dan@"));
    }

    @Test
    void blockedMembersCollapseMutedOnesAreLeftOutAndBothLiftAgain() {
        var web = signedIn("alice");
        var blocked = web.submit("/u/carol", "/settings/distance/block", Map.of("block_member", "carol"));
        assertEquals(303, blocked.statusCode(), blocked.body());
        assertEquals(
                303,
                web.submit("/settings/distance", "/settings/distance/mute", Map.of("mute_member", "dan"))
                        .statusCode());
        var page = Jsoup.parse(web.get("/p/" + thread).body());
        var carol = page.selectFirst("li#c" + byCarol);
        assertEquals("[a blocked member]", carol.selectFirst("p.gone").text());
        assertFalse(carol.text().contains("Carol was here"));
        assertFalse(carol.text().contains("carol"));
        assertNull(page.selectFirst("li#c" + byDan), "a muted member's comment is left out");
        // Others still see both.
        var other = Jsoup.parse(new WebClient(server).get("/p/" + thread).body());
        assertTrue(other.text().contains("Carol was here") && other.text().contains("Dan was here"));

        // A name nobody has stays in its field with the reason.
        var unknown = web.submit("/settings/distance", "/settings/distance/block", Map.of("block_member", "nobody"));
        assertEquals(404, unknown.statusCode());
        var form = Jsoup.parse(unknown.body());
        assertEquals("nobody", form.selectFirst("#block_member").val());
        assertTrue(form.selectFirst("#block_member-error").text().contains("nobody"));

        var alice = server.app().members().find("alice").orElseThrow();
        var settings = Jsoup.parse(web.get("/settings/distance").body());
        assertTrue(
                settings.selectFirst("section[aria-labelledby=blocks]").text().contains("carol@"));
        for (var kind : new String[] {"block", "mute"}) {
            var list = server.app()
                    .boundaries()
                    .list(alice, kind.equals("block") ? Boundaries.Kind.BLOCK : Boundaries.Kind.MUTE);
            assertEquals(
                    303,
                    web.submit(
                                    "/settings/distance",
                                    "/settings/distance/un" + kind,
                                    Map.of(
                                            "actor",
                                            Long.toString(list.getFirst().actorId())))
                            .statusCode());
        }
        var again = Jsoup.parse(web.get("/p/" + thread).body()).text();
        assertTrue(again.contains("Carol was here") && again.contains("Dan was here"), again);
    }

    @Test
    void aBreakFromACommunityGreetsInsteadOfItsContentUntilLeft() {
        var web = signedIn("bob");
        var taken = web.submit(
                "/settings/distance",
                "/settings/distance/break",
                Map.of("break_from", Long.toString(peers), "length", "week"));
        assertEquals(303, taken.statusCode(), taken.body());
        for (var path : new String[] {"/c/peers", "/p/" + thread}) {
            var page = Jsoup.parse(web.get(path).body());
            assertEquals("You are taking a break", page.selectFirst("h1").text(), path);
            assertFalse(page.text().contains("Say hello."), path);
            assertEquals(
                    path,
                    page.selectFirst("form[action$=/break/end] input[name=next]")
                            .val());
        }
        // Signed out, or for anyone else, nothing changed.
        assertTrue(new WebClient(server).get("/p/" + thread).body().contains("Say hello."));

        var form = Jsoup.parse(web.get("/c/peers").body()).selectFirst("form[action$=/break/end]");
        var left = web.submit(
                "/c/peers",
                "/settings/distance/break/end",
                Map.of("break", form.selectFirst("input[name=break]").val(), "next", "/c/peers"));
        assertEquals("/c/peers", left.headers().firstValue("Location").orElseThrow());
        assertEquals(
                "Peer support",
                Jsoup.parse(web.get("/c/peers").body()).selectFirst("h1").text());

        // A break needs a length; the choice made is kept.
        var refused = web.submit(
                "/settings/distance", "/settings/distance/break", Map.of("break_from", Long.toString(peers)));
        assertEquals(422, refused.statusCode());
        var page = Jsoup.parse(refused.body());
        assertEquals("#length", page.selectFirst(".error-summary a").attr("href"));
        assertEquals(
                Long.toString(peers),
                page.selectFirst("#break_from option[selected]").val());
        assertTrue(server.app()
                .breaks()
                .activeFor(server.app().members().find("bob").orElseThrow())
                .isEmpty());
    }

    @Test
    void aBreakFromTheWholeInstanceGreetsOnEveryCommunity() {
        var web = signedIn("dan");
        var dan = server.app().members().find("dan").orElseThrow();
        server.app().breaks().take(dan, null, Breaks.Length.UNTIL_I_COME_BACK);
        var page = Jsoup.parse(web.get("/c/peers").body());
        assertTrue(page.selectFirst("main").text().contains("until you come back"), page.text());
        assertEquals(
                "End my break and show everything",
                page.selectFirst("main form button").text());
        server.app()
                .breaks()
                .end(dan, server.app().breaks().activeFor(dan).getFirst().id());
    }

    @Test
    void theExportPageStartsAnExportAndLinksTheFileWhileItIsValid() throws Exception {
        var web = signedIn("carol");
        assertTrue(Jsoup.parse(web.get("/settings/export").body()).text().contains("not asked for an export"));
        var started = web.submit("/settings/export", "/settings/export", Map.of());
        assertEquals(
                "/settings/export?done=exportStarted",
                started.headers().firstValue("Location").orElseThrow());
        var working = Jsoup.parse(web.get("/settings/export").body());
        assertNotNull(working.selectFirst("progress#progress"));
        assertNotNull(working.selectFirst("label[for=progress]"));
        try (var worker = new ExportWorker(server.app().exports(), Duration.ofMillis(100))) {
            worker.start();
            Eventually.eventually(() -> assertNotNull(
                    Jsoup.parse(web.get("/settings/export").body()).selectFirst("a[download]")));
        }
        var link = Jsoup.parse(web.get("/settings/export").body())
                .selectFirst("a[download]")
                .attr("href");
        var file = web.get(link);
        assertEquals(200, file.statusCode());
        assertEquals(
                "application/zip", file.headers().firstValue("Content-Type").orElseThrow());
        // Someone else signed in cannot use the link.
        assertEquals(404, signedIn("bob").get(link).statusCode());
        assertEquals(303, new WebClient(server).get(link).statusCode(), "signed out: to the sign-in page");
    }
}
