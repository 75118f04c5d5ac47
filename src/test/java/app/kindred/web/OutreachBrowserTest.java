package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Care journeys of issue 16 in a real browser with JavaScript off: a moderator goes on duty, is told
 * of a wellbeing concern in their notifications, writes a check-in starting from one of the
 * community's messages, and reads the answer; a member sets a filter and no longer sees a post. The
 * pages pass axe's WCAG 2.2 AA rules and fit 320 px.
 */
class OutreachBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static long peers, thread, relapse;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        for (var name : List.of("mia", "river", "dan")) app.members().create(name, PASSWORD, Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place to talk.", "mia")
                .id();
        app.outreach()
                .addTemplate(
                        app.members().find("mia").orElseThrow(),
                        peers,
                        "Thinking of you",
                        "Hi, I saw your post and wanted to check in. How are you doing?");
        thread = app.threads()
                .startThread(
                        app.members().find("dan").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Done", "I don't think I can keep going.", null, null, null))
                .id();
        relapse = app.threads()
                .startThread(
                        app.members().find("dan").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Day 3 after a relapse", "Starting again.", null, null, null))
                .id();
        app.threads()
                .comment(
                        app.members().find("dan").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, "Another relapse last night.", null, null, null));
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
        browser.signIn("mia", PASSWORD);
        scanner.signIn("mia", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner);
        if (server != null) server.close();
    }

    @Test
    void aModeratorOnDutyHearsOfAConcernSendsACheckInFromATemplateAndReadsTheAnswer() {
        var app = server.app();
        browser.open("/mod/duty");
        assertTrue(browser.find("main").getText().contains("You are off duty here."));
        browser.clickAndLoad(browser.find("form[action='/mod/duty/" + peers + "'] button"));
        assertTrue(browser.find("main").getText().contains("You are on duty here."));

        var concern = app.reports()
                .file(
                        app.members().find("river").orElseThrow(),
                        new ReportService.Draft(thread, null, Category.WELLBEING, null, "dan sounds at risk", false));
        long report = concern.report().id();

        browser.open("/notifications");
        var told = browser.find("a[href='/mod/reports/" + report + "']");
        assertTrue(told.getText().contains("Someone is worried about a member"), told.getText());
        browser.clickAndLoad(told);
        browser.clickAndLoad(browser.find("a[href='/mod/reports/" + report + "/check-in']"));
        assertEquals("Write a check-in", browser.find("h1").getText());
        assertEquals("", browser.find("#text").getAttribute("value"), "nothing is written for the moderator");
        browser.clickAndLoad(browser.find("main ul a[href*='template=']"));
        assertTrue(browser.find("#text").getAttribute("value").startsWith("Hi, I saw your post"));
        browser.type("#text", "Hi dan, I saw your post and wanted to check in. I'm here if you want to talk.");
        browser.clickAndLoad(browser.find("main form button[type=submit]"));
        assertTrue(browser.driver.getCurrentUrl().contains("/check-ins/"), browser.driver.getCurrentUrl());
        assertTrue(browser.find("ol.messages").getText().contains("I'm here if you want to talk."));

        var dan = app.members().find("dan").orElseThrow();
        var received = app.outreach().conversations(dan).getFirst();
        assertTrue(received.contentHtml().contains("I'm here if you want to talk."));
        app.outreach().reply(dan, received.id(), "Thank you for writing. Tonight is a little easier.");

        browser.open("/notifications");
        var answer = browser.all("main a[href^='/check-ins/']").getFirst();
        assertTrue(answer.getText().contains("private message"), answer.getText());
        browser.clickAndLoad(answer);
        var messages = browser.find("ol.messages").getText();
        assertTrue(messages.contains("Tonight is a little easier."), messages);

        var findings = scanner.findings();
        findings.scan("/mod/duty");
        findings.scan("/mod/reports/" + report + "/check-in");
        findings.scan("/check-ins");
        findings.scan("/check-ins/" + received.id());
        findings.scan("/c/peers/check-in-templates");
        findings.assertNone();
    }

    @Test
    void aModeratorStopsAMemberFilingConcernsAndLetsThemAgain() {
        var app = server.app();
        var river = app.members().find("river").orElseThrow();
        browser.open("/c/peers/check-in-templates");
        browser.clickAndLoad(browser.find("a[href='/c/peers/concern-stops']"));
        assertTrue(browser.find("main").getText().contains("Nobody is stopped"));
        browser.type("#member", "nobody-here");
        browser.clickAndLoad(browser.find("main form[action='/c/peers/concern-stops'] button[type=submit]"));
        assertEquals("nobody-here", browser.find("#member").getAttribute("value"), "the text is kept");
        assertTrue(browser.find("main").getText().contains("There is no member nobody-here known here"));

        browser.type("#member", "river");
        browser.type("#reason", "Concerns used to pester dan");
        browser.clickAndLoad(browser.find("main form[action='/c/peers/concern-stops'] button[type=submit]"));
        assertTrue(
                browser.find("main ul").getText().contains("/u/river"),
                browser.find("main").getText());
        var refused = assertThrows(
                Refusal.class,
                () -> app.reports()
                        .file(river, new ReportService.Draft(relapse, null, Category.WELLBEING, null, "again", false)));
        assertEquals(Refusal.Kind.FORBIDDEN, refused.kind());

        var findings = scanner.findings();
        findings.scan("/c/peers/concern-stops");
        findings.assertNone();

        browser.clickAndLoad(browser.find("form[action='/c/peers/concern-stops/lift'] button"));
        assertTrue(browser.find("main").getText().contains("Nobody is stopped"));
        app.reports().file(river, new ReportService.Draft(relapse, null, Category.WELLBEING, null, "worried", false));
    }

    @Test
    void aMemberSetsAFilterAndNoLongerSeesThePost() {
        var reader = new Browser(server.base(), false);
        try {
            reader.signIn("river", PASSWORD);
            reader.open("/c/peers");
            assertTrue(reader.find("main").getText().contains("Day 3 after a relapse"));

            reader.open("/settings");
            reader.clickAndLoad(reader.find("a[href='/settings/filters']"));
            // Nothing typed: the form comes back saying what is missing, next to the field.
            reader.clickAndLoad(reader.find("main form[action='/settings/filters'] button[type=submit]"));
            assertTrue(reader.all(".error-summary a").size() >= 1);
            reader.type("#title", "Hard days");
            reader.type("#keywords", "relapse");
            reader.clickAndLoad(reader.find("main form[action='/settings/filters'] button[type=submit]"));
            assertTrue(reader.find("main").getText().contains("Hard days"));

            reader.open("/c/peers");
            var listing = reader.find("main").getText();
            assertFalse(listing.contains("Day 3 after a relapse"), listing);
            assertTrue(listing.contains("Done"), "other threads stay: " + listing);
            reader.open("/feed/all");
            assertFalse(reader.find("main").getText().contains("Day 3 after a relapse"));
            // In a thread the comment keeps its place, folded away.
            reader.open("/p/" + thread);
            var comments = reader.find("main").getText();
            assertFalse(comments.contains("Another relapse last night."), comments);
            assertTrue(comments.contains("[hidden by one of your filters]"), comments);

            // Someone without the filter still sees it.
            browser.open("/c/peers");
            assertTrue(browser.find("main").getText().contains("Day 3 after a relapse"));
            var findings = scanner.findings();
            findings.scan("/settings/filters");
            findings.assertNone();
        } finally {
            reader.close();
        }
    }
}
