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

/**
 * Issue 14: a member reads a thread from another server, as this instance knows it, at our own
 * address for it (/r/p/{id}), reached from the feed of everything and from search; its hostile HTML
 * is inert, and the page passes axe signed out and in. The remote server is not run: its community,
 * author, thread and comments are stored as the inbox would have stored them.
 */
class RemotePostPagesBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static long thread;
    private static long reply;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        app.members().create("river", PASSWORD, Role.MEMBER);
        long group = id("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/c/far', 'Group', 'far', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id""");
        long lee = id("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/u/lee', 'Person', 'lee', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id""");
        long kim = id("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://mastodon.example/users/kim', 'Person', 'kim', 'mastodon.example', false, 'https://mastodon.example/inbox', now())
                returning id""");
        long community = id(
                "insert into community (actor_id, title, description) values (?, 'Far away', 'Across the sea') returning id",
                group);
        // What a hostile server might send: stored as it came, so the page's own sanitising is what is tested.
        thread = id("""
                insert into post (uri, url, community_id, author_id, local, title, content_html, published)
                values ('https://lemmy.example/post/77', 'https://lemmy.example/post/77', ?, ?, false, 'Lighthouse keeping',
                        '<p>The lamps <script>document.title="owned"</script><img src="x" onerror="document.title=1">'
                        || '<a href="javascript:alert(1)">need care</a>.</p>', now() - interval '2 hours')
                returning id""", community, lee);
        long first = id("""
                insert into post (uri, community_id, author_id, parent_id, thread_id, local, content_html, published)
                values ('https://mastodon.example/notes/1', ?, ?, ?, ?, false, '<p>I keep one too.</p>', now() - interval '1 hour')
                returning id""", community, kim, thread, thread);
        reply = id("""
                insert into post (uri, community_id, author_id, parent_id, thread_id, local, content_html, published)
                values ('https://lemmy.example/comment/9', ?, ?, ?, ?, false, '<p>Tell me about yours.</p>', now())
                returning id""", community, lee, first, thread);
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
    }

    private static long id(String sql, Object... params) {
        return server.app().database().transaction(c -> Sql.insert(c, sql, params));
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    @Test
    void aMemberReadsARemoteThreadFromTheFeedAndFromSearch() {
        browser.signIn("river", PASSWORD);
        try {
            browser.open("/feed/all");
            var link = browser.find("ol.threads h3 a");
            assertEquals("Lighthouse keeping", link.getText());
            assertEquals(server.base() + "/r/p/" + thread, link.getAttribute("href"));
            browser.clickAndLoad(link);
            assertEquals(server.base() + "/r/p/" + thread, browser.driver.getCurrentUrl());
            assertEquals("Lighthouse keeping", browser.find("h1").getText());
            assertTrue(browser.find("nav.crumbs").getText().contains("Far away"));
            var article = browser.find("article.thread");
            assertTrue(article.getText().contains("lee@lemmy.example")
                    || article.getText().contains("lemmy.example"));
            // The comments, nested as they were written, with where their authors are from.
            var comments = browser.find("ol.comments");
            assertTrue(comments.getText().contains("I keep one too."), comments.getText());
            assertTrue(comments.getText().contains("mastodon.example"), comments.getText());
            assertNotNull(browser.find("#c" + reply));
            // Nothing of the hostile HTML is active: no script ran, no handler or javascript: link is left.
            assertNotEquals("owned", browser.driver.getTitle());
            assertNotEquals("1", browser.driver.getTitle());
            var main = browser.find("main");
            assertTrue(main.findElements(By.tagName("script")).isEmpty());
            assertTrue(main.findElements(By.cssSelector("[onerror]")).isEmpty());
            assertTrue(
                    main.findElements(By.cssSelector("a[href^='javascript']")).isEmpty());
            browser.screenshot("remote-thread", 390);
            browser.screenshot("remote-thread", 1280);

            // Pasting the thread's address into search finds it here, and leads to the same page.
            browser.open("/search");
            browser.type("#q", "https://lemmy.example/post/77");
            browser.clickAndLoad(browser.find("form[role=search] button[type=submit]"));
            browser.clickAndLoad(browser.find("section:has(#found) a"));
            assertEquals(server.base() + "/r/p/" + thread, browser.driver.getCurrentUrl());

            // An older link to /p/{id}, and a comment's own link, lead to our page of the thread.
            browser.open("/p/" + thread);
            assertEquals(server.base() + "/r/p/" + thread, browser.driver.getCurrentUrl());
            browser.open("/r/p/" + reply);
            assertEquals(server.base() + "/r/p/" + thread + "#c" + reply, browser.driver.getCurrentUrl());
        } finally {
            browser.open("/");
            browser.clickAndLoad(browser.find("form[action='/logout'] button"));
        }
    }

    @Test
    void theRemoteThreadPassesAxeSignedOutAndSignedIn() {
        var failures = scanner.findings();
        failures.scan("/r/p/" + thread);
        scanner.signIn("river", PASSWORD);
        for (var path : List.of("/r/p/" + thread, "/feed/all")) failures.scan(path);
        failures.assertNone();
    }

    @Test
    void ourOwnThreadsStayAtTheirAddress() {
        var app = server.app();
        var peers = app.communities().create("peers", "Peer support", "A calm place.", "alice");
        long own = app.threads()
                .startThread(
                        app.members().find("alice").orElseThrow(),
                        peers.id(),
                        new ThreadService.Draft("Ours", "Here.", null, null, "en"))
                .id();
        var web = new WebClient(server);
        assertEquals(200, web.get("/p/" + own).statusCode());
        var moved = web.get("/r/p/" + own);
        assertEquals(302, moved.statusCode());
        assertEquals("/p/" + own, moved.headers().firstValue("Location").orElseThrow());
        var remote = web.get("/p/" + thread + "?page=1", Map.of());
        assertEquals(
                "/r/p/" + thread + "?page=1",
                remote.headers().firstValue("Location").orElseThrow());
    }
}
