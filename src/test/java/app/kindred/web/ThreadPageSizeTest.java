package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's size bar: a thread page with 200 comments is under 60 KB of HTML, signed in (the larger
 * page: vote buttons, reply and report links) and signed out, and it still says everything a reader needs.
 */
class ThreadPageSizeTest {
    static final int COMMENTS = 200, LIMIT = 60_000;
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long thread;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        thread = seed(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /**
     * The benchmark's thread too: 200 comments of about 80 characters by ten members, a third of
     * them replies to the comment before, one behind a content warning in ten.
     */
    static long seed(TestServer server) {
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        for (int i = 0; i < 10; i++) app.members().create("member" + i, PASSWORD, Role.MEMBER);
        var community = app.communities().create("peers", "Peer support", "A calm place.", "alice");
        var alice = app.members().find("alice").orElseThrow();
        long id = app.threads()
                .startThread(
                        alice,
                        community.id(),
                        new ThreadService.Draft(
                                "How are you, really?", "Say how your week went, if you like.", null, null, "en"))
                .id();
        long previous = id;
        for (int i = 0; i < COMMENTS; i++) {
            var author = app.members().find("member" + (i % 10)).orElseThrow();
            long parent = i % 3 == 2 ? previous : id;
            var body = "Comment " + i + ": a mixed week. I slept better, walked twice. Thank you for listening.";
            previous = app.threads()
                    .comment(
                            author,
                            parent,
                            new ThreadService.Draft(null, body, i % 10 == 5 ? "sleep" : null, null, null))
                    .id();
        }
        return id;
    }

    @Test
    void aThreadWithTwoHundredCommentsIsUnderSixtyKilobytes() throws Exception {
        var signedOut = new WebClient(server).get("/p/" + thread);
        var web = new WebClient(server);
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", "alice", "password", PASSWORD, "next", "/"))
                        .statusCode());
        var signedIn = web.get("/p/" + thread);
        assertEquals(200, signedIn.statusCode());
        int in = signedIn.body().getBytes(StandardCharsets.UTF_8).length;
        int out = signedOut.body().getBytes(StandardCharsets.UTF_8).length;
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "thread-200.html"), signedIn.body());
        System.out.println("thread page with " + COMMENTS + " comments: signed in " + in + " bytes, signed out " + out);
        assertTrue(in < LIMIT, "signed in: " + in + " bytes");
        assertTrue(out < LIMIT, "signed out: " + out + " bytes");

        // Smaller, not poorer: every comment keeps its anchor, author, time, words and its actions.
        var page = Jsoup.parse(signedIn.body());
        assertEquals(COMMENTS, page.select("ol.comments li[id^=c]").size());
        assertEquals(COMMENTS, page.select("li[id^=c] time[datetime]").size());
        assertEquals(COMMENTS / 10, page.select("li[id^=c] details.cw").size());
        assertEquals(COMMENTS, page.select("li[id^=c] a[href$=/reply]").size(), "each comment links to its own page");
        assertEquals(
                3,
                page.select("input[name=csrf]").size(),
                "sign out, the thread's vote, the reply: no form per comment");
    }
}
