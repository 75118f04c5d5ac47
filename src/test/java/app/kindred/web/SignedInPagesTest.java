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

    // perf14b: the thread's own part of the page (cards and rendered tree) and the community listing's cards are
    // kept per reader; the session, its account and actor are read in one statement on every request.

    @Test
    void aBlockAFilterAndAVoteShowAtOnceOnTheCommunityPageAndOnlyForTheMember() {
        var app = server.app();
        app.members().create("ash", PASSWORD, Role.MEMBER);
        long peers = app.communities().find("peers").orElseThrow().id();
        long seedlings = app.threads()
                .startThread(member("moss"), peers, new ThreadService.Draft("Seedlings", "Small.", null, null, "en"))
                .id();
        app.threads()
                .startThread(member("reed"), peers, new ThreadService.Draft("Kettle notes", "Tea.", null, null, "en"));
        var ash = signedIn("ash");
        var reed = signedIn("reed");
        var before = community(ash);
        assertTrue(before.contains("Seedlings") && before.contains("Kettle notes"), before);
        community(ash); // read twice: the second is answered from what was kept
        community(reed);

        assertEquals(
                303,
                ash.submit("/c/peers", "/p/" + seedlings + "/vote", Map.of("value", "1"))
                        .statusCode());
        assertEquals(scoresOfOne(before) + 1, scoresOfOne(community(ash)), "ash's vote shows on the listing at once");

        app.boundaries().keep(member("ash"), Boundaries.Kind.BLOCK, "moss");
        var blocked = community(ash);
        assertFalse(blocked.contains("Seedlings"), blocked);
        app.filters()
                .add(
                        member("ash"),
                        new Filters.Draft(
                                "Tea",
                                MemberFilter.Action.HIDE,
                                List.of(new MemberFilter.Keyword("kettle", false)),
                                null));
        var filtered = community(ash);
        assertFalse(filtered.contains("Kettle notes"), filtered);

        var theirs = community(reed);
        assertTrue(theirs.contains("Seedlings") && theirs.contains("Kettle notes"), "ash's distance is ash's alone");
        app.threads().vote(member("ash"), seedlings, 0);
    }

    @Test
    void aSessionEndsAtOnceOnLogoutPasswordChangeAndSuspensionThoughItsPagesWereKept() {
        var app = server.app();
        app.members().create("wren", PASSWORD, Role.MEMBER);
        var you = "href=\"/u/wren\"";

        // Another of wren's sessions changes the password: this one ends, its next page is a visitor's.
        var first = signedIn("wren");
        assertTrue(page(first).contains(you));
        assertTrue(page(first).contains(you));
        var other = app.sessions().logIn("wren", PASSWORD, "test").token();
        app.sessions().changePassword(other, PASSWORD, "another calm passphrase");
        var changed = page(first);
        assertFalse(changed.contains(you), "the session ended with the password change");

        // Suspended by an admin: signed out at once.
        var second = new WebClient(server);
        assertEquals(
                303,
                second.submit(
                                "/login",
                                "/login",
                                Map.of("username", "wren", "password", "another calm passphrase", "next", "/"))
                        .statusCode());
        assertTrue(page(second).contains(you));
        assertTrue(community(second).contains(you));
        app.accounts().suspend(member("alice"), "wren", "a test");
        assertFalse(page(second).contains(you), "the session ended with the suspension");
        assertFalse(community(second).contains(you));
        app.accounts().unsuspend(member("alice"), "wren", "done");

        // Logging out ends it too.
        var third = signedIn("fern");
        assertTrue(page(third).contains("href=\"/u/fern\""));
        assertEquals(303, third.submit("/p/" + thread, "/logout", Map.of()).statusCode());
        assertFalse(page(third).contains("href=\"/u/fern\""), "signed out");
    }

    private static int scoresOfOne(String page) {
        return page.split("score 1<", -1).length - 1;
    }

    private String community(WebClient client) {
        var page = client.get("/c/peers");
        assertEquals(200, page.statusCode());
        return page.body();
    }
}
