package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import app.kindred.InteropFixtures;
import app.kindred.TestServer;
import app.kindred.actor.LocalKeys;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SigningKey;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Real activities from other servers (../shared/fixtures), replayed into a running Kindred as a
 * fake remote on 127.0.0.1 would send them: every fixture host becomes the WireMock origin with the
 * host as the first path segment (ds9.lemmy.ml's /post/1 and NodeBB's /post/1 are two posts), the
 * community each activity targets becomes our {@code peers}, and each is signed by its actor's key,
 * POSTed to the community inbox and processed. Each fixture asserts the effect it must have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FixtureReplayTest {
    private static final Path FIXTURES = InteropFixtures.DIR;
    private static final String AP = "application/activity+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Vocabulary and context hosts are names, not servers: they stay as written. */
    private static final Set<String> VOCABULARY = Set.of(
            "www.w3.org",
            "w3id.org",
            "purl.org",
            "ostatus.org",
            "schema.org",
            "joinmastodon.org",
            "litepub.social",
            "diasporafoundation.org",
            "gotosocial.org");
    /** A server's origin in a URL; test fixtures also name bare hosts and ports (lemmy-alpha:8541). */
    private static final Pattern HOST = Pattern.compile("https?://([A-Za-z0-9.-]+)(?::(\\d+))?(?=[/?#\"]|$)");

    private WireMockServer remote;
    private TestServer server;
    private final Map<String, LocalKeys> keys = new HashMap<>();
    private final Map<String, String> servedObjects = new HashMap<>();
    private final List<Integer> statuses = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        InteropFixtures.require("FixtureReplayTest");
        remote = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        remote.start();
        // Deliveries of our Accepts and announces land here; what they say is asserted from the outbox.
        remote.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(202)).atPriority(10));
        server = TestServer.start(
                Map.of("KINDRED_DELIVERY_TIME_SCALE", "0.001", "KINDRED_DELIVERY_POLL_INTERVAL", "50ms"));
        server.app().members().create("warden", "a long enough password", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "Peer support", "warden");
        server.app().startWorkers();
    }

    @AfterAll
    void stop() {
        if (server != null) server.close();
        if (remote != null) remote.stop();
    }

    // ---- what each fixture is, how it is aimed at us, and what it must do ----

    /** How a fixture is replayed: which of its URLs name the targeted community, and which references are relinked. */
    private record Replay(
            String file,
            List<String> communities,
            Map<String, String> links,
            boolean wrapInCreate,
            Expectation expect) {
        Replay(String file, List<String> communities, Expectation expect) {
            this(file, communities, Map.of(), false, expect);
        }

        /** Points a JSON pointer at another fixture's URL (or removes it when null), rewritten like the rest. */
        Replay link(String pointer, String fixtureUrl) {
            var copy = new LinkedHashMap<>(links);
            copy.put(pointer, fixtureUrl);
            return new Replay(file, communities, copy, wrapInCreate, expect);
        }

        /** NodeBB and WordPress fixtures are the objects they send; they arrive wrapped in their author's Create. */
        Replay wrapped() {
            return new Replay(file, communities, links, true, expect);
        }
    }

    @FunctionalInterface
    private interface Expectation {
        void check(Replayed replayed) throws Exception;
    }

    /** One replayed activity: as sent, the inbox's answer, and how its stored row ended. */
    private record Replayed(JsonNode activity, int status, String state, String lastError) {
        String id() {
            return activity.path("id").asText();
        }

        String objectId() {
            var object = activity.path("object");
            return object.isObject() ? object.path("id").asText() : object.asText();
        }
    }

    private static final String FELIX_NOTE = "https://mastodon.madrid/users/felix/statuses/107224289116410645";
    private static final String LEMMY_POST = "http://ds9.lemmy.ml/post/1";
    private static final String LEMMY_AUTHOR = "http://ds9.lemmy.ml/u/lemmy_alpha";
    private static final String LEMMY_COMMENT = "http://ds9.lemmy.ml/comment/1";
    private static final String FRIENDICA_ARTICLE = "https://pirati.ca/objects/ec054ce7-5162-3bf2-504c-16d024994850";
    private static final String WORDPRESS_ARTICLE = "https://dbzer0.com/?p=27948";

    private List<Replay> replays() {
        var lemmyMain = List.of("https://enterprise.lemmy.ml/c/main");
        var lemmyTenForward = List.of("https://enterprise.lemmy.ml/c/tenforward");
        var testcom = List.of("https://ds9.lemmy.ml/c/testcom");
        return List.of(
                // Mastodon
                new Replay("mastodon/activities/follow.json", testcom, this::acceptedFollowWithAccept),
                new Replay("mastodon/activities/undo_follow.json", testcom, r -> {
                    done(r);
                    assertEquals(0, followsOfPeers(r.activity().path("actor").asText()));
                }),
                // A reply on Mastodon; mentioning the group with no parent is how a Mastodon user starts a thread here.
                new Replay("mastodon/activities/create_note.json", List.of("https://mamot.fr/users/retiolus"), r -> {
                            done(r);
                            var post = storedPost(r.objectId());
                            assertThread(post);
                            assertEquals(
                                    "i have never been disappointed by a thinkpad. if you want to save money, get a model "
                                            + "from a few years ago, there isnt a huge difference anyway.",
                                    post.title());
                            assertTrue(post.contentHtml().startsWith("<p>"), post.contentHtml());
                            assertTrue(post.contentHtml().contains("thinkpad"), post.contentHtml());
                            assertTrue(
                                    post.contentHtml().contains("rel=\"nofollow noopener ugc\""),
                                    "links are sanitised: " + post.contentHtml());
                            assertFalse(post.sensitive());
                            assertAnnounced(r.objectId());
                        })
                        .link("/object/inReplyTo", null)
                        .link("/object/inReplyToAtomUri", null),
                new Replay("mastodon/activities/like_page.json", List.of(), r -> {
                            done(r);
                            assertEquals(
                                    Optional.of(1),
                                    vote(
                                            r.objectId(),
                                            r.activity().path("actor").asText()));
                            assertEquals(1, score(r.objectId()));
                        })
                        .link("/object", FELIX_NOTE),
                // Mastodon's Undo names another Like id than the one it undoes: the vote is found by post and voter.
                new Replay("mastodon/activities/undo_like_page.json", List.of(), r -> {
                            done(r);
                            assertEquals(
                                    Optional.empty(),
                                    vote(
                                            localized(FELIX_NOTE),
                                            r.activity().path("actor").asText()));
                            assertEquals(0, score(localized(FELIX_NOTE)));
                        })
                        .link("/object/object", FELIX_NOTE),
                new Replay("mastodon/activities/delete.json", List.of(), r -> {
                            done(r);
                            assertNotNull(storedPost(r.objectId()).deletedAt(), "tombstoned");
                            assertEquals("", storedPost(r.objectId()).contentHtml());
                        })
                        .link("/object/id", FELIX_NOTE)
                        .link("/object/atomUri", FELIX_NOTE),
                // A bare Note is not an activity: the inbox refuses it before storing anything.
                new Replay("mastodon/activities/private_message.json", List.of(), r -> {
                    assertEquals(400, r.status());
                    assertNull(r.state());
                }),

                // Lemmy
                new Replay("lemmy/activities/following/follow.json", lemmyMain, this::acceptedFollowWithAccept),
                // Lemmy's Undo embeds a Follow with a fresh id: the follow is found by follower and community.
                new Replay("lemmy/activities/following/undo_follow.json", lemmyMain, r -> {
                    done(r);
                    assertEquals(0, followsOfPeers(r.activity().path("actor").asText()));
                }),
                // The remote community answers a follow none of ours sent.
                new Replay("lemmy/activities/following/accept.json", List.of(), r -> rejected(r, "unknown follow")),
                new Replay("lemmy/activities/create_or_update/create_page.json", lemmyMain, r -> {
                    done(r);
                    var post = storedPost(r.objectId());
                    assertThread(post);
                    assertEquals("test post", post.title());
                    assertEquals("<p>test body</p>", post.contentHtml().strip());
                    assertTrue(post.url().endsWith("/pictrs/image/xl8W7FZfk9.jpg"), post.url());
                    assertEquals("Page", post.apType());
                    assertAnnounced(r.objectId());
                }),
                new Replay("lemmy/activities/create_or_update/create_comment.json", lemmyMain, r -> {
                    done(r);
                    var comment = storedPost(r.objectId());
                    var thread = storedPost(localized(LEMMY_POST));
                    assertEquals(thread.id(), comment.parentId());
                    assertEquals(thread.id(), comment.threadId());
                    assertNull(comment.title());
                    assertEquals("hello", comment.contentHtml().strip());
                }),
                new Replay("lemmy/activities/voting/like_note.json", lemmyTenForward, r -> {
                    done(r);
                    assertEquals(
                            Optional.of(1),
                            vote(r.objectId(), r.activity().path("actor").asText()));
                    assertEquals(1, score(r.objectId()));
                }),
                new Replay("lemmy/activities/voting/dislike_page.json", lemmyTenForward, r -> {
                    done(r);
                    assertEquals(
                            Optional.of(-1),
                            vote(r.objectId(), r.activity().path("actor").asText()));
                    assertEquals(-1, score(r.objectId()));
                }),
                // Lemmy undoes a Dislike with an embedded "Like" of another id.
                new Replay("lemmy/activities/voting/undo_dislike_page.json", lemmyTenForward, r -> {
                    done(r);
                    assertEquals(0, score(localized(LEMMY_POST)));
                    assertEquals(1, score(localized(LEMMY_COMMENT)), "the comment's vote is another's");
                }),
                new Replay("lemmy/activities/voting/undo_like_note.json", lemmyTenForward, r -> {
                    done(r);
                    assertEquals(0, score(localized(LEMMY_COMMENT)));
                }),
                new Replay("lemmy/activities/create_or_update/update_page.json", lemmyMain, r -> {
                    done(r);
                    var post = storedPost(r.objectId());
                    assertEquals("test post 1", post.title());
                    assertEquals("2021-10-29T15:11:35.976374Z", post.updated());
                }),
                new Replay("lemmy/activities/deletion/delete_page.json", lemmyMain, r -> {
                    done(r);
                    assertNotNull(storedPost(r.objectId()).deletedAt(), "tombstoned");
                }),
                // Kindred keeps no deleted content to bring back: an Undo of a Delete changes nothing.
                new Replay("lemmy/activities/deletion/undo_delete_page.json", lemmyMain, r -> {
                    done(r);
                    assertNotNull(storedPost(localized(LEMMY_POST)).deletedAt(), "still tombstoned");
                }),
                // Lemmy's private messages, both forms: refused as private, never stored as posts.
                new Replay("lemmy/activities/create_or_update/create_private_message.json", List.of(), r -> {
                    rejected(r, "not public: addressed only to people or followers");
                    assertEquals(0L, (long) server.app()
                            .database()
                            .read(c -> Sql.count(c, "select count(*) from post where uri = ?", r.objectId())));
                }),
                new Replay("lemmy/activities/create_or_update/create_private_message_0.19.json", List.of(), r -> {
                    rejected(r, "not public: a private message (ChatMessage)");
                    assertEquals(0L, (long) server.app()
                            .database()
                            .read(c -> Sql.count(c, "select count(*) from post where uri = ?", r.objectId())));
                }),
                // A pin (Add to the featured collection) by someone who does not moderate peers: refused, nothing
                // pinned.
                new Replay(
                                "lemmy/activities/community/add_featured_post.json",
                                List.of("https://ds9.lemmy.ml/c/main"),
                                r -> {
                                    rejected(r, "is not a moderator of " + community());
                                    assertEquals(0L, (long) server.app()
                                            .database()
                                            .read(c -> Sql.count(
                                                    c, "select count(*) from post where pinned_at is not null")));
                                })
                        .link("/object", LEMMY_POST),
                new Replay(
                                "lemmy/activities/community/remove_featured_post.json",
                                List.of("https://ds9.lemmy.ml/c/main"),
                                r -> rejected(r, "is not a moderator of " + community()))
                        .link("/object", LEMMY_POST),

                // Friendica
                new Replay("friendica/activities/create_page_2.json", testcom, r -> {
                    done(r);
                    var post = storedPost(r.objectId());
                    assertThread(post);
                    assertEquals("From Friendica to Lemmy", post.title());
                    assertEquals("Hello Lemmy!", post.contentHtml().strip());
                    assertEquals("Article", post.apType());
                    assertFalse(post.sensitive(), "an empty summary is no content warning");
                }),
                // Friendica's corpus keeps a Mastodon thread start too: the group in cc and as a Mention.
                new Replay(
                        "friendica/activities/create_page_1.json",
                        List.of("https://lemmy.qa.urbanwildlife.biz/c/lemmy_community"),
                        r -> {
                            done(r);
                            var post = storedPost(r.objectId());
                            assertThread(post);
                            assertEquals("Test post to community", post.title());
                        }),
                new Replay("friendica/activities/like_page.json", testcom, r -> {
                            done(r);
                            assertEquals(
                                    Optional.of(1),
                                    vote(
                                            r.objectId(),
                                            r.activity().path("actor").asText()));
                        })
                        .link("/object", FRIENDICA_ARTICLE),
                new Replay("friendica/activities/dislike_page.json", testcom, r -> {
                            done(r);
                            assertEquals(
                                    Optional.of(-1),
                                    vote(
                                            r.objectId(),
                                            r.activity().path("actor").asText()));
                            assertEquals(-1, score(r.objectId()));
                        })
                        .link("/object", FRIENDICA_ARTICLE),
                new Replay("friendica/activities/undo_dislike_page.json", testcom, r -> {
                            done(r);
                            assertEquals(0, score(localized(FRIENDICA_ARTICLE)));
                        })
                        .link("/object/object", FRIENDICA_ARTICLE),
                new Replay("friendica/activities/create_note.json", List.of("https://lemmy.schuerz.at/c/test"), r -> {
                            done(r);
                            var comment = storedPost(r.objectId());
                            assertEquals(
                                    storedPost(localized(FRIENDICA_ARTICLE)).id(), comment.parentId());
                            assertTrue(comment.contentHtml().endsWith("test"), comment.contentHtml());
                        })
                        .link("/object/inReplyTo", FRIENDICA_ARTICLE),
                // An Update of a comment we never saw is taken as its Create.
                new Replay("friendica/activities/update_note.json", testcom, r -> {
                            done(r);
                            var comment = storedPost(r.objectId());
                            assertEquals(
                                    storedPost(localized(FRIENDICA_ARTICLE)).id(), comment.parentId());
                            assertTrue(
                                    comment.contentHtml().contains("This is an edited comment."),
                                    comment.contentHtml());
                        })
                        .link("/object/inReplyTo", FRIENDICA_ARTICLE),
                // ...and Friendica's Delete of that very comment tombstones it.
                new Replay("friendica/activities/delete.json", testcom, r -> {
                    done(r);
                    assertNotNull(storedPost(r.objectId()).deletedAt(), "tombstoned");
                }),

                // Pleroma
                new Replay(
                        "pleroma/activities/follow.json",
                        List.of("https://lemmy.ca/u/kinetix"),
                        this::acceptedFollowWithAccept),
                // Pleroma sends source as a plain string and replies by mentioning the parent's author.
                new Replay("pleroma/activities/create_note.json", List.of(), r -> {
                            done(r);
                            var comment = storedPost(r.objectId());
                            assertEquals(
                                    storedPost(localized(FRIENDICA_ARTICLE)).id(), comment.parentId());
                            assertTrue(comment.contentHtml().endsWith("test"), comment.contentHtml());
                        })
                        .link("/object/inReplyTo", FRIENDICA_ARTICLE),
                // A Delete of something we never had needs nothing.
                new Replay("pleroma/activities/delete.json", List.of("https://voyager.lemmy.ml/c/main"), this::done),

                // NodeBB: a topic is an Article addressed to its category, with an HTML teaser as summary.
                new Replay("nodebb/objects/page.json", List.of("https://bb.devnull.land/category/2"), r -> {
                            done(r);
                            var post = storedPost(r.objectId());
                            assertThread(post);
                            assertEquals("Welcome to your NodeBB!", post.title());
                            assertTrue(
                                    post.contentHtml().contains("<h3>Welcome to your brand new NodeBB forum!</h3>"),
                                    post.contentHtml());
                            assertFalse(post.sensitive(), "a teaser is not a content warning");
                        })
                        .wrapped(),

                // WordPress: a blog post as Article to the blog's audience, and a comment as Note.
                new Replay("wordpress/objects/page.json", List.of("https://dbzer0.com/?author=0"), r -> {
                            done(r);
                            var post = storedPost(r.objectId());
                            assertThread(post);
                            assertEquals("An Epic 3D-Printed Fan Expansion for Last Light", post.title());
                            assertFalse(post.sensitive(), "a teaser is not a content warning");
                            assertFalse(post.contentHtml().contains("<script"), "sanitised");
                        })
                        .wrapped(),
                new Replay("wordpress/objects/note.json", List.of(), r -> {
                            done(r);
                            var comment = storedPost(r.objectId());
                            assertEquals(
                                    storedPost(localized(WORDPRESS_ARTICLE)).id(), comment.parentId());
                            assertEquals(
                                    "<p>Nice! Hello from WordPress!</p>",
                                    comment.contentHtml().strip());
                        })
                        .link("/inReplyTo", WORDPRESS_ARTICLE)
                        .wrapped(),
                // Its id has two '#', which no URI parser here accepts: refused at the door with a 400, not a 5xx.
                new Replay("wordpress/activities/announce.json", List.of(), r -> {
                    assertEquals(400, r.status(), r.lastError());
                    assertTrue(r.lastError().contains("lacks an id"), r.lastError());
                    assertNull(r.state());
                }),

                // Lemmy's Update{Group} by a user who does not moderate peers: refused, with the reason kept.
                new Replay("lemmy/activities/community/update_community.json", lemmyMain, r -> {
                    rejected(r, "is not a moderator of " + community());
                    assertEquals(
                            "Peers",
                            server.app()
                                    .communities()
                                    .find("peers")
                                    .orElseThrow()
                                    .title());
                }),

                // Reports, last so the post they name is stored: each lands in the queue of peers' moderators.
                new Replay("mastodon/activities/flag.json", List.of(), this::reportedInPeers)
                        .link("/object/0", LEMMY_AUTHOR)
                        .link("/object/1", LEMMY_POST)
                        .link("/object/2", null),
                new Replay("lemmy/activities/community/report_page.json", lemmyMain, this::reportedInPeers)
                        .link("/object", LEMMY_POST),
                new Replay("mbin/activities/flag.json", List.of("https://lemmy-test/c/test_mag"), this::reportedInPeers)
                        .link("/object/0", LEMMY_POST)
                        .link("/object/1", LEMMY_AUTHOR),
                // Another Lemmy user is no moderator of peers: the report stays open.
                new Replay("lemmy/activities/community/resolve_report_page.json", lemmyMain, r -> {
                    rejected(r, "may not resolve");
                    assertEquals(0L, (long) server.app()
                            .database()
                            .read(c -> Sql.count(c, "select count(*) from report where status <> 'open'")));
                }));
    }

    /** Every other activity in the corpus must settle with a reason, never stick or fail the server. */
    private List<Replay> theRest(List<Replay> explicit) throws IOException {
        var named = explicit.stream().map(Replay::file).toList();
        try (var files = Files.walk(FIXTURES)) {
            return files.filter(p -> p.toString().endsWith(".json")
                                    && p.getParent().getFileName().toString().equals("activities")
                            || p.toString().endsWith(".json") && p.toString().contains("/activities/"))
                    .map(p -> FIXTURES.relativize(p).toString().replace('\\', '/'))
                    .filter(f -> !named.contains(f))
                    .sorted()
                    .map(f -> new Replay(f, List.of(), this::settled))
                    .toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> replayEachFixture() throws IOException {
        var explicit = replays();
        var all = new ArrayList<>(explicit);
        all.addAll(theRest(explicit));
        var tests = new ArrayList<DynamicTest>();
        for (var replay : all)
            tests.add(
                    DynamicTest.dynamicTest(replay.file(), () -> replay.expect().check(replay(replay))));
        tests.add(DynamicTest.dynamicTest("nothing is left pending or parked, and the inbox never answered 5xx", () -> {
            assertTrue(statuses.stream().noneMatch(s -> s >= 500), "answers: " + statuses);
            var stuck = server.app()
                    .database()
                    .read(c -> Sql.list(
                            c,
                            "select activity_id || ' ' || state || ' ' || coalesce(last_error, '') from inbound_activity"
                                    + " where state in ('pending', 'parked')",
                            rs -> rs.getString(1)));
            assertEquals(List.of(), stuck);
        }));
        return tests.stream();
    }

    // ---- rewriting, serving, signing, posting ----

    private Replayed replay(Replay replay) throws Exception {
        var original = JSON.readTree(Files.readString(FIXTURES.resolve(replay.file())));
        var activity = (ObjectNode) rewrite(original, replay.communities());
        for (var link : replay.links().entrySet()) relink(activity, link.getKey(), link.getValue());
        if (replay.wrapInCreate()) activity = createOf(activity);

        var actor = activity.path("actor").isObject()
                ? activity.path("actor").path("id").asText()
                : activity.path("actor").asText();
        if (actor.isEmpty()) actor = activity.path("attributedTo").asText();
        serveActor(actor, replay.file());
        serveObject(activity.path("object"));

        var body = JSON.writeValueAsBytes(activity);
        var inbox = URI.create(server.base() + "/c/peers/inbox");
        var headers = Map.of("Content-Type", List.of(AP));
        var signed = new RequestSigner(Clock.systemUTC())
                .sign(
                        "POST",
                        inbox,
                        headers,
                        body,
                        actor + "#main-key",
                        SigningKey.fromPem(keys.get(actor).rsaPrivatePem()),
                        SignatureScheme.CAVAGE);
        var request = HttpRequest.newBuilder(inbox)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", AP);
        // Host is the connection's own; the client sets it to the same value it was signed with.
        signed.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Host")) request.header(name, value);
        });
        var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        statuses.add(response.statusCode());
        if (response.statusCode() != 202) {
            return new Replayed(activity, response.statusCode(), null, response.statusCode() + " " + response.body());
        }

        var id = activity.path("id").asText();
        var row = new String[2];
        eventually(() -> {
            var found = server.app()
                    .database()
                    .read(c -> Sql.one(
                            c,
                            "select state, last_error from inbound_activity where activity_id = ?",
                            rs -> new String[] {rs.getString(1), rs.getString(2)},
                            id))
                    .orElseThrow();
            assertFalse(found[0].equals("pending"), "still pending: " + found[1]);
            row[0] = found[0];
            row[1] = found[1];
        });
        return new Replayed(activity, 202, row[0], row[1]);
    }

    private String origin() {
        return "http://127.0.0.1:" + remote.port();
    }

    private String community() {
        return server.base() + "/c/peers";
    }

    /** A fixture URL as this replay sends it. */
    private String localized(String fixtureUrl) {
        return rewriteText(fixtureUrl);
    }

    private JsonNode rewrite(JsonNode node, List<String> communities) {
        if (node instanceof ObjectNode object) {
            var copy = JsonNodeFactory.instance.objectNode();
            object.properties()
                    .forEach(e -> copy.set(
                            e.getKey(),
                            e.getKey().equals("@context") ? e.getValue() : rewrite(e.getValue(), communities)));
            return copy;
        }
        if (node.isArray()) {
            var copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(rewrite(item, communities)));
            return copy;
        }
        if (node.isTextual()) {
            var text = node.asText();
            for (var target : communities) {
                if (sameUrl(text, target)) return new TextNode(community());
                if (sameUrl(text, target + "/followers")) return new TextNode(community() + "/followers");
                if (sameUrl(text, target + "/featured")) return new TextNode(community() + "/featured");
            }
            return new TextNode(rewriteText(text));
        }
        return node;
    }

    /** Lemmy mixes http and https for one actor; a trailing slash is no other place either. */
    private static boolean sameUrl(String a, String b) {
        return normal(a).equals(normal(b));
    }

    private static String normal(String url) {
        var s = url.replaceFirst("^https://", "http://");
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private String rewriteText(String text) {
        var m = HOST.matcher(text);
        var out = new StringBuilder();
        while (m.find()) {
            var host = m.group(1) + (m.group(2) == null ? "" : "_" + m.group(2));
            m.appendReplacement(
                    out, Matcher.quoteReplacement(VOCABULARY.contains(m.group(1)) ? m.group() : origin() + "/" + host));
        }
        m.appendTail(out);
        return out.toString();
    }

    private void relink(ObjectNode activity, String pointer, String fixtureUrl) {
        int slash = pointer.lastIndexOf('/');
        var parent = activity.at(pointer.substring(0, slash));
        if (parent instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            int index = Integer.parseInt(pointer.substring(slash + 1));
            if (fixtureUrl == null) array.remove(index);
            else array.set(index, new TextNode(localized(fixtureUrl)));
            return;
        }
        if (!(parent instanceof ObjectNode o)) throw new AssertionError("no object at " + pointer);
        var field = pointer.substring(slash + 1);
        if (fixtureUrl == null) o.remove(field);
        else o.put(field, localized(fixtureUrl));
    }

    /** The Create its author's server sends for a bare object, addressed as the object is. */
    private static ObjectNode createOf(ObjectNode object) {
        var create = JsonNodeFactory.instance.objectNode();
        create.set("@context", object.path("@context"));
        create.put("id", object.path("id").asText() + "#create");
        create.put("type", "Create");
        create.put("actor", object.path("attributedTo").asText());
        for (var field : List.of("to", "cc", "audience")) if (object.has(field)) create.set(field, object.get(field));
        create.set("object", object);
        return create;
    }

    /** The actor document the fake remote serves, with a key this test holds; groups announce, people act. */
    private void serveActor(String actorUrl, String file) {
        if (keys.containsKey(actorUrl)) return;
        var generated = LocalKeys.generate(RANDOM);
        keys.put(actorUrl, generated);
        var path = URI.create(actorUrl).getRawPath();
        var query = URI.create(actorUrl).getRawQuery();
        boolean group = path.contains("/c/") || file.startsWith("wordpress/activities/announce");
        var document = JsonNodeFactory.instance.objectNode();
        document.putArray("@context")
                .add("https://www.w3.org/ns/activitystreams")
                .add("https://w3id.org/security/v1");
        document.put("id", actorUrl);
        document.put("type", group ? "Group" : "Person");
        var segments = path.split("/");
        document.put(
                "preferredUsername", segments.length == 0 ? "actor" : segments[segments.length - 1].replace("@", ""));
        document.put("inbox", actorUrl.replaceAll("/$", "") + "/inbox");
        document.put("outbox", actorUrl.replaceAll("/$", "") + "/outbox");
        document.putObject("endpoints").put("sharedInbox", origin() + "/inbox");
        document.putObject("publicKey")
                .put("id", actorUrl + "#main-key")
                .put("owner", actorUrl)
                .put("publicKeyPem", generated.rsaPublicPem());
        remote.stubFor(get(urlEqualTo(path + (query == null ? "" : "?" + query)))
                .willReturn(okForContentType(AP, document.toString())));
    }

    /** A post or comment is served at its id too, as its origin would, for whoever dereferences it. */
    private void serveObject(JsonNode object) {
        if (!object.isObject()
                || !object.has("attributedTo")
                || servedObjects.containsKey(object.path("id").asText())) return;
        var id = URI.create(object.path("id").asText());
        var pathAndQuery = (id.getRawPath().isEmpty() ? "/" : id.getRawPath())
                + (id.getRawQuery() == null ? "" : "?" + id.getRawQuery());
        servedObjects.put(id.toString(), object.toString());
        remote.stubFor(get(urlEqualTo(pathAndQuery)).willReturn(okForContentType(AP, object.toString())));
    }

    // ---- expectations ----

    private void done(Replayed r) {
        assertEquals(202, r.status(), r.lastError());
        assertEquals("done", r.state(), "last_error: " + r.lastError());
        assertNull(r.lastError());
    }

    private void ignored(Replayed r) {
        assertEquals(202, r.status(), r.lastError());
        assertEquals("done", r.state());
        assertNotNull(r.lastError());
        assertTrue(r.lastError().startsWith("ignored: "), r.lastError());
    }

    /** A Flag applied as a report of the post it names, for the moderators of peers. */
    private void reportedInPeers(Replayed r) {
        done(r);
        var reports = server.app().database().read(c -> Sql.list(c, """
                select p.uri from report_filing f join report r on r.id = f.report_id join post p on p.id = r.post_id
                join community k on k.id = r.community_id join actor a on a.id = k.actor_id
                where f.flag_id = ? and a.preferred_username = 'peers' and a.local and not f.local""", rs -> rs.getString(1), r.id()));
        assertEquals(List.of(localized(LEMMY_POST)), reports);
    }

    private void rejected(Replayed r, String reason) {
        assertEquals(202, r.status(), r.lastError());
        assertEquals("failed", r.state(), "last_error: " + r.lastError());
        assertTrue(r.lastError().startsWith("rejected: ") && r.lastError().contains(reason), r.lastError());
    }

    /** Accepted, applied, ignored or rejected with a reason: anything but a server error or a stuck row. */
    private void settled(Replayed r) {
        assertTrue(r.status() == 202 || r.status() >= 400 && r.status() < 500, "answered " + r.status());
        if (r.status() != 202) return;
        switch (r.state()) {
            case "done" -> assertTrue(r.lastError() == null || r.lastError().startsWith("ignored: "), r.lastError());
            case "failed" ->
                assertTrue(
                        r.lastError().startsWith("rejected: ") || r.lastError().startsWith("malformed: "),
                        r.lastError());
            default -> fail("ended " + r.state() + ": " + r.lastError());
        }
    }

    private void acceptedFollowWithAccept(Replayed r) throws Exception {
        done(r);
        var follower = r.activity().path("actor").asText();
        var state = server.app()
                .database()
                .read(c -> Sql.one(c, """
                select f.state || ' ' || f.activity_uri from follow f join actor a on a.id = f.follower_id
                where a.uri = ? and f.followed_id = ?""", rs -> rs.getString(1), follower, server.actorId("peers")));
        assertEquals(Optional.of("accepted " + r.id()), state);
        var accepts = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body from outbound_activity where actor_id = ? and body::jsonb ->> 'type' = 'Accept'",
                        rs -> rs.getString(1),
                        server.actorId("peers")));
        var answering = accepts.stream()
                .map(FixtureReplayTest::parse)
                .filter(a -> a.path("object").path("id").asText().equals(r.id()))
                .toList();
        assertEquals(1, answering.size(), "one Accept of " + r.id() + " among " + accepts);
        var accept = answering.getFirst();
        assertEquals(community(), accept.path("actor").asText());
        assertEquals("Follow", accept.path("object").path("type").asText());
        assertEquals(follower, accept.path("object").path("actor").asText());
        assertEquals(community(), accept.path("object").path("object").asText());
    }

    private long followsOfPeers(String follower) {
        return server.app().database().read(c -> Sql.count(c, """
                select count(*) from follow f join actor a on a.id = f.follower_id where a.uri = ? and f.followed_id = ?""", follower, server.actorId("peers")));
    }

    private record StoredPost(
            long id,
            Long parentId,
            Long threadId,
            String community,
            String title,
            String contentHtml,
            boolean sensitive,
            String url,
            String apType,
            String updated,
            String deletedAt) {}

    private StoredPost storedPost(String uri) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        """
                select p.id, p.parent_id, p.thread_id, a.preferred_username, p.title, p.content_html, p.sensitive, p.url,
                       p.ap_type, p.updated, p.deleted_at
                from post p join community m on m.id = p.community_id join actor a on a.id = m.actor_id where p.uri = ?""",
                        rs -> new StoredPost(
                                rs.getLong(1),
                                (Long) rs.getObject(2),
                                (Long) rs.getObject(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                rs.getBoolean(7),
                                rs.getString(8),
                                rs.getString(9),
                                rs.getTimestamp(10) == null
                                        ? null
                                        : rs.getTimestamp(10).toInstant().toString(),
                                rs.getTimestamp(11) == null
                                        ? null
                                        : rs.getTimestamp(11).toInstant().toString()),
                        uri))
                .orElseThrow(() -> new AssertionError("no post " + uri));
    }

    private void assertThread(StoredPost post) {
        assertEquals("peers", post.community());
        assertNull(post.parentId(), "a thread has no parent");
        assertNotNull(post.title());
    }

    /** Our community passes a new post on to its followers (FEP-1b12). */
    private void assertAnnounced(String objectId) {
        long announces = server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from outbound_activity where actor_id = ? and object_id = ? and body::jsonb ->> 'type' = 'Announce'",
                        server.actorId("peers"),
                        objectId));
        assertTrue(announces >= 1, "announced " + objectId);
    }

    private Optional<Integer> vote(String postUri, String voterUri) {
        return server.app().database().read(c -> Sql.one(c, """
                select v.value from vote v join post p on p.id = v.post_id join actor a on a.id = v.actor_id
                where p.uri = ? and a.uri = ?""", rs -> rs.getInt(1), postUri, voterUri));
    }

    private long score(String postUri) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select coalesce(sum(v.value), 0) from post p left join vote v on v.post_id = p.id where p.uri = ?",
                        rs -> rs.getLong(1),
                        postUri))
                .orElseThrow();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
