package app.kindred.web;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.federation.RemotePeer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Private communities (issue 17): every route that can show a private community's content, against
 * every kind of viewer, as ONE table. Local viewers read through the API and the pages; remote ones
 * (each on a server of its own, played by WireMock) through signed ActivityPub GETs and the announces
 * their servers receive. A row says whether the viewer gets the content; "never" routes (search,
 * feeds, outbox, activities) show it to nobody.
 */
class PrivateCommunityLeakTest {
    static final String TITLE = "Our quiet harbour";
    static final String WORD = "lighthouse";
    /** The thread's words past the searched word: a search page repeats the query, never this. */
    static final String BODY = "is still on";

    enum Viewer {
        OUTSIDER,
        PENDING,
        REFUSED,
        MEMBER,
        FORMER,
        MODERATOR,
        ADMIN;

        String username() {
            return name().toLowerCase();
        }

        /** Whether a local member of this kind reads the community's content. */
        boolean readsLocally() {
            return this == MEMBER || this == MODERATOR || this == ADMIN;
        }

        /** Whether this kind exists as another server's follower (moderators and admins are ours). */
        boolean remote() {
            return this != MODERATOR && this != ADMIN;
        }
    }

    /** Who may see through a route: the community's readers, its remote members' servers, or nobody. */
    enum Shows {
        MEMBERS,
        MEMBER_SERVERS,
        NOBODY
    }

    /** Each route: how the viewer asks, and whether the answer shows the content. */
    enum Route {
        API_THREAD(Shows.MEMBERS, false),
        API_COMMENT(Shows.MEMBERS, false),
        API_THREAD_LIST(Shows.MEMBERS, false),
        API_VOTE(Shows.MEMBERS, false),
        API_REPLY(Shows.MEMBERS, false),
        API_SEARCH(Shows.NOBODY, false),
        API_NOTIFICATIONS(Shows.MEMBERS, false),
        PAGE_THREAD(Shows.MEMBERS, false),
        PAGE_COMMENT_REPLY(Shows.MEMBERS, false),
        PAGE_COMMUNITY(Shows.MEMBERS, false),
        PAGE_REPORT(Shows.MEMBERS, false),
        PAGE_FEED_LOCAL(Shows.NOBODY, false),
        PAGE_SEARCH(Shows.NOBODY, false),
        AP_POST_SIGNED(Shows.MEMBER_SERVERS, true),
        AP_COMMENT_SIGNED(Shows.MEMBER_SERVERS, true),
        AP_POST_UNSIGNED(Shows.NOBODY, true),
        AP_CREATE_ACTIVITY(Shows.NOBODY, true),
        AP_OUTBOX(Shows.NOBODY, true),
        AP_FEATURED(Shows.NOBODY, true),
        ANNOUNCE_DELIVERED(Shows.MEMBER_SERVERS, true),
        NODEINFO_COUNT(Shows.NOBODY, true),
        /** A report about a post the viewer's server wrote, forwarded there: which post, and the reporter's words. */
        FLAG_FORWARDED(Shows.MEMBER_SERVERS, true),
        /** The same forwarded report never names the member who filed it, even one who chose to be named. */
        FLAG_NAMES_REPORTER(Shows.NOBODY, true);

        final Shows shows;
        final boolean remote;

        Route(Shows shows, boolean remote) {
            this.shows = shows;
            this.remote = remote;
        }

        boolean expected(Viewer viewer) {
            return switch (shows) {
                case MEMBERS -> viewer.readsLocally();
                case MEMBER_SERVERS -> viewer == Viewer.MEMBER;
                case NOBODY -> false;
            };
        }
    }

    @RegisterExtension
    static WireMockExtension outsiderHost = host();

    @RegisterExtension
    static WireMockExtension pendingHost = host();

    @RegisterExtension
    static WireMockExtension refusedHost = host();

    @RegisterExtension
    static WireMockExtension memberHost = host();

    @RegisterExtension
    static WireMockExtension formerHost = host();

