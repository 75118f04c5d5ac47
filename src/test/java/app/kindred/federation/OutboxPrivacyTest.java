package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.ModerationService;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What we serve of what we sent: the outboxes and activity ids show public activities only, and
 * nothing about a post its author deleted or a moderator removed (until it is restored).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class OutboxPrivacyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestServer server;
    private Member sam, warden;
    private long peers;

    @BeforeAll
    void start() {
        server = TestServer.start();
        warden = server.app().members().create("warden", "correct horse battery", Role.MEMBER);
        sam = server.app().members().create("sam", "correct horse battery", Role.MEMBER);
        peers = server.app()
                .communities()
                .create("peers", "Peers", "", "warden")
                .id();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    /** A GET as another server makes it. */
    public static java.net.http.HttpResponse<String> activityJson(TestServer server, String path) {
        try {
            return java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(URI.create(server.base() + path))
                                    .header("Accept", "application/activity+json")
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private java.net.http.HttpResponse<String> activityJson(String path) {
        return activityJson(server, path);
    }

    private String outbox(String actorPath) {
        var page = activityJson(actorPath + "/outbox?page=1");
        assertEquals(200, page.statusCode(), page.body());
        return page.body();
    }

    /** The ids of what we sent about this object. */
    private List<URI> sentAbout(URI object) {
        return server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select activity_id from outbound_activity where object_id = ? order by id",
                        rs -> URI.create(rs.getString(1)),
                        object));
    }

    private int fetch(URI activity) {
        return activityJson(activity.getRawPath()).statusCode();
    }

    @Test
    void aDeletedPostsActivitiesAreNoLongerServed() {
        var post = server.app()
                .threads()
                .startThread(
                        sam,
                        peers,
                        new ThreadService.Draft("A hard night", "I told my sister today.", null, null, null));
        var sent = sentAbout(post.uri());
        assertTrue(sent.size() >= 2, "a Create and the group's announces: " + sent);
        assertTrue(outbox("/c/peers").contains("I told my sister today."));
        assertTrue(outbox("/u/sam").contains("I told my sister today."));
        for (var id : sent) assertEquals(200, fetch(id), id.toString());

        server.app().threads().delete(sam, post.id());

        assertFalse(outbox("/c/peers").contains("I told my sister today."));
        assertFalse(outbox("/u/sam").contains("I told my sister today."));
        for (var id : sent) assertEquals(404, fetch(id), id.toString());
        // The Delete stays fetchable: servers that got it through the group check it at its origin.
        var delete =
                sentAbout(post.uri()).stream().filter(id -> !sent.contains(id)).toList();
        assertTrue(delete.size() >= 1, delete.toString());
        assertEquals(200, fetch(delete.getFirst()), delete.getFirst().toString());
    }

    @Test
    void aRemovedPostIsHiddenUntilAModeratorRestoresIt() {
        var post = server.app()
                .threads()
                .startThread(
                        sam,
                        peers,
                        new ThreadService.Draft("Names", "My manager at the bakery said so.", null, null, null));
        var create = sentAbout(post.uri()).getFirst();

        server.app().moderation().remove(warden, post.id(), "names a workplace");
        assertFalse(outbox("/c/peers").contains("My manager at the bakery"));
        assertEquals(404, fetch(create));
        var removal = sentAbout(post.uri()).getLast();
        assertEquals(200, fetch(removal), "the removal itself is served: " + removal);
        assertTrue(outbox("/c/peers").contains("names a workplace"));

        server.app().moderation().restore(warden, post.id(), "edited out");
        assertTrue(outbox("/c/peers").contains("My manager at the bakery"));
        assertEquals(200, fetch(create));
    }

    @Test
    void whatAMemberVotedIsNotServedThoughLemmysFormAddressesItToThePublic() {
        var post = server.app()
                .threads()
                .startThread(
                        warden, peers, new ThreadService.Draft("Check-in", "How is everyone today?", null, null, null));
        server.app().threads().vote(sam, post.id(), 1);
        server.app().threads().vote(sam, post.id(), 0);
        var votes = server.app().database().read(c -> Sql.list(c, """
                select activity_id from outbound_activity where object_id = ? and body like '%"Like"%' order by id""", rs -> URI.create(rs.getString(1)), post.uri()));
        assertEquals(4, votes.size(), "sam's Like and Undo, and the group's announces of each: " + votes);

        for (var id : votes) assertEquals(404, fetch(id), id.toString());
        assertFalse(outbox("/u/sam").contains("\"Like\""), outbox("/u/sam"));
        assertFalse(outbox("/c/peers").contains("\"Like\""));
        assertTrue(outbox("/c/peers").contains("How is everyone today?"), "the thread itself is public");
    }

    @Test
    void whoFollowsACommunityIsNotServed() throws Exception {
        var follower = "https://masto.example/users/quiet";
        server.app().database().transaction(c -> Sql.update(c, """
                insert into actor (uri, type, preferred_username, domain, local, inbox, shared_inbox, fetched_at)
                values (?, 'Person', 'quiet', 'masto.example', false, ?, 'https://masto.example/inbox', now())""", follower, follower + "/inbox"));
        var follow = JSON.readTree("""
                {"id": "https://masto.example/follows/1", "type": "Follow", "actor": "%s", "object": "%s/c/peers"}""".formatted(follower, server.base()));
        long row = server.app()
                .database()
                .transaction(c -> Sql.insert(
                        c,
                        """
                insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme)
                values (?, 'Follow', ?, ?, ?::jsonb, 'cavage') returning id""",
                        follow.get("id").asText(),
                        follower,
                        server.base() + "/c/peers/inbox",
                        follow.toString()));
        server.app()
                .inboundProcessor()
                .process(new InboundActivity(
                        row,
                        follow.get("id").asText(),
                        "Follow",
                        URI.create(follower),
                        server.base() + "/c/peers/inbox",
                        follow,
                        "cavage",
                        1));
        var accept = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select activity_id from outbound_activity where body like '%\"Accept\"%' order by id desc limit 1",
                        rs -> URI.create(rs.getString(1))))
                .orElseThrow(() -> new AssertionError("no Accept was sent"));

        assertEquals(404, fetch(accept), "the Accept names the follower");
        assertFalse(outbox("/c/peers").contains(follower));
        assertFalse(outbox("/c/peers").contains("\"Accept\""));
    }

    @Test
    void aModeratorsOutboxListsWhatTheyWroteNotTheirModeration() {
        var hidden = server.app()
                .communities()
                .create("hushed", "Hushed", "", "warden")
                .id();
        server.app().moderation().edit(warden, hidden, new ModerationService.Settings(null, null, null, false));
        server.app()
                .threads()
                .startThread(
                        warden, hidden, new ThreadService.Draft("Welcome", "Glad you found us.", null, null, null));
        var thread = server.app()
                .threads()
                .startThread(
                        sam, hidden, new ThreadService.Draft("Rough week", "Everything is loud.", null, null, null));
        server.app().moderation().lock(warden, thread.id(), "cooling off after the argument", true);
        server.app().moderation().lock(warden, thread.id(), "reopened after the argument", false);
        server.app()
                .moderation()
                .ban(
                        warden,
                        hidden,
                        new ModerationService.BanRequest("sam", "kept messaging a member privately", null, false));

        var outbox = outbox("/u/warden");
        assertTrue(outbox.contains("Glad you found us."), "what they wrote is listed: " + outbox);
        for (var leak : List.of(
                "\"Lock\"",
                "\"Block\"",
                "\"Undo\"",
                "cooling off",
                "reopened",
                "kept messaging",
                sam.actor().uri().toString())) {
            assertFalse(outbox.contains(leak), leak + " in the moderator's own outbox: " + outbox);
        }
        var listed = parse(activityJson("/u/warden/outbox").body())
                .path("totalItems")
                .asInt();
        assertEquals(parse(outbox).path("orderedItems").size(), listed, "the count agrees with the page");
        // The group carries them on the wire, as Lemmy requires, and their ids still answer for verification.
        assertTrue(outbox("/c/hushed").contains("cooling off"), "the group announces the lock");
        var lock = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        """
                select activity_id from outbound_activity where actor_id = ? and body::jsonb ->> 'type' = 'Lock'""",
                        rs -> URI.create(rs.getString(1)),
                        warden.actor().id()))
                .orElseThrow();
        assertEquals(200, fetch(lock), lock.toString());
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aContentWarningGoesOutAsEscapedTextNotHtml() {
        var post = server.app()
                .threads()
                .startThread(
                        sam,
                        peers,
                        new ThreadService.Draft(
                                "Warned", "Behind a warning.", "<img src=x onerror=alert(1)> & more", null, null));
        var page = parse(activityJson("/p/" + post.uri().getPath().substring(3)).body());
        assertEquals(
                "&lt;img src=x onerror=alert(1)&gt; &amp; more",
                page.path("summary").asText());
        var sent = server.app()
                .database()
                .read(c -> Sql.list(
                        c,
                        "select body from outbound_activity where object_id = ?",
                        rs -> rs.getString(1),
                        post.uri()));
        assertTrue(sent.size() >= 2, sent.toString());
        for (var body : sent) assertFalse(body.contains("<img"), "sent as HTML: " + body);
    }
}
