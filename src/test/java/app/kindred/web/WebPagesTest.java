package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import app.kindred.web.pages.ThreadPages;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web interface over HTTP: headers, content negotiation, sessions, form tokens, errors, safety of output. */
class WebPagesTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static TestServer server;
    private static long peers;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        server.app().members().create("alice", PASSWORD, Role.ADMIN);
        server.app().members().create("bob", PASSWORD, Role.MEMBER);
        peers = server.app()
                .communities()
                .create("peers", "Peer support", "A calm place", "alice")
                .id();
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
        assertEquals("/c/peers", response.headers().firstValue("Location").orElseThrow());
        return web;
    }

    @Test
    void pagesCarryAStrictPolicyAndAreNotIndexed() {
        var response = new WebClient(server).get("/");
        assertEquals(200, response.statusCode());
        var csp = response.headers().firstValue("Content-Security-Policy").orElseThrow();
        for (var part : List.of("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'"))
            assertTrue(csp.contains(part), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertEquals(
                "nosniff",
                response.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals(
                "same-origin", response.headers().firstValue("Referrer-Policy").orElseThrow());
        assertEquals("noindex", response.headers().firstValue("X-Robots-Tag").orElseThrow());
        var page = Jsoup.parse(response.body());
        assertEquals("noindex", page.selectFirst("meta[name=robots]").attr("content"));
        assertEquals("en", page.selectFirst("html").attr("lang"));
        assertTrue(page.select("script").isEmpty(), "no script at all");
        assertNotNull(page.selectFirst("a.skip[href='#main']"));
        assertNotNull(page.selectFirst("main#main"));
        assertEquals("/help", page.selectFirst("footer a").attr("href"));
        assertNotNull(page.selectFirst("a[href='/c/peers']"), "the front page lists the community");
        // Reading sets no cookie: only a page with a form does.
        assertTrue(
                response.headers().allValues("Set-Cookie").isEmpty(),
                response.headers().map().toString());
    }

    @Test
    void theSameAddressesServePagesToBrowsersAndDocumentsToTheFediverse() {
        var thread = server.app()
                .threads()
                .startThread(
                        server.app().members().find("alice").orElseThrow(),
                        peers,
                        new ThreadService.Draft("Negotiated", "body", null, null, null));
        for (var path : List.of("/c/peers", "/u/alice", "/p/" + thread.id())) {
            var page = server.get(path, TestServer.BROWSER);
            assertEquals(200, page.statusCode(), path);
            assertTrue(page.body().contains("<main id=\"main\""), path + " is the web interface's page");
            assertTrue(page.headers().allValues("Vary").toString().contains("Accept"), path);
            for (var accept : List.of(TestServer.ACTIVITY_JSON, TestServer.LD_JSON_PROFILE)) {
                var doc = server.get(path, accept);
                assertEquals(200, doc.statusCode(), path);
                assertEquals("application/activity+json", TestServer.mediaType(doc), path);
                assertEquals(
                        server.base() + path, TestServer.json(doc).get("id").asText());
            }
            // No Accept at all, or only */*, keeps the plain page such clients got before.
            for (var accept : new String[] {null, "*/*"}) {
                var plain = server.get(path, accept);
                assertEquals(200, plain.statusCode(), path);
                assertFalse(plain.body().contains("<main id=\"main\""), path);
            }
        }
    }

    @Test
    void signingUpSetsASessionCookieAndSigningOutEndsTheSessionEverywhere() {
        var web = new WebClient(server);
        var response = web.submit("/signup", "/signup", Map.of("username", "wren", "password", PASSWORD));
        assertEquals(303, response.statusCode(), response.body());
        var cookie = response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("kindred_session="))
                .findFirst()
                .orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), cookie);
        assertFalse(cookie.contains("Secure"), "plain http in tests: " + cookie);
        var token = web.cookies.get("kindred_session");
        assertTrue(web.get("/").body().contains("Your page (wren)"));
        // The cookie is the API's session: one store, one logout.
        assertEquals(200, api("/api/v1/me", token).statusCode());

        var out = web.submit("/", "/logout", Map.of());
        assertEquals(303, out.statusCode());
        assertEquals(
                401, api("/api/v1/me", token).statusCode(), "the session ended on the server, not just in the browser");
        assertFalse(web.get("/").body().contains("Your page (wren)"));
    }

    @Test
    void overHttpsTheCookiesAreSecure() {
        try (var https = TestServer.start(Map.of("KINDRED_INSTANCE_SCHEME", "https"))) {
            var response = new WebClient(https).get("/login");
            var cookie = response.headers().allValues("Set-Cookie").getFirst();
            assertTrue(cookie.contains("; Secure") && cookie.contains("HttpOnly"), cookie);
        }
    }

    @Test
    void aFormWithoutItsTokenChangesNothing() {
        var web = signedIn("bob");
        var response = web.post("/c/peers/follow", Map.of());
        assertEquals(403, response.statusCode());
        assertEquals("text/html", TestServer.mediaType(response));
        var bob = server.app().members().find("bob").orElseThrow();
        assertTrue(server.app().follows().subscriptions(bob).isEmpty());
        // A token from another session does not do either.
        var other = signedIn("alice");
        assertEquals(
                403,
                web.post("/c/peers/follow", Map.of("csrf", other.token("/c/peers")))
                        .statusCode());
        assertTrue(server.app().follows().subscriptions(bob).isEmpty());
        assertEquals(303, web.submit("/c/peers", "/c/peers/follow", Map.of()).statusCode());
        assertEquals(1, server.app().follows().subscriptions(bob).size());

        // Signed out: signing in without the token is refused with the name kept.
        var stranger = new WebClient(server);
        var login = stranger.post("/login", Map.of("username", "bob", "password", PASSWORD));
        assertEquals(403, login.statusCode());
        assertEquals("bob", Jsoup.parse(login.body()).selectFirst("#username").val());
        assertFalse(stranger.cookies.containsKey("kindred_session"));
    }

    @Test
    void aRefusedThreadComesBackWithTheTextKeptAndTheProblemByItsField() {
        var web = signedIn("bob");
        var body = "Something I want to keep\n\nwith **two** paragraphs";
        var response = web.submit(
                "/c/peers/new",
                "/c/peers/new",
                Map.of("title", "t".repeat(201), "body", body, "content_warning", "", "language", "", "publish", "1"));
        assertEquals(422, response.statusCode());
        var page = Jsoup.parse(response.body());
        assertEquals(body, page.selectFirst("textarea#body").wholeText().replace("\r\n", "\n"));
        assertEquals("#title", page.selectFirst(".error-summary a").attr("href"));
        assertEquals("title-error", page.selectFirst("#title").attr("aria-describedby"));
        assertEquals("true", page.selectFirst("#title").attr("aria-invalid"));
        assertTrue(
                page.selectFirst("#title-error").text().contains("200"),
                page.selectFirst("#title-error").text());
        assertFalse(response.body().contains("Exception"));

        var preview = web.submit(
                "/c/peers/new",
                "/c/peers/new",
                Map.of(
                        "title",
                        "Kept",
                        "body",
                        "a <script>x()</script> *b*",
                        "content_warning",
                        "",
                        "language",
                        "",
                        "preview",
                        "1"));
        assertEquals(200, preview.statusCode());
        var previewPage = Jsoup.parse(preview.body());
        assertEquals("b", previewPage.selectFirst(".preview em").text());
        assertTrue(previewPage.select(".preview script").isEmpty());
        assertEquals("Kept", previewPage.selectFirst("#title").val());
    }

    @Test
    void remoteHtmlIsShownOnlyAfterTheSanitiser() {
        long group = sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://lemmy.example/c/far', 'Group', 'far', 'lemmy.example', false, 'https://lemmy.example/inbox', now())
                returning id""");
        long author = sqlId("""
                insert into actor (uri, type, preferred_username, domain, local, inbox, fetched_at)
                values ('https://masto.example/users/mal', 'Person', 'mal', 'masto.example', false, 'https://masto.example/inbox', now())
                returning id""");
        long community = sqlId("insert into community (actor_id, title) values (?, 'Far') returning id", group);
        // Stored as if an older sanitiser had let it through: the page must still neutralise it.
        var hostile = """
                <p onclick="steal()">hi<script>alert(1)</script><img src=x onerror=alert(2)>
                <a href="javascript:alert(3)">click</a><a href="https://ok.example/" style="position:fixed">ok</a>
                <iframe src="https://evil.example"></iframe><style>body{display:none}</style>
                <svg onload=alert(4)></svg><form action="https://evil.example"><input name=q></form></p>""";
        long post = sqlId("""
                insert into post (uri, community_id, author_id, local, title, content_html)
                values ('https://lemmy.example/post/1', ?, ?, false, '<b>Title</b>', ?) returning id""", community, author, hostile);
        var response = server.get("/r/p/" + post, TestServer.BROWSER);
        assertEquals(200, response.statusCode(), response.body());
        Document page = Jsoup.parse(response.body());
        var body = page.selectFirst("article.thread .body");
        assertTrue(body.text().contains("hi"), body.outerHtml());
        assertTrue(
                body.select("script, img, iframe, style, svg, form, input, object, embed")
                        .isEmpty(),
                body.outerHtml());
        body.getAllElements()
                .forEach(e -> e.attributes().forEach(a -> {
                    assertFalse(a.getKey().startsWith("on"), e.outerHtml());
                    assertNotEquals("style", a.getKey(), e.outerHtml());
                    assertFalse(a.getValue().toLowerCase().contains("javascript:"), e.outerHtml());
                }));
        assertEquals("<b>Title</b>", page.selectFirst("h1").text(), "a title is text, escaped");
        assertTrue(page.text().contains("from masto.example"), "remote authors say where they are from");
        assertNotNull(page.selectFirst("a[href='https://lemmy.example/post/1']"), "a link to the original");
    }

    @Test
    void browsersGetErrorPagesAndTheApiKeepsProblemJson() {
        var page = server.get("/nothing/here", TestServer.BROWSER);
        assertEquals(404, page.statusCode());
        assertEquals("text/html", TestServer.mediaType(page));
        assertEquals(
                "Nothing is here", Jsoup.parse(page.body()).selectFirst("h1").text());
        var problem = server.get("/nothing/here", null);
        assertEquals("application/problem+json", TestServer.mediaType(problem));
        var api = server.get("/api/v1/communities/99999", TestServer.BROWSER);
        assertEquals(404, api.statusCode());
        assertEquals("application/problem+json", TestServer.mediaType(api));
        var signedOut = new WebClient(server).get("/c/peers/new");
        assertEquals(303, signedOut.statusCode());
        assertEquals(
                "/login?next=%2Fc%2Fpeers%2Fnew",
                signedOut.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void theStylesheetIsSmallAndCached() throws Exception {
        var response = server.get("/kindred.css", null);
        assertEquals(200, response.statusCode());
        assertEquals("text/css", TestServer.mediaType(response));
        assertTrue(response.body().getBytes().length < 20_000, "under 20 KB");
        assertTrue(response.body().contains("prefers-color-scheme: dark")
                && response.body().contains("prefers-reduced-motion"));
        var etag = response.headers().firstValue("ETag").orElseThrow();
        assertTrue(response.headers().firstValue("Cache-Control").orElseThrow().contains("max-age"));
        var again = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server.base() + "/kindred.css"))
                                .header("If-None-Match", etag)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
    }

    @Test
    void longThreadsPageTheirCommentsAndLinksToACommentFindItsPage() {
        var alice = server.app().members().find("alice").orElseThrow();
        var threads = server.app().threads();
        var thread =
                threads.startThread(alice, peers, new ThreadService.Draft("Long", "many replies", null, null, null));
        long first = threads.comment(alice, thread.id(), new ThreadService.Draft(null, "first", null, null, null))
                .id();
        long parent = first;
        // Every other comment answers the one before it, so the tree has nesting as well as length.
        for (int i = 0; i < ThreadPages.COMMENTS_PER_PAGE + 4; i++) {
            parent = threads.comment(
                            alice,
                            i % 2 == 0 ? thread.id() : parent,
                            new ThreadService.Draft(null, "reply " + i, null, null, null))
                    .id();
        }
        var raw = server.get("/p/" + thread.id(), TestServer.BROWSER).body();
        var pageOne = Jsoup.parse(raw);
        assertEquals(ThreadPages.COMMENTS_PER_PAGE, pageOne.select("li[id^=c]").size());
        assertNotNull(pageOne.selectFirst("nav.paging a[href='/p/" + thread.id() + "?page=2']"));
        var pageTwo = Jsoup.parse(
                server.get("/p/" + thread.id() + "?page=2", TestServer.BROWSER).body());
        assertEquals(5, pageTwo.select("li[id^=c]").size());
        assertNotNull(pageTwo.selectFirst("li#c" + parent), "the last comment is on page 2");
        var jump = server.get("/p/" + parent, TestServer.BROWSER);
        assertEquals(302, jump.statusCode());
        assertEquals(
                "/p/" + thread.id() + "?page=2#c" + parent,
                jump.headers().firstValue("Location").orElseThrow());
        // Nested replies are nested lists; a reply whose parent is on an earlier page links to it there.
        assertNotNull(pageOne.selectFirst("ol.comments ol > li"));
        var continued = pageTwo.selectFirst("ol.comments > li");
        assertNotNull(continued.selectFirst("p.parent a[href^='/p/']"), continued.outerHtml());
    }

    @Test
    void datesFollowTheReadersLanguageAndTemplatesNameOnlyKeysThatExist() throws Exception {
        var german = new WebClient(server).get("/u/alice", Map.of("Accept-Language", "de-DE,de;q=0.9"));
        var time = Jsoup.parse(german.body()).selectFirst("time");
        assertTrue(time.attr("datetime").matches("\\d{4}-\\d{2}-\\d{2}T.*"), time.outerHtml());
        assertTrue(time.text().matches(".*\\d{2}\\.\\d{2}\\.\\d{4}.*"), "German date format: " + time.text());

        var bundle = Messages.bundle();
        var key = Pattern.compile("\\.t\\(\"([a-zA-Z0-9.]+)\"");
        try (var files = Files.walk(Path.of("src/main/jte"))) {
            for (var file : files.filter(p -> p.toString().endsWith(".jte")).toList()) {
                var m = key.matcher(Files.readString(file));
                while (m.find()) {
                    if (m.group(1).endsWith(".")) continue;
                    assertTrue(
                            bundle.containsKey(m.group(1)),
                            file + " names " + m.group(1) + ", which messages.properties lacks");
                }
            }
        }
    }

    @Test
    void aNulCharacterInAFormIsDroppedNotA500() {
        var web = signedIn("bob");
        var response = web.submit(
                "/c/peers/new",
                "/c/peers/new",
                Map.of(
                        "title",
                        "Nul\u0000title",
                        "body",
                        "a\u0000b",
                        "content_warning",
                        "",
                        "language",
                        "",
                        "publish",
                        "1"));
        assertEquals(303, response.statusCode(), response.body());
        var id = Long.parseLong(
                response.headers().firstValue("Location").orElseThrow().substring("/p/".length()));
        var post = server.app().threads().find(id).orElseThrow();
        assertEquals("Nultitle", post.title());
        assertEquals("ab", post.sourceMarkdown());
        var login = new WebClient(server)
                .submit("/login", "/login", Map.of("username", "bo\u0000b", "password", "x", "next", "/\u0000"));
        assertEquals(401, login.statusCode());
    }

    @Test
    void contentWarningsStayClosedUnlessTheReaderChoseOtherwise() {
        var alice = server.app().members().find("alice").orElseThrow();
        var thread = server.app()
                .threads()
                .startThread(alice, peers, new ThreadService.Draft("Warned", "hard words", "loss", null, null));
        var signedOut =
                Jsoup.parse(new WebClient(server).get("/p/" + thread.id()).body());
        assertFalse(signedOut.selectFirst("article.thread details.cw").hasAttr("open"));
        assertEquals(
                "CW: loss",
                signedOut.selectFirst("article.thread details.cw > summary").text());
        var bob = server.app().members().find("bob").orElseThrow();
        server.app().members().setContentWarningsOpen(bob, true);
        try {
            var page = Jsoup.parse(signedIn("bob").get("/p/" + thread.id()).body());
            assertTrue(page.selectFirst("article.thread details.cw").hasAttr("open"));
            var list = Jsoup.parse(signedIn("bob").get("/c/peers?sort=new").body());
            assertTrue(list.selectFirst("ol.threads details.cw").hasAttr("open"));
        } finally {
            server.app().members().setContentWarningsOpen(bob, false);
        }
    }

    @Test
    void signingInNeverSendsAMemberToAnotherSite() {
        for (var next : List.of("//evil.example/", "https://evil.example/", "/\\evil.example")) {
            var web = new WebClient(server);
            var response =
                    web.submit("/login", "/login", Map.of("username", "bob", "password", PASSWORD, "next", next));
            assertEquals(303, response.statusCode());
            assertEquals("/", response.headers().firstValue("Location").orElseThrow(), next);
        }
    }

    @Test
    void onlyTheAuthorEditsOrDeletesAndDeletingAsksFirst() {
        var alice = server.app().members().find("alice").orElseThrow();
        var thread = server.app()
                .threads()
                .startThread(alice, peers, new ThreadService.Draft("Mine", "first words", null, null, null));
        var bob = signedIn("bob");
        assertEquals(403, bob.get("/p/" + thread.id() + "/edit").statusCode());
        assertEquals(
                403,
                bob.post("/p/" + thread.id() + "/delete", Map.of("csrf", bob.token("/c/peers")))
                        .statusCode());

        var author = signedIn("alice");
        var form = Jsoup.parse(author.get("/p/" + thread.id() + "/edit").body());
        assertEquals(
                "first words", form.selectFirst("textarea#body").wholeText().strip());
        var edited = author.submit(
                "/p/" + thread.id() + "/edit",
                "/p/" + thread.id() + "/edit",
                Map.of(
                        "title",
                        "Mine, edited",
                        "body",
                        "second words",
                        "content_warning",
                        "tiredness",
                        "publish",
                        "1"));
        assertEquals(303, edited.statusCode(), edited.body());
        var post = server.app().threads().find(thread.id()).orElseThrow();
        assertEquals("Mine, edited", post.title());
        assertEquals("tiredness", post.summary());

        var confirm = Jsoup.parse(author.get("/p/" + thread.id() + "/delete").body());
        assertTrue(confirm.text().contains("Other servers that received it are told to delete it too"), confirm.text());
        assertFalse(
                server.app().threads().find(thread.id()).orElseThrow().deleted(),
                "showing the question deletes nothing");
        var deleted = author.submit("/p/" + thread.id() + "/delete", "/p/" + thread.id() + "/delete", Map.of());
        assertEquals(303, deleted.statusCode());
        assertEquals(
                "/c/peers?deleted=1", deleted.headers().firstValue("Location").orElseThrow());
        assertTrue(server.app().threads().find(thread.id()).orElseThrow().deleted());
    }

    @Test
    void signupIsClosedUnlessTheAdminOpensIt() {
        try (var closed = TestServer.start()) {
            var web = new WebClient(closed);
            assertTrue(web.get("/signup").body().contains("not taking new accounts"));
            var response = web.submit("/login", "/signup", Map.of("username", "nemo", "password", PASSWORD));
            assertEquals(403, response.statusCode());
            assertTrue(closed.app().members().find("nemo").isEmpty());
        }
    }

    private static HttpResponse<String> api(String path, String token) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.base() + path))
                                    .header("Authorization", "Bearer " + token)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long sqlId(String sql, Object... params) {
        return server.app().database().transaction(c -> Sql.insert(c, sql, params));
    }
}
