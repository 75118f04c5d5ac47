package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.care.Boundaries;
import app.kindred.care.Breaks;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member's own pages over HTTP (issue 14): notifications and the header's count, search and the
 * look-up of a handle, a remote community's page with pending follows, the home feeds with the
 * member's distance applied, and the settings hub.
 */
class MemberPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers, quiet, farCommunity, farThread;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        var app = server.app();
        for (var name : List.of("bob", "carol", "dora", "emil", "fern", "gus"))
            app.members().create(name, PASSWORD, Role.MEMBER);
        app.members().create("alice", PASSWORD, Role.ADMIN);
        peers = app.communities()
                .create("peers", "Peer support", "A calm place", "alice")
                .id();
        quiet = app.communities()
                .create("quiet", "Quiet corner", "Slow talk", "alice")
                .id();
        long group = sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/c/far', 'Group', 'far', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id""");
        long author = sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/u/lee', 'Person', 'lee', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id""");
        farCommunity = sqlId(
                "insert into community (actor_id, title, description) values (?, 'Far away', 'Across the sea') returning id",
                group);
        farThread = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html, published)
                values ('https://lemmy.example/post/1', ?, ?, false, 'Lighthouse keeping', '<p>the lamps</p>', now() - interval '1 day')
                returning id""", farCommunity, author);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WebClient signedIn(String name) {
        var web = new WebClient(server);
        var response = web.submit("/login", "/login", Map.of("username", name, "password", PASSWORD, "next", "/"));
        assertEquals(303, response.statusCode(), response.body());
        return web;
    }

    private static Member member(String name) {
        return server.app().members().find(name).orElseThrow();
    }

    private static long thread(String author, long community, String title, String body, String warning) {
        return server.app()
                .threads()
                .startThread(member(author), community, new ThreadService.Draft(title, body, warning, null, null))
                .id();
    }

    private static Document page(WebClient web, String path) {
        var response = web.get(path);
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return Jsoup.parse(response.body());
    }

    @Test
    void aReplyShowsInTheHeaderCountAndTheListAndSeeingItMarksItRead() {
        long thread = thread("carol", peers, "Carol asks", "How do you rest?", null);
        var carol = signedIn("carol");
        assertEquals(
                "Notifications",
                page(carol, "/").selectFirst("header a[href='/notifications']").text());

        server.app()
                .threads()
                .comment(
                        member("dora"),
                        thread,
                        new ThreadService.Draft(null, "I walk by the river.", null, null, null));
        server.app()
                .threads()
                .comment(member("dora"), thread, new ThreadService.Draft(null, "Hard words", "grief", null, null));
        var front = page(carol, "/c/peers");
        assertEquals(
                "Notifications (2 new)",
                front.selectFirst("header a[href='/notifications']").text(),
                "every page's header says how many are new");

        var list = page(carol, "/notifications");
        var items = list.select("ol.notifications > li");
        assertEquals(2, items.size(), list.outerHtml());
        assertEquals(2, list.select("li.fresh").size(), "both were new when the page was opened");
        // Newest first; a warned reply shows its warning, closed, and no words of it.
        var warned = items.get(0);
        assertEquals("dora replied to you", warned.selectFirst("a").text());
        assertFalse(warned.selectFirst("details.cw").hasAttr("open"));
        assertEquals("CW: grief", warned.selectFirst("details.cw > summary").text());
        assertFalse(warned.text().contains("Hard words"));
        var plain = items.get(1);
        assertEquals("I walk by the river.", plain.selectFirst("blockquote").text());
        assertTrue(plain.selectFirst("a").attr("href").startsWith("/p/"));
        assertEquals(
                "Notifications",
                list.selectFirst("header a[href='/notifications']").text(),
                "seen now");
        assertEquals(0, server.app().notifications().unreadCount(member("carol")));

        var again = page(carol, "/notifications");
        assertEquals(2, again.select("ol.notifications > li").size());
        assertTrue(again.select("li.fresh").isEmpty(), "read ones no longer say new");

        // Past a page, only what was shown is marked seen; the older ones wait on the next page.
        for (int i = 0; i < 32; i++)
            server.app()
                    .threads()
                    .comment(
                            member("dora"),
                            thread,
                            new ThreadService.Draft(null, "Another thought " + i, null, null, null));
        var first = page(carol, "/notifications");
        assertEquals(30, first.select("li.fresh").size());
        assertEquals(
                "Notifications (2 new)",
                first.selectFirst("header a[href='/notifications']").text());
        var older = page(
                carol,
                first.selectFirst("nav.paging a[href^='/notifications?before=']")
                        .attr("href"));
        assertEquals(2, older.select("li.fresh").size());
        assertEquals(
                "Notifications",
                older.selectFirst("header a[href='/notifications']").text());

        // Signed out, the page asks for signing in first.
        var out = new WebClient(server).get("/notifications");
        assertEquals(303, out.statusCode());
        assertTrue(out.headers().firstValue("Location").orElseThrow().startsWith("/login?next="));
    }

    @Test
    void searchFindsCommunitiesAndPostsButNothingRemovedOrMuted() {
        long lantern = thread("emil", quiet, "Lantern evenings", "We light a lantern at dusk.", null);
        long removed = thread("emil", quiet, "Lantern removed", "A lantern post taken down.", null);
        server.sql("update post set removed_at = now() where id = ?", removed);
        long muted = thread("gus", quiet, "Lantern by gus", "Gus and his lantern.", null);
        server.app().boundaries().keep(member("fern"), Boundaries.Kind.MUTE, "gus");

        var web = new WebClient(server);
        var found = page(web, "/search?q=lantern");
        var links = found.select("section:has(#found-posts) h3 a").eachAttr("href");
        assertTrue(links.contains("/p/" + lantern), found.outerHtml());
        assertTrue(links.contains("/p/" + muted), "a signed-out reader mutes nobody");
        assertFalse(links.contains("/p/" + removed), "nothing removed shows");
        assertEquals("Search: lantern", found.title());
        assertEquals("lantern", found.selectFirst("#q").val(), "the words stay in the field");

        var forFern = page(signedIn("fern"), "/search?q=lantern");
        var fernLinks = forFern.select("section:has(#found-posts) h3 a").eachAttr("href");
        assertTrue(fernLinks.contains("/p/" + lantern));
        assertFalse(fernLinks.contains("/p/" + muted), "a muted member's posts stay out of her results");

        var communities = page(web, "/search?q=quiet");
        assertNotNull(communities.selectFirst("section:has(#found-communities) a[href='/c/quiet']"));
        var remote = page(web, "/search?q=far+away");
        assertNotNull(
                remote.selectFirst("section:has(#found-communities) a[href='/r/far@lemmy.example']"),
                "a remote community links to its page here");

        // Nothing searchable: the form comes back with the words kept and the problem by the field.
        var bad = web.get("/search?q=%3F%3F%3F");
        assertEquals(422, bad.statusCode());
        var badPage = Jsoup.parse(bad.body());
        assertEquals("???", badPage.selectFirst("#q").val());
        assertNotNull(badPage.selectFirst("#q-error"));
        assertEquals("q-hint q-error", badPage.selectFirst("#q").attr("aria-describedby"));
        assertNotNull(badPage.selectFirst(".error-summary a[href='#q']"));
        assertEquals(200, web.get("/search").statusCode(), "an empty search is just the form");
    }

    @Test
    void aPastedHandleLeadsToThePageAndAnUnknownOneIsLookedUpOnlyByAButton() {
        var web = new WebClient(server);
        var known = page(web, "/search?q=%21far%40lemmy.example");
        assertEquals(
                "/r/far@lemmy.example",
                known.selectFirst("section:has(#found) a").attr("href"));
        var local = page(web, "/search?q=%21peers%40" + server.domain());
        assertEquals("/c/peers", local.selectFirst("section:has(#found) a").attr("href"));

        // Unknown, signed out: no fetch, and a way to sign in.
        var unknown = page(web, "/search?q=%21nowhere%40unknown.example");
        assertTrue(unknown.text().contains("does not know !nowhere@unknown.example yet"));
        assertNull(unknown.selectFirst("form[action='/search/look-up']"));
        // Signed in: a button, a POST with its form token.
        var bob = signedIn("bob");
        var offer = page(bob, "/search?q=%21nowhere%40unknown.example");
        var form = offer.selectFirst("form[action='/search/look-up']");
        assertEquals("post", form.attr("method"));
        assertFalse(form.selectFirst("input[name=csrf]").val().isEmpty());
        assertEquals(
                403,
                bob.post("/search/look-up", Map.of("q", "!nowhere@unknown.example"))
                        .statusCode());
        // A server that cannot be reached: the problem by the field, the handle kept.
        var failed = bob.submit("/search", "/search/look-up", Map.of("q", "!nowhere@unknown.invalid"));
        assertEquals(404, failed.statusCode(), failed.body());
        var failedPage = Jsoup.parse(failed.body());
        assertEquals("!nowhere@unknown.invalid", failedPage.selectFirst("#q").val());
        assertTrue(failedPage.selectFirst("#q-error").text().contains("could not find"));
        // A known handle through the button goes straight to its page.
        var go = bob.submit("/search", "/search/look-up", Map.of("q", "!far@lemmy.example"));
        assertEquals(303, go.statusCode());
        assertEquals("/r/far@lemmy.example", go.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void aRemoteCommunityShowsWhatIsKnownAndAPendingFollowSaysSo() {
        var signedOut = page(new WebClient(server), "/r/far@lemmy.example");
        assertEquals("Far away", signedOut.selectFirst("h1").text());
        assertNotNull(
                signedOut.selectFirst("a[href='/r/p/" + farThread + "']"), "its known threads, at our page of them");
        assertNotNull(signedOut.selectFirst("a[href='https://lemmy.example/c/far']"), "a link to the original");
        assertNotNull(signedOut.selectFirst("a[href='/login?next=/r/far@lemmy.example']"));
        assertEquals(
                404, new WebClient(server).get("/r/unknown@nowhere.example").statusCode());
        // A local handle under /r/ goes to the community's own page.
        var local = new WebClient(server).get("/r/peers@" + server.domain());
        assertEquals(303, local.statusCode());
        assertEquals("/c/peers", local.headers().firstValue("Location").orElseThrow());
        // /c/name@host, as Lemmy writes it, leads here too.
        var lemmyStyle = new WebClient(server).get("/c/far@lemmy.example");
        assertEquals(303, lemmyStyle.statusCode());
        assertEquals(
                "/r/far@lemmy.example",
                lemmyStyle.headers().firstValue("Location").orElseThrow());
        // Its threads link back here through the breadcrumb.
        var thread = page(new WebClient(server), "/r/p/" + farThread);
        assertNotNull(thread.selectFirst("nav.crumbs a[href='/r/far@lemmy.example']"));

        var bob = signedIn("bob");
        server.sql(
                "insert into follow (follower_id, followed_id, state, activity_uri) values (?, (select actor_id from community where id = ?), 'pending', 'https://x.example/f/1')",
                member("bob").actor().id(),
                farCommunity);
        var pending = page(bob, "/r/far@lemmy.example");
        assertEquals(
                "Waiting for lemmy.example to accept your follow.",
                pending.selectFirst("#following-note").text());
        assertNotNull(pending.selectFirst("form[action='/r/far@lemmy.example/unfollow']"));

        assertEquals(403, bob.post("/r/far@lemmy.example/unfollow", Map.of()).statusCode());
        var left = bob.submit("/r/far@lemmy.example", "/r/far@lemmy.example/unfollow", Map.of());
        assertEquals(303, left.statusCode(), left.body());
        assertTrue(server.app().follows().subscriptions(member("bob")).stream()
                .noneMatch(s -> s.community().id() == farCommunity));
        var after = page(bob, "/r/far@lemmy.example?left=1");
        assertNotNull(after.selectFirst("form[action='/r/far@lemmy.example/follow']"));
        assertEquals(
                "You have left this community.",
                after.selectFirst("[role=status]").text());
    }

    @Test
    void feedsListWhatTheMemberFollowsAndKeepTheirDistance() {
        var hana = server.app().members().create("hana", PASSWORD, Role.MEMBER);
        long own = thread("carol", peers, "Feed: carol in peers", "words", null);
        long inQuiet = thread("dora", quiet, "Feed: dora in quiet", "words", null);
        long fromMuted = thread("emil", peers, "Feed: emil in peers", "words", null);
        long fromBlocked = thread("gus", peers, "Feed: gus in peers", "words", null);
        server.app().follows().follow(hana, "peers");
        server.app().boundaries().keep(hana, Boundaries.Kind.MUTE, "emil");
        server.app().boundaries().keep(hana, Boundaries.Kind.BLOCK, "gus");
        var web = signedIn("hana");

        var subscribed = page(web, "/feed/subscribed?sort=new");
        var links = subscribed.select("ol.threads h3 a").eachAttr("href");
        assertTrue(links.contains("/p/" + own), subscribed.outerHtml());
        assertFalse(links.contains("/p/" + inQuiet), "not followed");
        assertFalse(links.contains("/p/" + fromMuted), "muted: left out");
        assertFalse(links.contains("/p/" + fromBlocked), "blocked: nothing of it shown");
        assertEquals(
                "A post from a member you blocked, or who blocked you.",
                subscribed.selectFirst("li.collapsed").text());
        assertFalse(subscribed.text().contains("gus in peers"));

        var local = everyPage(web, "/feed/local?sort=new");
        assertTrue(local.contains("/p/" + inQuiet) && local.contains("/p/" + own));
        assertFalse(local.contains("/r/p/" + farThread), "the local feed is this instance's communities");
        var all = everyPage(web, "/feed/all?sort=new");
        assertTrue(all.contains("/r/p/" + farThread), "all: every community known here, linked to our page of it");
        // Newest first: dora's came after carol's.
        assertTrue(local.indexOf("/p/" + inQuiet) < local.indexOf("/p/" + own), local.toString());

        // A hidden community is left out of the feeds; a break from one too.
        server.app().boundaries().hide(hana, quiet);
        assertFalse(
                page(web, "/feed/local").select("a[href='/p/" + inQuiet + "']").size() > 0);
        server.app().boundaries().unhide(hana, quiet);
        server.app().breaks().take(hana, quiet, Breaks.Length.DAY);
        assertFalse(
                page(web, "/feed/local").select("a[href='/p/" + inQuiet + "']").size() > 0);
        // A break from the whole instance: the feeds rest and say so.
        server.app().breaks().take(hana, null, Breaks.Length.DAY);
        var resting = page(web, "/feed/all");
        assertTrue(resting.select("ol.threads").isEmpty());
        assertTrue(resting.selectFirst("main .notice").text().contains("taking a break"));

        // Signed out: subscribed asks for signing in; the others are open.
        var stranger = new WebClient(server);
        assertTrue(stranger.get("/feed/subscribed")
                .headers()
                .firstValue("Location")
                .orElseThrow()
                .startsWith("/login"));
        assertEquals(200, stranger.get("/feed/all").statusCode());
        assertEquals(404, stranger.get("/feed/everything").statusCode());
    }

    @Test
    void feedsPageTwentyThreadsAtATime() {
        for (int i = 0; i < 22; i++) thread("fern", quiet, "Paged " + i, "words", null);
        var web = new WebClient(server);
        var first = page(web, "/feed/local?sort=new");
        assertEquals(20, first.select("ol.threads > li").size());
        assertEquals("Paged 21", first.selectFirst("ol.threads h3 a").text());
        assertNotNull(first.selectFirst("nav.paging a[href='/feed/local?sort=new&page=2']"));
        var second = page(web, "/feed/local?sort=new&page=2");
        assertEquals("Paged 1", second.selectFirst("ol.threads h3 a").text());
    }

    @Test
    void changingThePasswordAsksTheCurrentOneAndEndsTheOtherSessions() {
        server.app().members().create("ivy", PASSWORD, Role.MEMBER);
        var here = signedIn("ivy");
        var elsewhere = signedIn("ivy");
        var settings = page(here, "/settings");
        assertEquals(2, settings.select("ul.sessions > li").size());
        assertEquals(
                "This browser", settings.selectFirst("ul.sessions > li strong").text());
        for (var link : List.of("/settings/distance", "/settings/export", "/settings/delete"))
            assertNotNull(settings.selectFirst("a[href='" + link + "']"), link);

        var wrong = here.submit(
                "/settings",
                "/settings/password",
                Map.of("current_password", "not it at all", "new_password", "a brand new passphrase"));
        assertEquals(422, wrong.statusCode());
        var wrongPage = Jsoup.parse(wrong.body());
        assertEquals(
                "That is not your current password. Check it and try again.",
                wrongPage.selectFirst("#current_password-error").text());
        assertEquals(
                "current_password-error",
                wrongPage.selectFirst("#current_password").attr("aria-describedby"));
        assertNotNull(wrongPage.selectFirst(".error-summary a[href='#current_password']"));
        assertEquals("", wrongPage.selectFirst("#current_password").val(), "a password is never sent back");

        var short_ = here.submit(
                "/settings", "/settings/password", Map.of("current_password", PASSWORD, "new_password", "short"));
        assertEquals(422, short_.statusCode());
        assertTrue(Jsoup.parse(short_.body())
                .selectFirst("#new_password-error")
                .text()
                .contains("at least 10"));
        assertEquals(
                403,
                here.post("/settings/password", Map.of("current_password", PASSWORD, "new_password", "x".repeat(12)))
                        .statusCode());

        var newPassword = "another calm passphrase";
        var done = here.submit(
                "/settings", "/settings/password", Map.of("current_password", PASSWORD, "new_password", newPassword));
        assertEquals(303, done.statusCode(), done.body());
        assertTrue(page(here, "/settings?passwordChanged=1").text().contains("Your password is changed"));
        assertTrue(
                elsewhere
                        .get("/settings")
                        .headers()
                        .firstValue("Location")
                        .orElse("")
                        .startsWith("/login"),
                "the other session is signed out");
        assertTrue(server.app().members().authenticate("ivy", newPassword).isPresent());
    }

    @Test
    void sessionsEndOneByOneOrAllOthersAndEndingThisOneSignsOut() {
        var one = signedIn("dora");
        var two = signedIn("dora");
        var three = signedIn("dora");
        var list = page(one, "/settings").select("ul.sessions > li");
        assertEquals(3, list.size());
        var other = list.stream()
                .filter(li -> li.selectFirst("strong").text().equals("Another browser or app"))
                .findFirst()
                .orElseThrow()
                .selectFirst("form")
                .attr("action");
        assertEquals(403, one.post(other, Map.of()).statusCode());
        assertEquals(303, one.submit("/settings", other, Map.of()).statusCode());
        assertEquals(2, page(one, "/settings").select("ul.sessions > li").size());

        assertEquals(
                303,
                one.submit("/settings", "/settings/sessions/end-others", Map.of())
                        .statusCode());
        assertEquals(1, page(one, "/settings").select("ul.sessions > li").size());
        assertTrue(
                two.get("/settings").headers().firstValue("Location").orElse("").startsWith("/login"));
        assertTrue(three.get("/settings")
                .headers()
                .firstValue("Location")
                .orElse("")
                .startsWith("/login"));

        var mine = page(one, "/settings").selectFirst("ul.sessions form").attr("action");
        var out = one.submit("/settings", mine, Map.of());
        assertEquals("/?signedOut=1", out.headers().firstValue("Location").orElseThrow());
        assertFalse(one.cookies.containsKey("kindred_session"));
    }

    @Test
    void contentWarningsOpenByDefaultIsAChoiceKeptPerMember() {
        long warned = thread("alice", peers, "Warned thread", "hard words", "loss");
        var emil = signedIn("emil");
        var settings = page(emil, "/settings");
        assertTrue(settings.selectFirst("#warnings-closed").hasAttr("checked"));
        assertEquals(
                403,
                emil.post("/settings/warnings", Map.of("content_warnings", "open"))
                        .statusCode());
        assertFalse(server.app().members().preferences(member("emil")).contentWarningsOpen());

        var saved = emil.submit("/settings", "/settings/warnings", Map.of("content_warnings", "open"));
        assertEquals(303, saved.statusCode());
        assertTrue(server.app().members().preferences(member("emil")).contentWarningsOpen());
        assertTrue(page(emil, "/settings").selectFirst("#warnings-open").hasAttr("checked"));
        assertTrue(page(emil, "/p/" + warned)
                .selectFirst("article.thread details.cw")
                .hasAttr("open"));
        assertTrue(page(emil, "/feed/local?sort=new")
                .selectFirst("ol.threads details.cw")
                .hasAttr("open"));
        assertFalse(
                page(new WebClient(server), "/p/" + warned)
                        .selectFirst("article.thread details.cw")
                        .hasAttr("open"),
                "only for her");
        emil.submit("/settings", "/settings/warnings", Map.of("content_warnings", "closed"));
        assertFalse(server.app().members().preferences(member("emil")).contentWarningsOpen());
    }

    /** The threads a feed links to, following its "next page" links to the end. */
    private static List<String> everyPage(WebClient web, String path) {
        var links = new java.util.ArrayList<String>();
        String next = path;
        while (next != null) {
            var page = page(web, next);
            links.addAll(page.select("ol.threads h3 a").eachAttr("href"));
            var more = page.selectFirst("nav.paging a:contains(Next page)");
            next = more == null ? null : more.attr("href");
        }
        return links;
    }

    private static long sqlId(String sql, Object... params) {
        return server.app().database().transaction(c -> Sql.insert(c, sql, params));
    }
}
