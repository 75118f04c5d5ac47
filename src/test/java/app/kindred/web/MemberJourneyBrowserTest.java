package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;

/**
 * A member's journeys in a real browser with JavaScript off: sign up, find a community, follow it,
 * start a thread behind a content warning, reply, vote, sign out. Every page passes axe's WCAG 2.2
 * AA rules, signed out and signed in, and the main pages are photographed narrow and wide.
 */
class MemberJourneyBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static long thread, comment, hardThread;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true", "KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        var peers = app.communities()
                .create("peers", "Peer support", "A calm place to talk about *anything* that weighs on you.", "alice");
        server.sql(
                "insert into community_rule (community_id, number, title, description) values (?, 1, ?, ?), (?, 2, ?, ?)",
                peers.id(),
                "Be kind",
                "Assume good faith and speak gently.",
                peers.id(),
                "No advice unless asked",
                "Listen first; ask before offering solutions.");
        var hard = app.communities().create("hard_days", "Hard days", "For the days that are heavy.", "alice");
        server.sql("update community set sensitive = true where id = ?", hard.id());
        hardThread = app.threads()
                .startThread(
                        app.members().find("alice").orElseThrow(),
                        hard.id(),
                        new ThreadService.Draft(
                                "Still here", "Some days are just about getting through.", null, null, null))
                .id();
        var alice = app.members().find("alice").orElseThrow();
        thread = app.threads()
                .startThread(
                        alice,
                        peers.id(),
                        new ThreadService.Draft(
                                "Welcome, everyone",
                                "Say hello, and say **how you are** if you like.",
                                "loss",
                                null,
                                "en"))
                .id();
        comment = app.threads()
                .comment(
                        alice,
                        thread,
                        new ThreadService.Draft(null, "I will start: tired, but here.", null, null, null))
                .id();
        app.threads()
                .comment(
                        alice,
                        comment,
                        new ThreadService.Draft(null, "A reply to myself, to show nesting.", null, null, null));
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    @Test
    void aNewcomerSignsUpFindsACommunityFollowsItPostsBehindAWarningRepliesAndVotes() {
        browser.open("/");
        assertEquals("Kindred trial", browser.find("h1").getText());
        browser.screenshot("front", 390);
        browser.screenshot("front", 1280);

        // Sign up: a wrong password comes back with the name kept and the problem by the field.
        browser.clickAndLoad(browser.driver.findElement(By.linkText("Sign up")));
        browser.type("#username", "river");
        browser.type("#password", "short");
        browser.clickAndLoad(browser.find("form[action='/signup'] button[type=submit]"));
        assertEquals("river", browser.find("#username").getAttribute("value"));
        assertTrue(browser.find(".error-summary a[href='#password']").getText().contains("at least 10"));
        assertEquals("password-hint password-error", browser.find("#password").getAttribute("aria-describedby"));
        browser.screenshot("signup-error", 390);
        browser.type("#password", PASSWORD);
        browser.clickAndLoad(browser.find("form[action='/signup'] button[type=submit]"));
        assertTrue(browser.find("header.site").getText().contains("river"), "signed in after signing up");
        assertEquals(
                "Welcome. Your account is ready and you are signed in.",
                browser.find("main [role=status]").getText());

        // Find the community from the front page and follow it.
        browser.clickAndLoad(browser.driver.findElement(By.linkText("Peer support")));
        assertEquals("Peer support", browser.find("h1").getText());
        assertEquals(
                List.of("Be kind", "No advice unless asked"),
                browser.all(".rules li strong").stream().map(e -> e.getText()).toList());
        browser.clickAndLoad(browser.find("form[action='/c/peers/follow'] button"));
        assertTrue(browser.find("main").getText().contains("You follow this community."));
        assertEquals(
                1,
                server.app()
                        .follows()
                        .subscriptions(server.app().members().find("river").orElseThrow())
                        .size());

        // Start a thread: a missing title brings the form back with the text kept; the preview renders Markdown.
        browser.clickAndLoad(browser.driver.findElement(By.linkText("Start a thread")));
        assertTrue(browser.find("aside").getText().contains("Be kind"), "the guidelines stand beside the composer");
        browser.type("#body", "Today was **heavy**. I lost someone.");
        browser.type("#content_warning", "grief");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("#title", browser.find(".error-summary a").getAttribute("hash"));
        assertEquals(
                "Today was **heavy**. I lost someone.", browser.find("#body").getAttribute("value"));
        assertEquals("grief", browser.find("#content_warning").getAttribute("value"));
        browser.type("#title", "A heavy day");
        browser.clickAndLoad(browser.find("button[name=preview]"));
        assertEquals("heavy", browser.find(".preview strong").getText());
        browser.screenshot("compose-preview", 1280);
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("A heavy day", browser.find("h1").getText());

        // The warning is all a reader sees until they open it.
        var warning = browser.find("article.thread details.cw");
        assertNull(warning.getAttribute("open"));
        assertEquals("CW: grief", warning.findElement(By.tagName("summary")).getText());
        assertFalse(warning.findElement(By.cssSelector(".body")).isDisplayed());
        browser.screenshot("thread-warning", 390);
        warning.findElement(By.tagName("summary")).click();
        browser.waitUntil(d -> warning.findElement(By.cssSelector(".body")).isDisplayed());
        assertTrue(warning.findElement(By.cssSelector(".body")).getText().contains("I lost someone"));

        // Reply, then land on the new comment.
        browser.type("#body", "I am so sorry. I am here if you want to talk.");
        browser.clickAndLoad(browser.find("section.composer button[name=publish]"));
        var comment = browser.find("ol.comments > li");
        assertTrue(
                browser.driver.getCurrentUrl().endsWith("#" + comment.getAttribute("id")),
                browser.driver.getCurrentUrl());
        assertTrue(comment.getText().contains("I am here if you want to talk"));

        // Vote the thread up; the button says it is pressed, and pressing again takes the vote back.
        browser.clickAndLoad(browser.find("article.thread form[action$='/vote'] button"));
        assertEquals("Score 1", browser.find("article.thread .score").getText());
        var up = browser.find("article.thread form[action$='/vote'] button");
        assertEquals("true", up.getAttribute("aria-pressed"));
        assertEquals("Take back up vote", up.getText());
        browser.screenshot("thread", 1280);
        browser.screenshot("thread", 390);

        // The thread is listed in the community, its title behind the warning too.
        browser.clickAndLoad(browser.driver.findElement(By.cssSelector("nav.crumbs a[href='/c/peers']")));
        var listed = browser.find("ol.threads details.cw");
        assertEquals("CW: grief", listed.findElement(By.tagName("summary")).getText());
        browser.screenshot("community", 1280);
        browser.screenshot("community", 390);

        // Sign out: the session is over for the server too.
        browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        assertTrue(browser.find("header.site").getText().contains("Sign in"));
        assertEquals("You are signed out.", browser.find("main [role=status]").getText());
        browser.open("/c/peers/new");
        assertTrue(browser.driver.getCurrentUrl().contains("/login?next="), browser.driver.getCurrentUrl());
    }

    @Test
    void theKeyboardReachesTheSkipLinkFirstAndFocusIsVisible() {
        browser.open("/c/peers");
        browser.find("body").sendKeys(Keys.TAB);
        var first = browser.driver.switchTo().activeElement();
        assertEquals("Skip to the main content", first.getText());
        assertEquals("solid", first.getCssValue("outline-style"), "focus is drawn");
        first.sendKeys(Keys.ENTER);
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("#main"));
        // Onward from the skip target, the next stop is inside the main content, not the header again.
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
        var next = browser.driver.switchTo().activeElement();
        assertTrue(browser.find("main").findElements(By.xpath(".//*")).contains(next), next.getText());
    }

    @Test
    void everyPagePassesAxeSignedOutAndSignedIn() {
        var failures = scanner.findings();
        for (var path : List.of(
                "/",
                "/signup",
                "/login",
                "/help",
                "/c/peers",
                "/c/hard_days",
                "/p/" + thread,
                "/u/alice",
                "/u/nobody",
                "/c/peers/new?sort=x")) {
            failures.scan(path);
        }
        // A form with problems, signed out.
        scanner.open("/login");
        scanner.type("#username", "alice");
        scanner.type("#password", "not the password");
        scanner.clickAndLoad(scanner.find("form[action='/login'] button[type=submit]"));
        assertTrue(scanner.find(".error-summary").isDisplayed());
        failures.check("/login (wrong password)");

        scanner.type("#username", "alice");
        scanner.type("#password", PASSWORD);
        scanner.clickAndLoad(scanner.find("form[action='/login'] button[type=submit]"));
        for (var path : List.of(
                "/",
                "/c/peers",
                "/c/hard_days",
                "/c/peers/new",
                "/p/" + thread,
                "/p/" + thread + "/reply",
                "/p/" + comment + "/reply",
                "/p/" + thread + "/edit",
                "/p/" + comment + "/edit",
                "/p/" + thread + "/delete",
                "/u/alice",
                "/help",
                "/nothing-here",
                "/p/" + hardThread,
                "/c/peers?followed=1")) {
            failures.scan(path);
        }
        scanner.open("/c/hard_days");
        scanner.screenshot("sensitive-community", 390);
        // A composer with a preview and with problems.
        scanner.open("/c/peers/new");
        scanner.type("#body", "x".repeat(10) + " *preview*");
        scanner.clickAndLoad(scanner.find("button[name=publish]"));
        failures.check("/c/peers/new (missing title)");
        scanner.clickAndLoad(scanner.find("button[name=preview]"));
        failures.check("/c/peers/new (preview)");
        // The dark scheme has its own colours, so its contrast is checked too.
        scanner.darkScheme(true);
        try {
            for (var path : List.of("/", "/c/peers", "/c/hard_days", "/p/" + thread, "/u/alice", "/help"))
                failures.scan(path + "#dark");
            scanner.open("/p/" + thread);
            scanner.screenshot("thread-dark", 390);
            scanner.open("/c/peers/new");
            scanner.clickAndLoad(scanner.find("button[name=publish]"));
            failures.check("/c/peers/new (missing title, dark)");
        } finally {
            scanner.darkScheme(false);
        }
        failures.assertNone();
    }
}