    private static WireMockExtension host() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
                .build();
    }

    private static TestServer server;
    private static ApiClient api;
    private static final Map<Viewer, String> tokens = new EnumMap<>(Viewer.class);
    private static final Map<Viewer, WebClient> browsers = new EnumMap<>(Viewer.class);
    private static final Map<Viewer, RemotePeer> peers = new EnumMap<>(Viewer.class);
    private static long haven, thread, comment, later;
    private static String threadUri, commentUri, laterUri;
    /** Per remote viewer: the post in the community their server wrote, reported and forwarded to it. */
    private static final Map<Viewer, String> reportedUris = new EnumMap<>(Viewer.class);

    @BeforeAll
    static void setUp() throws Exception {
        server = TestServer.start();
        server.app().startWorkers();
        api = new ApiClient(server);
        server.app().members().create("admin", "correct horse battery", Role.ADMIN);
        tokens.put(Viewer.ADMIN, api.logIn("admin"));
        tokens.put(Viewer.MODERATOR, api.member("moderator"));
        for (var v : List.of(Viewer.OUTSIDER, Viewer.PENDING, Viewer.REFUSED, Viewer.MEMBER, Viewer.FORMER))
            tokens.put(v, api.member(v.username()));
        var mod = tokens.get(Viewer.MODERATOR);
        haven = api.community(mod, "haven");
        ok(api.patch(
                "/api/v1/communities/" + haven,
                Map.of("visibility", "private", "application_questions", List.of("What brings you here?")),
                mod));

        // Local applicants, each left in their state.
        for (var v : List.of(Viewer.PENDING, Viewer.REFUSED, Viewer.MEMBER, Viewer.FORMER)) {
            var applied = api.post(
                    "/api/v1/follows",
                    Map.of("community", "haven", "answers", List.of("I lost my brother")),
                    tokens.get(v));
            ok(applied);
            assertEquals("pending", ApiClient.body(applied).get("state").asText());
        }
        answer(server.actorId("refused"), false);
        answer(server.actorId("member"), true);
        answer(server.actorId("former"), true);

        // Remote followers, one server each.
        var hosts = Map.of(
                Viewer.OUTSIDER, outsiderHost,
                Viewer.PENDING, pendingHost,
                Viewer.REFUSED, refusedHost,
                Viewer.MEMBER, memberHost,
                Viewer.FORMER, formerHost);
        for (var entry : hosts.entrySet()) {
            entry.getValue()
                    .stubFor(WireMock.post(urlMatching(".*/inbox"))
                            .willReturn(aResponse().withStatus(202)));
            var peer = RemotePeer.serve(entry.getValue(), "reader");
            peers.put(entry.getKey(), peer);
            if (entry.getKey() == Viewer.OUTSIDER) continue;
            peer.deliverAndAwait(server.app(), server.base() + "/c/haven", """
                    {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                     "actor": "%s", "object": "%s"}""".formatted(
                            peer.activityId(), peer.id(), server.base() + "/c/haven"));
        }
        answer(remoteId(Viewer.REFUSED), false);
        answer(remoteId(Viewer.MEMBER), true);
        answer(remoteId(Viewer.FORMER), true);

        // The member writes; the moderator pins it; the member replies and mentions the former member.
        var member = tokens.get(Viewer.MEMBER);
        thread = ApiClient.body(ok(api.post(
                        "/api/v1/communities/" + haven + "/threads",
                        Map.of("title", TITLE, "body", "The " + WORD + " " + BODY + "."),
                        member)))
                .get("id")
                .asLong();
        ok(api.post("/api/v1/posts/" + thread + "/pin", Map.of(), mod));
        // Everyone in the table is mentioned; only readers may be notified (the former member was, until removed).
        comment = ApiClient.body(ok(api.post(
                        "/api/v1/posts/" + thread + "/comments",
                        Map.of(
                                "body",
                                "Thank you for the " + WORD
                                        + ", @former @outsider @pending @refused @admin @moderator"),
                        member)))
                .get("id")
                .asLong();
        // The moderator answers the member's thread: the member is notified of a reply that quotes the word.
        ok(api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "That " + WORD + " helps me too."), mod));
        threadUri = uri(thread);
        commentUri = uri(comment);

        // The former member and their server are removed after they could read it.
        ok(api.delete("/api/v1/communities/" + haven + "/members/" + server.actorId("former"), mod));
        ok(api.delete("/api/v1/communities/" + haven + "/members/" + remoteId(Viewer.FORMER), mod));

        // Written after the removal: no announce of it may reach the former member's server.
        later = ApiClient.body(ok(api.post(
                        "/api/v1/communities/" + haven + "/threads",
                        Map.of("title", "After the storm", "body", "Still here."),
                        member)))
                .get("id")
                .asLong();
        laterUri = uri(later);
        Eventually.eventually(Duration.ofSeconds(20), () -> assertTrue(deliveriesOf(laterUri, Viewer.MEMBER) > 0));

        // Reports forwarded to the servers whose members wrote in the community (the outsider's server is
        // known here through a public community it follows; its post stands for one written before).
        api.community(mod, "open");
        var outsider = peers.get(Viewer.OUTSIDER);
        outsider.deliverAndAwait(server.app(), server.base() + "/c/open", """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                 "actor": "%s", "object": "%s"}""".formatted(
                        outsider.activityId(), outsider.id(), server.base() + "/c/open"));
        for (var v : List.of(Viewer.OUTSIDER, Viewer.PENDING, Viewer.REFUSED, Viewer.MEMBER, Viewer.FORMER)) {
            var peer = peers.get(v);
            var postUri = peer.id() + "/post/" + v.username();
            long post = server.app().database().transaction(c -> Sql.insert(c, """
                            insert into post (uri, community_id, author_id, local, title, content_html)
                            values (?, ?, (select id from actor where uri = ?), false, 'A harbour note', '<p>x</p>')
                            returning id""", postUri, haven, peer.id()));
            reportedUris.put(v, postUri);
            long report = ApiClient.body(ok(api.post(
                            "/api/v1/reports",
                            Map.of(
                                    "post",
                                    post,
                                    "category",
                                    "other",
                                    "text",
                                    "It talks about the " + WORD + " " + BODY,
                                    "show_identity",
                                    true),
                            member)))
                    .get("id")
                    .asLong();
            ok(api.post("/api/v1/reports/" + report + "/forward", Map.of(), mod));
        }

        for (var v : Viewer.values()) {
            var web = new WebClient(server);
            var signIn = web.submit(
                    "/login", "/login", Map.of("username", v.username(), "password", "correct horse battery"));
            assertEquals(303, signIn.statusCode(), signIn.body());
            browsers.put(v, web);
        }
    }

    @AfterAll
    static void tearDown() {
        server.close();
    }

    static Stream<Arguments> table() {
        var rows = new ArrayList<Arguments>();
        for (var route : Route.values())
            for (var viewer : Viewer.values())
                if (!route.remote || viewer.remote()) rows.add(Arguments.of(route, viewer));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("table")
    void theContentReachesOnlyThoseItIsFor(Route route, Viewer viewer) {
        assertEquals(route.expected(viewer), sees(route, viewer), route + " as " + viewer);
    }

    /** Whether the viewer, asking through the route, gets the private content. */
    private static boolean sees(Route route, Viewer viewer) {
        var token = tokens.get(viewer);
        var web = browsers.get(viewer);
        return switch (route) {
            case API_THREAD -> shows(api.get("/api/v1/threads/" + thread, token), TITLE);
            case API_COMMENT -> shows(api.get("/api/v1/posts/" + comment, token), WORD);
            case API_THREAD_LIST -> shows(api.get("/api/v1/communities/" + haven + "/threads", token), TITLE);
            case API_VOTE ->
                api.post("/api/v1/posts/" + thread + "/vote", Map.of("value", 1), token)
                                .statusCode()
                        == 200;
            case API_REPLY ->
                api.post("/api/v1/posts/" + thread + "/comments", Map.of("body", "A reply from " + viewer), token)
                                .statusCode()
                        == 201;
            case API_SEARCH -> shows(api.get("/api/v1/search?q=" + WORD, token), BODY);
            case API_NOTIFICATIONS -> shows(api.get("/api/v1/me/notifications", token), WORD);
            case PAGE_THREAD -> shows(web.get("/p/" + thread), TITLE);
            case PAGE_COMMENT_REPLY -> shows(web.get("/p/" + comment + "/reply"), WORD);
            case PAGE_COMMUNITY -> shows(web.get("/c/haven"), TITLE);
            case PAGE_REPORT -> shows(web.get("/p/" + thread + "/report"), BODY);
            case PAGE_FEED_LOCAL -> shows(web.get("/feed/local"), TITLE) || shows(web.get("/feed/all"), TITLE);
            case PAGE_SEARCH -> shows(web.get("/search?q=" + WORD), BODY);
            case AP_POST_SIGNED -> shows(signedGet(viewer, threadUri), WORD);
            case AP_COMMENT_SIGNED -> shows(signedGet(viewer, commentUri), WORD);
            case AP_POST_UNSIGNED -> shows(RemotePeer.get(URI.create(threadUri), RemotePeer.AP, null), WORD);
            case AP_CREATE_ACTIVITY -> createActivities().stream().anyMatch(id -> shows(signedGet(viewer, id), WORD));
            case AP_OUTBOX ->
                shows(signedGet(viewer, server.base() + "/c/haven/outbox?page=1"), WORD)
                        || shows(signedGet(viewer, server.base() + "/u/member/outbox?page=1"), WORD);
            case AP_FEATURED -> shows(signedGet(viewer, server.base() + "/c/haven/featured"), threadUri);
            case ANNOUNCE_DELIVERED -> deliveriesOf(laterUri, viewer) > 0;
            case NODEINFO_COUNT -> localPostsCounted() > 0;
            case FLAG_FORWARDED ->
                flagsTo(viewer).stream().anyMatch(f -> f.contains(reportedUris.get(viewer)) || f.contains(WORD));
            case FLAG_NAMES_REPORTER -> flagsTo(viewer).stream().anyMatch(f -> f.contains("/u/member"));
        };
    }

    @Test
    void theGroupStaysPublicAndSaysFollowsWaitForApproval() {
        var group = server.activityJson("/c/haven");
        assertTrue(group.get("manuallyApprovesFollowers").asBoolean(), group.toString());
        assertEquals("The haven", group.get("name").asText());
    }

    @Test
    void whatAPrivateCommunitySendsIsAddressedToItsFollowersNeverToPublic() {
        var bodies = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body, public from outbound_activity where object_id in (?, ?)",
                        rs -> rs.getString(1) + " public=" + rs.getBoolean(2),
                        threadUri,
                        commentUri));
        assertFalse(bodies.isEmpty());
        for (var body : bodies) {
            assertFalse(body.contains("#Public"), body);
            assertTrue(body.endsWith("public=false"), body);
            assertTrue(body.contains(server.base() + "/c/haven/followers"), body);
        }
    }

    @Test
    void followRequestsListTheApplicantsAnswers() {
        var requests = ApiClient.body(
                api.get("/api/v1/communities/" + haven + "/follow_requests", tokens.get(Viewer.MODERATOR)));
        var pending = server.actorId("pending");
        var found = false;
        for (var request : requests) {
            if (request.get("actorId").asLong() != pending) continue;
            found = true;
            assertEquals(
                    "I lost my brother",
                    request.get("answers").get(0).get("answer").asText());
        }
        assertTrue(found, requests.toString());
    }

    @Test
    void theRefusedApplicantIsToldWhy() {
        var standing =
                ApiClient.body(api.get("/api/v1/communities/" + haven + "/application", tokens.get(Viewer.REFUSED)));
        assertEquals("refused", standing.get("state").asText());
        assertEquals("not the right place yet", standing.get("reason").asText());
    }

    private static void answer(long actorId, boolean approve) {
        var path = "/api/v1/communities/" + haven + "/follow_requests/" + actorId + (approve ? "/approve" : "/reject");
        ok(api.post(
                path, approve ? Map.of() : Map.of("reason", "not the right place yet"), tokens.get(Viewer.MODERATOR)));
    }

    private static long remoteId(Viewer viewer) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select id from actor where uri = ?",
                        rs -> rs.getLong(1),
                        peers.get(viewer).id()))
                .orElseThrow();
    }

    private static String uri(long postId) {
        return server.app()
                .database()
                .read(c -> Sql.one(c, "select uri from post where id = ?", rs -> rs.getString(1), postId))
                .orElseThrow();
    }

    private static List<String> createActivities() {
        return server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select activity_id from outbound_activity where object_id in (?, ?)",
                        rs -> rs.getString(1),
                        threadUri,
                        commentUri));
    }

    private static long deliveriesOf(String objectUri, Viewer viewer) {
        var peer = peers.get(viewer);
        return api.count(
                "select count(*) from delivery where object_id = ? and inbox like ?",
                objectUri,
                "http://" + peer.uri().getRawAuthority() + "/%");
    }

    /** The Flags queued for delivery to the viewer's server; at least one for each, or the row proves nothing. */
    private static List<String> flagsTo(Viewer viewer) {
        var peer = peers.get(viewer);
        var flags = server.app()
                .database()
                .read(c -> Sql.list(
                        c, """
                        select o.body from outbound_activity o
                        where o.body::jsonb ->> 'type' = 'Flag' and exists (
                            select 1 from delivery d where d.outbound_id = o.id and d.inbox like ?)""", rs -> rs.getString(1), "http://" + peer.uri().getRawAuthority() + "/%"));
        assertFalse(flags.isEmpty(), "no report was forwarded to " + viewer + "'s server");
        return flags;
    }

    private static long localPostsCounted() {
        var nodeinfo = TestServer.json(server.get("/nodeinfo/2.1", "application/json"));
        return nodeinfo.path("usage").path("localPosts").asLong()
                + nodeinfo.path("usage").path("localComments").asLong();
    }

    private static HttpResponse<String> signedGet(Viewer viewer, String url) {
        return RemotePeer.get(URI.create(url), RemotePeer.AP, peers.get(viewer).cavage());
    }

    private static boolean shows(HttpResponse<String> response, String text) {
        return response.statusCode() == 200 && response.body().contains(text);
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        if (!Set.of(200, 201, 204).contains(response.statusCode()))
            throw new AssertionError(response.statusCode() + " " + response.body());
        return response;
    }
}
