package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.thread.ThreadService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The moderators' workspace over HTTP (issue 15): the queue, a report's page and the acts taken
 * from it, each against who may and may not see or do them.
 */
class ModeratorPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        for (var name : List.of("mona", "otto", "bob", "carol")) app.members().create(name, PASSWORD, Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "mona")
                .id();
        app.communities().create("other", "Another place", "", "otto");
        app.moderation()
                .setRules(
                        member("mona"),
                        peers,
                        List.of(
                                new ModerationService.RuleDraft("Be kind", "Always"),
                                new ModerationService.RuleDraft("No selling", "")));
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

    private static long thread(String title, String warning) {
        return server.app()
                .threads()
                .startThread(
                        member("bob"),
                        peers,
                        new ThreadService.Draft(title, "words about " + title, warning, null, null))
                .id();
    }

    private static long report(long post, Category category, Integer rule, String text) {
        return server.app()
                .reports()
                .file(member("carol"), new ReportService.Draft(post, null, category, rule, text, false))
                .report()
                .id();
    }

    private static ReportService.Detail detail(long id) {
        return server.app().reports().find(member("alice"), id);
    }

    @Test
    void theQueuePutsWellbeingConcernsFirstUnderTheirOwnHeadingAndTheHeaderCountsOpenReports() {
        long complaint = report(thread("Selling things", null), Category.RULE, 2, "an advert");
        long concern = report(thread("A hard night", null), Category.WELLBEING, null, "they sound low");
        var page = Jsoup.parse(signedIn("mona").get("/mod").body());
        var wellbeing = page.selectFirst("section.wellbeing");
        assertNotNull(wellbeing.selectFirst("a[href=/mod/reports/" + concern + "]"), wellbeing.html());
        assertNull(wellbeing.selectFirst("a[href=/mod/reports/" + complaint + "]"));
        var complaints = page.select("section.queue").last();
        assertNotNull(complaints.selectFirst("a[href=/mod/reports/" + complaint + "]"));
        // Wellbeing comes before complaints in reading order.
        assertTrue(page.html().indexOf("/mod/reports/" + concern) < page.html().indexOf("/mod/reports/" + complaint));
        long open = server.app().reports().openCount(member("mona")).orElseThrow();
        assertTrue(open >= 2);
        assertEquals(
                "Reports (" + open + " open)",
                page.selectFirst("header a[href=/mod]").text());
        // A member with no queue has no link; a moderator of another community sees none of these reports.
        assertNull(Jsoup.parse(signedIn("bob").get("/").body()).selectFirst("header a[href=/mod]"));
        var otto = Jsoup.parse(signedIn("otto").get("/mod").body());
        assertEquals("Reports", otto.selectFirst("header a[href=/mod]").text());
        assertNull(otto.selectFirst("a[href=/mod/reports/" + complaint + "]"));
    }

    @Test
    void aReportShowsTheContentBehindItsWarningAndEveryFilingWithoutNamingTheReporter() {
        long post = thread("Heavy things", "self-harm mention");
        long id = report(post, Category.RULE, 1, "this was unkind");
        var page = Jsoup.parse(signedIn("mona").get("/mod/reports/" + id).body());
        var cw = page.selectFirst("article details.cw");
        assertNotNull(cw, page.html());
        assertFalse(cw.hasAttr("open"));
        assertEquals("CW: self-harm mention", cw.selectFirst("summary").text());
        assertTrue(cw.text().contains("words about Heavy things"));
        var filing = page.selectFirst("ol.filings li");
        assertTrue(filing.text().contains("Rule 1: Be kind"), filing.text());
        assertTrue(filing.text().contains("this was unkind"));
        assertTrue(filing.text().contains("From a member of this server"));
        assertFalse(page.text().contains("carol"), "the reporter chose not to be named");
        // Resolve offered in the same step as each act, ticked.
        assertTrue(page.selectFirst("form[action=/mod/reports/" + id + "/remove] input[name=resolve]")
                .hasAttr("checked"));
    }

    @Test
    void earlierReportsAboutTheSameMemberAreListed() {
        long first = report(thread("First", null), Category.SPAM, null, "");
        long second = report(thread("Second", null), Category.HARASSMENT, null, "");
        var page = Jsoup.parse(signedIn("mona").get("/mod/reports/" + second).body());
        var history = page.selectFirst("section[aria-labelledby=history]");
        assertNotNull(history.selectFirst("a[href=/mod/reports/" + first + "]"), history.html());
    }

    /** Who may read the queue and a report, and act on it: the table of issue 15. */
    @Test
    void onlyTheCommunitysModeratorsAndAdminsSeeOrActOnAReport() {
        long post = thread("Table", null);
        long id = report(post, Category.SPAM, null, "spam");
        record Row(String who, int queue, int report, int act) {}
        var table = List.of(
                new Row(null, 303, 303, 303),
                new Row("bob", 403, 404, 404), // the reported member: not told the report exists
                new Row("carol", 403, 404, 404), // a member (the reporter)
                new Row("otto", 200, 404, 404), // moderator of another community
                new Row("mona", 200, 200, 303),
                new Row("alice", 200, 200, 303));
        for (var row : table) {
            var web = row.who() == null ? new WebClient(server) : signedIn(row.who());
            assertEquals(row.queue(), web.get("/mod").statusCode(), row.who() + " /mod");
            var page = web.get("/mod/reports/" + id);
            assertEquals(row.report(), page.statusCode(), row.who() + " report page");
            if (row.act() != 303) {
                // A valid token of their own, so only who they are decides.
                var token = row.who() == null ? "" : web.token("/settings");
                var act = web.post(
                        "/mod/reports/" + id + "/remove",
                        Map.of("csrf", token, "remove_reason", "no", "resolve", "yes"));
                assertEquals(row.act(), act.statusCode(), row.who() + " remove");
                assertFalse(server.app().threads().find(post).orElseThrow().removed());
                assertEquals(ReportStatus.OPEN, detail(id).report().status());
            }
        }
        var mona = signedIn("mona");
        var done = mona.submit(
                "/mod/reports/" + id, "/mod/reports/" + id + "/dismiss", Map.of("dismiss_note", "not spam"));
        assertEquals(303, done.statusCode());
        assertEquals(ReportStatus.DISMISSED, detail(id).report().status());
        var again =
                alice().submit("/mod/reports/" + id, "/mod/reports/" + id + "/resolve", Map.of("resolve_note", "late"));
        assertEquals(422, again.statusCode(), "a decided report is decided once");
    }

    private static WebClient alice() {
        return signedIn("alice");
    }

    @Test
    void removingThePostFromTheReportResolvesItInTheSameStep() {
        long post = thread("To remove", null);
        long id = report(post, Category.RULE, 1, "unkind");
        var web = signedIn("mona");
        var response = web.submit(
                "/mod/reports/" + id,
                "/mod/reports/" + id + "/remove",
                Map.of("remove_reason", "Rule 1: please be kind", "resolve", "yes"));
        assertEquals(303, response.statusCode(), response.body());
        assertEquals(
                "/mod/reports/" + id + "?postRemoved=1",
                response.headers().firstValue("Location").orElseThrow());
        var removed = server.app().threads().find(post).orElseThrow();
        assertTrue(removed.removed());
        assertEquals("Rule 1: please be kind", removed.removalReason());
        var report = detail(id).report();
        assertEquals(ReportStatus.RESOLVED, report.status());
        assertTrue(report.note().contains("Rule 1: please be kind"));
        var page = Jsoup.parse(web.get("/mod/reports/" + id + "?postRemoved=1").body());
        assertEquals("Resolved", page.selectFirst("#report-status").text());
        assertTrue(page.text().contains("Removed. The reason given: Rule 1: please be kind"));
        // The author sees why on the thread; anyone else sees only that it was removed.
        var reason = "The moderators removed your post. The reason they gave: Rule 1: please be kind";
        assertTrue(signedIn("bob").get("/p/" + post).body().contains(reason));
        var others = signedIn("carol").get("/p/" + post).body();
        assertFalse(others.contains("please be kind"), others);
    }

    @Test
    void anActWithTheBoxUntickedLeavesTheReportOpen() {
        long post = thread("To lock", null);
        long id = report(post, Category.OTHER, null, "going in circles");
        var response = signedIn("mona")
                .submit("/mod/reports/" + id, "/mod/reports/" + id + "/lock", Map.of("lock_reason", "a pause"));
        assertEquals(303, response.statusCode(), response.body());
        assertNotNull(server.app().threads().find(post).orElseThrow().lockedAt());
        assertEquals(ReportStatus.OPEN, detail(id).report().status());
    }

    @Test
    void aBanFromTheReportBansTheAuthorForTheChosenDays() {
        long id = report(thread("Ban me", null), Category.HARASSMENT, null, "");
        var response = signedIn("mona")
                .submit(
                        "/mod/reports/" + id,
                        "/mod/reports/" + id + "/ban",
                        Map.of("ban_days", "7", "ban_reason", "harassing people", "resolve", "yes"));
        assertEquals(303, response.statusCode(), response.body());
        var ban = server.app().moderation().bans(member("mona"), peers).stream()
                .filter(b -> b.actor().endsWith("/bob"))
                .findFirst()
                .orElseThrow();
        assertEquals("harassing people", ban.reason());
        assertNotNull(ban.expires());
        assertEquals(ReportStatus.RESOLVED, detail(id).report().status());
        server.app().moderation().unban(member("mona"), peers, ban.actor(), "test over");
    }

    @Test
    void aMissingReasonComesBackByItsFieldAndAStaleTokenChangesNothing() {
        long post = thread("Keep me", null);
        long id = report(post, Category.SPAM, null, "");
        var web = signedIn("mona");
        var response = web.submit(
                "/mod/reports/" + id,
                "/mod/reports/" + id + "/remove",
                Map.of("remove_reason", "  ", "resolve", "yes"));
        assertEquals(422, response.statusCode());
        var page = Jsoup.parse(response.body());
        assertNotNull(page.selectFirst(".error-summary a[href=#remove_reason]"));
        assertEquals(
                "remove_reason-hint remove_reason-error",
                page.selectFirst("#remove_reason").attr("aria-describedby"));
        var banDays = web.submit(
                "/mod/reports/" + id, "/mod/reports/" + id + "/ban", Map.of("ban_days", "9999", "ban_reason", "x"));
        assertEquals(422, banDays.statusCode());
        var back = Jsoup.parse(banDays.body());
        assertNotNull(back.selectFirst("#ban_days-error"));
        // The box the moderator left unticked stays unticked when the form comes back.
        assertFalse(back.selectFirst("#resolve-ban").hasAttr("checked"));
        assertEquals("x", back.selectFirst("#ban_reason").text());
        var form = new LinkedHashMap<String, String>();
        form.put("csrf", "stale");
        form.put("remove_reason", "a reason");
        form.put("resolve", "yes");
        var stale = web.post("/mod/reports/" + id + "/remove", form);
        assertEquals(403, stale.statusCode());
        assertEquals(
                "a reason",
                Jsoup.parse(stale.body()).selectFirst("#remove_reason").text());
        assertFalse(server.app().threads().find(post).orElseThrow().removed());
        assertEquals(ReportStatus.OPEN, detail(id).report().status());
    }
}
