package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A community's settings, its ban page, its moderation log, and the notes and escalation on a
 * report's page, in a real browser with JavaScript off (issue 15): a moderator fixes a mistake the
 * page points out, adds a guideline, bans through the confirmation page, notes and escalates a
 * report, and the admin finds it first in their queue. Every page, with and without a problem
 * shown, passes axe's WCAG 2.2 AA rules and fits 320 px.
 */
class CommunitySettingsBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("mona", PASSWORD, Role.MEMBER);
        app.members().create("river", PASSWORD, Role.MEMBER);
        app.members().create("sage", PASSWORD, Role.MEMBER);
        app.members().create("ada", PASSWORD, Role.ADMIN);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "mona")
                .id();
        app.moderation()
                .setRules(
                        app.members().find("mona").orElseThrow(),
                        peers,
                        List.of(new ModerationService.RuleDraft("Be kind", "To others and yourself")));
        browser = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, server);
    }

    private static long report() {
        var app = server.app();
        long post = app.threads()
                .startThread(
                        app.members().find("river").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Buy my course", "Cheap.", null, null, "en"))
                .id();
        return app.reports()
                .file(
                        app.members().find("sage").orElseThrow(),
                        new ReportService.Draft(post, null, Category.SPAM, null, "an advert", false))
                .report()
                .id();
    }

    @Test
    void aModeratorWorksTheSettingsBanPageAndAReportAndEveryPagePassesAxe() {
        long id = report();
        var failures = browser.findings();
        browser.signIn("mona", PASSWORD);
        try {
            failures.scan("/c/peers/settings");
            assertEquals("Settings of Peer support", browser.find("h1").getText());
            browser.screenshot("mod-settings", 1280);

            // An empty title comes back by its field, the description as typed.
            var title = browser.find("#title");
            title.clear();
            var description = browser.find("#description");
            description.clear();
            description.sendKeys("A calm place for peers");
            browser.clickAndLoad(browser.find("form[action='/c/peers/settings/about'] button"));
            assertEquals("title-hint title-error", browser.find("#title").getAttribute("aria-describedby"));
            assertEquals("A calm place for peers", browser.find("#description").getAttribute("value"));
            failures.check("/c/peers/settings (about without a title)");
            browser.type("#title", "Peer support");
            browser.clickAndLoad(browser.find("form[action='/c/peers/settings/about'] button"));
            assertEquals(
                    "The community's details are saved.",
                    browser.find("main [role=status]").getText());
            assertEquals(
                    "A calm place for peers",
                    server.app().communities().find(peers).orElseThrow().description());

            // A new guideline in the empty row.
            browser.type("#rule_title_2", "Use content warnings");
            browser.clickAndLoad(browser.find("form[action='/c/peers/settings/guidelines'] button"));
            assertEquals(2, server.app().moderation().rules(peers).size());
            failures.check("/c/peers/settings (guidelines saved)");

            // A ban goes through its own page, which says what will happen.
            browser.type("#ban-actor", "river");
            browser.clickAndLoad(browser.find("form[action='/c/peers/ban'] button"));
            assertEquals("Ban someone from Peer support", browser.find("h1").getText());
            assertEquals("river", browser.find("#actor").getAttribute("value"));
            failures.check("/c/peers/ban");
            browser.clickAndLoad(browser.find("main form button.danger"));
            assertEquals("reason-hint reason-error", browser.find("#reason").getAttribute("aria-describedby"));
            failures.check("/c/peers/ban (without a reason)");
            browser.type("#reason", "selling");
            browser.clickAndLoad(browser.find("main form button.danger"));
            assertTrue(browser.driver.getCurrentUrl().contains("done=banned"));
            failures.check("/c/peers/settings (after a ban)");
            browser.clickAndLoad(browser.find("form[action='/c/peers/settings/bans/lift'] button"));
            assertTrue(server.app()
                    .moderation()
                    .bans(server.app().members().find("mona").orElseThrow(), peers)
                    .isEmpty());

            // A note and an escalation from the report's page.
            browser.open("/mod/reports/" + id);
            browser.type("#note_text", "Second advert this week");
            browser.clickAndLoad(browser.find("form[action='/mod/reports/" + id + "/note'] button"));
            assertTrue(browser.find("section[aria-labelledby=notes]").getText().contains("Second advert this week"));
            browser.type("#escalate_note", "Looks like a spam network");
            browser.clickAndLoad(browser.find("form[action='/mod/reports/" + id + "/escalate'] button"));
            assertTrue(browser.find("#escalation").getText().startsWith("Passed to the admins by mona@"));
            failures.check("/mod/reports/" + id + " (noted and escalated)");
            failures.scan("/c/peers/log");
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
        failures.scan("/c/peers/log");
        browser.signIn("ada", PASSWORD);
        try {
            failures.scan("/mod");
            assertTrue(browser.find("section.escalated").getText().contains("Buy my course"));
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
        failures.assertNone();
    }
}
