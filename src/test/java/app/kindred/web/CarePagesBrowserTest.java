package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.care.ExportWorker;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The care journeys in a real browser with JavaScript off (issues 14 and 18): report a comment under
 * a rule and find it in "my reports", raise a wellbeing concern by keyboard alone, take a break from
 * a community and leave it, block a member and see their replies collapse, export and download. Every
 * new page passes axe's WCAG 2.2 AA rules signed out and signed in, and fits 320 px.
 */
class CarePagesBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static ExportWorker worker;
    private static long thread, byCarol, byDan;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        for (var name : List.of("alice", "river", "carol", "dan", "sam", "tess"))
            app.members().create(name, PASSWORD, name.equals("alice") ? Role.ADMIN : Role.MEMBER);
        var peers = app.communities()
                .create("peers", "Peer support", "A calm place to talk about anything.", "alice")
                .id();
        server.sql(
                "insert into community_rule (community_id, number, title, description) values (?, 1, ?, ?), (?, 2, ?, ?)",
                peers,
                "Be kind",
                "Assume good faith.",
                peers,
                "No advice unless asked",
                "Listen first.");
        var quiet = app.communities()
                .create("quiet", "Quiet corner", "Somewhere calm.", "alice")
                .id();
        app.threads()
                .startThread(
                        app.members().find("alice").orElseThrow(),
                        quiet,
                        new ThreadService.Draft("Evening stillness", "A few slow breaths together.", null, null, null));
        thread = app.threads()
                .startThread(
                        app.members().find("alice").orElseThrow(),
                        peers,
                        new ThreadService.Draft("How is your week?", "Say how it went, if you like.", null, null, null))
                .id();
        byCarol = app.threads()
                .comment(
                        app.members().find("carol").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, "Carol: a slow week, but a kind one.", null, null, null))
                .id();
        app.threads()
                .comment(
                        app.members().find("carol").orElseThrow(),
                        byCarol,
                        new ThreadService.Draft(null, "Carol again: thank you all.", null, null, null));
        byDan = app.threads()
                .comment(
                        app.members().find("dan").orElseThrow(),
                        thread,
                        new ThreadService.Draft(
                                null, "Dan: I don't see the point of anything lately.", null, null, null))
                .id();
        worker = new ExportWorker(app.exports(), Duration.ofMillis(200));
        worker.start();
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
        signIn(browser, "river");
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (scanner != null) scanner.close();
        if (worker != null) worker.close();
        if (server != null) server.close();
    }

    private static void signIn(Browser b, String name) {
        b.signIn(name, PASSWORD);
        assertTrue(b.find("header.site").getText().contains(name), "signed in as " + name);
    }

    @Test
    void aMemberVotesOnACommentOnItsPageReportsItUnderARuleAndFindsItInTheirReports() {
        browser.open("/p/" + thread);
        // A comment's one link leads to its own page, where it is voted on and reported.
        browser.clickAndLoad(browser.find("li#c" + byCarol + " > a[href$='/reply']"));
        browser.clickAndLoad(browser.find("#votes form[action$='/vote'] button"));
        assertTrue(browser.driver.getCurrentUrl().endsWith("/p/" + byCarol + "/reply#votes"));
        assertEquals("Score 1", browser.find("#votes .score").getText());
        assertEquals("true", browser.find("#votes button").getDomAttribute("aria-pressed"));
        browser.clickAndLoad(browser.find("#votes a[href$='/report']"));
        assertEquals("Tell the moderators about a post", browser.find("h1").getText());
        assertTrue(browser.find("section.quoted").getText().contains("a slow week"));
        assertTrue(browser.find("section.notice").getText().contains("The moderators of Peer support"));
        // Nothing chosen: the form comes back with the words kept and the problem by the field.
        browser.type("#text", "It read as mocking to me.");
        browser.clickAndLoad(browser.find("main form button[type=submit]"));
        assertEquals("#reason", browser.find(".error-summary a").getAttribute("hash"));
        assertEquals("It read as mocking to me.", browser.find("#text").getAttribute("value"));
        browser.find("label[for=reason]").click();
        browser.clickAndLoad(browser.find("main form button[type=submit]"));
        assertTrue(browser.driver.getCurrentUrl().endsWith("/reports/mine?done=filed"));
        var card = browser.find("li.card");
        assertTrue(card.getText().contains("Rule 1"), card.getText());
        assertTrue(card.getText().contains("It read as mocking to me."), card.getText());
        assertTrue(card.getText().contains("Waiting for a moderator"), card.getText());
        browser.screenshot("my-reports", 390);
    }

    @Test
    void aWellbeingConcernIsRaisedWithTheKeyboardAlone() {
        browser.open("/p/" + byDan + "/report");
        var note = browser.find("#wellbeing-note").getText();
        assertTrue(note.contains("only to the moderators") && note.contains("Nobody is told automatically"), note);
        assertEquals("/help", browser.find("fieldset.wellbeing a").getDomAttribute("href"));
        browser.screenshot("report", 390);
        browser.screenshot("report", 1280);
        // Tab to the first choice, arrow down through the reasons to the concern, on to the words, then send.
        var active = tabUntil("reason", 40);
        assertEquals("solid", active.getCssValue("outline-style"), "focus is drawn");
        for (int i = 0; i < 5; i++) browser.driver.switchTo().activeElement().sendKeys(Keys.ARROW_DOWN);
        assertEquals(
                "reason-wellbeing", browser.driver.switchTo().activeElement().getDomAttribute("id"));
        assertTrue(browser.find("#reason-wellbeing").isSelected());
        var text = tabUntil("text", 5);
        text.sendKeys("They said they feel hopeless.");
        text.sendKeys(Keys.TAB);
        var send = browser.driver.switchTo().activeElement();
        assertEquals("Send to the moderators", send.getText());
        send.sendKeys(Keys.ENTER);
        browser.waitUntil(d -> browser.driver.getCurrentUrl().contains("/reports/mine"));
        browser.waitUntil(d -> d.findElement(By.tagName("footer")) != null);
        assertTrue(browser.find("main").getText().contains("I’m worried about this person"));
    }

    /** Presses Tab until the element with this id has focus (at most {@code limit} presses). */
    private static WebElement tabUntil(String id, int limit) {
        for (int i = 0; i < limit; i++) {
            var active = browser.driver.switchTo().activeElement();
            if (id.equals(active.getDomAttribute("id"))) return active;
            active.sendKeys(Keys.TAB);
        }
        var active = browser.driver.switchTo().activeElement();
        assertEquals(id, active.getDomAttribute("id"), "reached by Tab");
        return active;
    }

    @Test
    void aBreakFromACommunityGreetsInsteadOfItsContentAndOneClickLeavesIt() {
        browser.open("/settings/distance");
        new Select(browser.find("#break_from")).selectByVisibleText("Peer support");
        browser.find("label[for=length-week]").click();
        browser.clickAndLoad(browser.find("form[action='/settings/distance/break'] button[type=submit]"));
        assertTrue(browser.find("[role=status]").getText().contains("Your break has started"));
        assertTrue(browser.find("section[aria-labelledby=breaks]").getText().contains("Peer support"));

        browser.open("/p/" + thread);
        assertEquals("You are taking a break", browser.find("h1").getText());
        assertFalse(browser.find("main").getText().contains("Say how it went"));
        browser.screenshot("break", 390);
        browser.open("/c/peers");
        assertEquals("You are taking a break", browser.find("h1").getText());
        browser.clickAndLoad(browser.find("main form button"));
        assertEquals("Peer support", browser.find("h1").getText());
        assertTrue(browser.driver.getCurrentUrl().endsWith("/c/peers"));
    }

    @Test
    void aBreakFromOneOfTwoFollowedCommunitiesTakesItsThreadsOutOfTheFeedUntilItEnds() {
        var tess = new Browser(server.base(), false);
        try {
            signIn(tess, "tess");
            for (var name : List.of("peers", "quiet")) {
                tess.open("/c/" + name);
                tess.clickAndLoad(tess.find("form[action='/c/" + name + "/follow'] button"));
            }
            tess.open("/feed/subscribed");
            var feed = tess.find("main").getText();
            assertTrue(feed.contains("How is your week?") && feed.contains("Evening stillness"), feed);

            tess.open("/settings/distance");
            new Select(tess.find("#break_from")).selectByVisibleText("Quiet corner");
            tess.find("label[for=length]").click();
            tess.clickAndLoad(tess.find("form[action='/settings/distance/break'] button[type=submit]"));
            assertTrue(tess.find("[role=status]").getText().contains("Your break has started"));
            tess.open("/feed/subscribed");
            feed = tess.find("main").getText();
            assertTrue(feed.contains("How is your week?"), "the other community stays: " + feed);
            assertFalse(feed.contains("Evening stillness"), "the one on a break leaves: " + feed);

            tess.open("/settings/distance");
            tess.clickAndLoad(tess.find("form[action='/settings/distance/break/end'] button"));
            assertTrue(tess.find("[role=status]").getText().contains("Your break is over"));
            tess.open("/feed/subscribed");
            feed = tess.find("main").getText();
            assertTrue(feed.contains("How is your week?") && feed.contains("Evening stillness"), feed);
        } finally {
            tess.close();
        }
    }

    @Test
    void theDailyReminderIsChosenOnTheDistancePageAndTurnedOff() {
        var dan = new Browser(server.base(), false);
        try {
            signIn(dan, "dan");
            dan.open("/settings/distance");
            assertTrue(dan.find("#reminder").isSelected(), "off unless chosen");
            // A number out of range comes back by its field, with what was typed kept.
            dan.find("label[for=reminder-after]").click();
            dan.type("#after_minutes", "2");
            dan.clickAndLoad(dan.find("form[action='/settings/distance/reminder'] button"));
            assertEquals(
                    "Write a number of minutes from 5 to 1440.",
                    dan.find("#after_minutes-error").getText());
            assertEquals("2", dan.find("#after_minutes").getAttribute("value"));
            assertTrue(dan.find("#reminder-after").isSelected());
            assertNull(server.app()
                    .reminder()
                    .today(server.app().members().find("dan").orElseThrow())
                    .afterMinutes());

            dan.find("#after_minutes").clear();
            dan.type("#after_minutes", "45");
            dan.clickAndLoad(dan.find("form[action='/settings/distance/reminder'] button"));
            assertTrue(dan.find("[role=status]").getText().contains("remind you gently"));
            assertEquals(
                    45,
                    server.app()
                            .reminder()
                            .today(server.app().members().find("dan").orElseThrow())
                            .afterMinutes());
            assertTrue(dan.find("#reminder-after").isSelected());
            assertEquals("45", dan.find("#after_minutes").getAttribute("value"));

            dan.find("label[for=reminder]").click();
            dan.clickAndLoad(dan.find("form[action='/settings/distance/reminder'] button"));
            assertTrue(dan.find("[role=status]").getText().contains("no daily reminder"));
            assertNull(server.app()
                    .reminder()
                    .today(server.app().members().find("dan").orElseThrow())
                    .afterMinutes());
        } finally {
            dan.close();
        }
    }

    @Test
    void aBlockedMembersRepliesCollapse() {
        var sam = new Browser(server.base(), false);
        try {
            signIn(sam, "sam");
            sam.open("/p/" + thread);
            assertTrue(sam.find("main").getText().contains("Carol again: thank you all."));
            sam.open("/u/carol");
            sam.clickAndLoad(sam.find("form[action='/settings/distance/block'] button"));
            assertTrue(sam.find("[role=status]").getText().startsWith("Blocked."));
            assertTrue(sam.find("section[aria-labelledby=blocks]").getText().contains("carol@"));
            sam.open("/p/" + thread);
            var main = sam.find("main").getText();
            assertFalse(main.contains("Carol"), main);
            assertEquals(2, sam.all("ol.comments p.gone").size());
            assertEquals(
                    "[a blocked member]", sam.find("li#c" + byCarol + " p.gone").getText());
            assertTrue(main.contains("Dan: I don't see the point"), "others stay");
            sam.screenshot("thread-blocked", 390);
        } finally {
            sam.close();
        }
    }

    @Test
    void anExportIsMadeAndDownloaded() throws Exception {
        var dan = new Browser(server.base(), false);
        try {
            signIn(dan, "dan");
            dan.open("/settings/export");
            dan.clickAndLoad(dan.find("main form button"));
            assertTrue(dan.find("[role=status]").getText().contains("being made"));
            // The page does not refresh itself; the member checks again.
            for (int i = 0; i < 100 && dan.all("a[download]").isEmpty(); i++) {
                Thread.sleep(100);
                dan.open("/settings/export");
            }
            var link = dan.find("a[download]");
            dan.screenshot("export", 390);
            var cookie = dan.driver.manage().getCookieNamed("kindred_session");
            var zip = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(link.getDomProperty("href")))
                                    .header("Cookie", "kindred_session=" + cookie.getValue())
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, zip.statusCode());
            var names = new ArrayList<String>();
            try (var in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
                for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) names.add(e.getName());
            }
            assertEquals(List.of("kindred.json", "outbox.json"), names);
        } finally {
            dan.close();
        }
    }

    @Test
    void everyNewPagePassesAxeSignedOutAndSignedIn() throws Exception {
        var failures = scanner.findings();
        // Signed out, each of them asks to sign in first.
        for (var path : List.of(
                "/p/" + thread + "/report",
                "/u/carol/report",
                "/reports/mine",
                "/settings/distance",
                "/settings/export")) {
            scanner.open(path);
            assertTrue(scanner.driver.getCurrentUrl().contains("/login?next="), path);
            failures.check(path + " (signed out)");
        }
        signIn(scanner, "alice");
        scanner.open("/reports/mine");
        failures.check("/reports/mine (none)");
        for (var path : List.of(
                "/p/" + thread,
                "/p/" + thread + "/report",
                "/p/" + byDan + "/report",
                "/p/" + byDan + "/reply",
                "/u/carol",
                "/u/carol/report",
                "/settings/distance",
                "/settings/export")) {
            scanner.open(path);
            failures.check(path);
        }
        // A report form with problems, then "my reports" with one in it.
        scanner.open("/p/" + byDan + "/report");
        scanner.clickAndLoad(scanner.find("main form button[type=submit]"));
        failures.check("report (no reason)");
        scanner.find("label[for=reason-spam]").click();
        scanner.clickAndLoad(scanner.find("main form button[type=submit]"));
        failures.check("/reports/mine (one)");
        // Distance with something in every list, and a form with a problem.
        scanner.open("/settings/distance");
        scanner.type("#block_member", "carol");
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/block'] button"));
        scanner.type("#mute_member", "dan");
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/mute'] button"));
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/hide'] button"));
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/break'] button[type=submit]"));
        failures.check("/settings/distance (no length)");
        scanner.find("label[for=length-until_i_come_back]").click();
        new Select(scanner.find("#break_from")).selectByVisibleText("Quiet corner");
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/break'] button[type=submit]"));
        failures.check("/settings/distance (full)");
        scanner.find("label[for=reminder-after]").click();
        scanner.type("#after_minutes", "a while");
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/reminder'] button"));
        failures.check("/settings/distance (reminder problem)");
        scanner.find("#after_minutes").clear();
        scanner.type("#after_minutes", "600");
        scanner.clickAndLoad(scanner.find("form[action='/settings/distance/reminder'] button"));
        failures.check("/settings/distance (reminder on)");
        scanner.screenshot("distance", 390);
        scanner.screenshot("distance", 1280);
        scanner.open("/p/" + thread);
        failures.check("/p/thread (blocked and muted)");
        scanner.open("/c/quiet");
        failures.check("/c/quiet (on a break)");
        // The export while it is made and when it is ready.
        scanner.open("/settings/export");
        scanner.clickAndLoad(scanner.find("main form button"));
        failures.check("/settings/export (started)");
        for (int i = 0; i < 100 && scanner.all("a[download]").isEmpty(); i++) {
            Thread.sleep(100);
            scanner.open("/settings/export");
        }
        assertFalse(scanner.all("a[download]").isEmpty(), "the export is ready to check");
        failures.check("/settings/export (ready)");
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/settings/distance", "/p/" + byDan + "/report", "/reports/mine", "/c/quiet"))
                failures.scan(path + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
