package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anonymous posting in a real browser with JavaScript off (issue 17): river starts a thread with
 * "Post anonymously" ticked and sees it as theirs; sage, another member, sees only "Anonymous member
 * 1"; mona, the moderator, sees who wrote it. The composer with the choice and the three views of
 * the thread pass axe's WCAG 2.2 AA rules and fit 320 px.
 */
class AnonymousPostingBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_NAME", "Kindred trial"));
        var app = server.app();
        app.members().create("mona", PASSWORD, Role.MEMBER);
        app.members().create("river", PASSWORD, Role.MEMBER);
        app.members().create("sage", PASSWORD, Role.MEMBER);
        long peers = app.communities()
                .create("peers", "Peer support", "A calm place", "mona")
                .id();
        app.threads().setAnonymousPosting(app.members().find("mona").orElseThrow(), peers, true);
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    private static void signOut(Browser b) {
        b.open("/");
        b.clickAndLoad(b.find("form[action='/logout'] button"));
    }

    @Test
    void aMemberPostsAnonymouslyAnotherSeesThePseudonymAndTheModeratorSeesTheWriter() {
        browser.signIn("river", PASSWORD);
        String thread;
        try {
            browser.open("/c/peers/new");
            var hint = browser.find("#anonymous-hint").getText();
            assertTrue(hint.contains("Mastodon, Lemmy"), hint);
            browser.type("#title", "Something I never said");
            browser.type("#body", "It has been on my mind for years.");
            browser.find("#anonymous").click();
            browser.clickAndLoad(browser.find("button[name=publish]"));
            thread = browser.driver.getCurrentUrl().replaceFirst("^https?://[^/]+", "");
            assertTrue(thread.matches("/p/\\d+"), thread);
            var byline = browser.find("article.thread h1 ~ p.meta ~ p.meta").getText();
            assertTrue(byline.contains("Anonymous member 1"), byline);
            assertTrue(byline.contains("you wrote this anonymously"), byline);
        } finally {
            signOut(browser);
        }

        browser.signIn("sage", PASSWORD);
        try {
            browser.open(thread);
            assertTrue(browser.find("article.thread h1 ~ p.meta ~ p.meta")
                    .getText()
                    .contains("Anonymous member 1"));
            assertFalse(browser.find("main").getText().contains("river"), "another member is not told who wrote it");
        } finally {
            signOut(browser);
        }

        browser.signIn("mona", PASSWORD);
        try {
            browser.open(thread);
            var byline = browser.find("article.thread h1 ~ p.meta ~ p.meta").getText();
            assertTrue(byline.contains("Anonymous member 1"), byline);
            assertTrue(byline.contains("written by river@" + server.domain()), byline);
        } finally {
            signOut(browser);
        }

        var failures = scanner.findings();
        for (var who : List.of("river", "sage", "mona")) {
            scanner.signIn(who, PASSWORD);
            try {
                if (who.equals("river")) failures.scan("/c/peers/new");
                failures.scan(thread);
            } finally {
                signOut(scanner);
            }
        }
        failures.assertNone();
    }
}
