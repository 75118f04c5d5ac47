package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * A member's own pages in a real browser with JavaScript off: a reply arrives as a notification,
 * search finds words and a pasted handle, the feeds list threads, the settings keep a choice; every
 * page passes axe's WCAG 2.2 AA rules signed out and in, fits 320 px, and works from the keyboard.
 */
class MemberPagesBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static long thread;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true", "KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        app.members().create("river", PASSWORD, Role.MEMBER);
        var peers = app.communities()
                .create("peers", "Peer support", "A calm place to talk about *anything* that weighs on you.", "alice");
        var alice = app.members().find("alice").orElseThrow();
        var river = app.members().find("river").orElseThrow();
        app.follows().follow(river, "peers");
        thread = app.threads()
                .startThread(
                        river,
                        peers.id(),
                        new ThreadService.Draft(
                                "Evenings are hard", "The quiet hours weigh on me.", "loneliness", null, "en"))
                .id();
        app.threads()
                .startThread(
                        alice,
                        peers.id(),
                        new ThreadService.Draft("Small joys", "Tell us one good thing from today.", null, null, "en"));
        long group = app.database().transaction(c -> Sql.insert(c, """
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/c/far', 'Group', 'far', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id"""));
        server.sql(
                "insert into community (actor_id, title, description) values (?, 'Far away', 'Across the sea')", group);
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    /** Alice replies to river's thread: a notification for river. */
    private static void aliceReplies(String words) {
        var app = server.app();
        app.threads()
                .comment(
                        app.members().find("alice").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, words, null, null, null));
    }

    @Test
    void aMemberReadsANotificationSearchesFollowsFromAFeedAndChoosesOpenWarnings() {
        aliceReplies("You are not alone in the evenings.");
        browser.signIn("river", PASSWORD);
        try {
            // The header says a reply is waiting; the list shows it and opening the list marks it seen.
            var link = browser.find("header a[href='/notifications']");
            assertEquals("Notifications (1 new)", link.getText());
            browser.clickAndLoad(link);
            assertEquals("Notifications", browser.find("h1").getText());
            assertTrue(browser.find("ol.notifications").getText().contains("You are not alone in the evenings."));
            assertEquals(
                    "Notifications",
                    browser.find("header a[href='/notifications']").getText());
            browser.screenshot("notifications", 390);
            browser.screenshot("notifications", 1280);
            // The notification leads to the reply, on its thread.
            browser.clickAndLoad(browser.find("ol.notifications a[href^='/p/']"));
            assertEquals("Evenings are hard", browser.find("h1").getText());
            assertTrue(browser.driver.getCurrentUrl().contains("#c"), browser.driver.getCurrentUrl());

            // Search by words, from the header.
            browser.clickAndLoad(browser.driver.findElement(By.linkText("Search")));
            browser.type("#q", "good thing");
            browser.clickAndLoad(browser.find("form[role=search] button[type=submit]"));
            assertEquals(
                    "Small joys", browser.find("section:has(#found-posts) h3 a").getText());
            browser.screenshot("search", 390);
            browser.screenshot("search", 1280);
            // A pasted handle finds the community elsewhere and leads to its page here.
            browser.type("#q", "!far@lemmy.example");
            browser.clickAndLoad(browser.find("form[role=search] button[type=submit]"));
            browser.clickAndLoad(browser.find("section:has(#found) a"));
            assertEquals("Far away", browser.find("h1").getText());
            assertTrue(browser.find("main").getText().contains("This community lives on lemmy.example."));
            browser.screenshot("remote-community", 390);
            browser.screenshot("remote-community", 1280);

            // The feed of followed communities lists both threads, the warned one closed.
            browser.clickAndLoad(browser.driver.findElement(By.linkText("Feeds")));
            assertEquals("Communities you follow", browser.find("h1").getText());
            var warned = browser.find("ol.threads details.cw");
            assertNull(warned.getAttribute("open"));
            assertEquals(
                    "CW: loneliness", warned.findElement(By.tagName("summary")).getText());
            browser.screenshot("feed", 390);
            browser.screenshot("feed", 1280);

            // Settings: warnings open by default, and then they are.
            browser.clickAndLoad(browser.driver.findElement(By.linkText("Settings")));
            browser.screenshot("settings", 390);
            browser.screenshot("settings", 1280);
            browser.find("#warnings-open").click();
            browser.clickAndLoad(browser.find("form[action='/settings/warnings'] button"));
            assertEquals("Saved.", browser.find("main [role=status]").getText());
            browser.open("/feed/subscribed");
            assertEquals("true", browser.find("ol.threads details.cw").getAttribute("open"));
            browser.open("/p/" + thread);
            assertEquals("true", browser.find("article.thread details.cw").getAttribute("open"));

            // A wrong current password comes back by its field.
            browser.open("/settings");
            browser.type("#current_password", "not my password");
            browser.type("#new_password", "a new calm passphrase");
            browser.clickAndLoad(browser.find("form[action='/settings/password'] button"));
            assertEquals(
                    "current_password-error", browser.find("#current_password").getAttribute("aria-describedby"));
            assertTrue(
                    browser.find(".error-summary a[href='#current_password']").isDisplayed());
        } finally {
            server.app()
                    .members()
                    .setContentWarningsOpen(server.app().members().find("river").orElseThrow(), false);
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
    }

    @Test
    void theKeyboardReachesSearchAndItsResults() {
        browser.open("/search");
        browser.find("body").sendKeys(Keys.TAB);
        var skip = browser.driver.switchTo().activeElement();
        assertEquals("Skip to the main content", skip.getText());
        skip.sendKeys(Keys.ENTER);
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("#main"));
        // From the main content the first stop is the search field; typing and Enter search.
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        var field = browser.driver.switchTo().activeElement();
        assertEquals("q", field.getAttribute("id"));
        assertEquals("solid", field.getCssValue("outline-style"), "focus is drawn");
        field.sendKeys("quiet hours");
        field.sendKeys(Keys.ENTER);
        browser.waitUntil(d -> d.getCurrentUrl().contains("q=quiet"));
        browser.waitUntil(d -> d.findElement(By.tagName("footer")) != null);
        // Behind its content warning, closed: the title is in the page, not yet shown.
        assertEquals(
                "Evenings are hard",
                browser.find("section:has(#found-posts) h3 a").getDomProperty("textContent"));
    }

    @Test
    void everyNewPagePassesAxeSignedOutAndSignedIn() {
        var failures = scanner.findings();
        for (var path : List.of(
                "/search",
                "/search?q=evenings",
                "/search?q=%3F%3F%3F",
                "/search?q=%21far%40lemmy.example",
                "/search?q=%21unknown%40nowhere.example",
                "/feed/local",
                "/feed/all?sort=top",
                "/r/far@lemmy.example",
                "/r/nobody@nowhere.example")) {
            failures.scan(path);
        }
        aliceReplies("Evenings get lighter.");
        scanner.signIn("river", PASSWORD);
        for (var path : List.of(
                "/",
                "/notifications",
                "/feed/subscribed",
                "/feed/local?sort=new",
                "/feed/all",
                "/search",
                "/search?q=evenings",
                "/search?q=%21unknown%40nowhere.example",
                "/r/far@lemmy.example",
                "/r/far@lemmy.example?followPending=1",
                "/settings",
                "/settings?passwordChanged=1")) {
            failures.scan(path);
        }
        // The password form with its problems.
        scanner.open("/settings");
        scanner.type("#current_password", "wrong one");
        scanner.type("#new_password", "short");
        scanner.clickAndLoad(scanner.find("form[action='/settings/password'] button"));
        failures.check("/settings (wrong password)");
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/notifications", "/feed/subscribed", "/search?q=evenings", "/settings"))
                failures.scan(path + "#dark");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
