package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * The moderators' workspace in a real browser with JavaScript off (issue 15): a member's report
 * reaches the queue, the moderator reads it behind its warning and removes the post with a reason
 * from the report's page, by keyboard, and the report shows resolved. Every page passes axe's WCAG
 * 2.2 AA rules and fits 320 px.
 */
class ModeratorPagesBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("mona", PASSWORD, Role.MEMBER);
        app.members().create("river", PASSWORD, Role.MEMBER);
        app.members().create("sage", PASSWORD, Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "mona")
                .id();
        app.moderation()
                .setRules(
                        app.members().find("mona").orElseThrow(),
                        peers,
                        List.of(new ModerationService.RuleDraft("Be kind", "To others and yourself")));
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    private static long thread(String title, String body, String warning) {
        var app = server.app();
        return app.threads()
                .startThread(
                        app.members().find("river").orElseThrow(),
                        peers,
                        new ThreadService.Draft(title, body, warning, null, "en"))
                .id();
    }

    /** Sage tells the moderators, as the report form and the API do: through the report service. */
    private static long report(long post, Category category, Integer rule, String text) {
        var app = server.app();
        return app.reports()
                .file(
                        app.members().find("sage").orElseThrow(),
                        new ReportService.Draft(post, null, category, rule, text, false))
                .report()
                .id();
    }

    @Test
    void aModeratorRemovesAReportedPostFromTheReportAndTheReportShowsResolved() {
        long post = thread("Unkind words", "You are all fools.", "insults");
        long id = report(post, Category.RULE, 1, "this was cruel to a new member");
        browser.signIn("mona", PASSWORD);
        try {
            var link = browser.find("header a[href='/mod']");
            assertTrue(link.getText().matches("Reports \\(\\d+ open\\)"), link.getText());
            browser.clickAndLoad(link);
            assertEquals("Reports", browser.find("h1").getText());
            browser.screenshot("mod-queue", 390);
            browser.screenshot("mod-queue", 1280);
            browser.clickAndLoad(browser.find("a[href='/mod/reports/" + id + "']"));
            assertEquals("Report " + id, browser.find("h1").getText());
            // The reported words wait behind their warning.
            var cw = browser.find("article details.cw");
            assertNull(cw.getAttribute("open"));
            assertEquals("CW: insults", cw.findElement(By.tagName("summary")).getText());
            var filing = browser.find("ol.filings li").getText();
            assertTrue(filing.contains("Rule 1: Be kind"), filing);
            assertTrue(filing.contains("this was cruel to a new member"), filing);
            assertFalse(browser.find("main").getText().contains("sage"), "the reporter is not named");
            browser.screenshot("mod-report", 390);
            browser.screenshot("mod-report", 1280);

            // By keyboard: the reason, then the box (ticked), then the button.
            var reason = browser.find("#remove_reason");
            reason.sendKeys("Rule 1: please be kind to each other");
            reason.sendKeys(Keys.TAB);
            var box = browser.driver.switchTo().activeElement();
            assertEquals("resolve-remove", box.getAttribute("id"));
            assertTrue(box.isSelected());
            box.sendKeys(Keys.TAB);
            var button = browser.driver.switchTo().activeElement();
            assertEquals("Remove the post and tell the author", button.getText());
            button.sendKeys(Keys.ENTER);
            browser.waitUntil(d -> d.getCurrentUrl().contains("postRemoved=1"));
            assertEquals(
                    "The post is removed, and its author can see why.",
                    browser.find("main [role=status]").getText());
            assertEquals("Resolved", browser.find("#report-status").getText());
            assertTrue(browser.find("main").getText().contains("Removed. The reason given: Rule 1: please be kind"));
            var report = server.app()
                    .reports()
                    .find(server.app().members().find("mona").orElseThrow(), id)
                    .report();
            assertEquals(ReportStatus.RESOLVED, report.status());
            assertTrue(server.app().threads().find(post).orElseThrow().removed());
            // The author, signed in, reads why on the thread.
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
            browser.signIn("river", PASSWORD);
            browser.open("/p/" + post);
            assertEquals(
                    "The moderators removed your post. The reason they gave: Rule 1: please be kind to each other",
                    browser.find(".removal-reason").getText());
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
    }

    @Test
    void everyModeratorPagePassesAxe() {
        long concern = report(thread("A long night", "I can't sleep again.", null), Category.WELLBEING, null, "");
        long complaint = report(thread("Buy my course", "Cheap.", null), Category.SPAM, null, "an advert");
        var failures = scanner.findings();
        scanner.signIn("mona", PASSWORD);
        for (var path : List.of(
                "/mod",
                "/mod?status=all",
                "/mod?community=" + peers + "&category=spam",
                "/mod/reports/" + concern,
                "/mod/reports/" + complaint)) {
            failures.scan(path);
        }
        // The ban form sent without a reason comes back with its problem by the field.
        scanner.open("/mod/reports/" + complaint);
        scanner.clickAndLoad(scanner.find("form[action='/mod/reports/" + complaint + "/ban'] button"));
        assertEquals(
                "ban_reason-hint ban_reason-error", scanner.find("#ban_reason").getAttribute("aria-describedby"));
        failures.check("/mod/reports/" + complaint + " (ban without a reason)");
        scanner.open("/mod/reports/" + complaint);
        scanner.clickAndLoad(scanner.find("form[action='/mod/reports/" + complaint + "/dismiss'] button"));
        failures.check("/mod/reports/" + complaint + " (dismissed)");
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/mod", "/mod/reports/" + complaint)) failures.scan(path + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
