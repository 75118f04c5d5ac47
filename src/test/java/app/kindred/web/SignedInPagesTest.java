package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.care.Boundaries;
import app.kindred.care.Filters;
import app.kindred.care.MemberFilter;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's signed-in speed without wrong pages: what a signed-in page reads is kept until anything
 * readable changes (storage.KeptReads) and a comment tree is rendered once for everyone who sees it alike
 * (web.pages.RenderedComments). Each test reads the page first, so what it keeps is in place, then makes
 * the member's change and reads again: the change shows at once for that member, and only for them.
 */
class SignedInPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long thread;
    private static long mossComment;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        app.members().create("alice", PASSWORD, Role.ADMIN);
        for (var name : List.of("river", "sky", "moss", "fern", "reed"))
            app.members().create(name, PASSWORD, Role.MEMBER);
        var peers = app.communities()
                .create("peers", "Peer support", "A calm place.", "alice")
                .id();
        app.database()
                .transaction(c -> Sql.update(c, "update community set anonymous_posting = true where id = ?", peers));
        thread = app.threads()
                .startThread(
                        member("alice"),
                        peers,
                        new ThreadService.Draft("Evenings", "The quiet hours.", null, null, "en"))
                .id();
        mossComment = app.threads()
                .comment(
                        member("moss"), thread, new ThreadService.Draft(null, "The garden helps me.", null, null, null))
                .id();
        app.threads()
                .comment(member("alice"), thread, new ThreadService.Draft(null, "The kettle is on.", null, null, null));
        app.threads()
                .comment(
                        member("river"),
                        thread,
                        new ThreadService.Draft(null, "I never said this aloud.", null, null, null),
                        ThreadService.Attachments.NONE,
                        true);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    private static Member member(String name) {
        return server.app().members().find(name).orElseThrow();
    }

    private static WebClient signedIn(String name) {
        var client = new WebClient(server);
        assertEquals(
                303,
                client.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"))
                        .statusCode());
        return client;
    }

    private String page(WebClient client) {
        var page = client.get("/p/" + thread);
        assertEquals(200, page.statusCode());
        return page.body();
    }

    @Test
    void aMembersVoteShowsOnTheirNextPage() {
        var fern = signedIn("fern");
        var before = page(fern);
        assertFalse(before.contains("Score 1"), before);
        assertTrue(before.contains("aria-pressed=\"false\""));
        page(fern); // read twice: the second is answered from what was kept

        // The thread from its own page, a comment from the comment's page, as the pages offer them.
        assertEquals(
                303,
                fern.submit("/p/" + thread, "/p/" + thread + "/vote", Map.of("value", "1"))
                        .statusCode());
        assertEquals(
                303,
                fern.submit(
                                "/p/" + mossComment + "/reply",
                                "/p/" + mossComment + "/vote",
                                Map.of("value", "1", "back", "page"))
                        .statusCode());
        var after = page(fern);
        assertTrue(after.contains("aria-pressed=\"true\""), "fern's own vote on the thread");
        assertTrue(after.contains("Score 1"), "the comment's new score in the tree");

        // Another member gets the new score but not fern's pressed button.
        var reed = page(signedIn("reed"));
        assertTrue(reed.contains("Score 1"));
        assertFalse(reed.contains("aria-pressed=\"true\""), "fern's vote is fern's");
        server.app().threads().vote(member("fern"), thread, 0);
        server.app().threads().vote(member("fern"), mossComment, 0);
    }

    @Test
    void aBlockAndAFilterShowAtOnceAndOnlyForTheMember() {
        var sky = signedIn("sky");
        var river = signedIn("river");
        var before = page(sky);
        assertTrue(before.contains("The garden helps me."));
        assertTrue(before.contains("The kettle is on."));
        // river reads the same tree first, so a rendering shared before the change is in place too.
        assertTrue(page(river).contains("The garden helps me."));

        server.app().boundaries().keep(member("sky"), Boundaries.Kind.BLOCK, "moss");
        var blocked = page(sky);
        assertFalse(blocked.contains("The garden helps me."), blocked);
        assertTrue(blocked.contains("[a blocked member]"));

        server.app()
                .filters()
                .add(
                        member("sky"),
                        new Filters.Draft(
                                "Kitchen",
                                MemberFilter.Action.HIDE,
                                List.of(new MemberFilter.Keyword("kettle", false)),
                                null));
        var filtered = page(sky);
        assertFalse(filtered.contains("The kettle is on."), filtered);
        assertTrue(filtered.contains("[hidden by one of your filters]"));

        // river keeps seeing both: sky's distance is sky's alone.
        var theirs = page(river);
        assertTrue(theirs.contains("The garden helps me."));
        assertTrue(theirs.contains("The kettle is on."));
        assertFalse(theirs.contains("[a blocked member]"));
        assertFalse(theirs.contains("[hidden by one of your filters]"));
    }

    @Test
    void aBlockMadeByAnotherProcessShowsWithinMoments() throws Exception {
        var moss = signedIn("moss");
        assertTrue(page(moss).contains("The kettle is on."));
        page(moss);
        // Another server on the same database: heard only through V43's trigger.
        var db = server.app().database();
        try (var c = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
            Sql.update(
                    c,
                    "insert into member_distance (account_id, actor_id, kind) values (?, ?, 'mute')",
                    member("moss").id(),
                    member("alice").actor().id());
        }
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (page(moss).contains("The kettle is on.")) {
            if (System.nanoTime() > deadline) fail("moss still sees alice's comment 2 s after muting her elsewhere");
            Thread.sleep(20);
        }
    }

    @Test
    void anAnonymousWriterIsToldItIsTheirsAndNobodyElseIs() {
        var writer = page(signedIn("river"));
        assertTrue(writer.contains("you wrote this anonymously"), writer);
        // The same tree for a member who did not write it: the pseudonym only, not the writer's note or name.
        var reader = page(signedIn("reed"));
        assertTrue(reader.contains("I never said this aloud."));
        assertFalse(reader.contains("you wrote this anonymously"), reader);
        assertFalse(reader.contains("written by"), reader);
        // An admin is told who wrote it; then the writer again, after both.
        var admin = page(signedIn("alice"));
        assertTrue(admin.contains("written by river"), admin);
        assertTrue(page(signedIn("river")).contains("you wrote this anonymously"));
        var visitor = new WebClient(server).get("/p/" + thread).body();
        assertFalse(visitor.contains("you wrote this anonymously"));
        assertFalse(visitor.contains("written by"));
    }
}
