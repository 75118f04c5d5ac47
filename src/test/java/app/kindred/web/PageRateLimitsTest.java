package app.kindred.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web pages count against the same per-member limits as the API: they are taken in the services, not in routes. */
class PageRateLimitsTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_LIMITS_THREAD", "2/1h", "KINDRED_LIMITS_FOLLOW", "1/1h"));
        server.app().members().create("alice", PASSWORD, Role.ADMIN);
        server.app().members().create("dee", PASSWORD, Role.MEMBER);
        server.app().communities().create("peers", "Peer support", "A calm place", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response =
                web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/c/peers"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static Map<String, String> thread(String title) {
        return Map.of("title", title, "body", "words", "content_warning", "", "language", "", "publish", "1");
    }

    @Test
    void threadsStartedThroughTheServiceAndThePagesShareOneLimit() {
        var dee = server.app().members().find("dee").orElseThrow();
        long peers = server.app().communities().find("peers").orElseThrow().id();
        server.app().threads().startThread(dee, peers, new ThreadService.Draft("First", "words", null, null, null));
        var web = signedIn("dee");

        assertEquals(
                303,
                web.submit("/c/peers/new", "/c/peers/new", thread("Second")).statusCode());
        var third = web.submit("/c/peers/new", "/c/peers/new", thread("Third"));

        assertEquals(429, third.statusCode(), third.body());
        assertTrue(third.headers().firstValue("Retry-After").isPresent());
        assertEquals(
                2,
                server.app().threads().threads(peers, PostStore.Sort.NEW, 10, 0).size());
    }

    @Test
    void aFollowFromThePagesCountsAgainstTheFollowLimit() {
        server.app().members().create("eli", PASSWORD, Role.MEMBER);
        var web = signedIn("eli");
        assertEquals(303, web.submit("/c/peers", "/c/peers/follow", Map.of()).statusCode());
        assertEquals(303, web.submit("/c/peers", "/c/peers/unfollow", Map.of()).statusCode());
        assertEquals(429, web.submit("/c/peers", "/c/peers/follow", Map.of()).statusCode());
    }
}
