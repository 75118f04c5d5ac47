package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.net.http.HttpResponse;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's speed without wrong pages: thread and community pages are kept briefly for signed-out
 * readers, served again only while nothing they show has changed, never to anyone with a session,
 * and with an ETag a browser can ask with (304).
 */
class SignedOutPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long thread;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        app.members().create("river", PASSWORD, Role.MEMBER);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place.", "alice")
                .id();
        thread = app.threads()
                .startThread(
                        app.members().find("alice").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Evenings", "The quiet hours.", null, null, "en"))
                .id();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /**
     * A change made by another process on the same database (its own connection, not this server's
     * pools): heard only through the triggers' NOTIFY, or, with {@code unannounced}, not at all
     * (triggers off for its transaction), which shows whether a page was kept.
     */
    private static void elsewhere(boolean unannounced, String sql, Object... params) throws SQLException {
        var db = server.app().database();
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
            c.setAutoCommit(false);
            if (unannounced) Sql.update(c, "set local session_replication_role = replica");
            Sql.update(c, sql, params);
            c.commit();
        }
    }

    @Test
    void aKeptPageIsServedAgainWithItsEtagAndEndsAtTheNextChange() throws Exception {
        var reader = new WebClient(server);
        var first = reader.get("/p/" + thread);
        assertEquals(200, first.statusCode());
        var etag = first.headers().firstValue("ETag").orElseThrow();
        assertEquals(
                "private, no-cache", first.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(first.headers().firstValue("Vary").orElseThrow().contains("Cookie"));

        // A change nobody announced does not show: the page comes from what was kept (same bytes, same tag).
        elsewhere(true, "update post set content_html = '<p>Unannounced words.</p>' where id = ?", thread);
        var again = reader.get("/p/" + thread);
        assertEquals(first.body(), again.body());
        assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        assertEquals(
                304, reader.get("/p/" + thread, Map.of("If-None-Match", etag)).statusCode());

        // A change made here (a comment, through the service as any door makes it) ends the kept page at once:
        // the very next reader gets the page afresh.
        server.app()
                .threads()
                .comment(
                        server.app().members().find("river").orElseThrow(),
                        thread,
                        new ThreadService.Draft(null, "You are not alone.", null, null, null));
        var after = reader.get("/p/" + thread);
        assertTrue(after.body().contains("You are not alone."));
        assertTrue(after.body().contains("Unannounced words."), "rendered afresh from the database");
        assertNotEquals(etag, after.headers().firstValue("ETag").orElseThrow());
        assertEquals(
                200, reader.get("/p/" + thread, Map.of("If-None-Match", etag)).statusCode());
    }

    /**
     * After a change, the many readers of a busy thread who ask at once wait for one rendering of it
     * instead of each rendering it: counted in database connections, since every rendering reads.
     */
    @Test
    void readersAskingAtOnceAfterAChangeShareOneRendering() throws Exception {
        var db = server.app().database();
        var reader = new WebClient(server);
        // Changes through this server's own pool: its commit ends the kept page at once, no NOTIFY to wait for.
        db.transaction(c -> Sql.update(c, "update post set content_html = '<p>Warm.</p>' where id = ?", thread));
        assertTrue(reader.get("/p/" + thread).body().contains("Warm."));
        db.transaction(c -> Sql.update(c, "update post set content_html = '<p>Measured.</p>' where id = ?", thread));
        long before = db.connectionsTaken();
        assertTrue(reader.get("/p/" + thread).body().contains("Measured."));
        long one = db.connectionsTaken() - before;
        assertTrue(one > 0, "a rendering reads the database");

        db.transaction(
                c -> Sql.update(c, "update post set content_html = '<p>Everyone at once.</p>' where id = ?", thread));
        int readers = 48;
        var start = new java.util.concurrent.CountDownLatch(1);
        var answers = new java.util.concurrent.ConcurrentLinkedQueue<HttpResponse<String>>();
        before = db.connectionsTaken();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < readers; i++) {
                pool.submit(() -> {
                    start.await();
                    answers.add(new WebClient(server).get("/p/" + thread));
                    return null;
                });
            }
            start.countDown();
        }
        long all = db.connectionsTaken() - before;
        assertEquals(readers, answers.size());
        for (var answer : answers) {
            assertEquals(200, answer.statusCode());
            assertTrue(answer.body().contains("Everyone at once."));
        }
        // Rendering alone each would take readers x one; a few may render apart (a background commit
        // moving the generation between them), never most of them.
        assertTrue(all <= 6 * one, readers + " readers took " + all + " connections; one rendering takes " + one);
    }

    @Test
    void aKeptPageEndsWhenAnotherProcessChangesTheDatabase() throws Exception {
        var reader = new WebClient(server);
        assertTrue(reader.get("/c/peers").body().contains("Peer support"));
        assertTrue(reader.get("/c/peers").headers().firstValue("ETag").isPresent());
        elsewhere(false, "update community set title = 'Peer support circle' where id = ?", peers);
        untilShows("/c/peers", "Peer support circle");
    }

    @Test
    void aSignedInMemberNeverGetsAKeptPageNorLeavesTheirsForOthers() {
        var stranger = new WebClient(server);
        var kept = stranger.get("/p/" + thread);
        assertTrue(kept.headers().firstValue("ETag").isPresent());

        var river = new WebClient(server);
        assertEquals(
                303,
                river.submit("/login", "/login", Map.of("username", "river", "password", PASSWORD, "next", "/"))
                        .statusCode());
        var own = river.get("/p/" + thread);
        assertEquals(200, own.statusCode());
        assertTrue(own.body().contains("Your page (river)"), "the member's own header");
        assertTrue(own.body().contains("name=\"csrf\""), "the member's own form token");
        assertTrue(own.headers().firstValue("ETag").isEmpty());
        assertEquals("no-store", own.headers().firstValue("Cache-Control").orElseThrow());

        var later = new WebClient(server).get("/p/" + thread);
        assertFalse(later.body().contains("name=\"csrf\""));
        assertFalse(later.body().contains("Your page (river)"), later.body());
        // An ended session's cookie is not a signed-out reader to share with either: rendered for them alone.
        var stale = new WebClient(server);
        stale.cookies.put("kindred_session", "ended");
        var forStale = stale.get("/p/" + thread);
        assertEquals(200, forStale.statusCode());
        assertTrue(forStale.headers().firstValue("ETag").isEmpty());
    }

    @Test
    void eachLanguageHasItsOwnKeptPage() {
        var english = new WebClient(server).get("/p/" + thread, Map.of("Accept-Language", "en-GB"));
        var german = new WebClient(server).get("/p/" + thread, Map.of("Accept-Language", "de-DE,de;q=0.9"));
        var germanAgain = new WebClient(server).get("/p/" + thread, Map.of("Accept-Language", "de-DE,de;q=0.9"));
        assertNotEquals(english.body(), german.body());
        assertTrue(german.body().matches("(?s).*\\d{2}\\.\\d{2}\\.\\d{4}.*"), "German dates");
        assertEquals(german.body(), germanAgain.body());
    }

    /** Another process's change is heard just after its commit: milliseconds, bounded here well under the 10 s a page is kept. */
    private static HttpResponse<String> untilShows(String path, String words) throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (true) {
            var page = new WebClient(server).get(path);
            if (page.body().contains(words)) return page;
            if (System.nanoTime() > deadline) fail(path + " still shows the kept page 2 s after the change");
            Thread.sleep(20);
        }
    }
}
