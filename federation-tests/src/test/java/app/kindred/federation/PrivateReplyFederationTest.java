package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A private reply across instances (issue 21): someone on a third server sends a Mastodon-style
 * direct message, replying to a thread in alpha's community, to the thread's author on alpha.
 * Alpha refuses it with the reason recorded; beta, whose member follows the community, receives
 * nothing about it, shown by what beta did receive: a public reply sent after it.
 */
class PrivateReplyFederationTest {
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

    @RegisterExtension
    static WireMockExtension stranger = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
    }

    @AfterAll
    static void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    /** A Mastodon status from the third server to {@code to}, replying to {@code parent}, mentioning alice. */
    private record Status(String id, String note, String create) {}

    private static Status status(RemotePeer author, URI parent, String alice, String words, String to, String cc) {
        var id = author.id() + "/statuses/" + UUID.randomUUID();
        var note = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Note", "attributedTo": "%2$s",
                 "inReplyTo": "%3$s", "to": [%4$s], "cc": [%5$s], "content": "<p>%6$s</p>",
                 "tag": [{"type": "Mention", "href": "%7$s", "name": "@alice"}]}""".formatted(id, author.id(), parent, to, cc, words, alice);
        var create = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s/activity", "type": "Create",
                 "actor": "%2$s", "to": [%3$s], "cc": [%4$s], "object": %5$s}""".formatted(id, author.id(), to, cc, note);
        // Its origin serves it, as Mastodon does, to whoever checks what the group announced.
        stranger.stubFor(
                WireMock.get(URI.create(id).getRawPath()).willReturn(WireMock.okForContentType(RemotePeer.AP, note)));
        return new Status(id, note, create);
    }

    private static String inboundOutcome(KindredInstance on, String activityId) {
        return on.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select state || ' ' || coalesce(last_error, '') from inbound_activity where activity_id = ?",
                        rs -> rs.getString(1),
                        activityId))
                .orElse("pending");
    }

    @Test
    void aPrivateReplyToAMemberIsRefusedAndTheFollowersServerReceivesNothingOfIt() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        var groupUri = alpha.baseUrl() + "/c/peers";
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));

        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("peers").orElseThrow().id(),
                        new ThreadService.Draft("Tonight", "Anyone else awake?", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));

        var sender = RemotePeer.serve(stranger, "night_owl");
        var aliceUri = alice.actor().uri().toString();
        var words = "I did something I cannot tell anyone else";
        var direct = status(sender, thread.uri(), aliceUri, words, "\"" + aliceUri + "\"", "");
        var directId = direct.id();
        assertEquals(
                202,
                RemotePeer.post(
                                URI.create(alpha.baseUrl() + "/u/alice/inbox"),
                                RemotePeer.AP,
                                direct.create(),
                                sender.cavage())
                        .statusCode());
        eventually(() -> assertEquals(
                "failed rejected: not public: addressed only to people or followers; "
                        + "Kindred does not accept private messages yet (" + directId + ")",
                inboundOutcome(alpha, directId + "/activity")));
        assertEquals(Optional.empty(), alpha.post(URI.create(directId)));
        assertEquals(
                0L,
                (long) alpha.app()
                        .database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from outbound_activity where object_id = ? or body like ?",
                                directId,
                                "%" + words + "%")),
                "alpha queued nothing about it");

        // A public reply sent after it reaches beta through the group: whatever alpha sent beta, beta has had.
        var publicWords = "Awake too, sending good thoughts";
        var reply = status(sender, thread.uri(), aliceUri, publicWords, "\"" + PUBLIC + "\"", "\"" + aliceUri + "\"");
        var replyId = reply.id();
        assertEquals(
                202,
                RemotePeer.post(
                                URI.create(alpha.baseUrl() + "/u/alice/inbox"),
                                RemotePeer.AP,
                                reply.create(),
                                sender.cavage())
                        .statusCode());
        eventually(() -> assertTrue(
                beta.post(URI.create(replyId)).orElseThrow().contentHtml().contains(publicWords)));
        // Beta took both announces of alpha's group (Announce{Create} and Announce{Note}) before checking what else it
        // got.
        eventually(() ->
                assertEquals(0L, (long) beta.app().database().read(c -> Sql.count(c, """
                select count(*) from inbound_activity where body::text like ? and state = 'pending'""", "%" + replyId + "%"))));

        assertEquals(Optional.empty(), beta.post(URI.create(directId)), "beta has no post of it");
        assertEquals(
                0L,
                (long) beta.app()
                        .database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from inbound_activity where body::text like ? or body::text like ?",
                                "%" + directId + "%",
                                "%" + words + "%")),
                "beta received nothing about it");
        assertTrue(
                beta.app()
                                .database()
                                .read(c -> Sql.count(
                                        c,
                                        "select count(*) from inbound_activity where actor_uri = ? and body::text like ?",
                                        groupUri,
                                        "%" + replyId + "%"))
                        >= 1,
                "beta received the public reply from alpha's group");
        var shownOnBeta = beta.app()
                .threads()
                .comments(beta.post(thread.uri()).orElseThrow().id());
        assertTrue(shownOnBeta.stream().noneMatch(p -> p.contentHtml().contains(words)), shownOnBeta.toString());
    }
}
