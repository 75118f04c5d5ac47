package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.care.CrisisResource;
import app.kindred.care.HoldPosts;
import app.kindred.care.WarningPolicy;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.moderation.ModerationService;
import app.kindred.refusal.Refusal;
import app.kindred.thread.ThreadService;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Care across instances (issue 16): alpha's community asks for a content warning naming
 * "self-harm". Beta reads that policy from alpha's Group and refuses its own member's post without
 * the warning before sending anything; a raw Mastodon-style Note without it, from a server we do
 * not run, is held on alpha, reaches nobody, and once a moderator approves it (adding a warning of
 * the community's own) reaches beta and gamma through the group's announce. Alpha's community's
 * crisis resources are shown on beta.
 */
class CareFederationTest {
    private static final String PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

    @RegisterExtension
    static WireMockExtension mastodon = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    static KindredInstance alpha, beta, gamma;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        gamma.createMember("gus");
    }

    @AfterAll
    static void stop() {
        for (var i : new KindredInstance[] {gamma, beta, alpha}) if (i != null) i.close();
    }

    /** A Mastodon status mentioning the group, served at its origin as Mastodon serves it. */
    private static String[] mastodonStatus(RemotePeer author, String group, String words) {
        var id = author.id() + "/statuses/" + UUID.randomUUID();
        var note = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s", "type": "Note",
                 "attributedTo": "%2$s", "to": ["%3$s"], "cc": ["%2$s/followers", "%4$s"],
                 "content": "<p>%5$s</p>", "sensitive": false,
                 "tag": [{"type": "Mention", "href": "%4$s", "name": "@peers"}]}""".formatted(id, author.id(), PUBLIC, group, words);
        var create = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%1$s/activity", "type": "Create",
                 "actor": "%2$s", "to": ["%3$s"], "cc": ["%2$s/followers", "%4$s"], "object": %5$s}""".formatted(id, author.id(), PUBLIC, group, note);
        mastodon.stubFor(
                WireMock.get(URI.create(id).getRawPath()).willReturn(WireMock.okForContentType(RemotePeer.AP, note)));
        return new String[] {id, create};
    }

    @Test
    void thePolicyIsKeptOnEveryInstanceAndAHeldPostTravelsOnlyOnceApproved() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        var gus = gamma.member("gus");
        var group = alpha.baseUrl() + "/c/peers";
        long onAlpha = alpha.communityId(group);
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        gamma.app().follows().follow(gus, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                gamma.app().follows().subscriptions(gus).getFirst().state()));
        long onBeta = beta.communityId(group);

        // Alice sets the policy and the community's crisis resources; the Update{Group} carries both.
        alpha.app()
                .moderation()
                .editCare(
                        alice,
                        onAlpha,
                        new ModerationService.CareSettings(
                                new WarningPolicy(
                                        WarningPolicy.Mode.TOPICS,
                                        List.of(new WarningPolicy.Topic("self-harm", List.of("cutting")))),
                                HoldPosts.NONE,
                                null));
        alpha.app()
                .moderation()
                .setCrisisResources(
                        alice,
                        onAlpha,
                        List.of(new CrisisResource("Peer line", "0800 123 456", "evenings", "UK", "en")));
        eventually(() -> assertEquals(
                WarningPolicy.Mode.TOPICS,
                beta.app().moderation().care(onBeta).policy().mode()));
        eventually(() -> assertEquals(
                "0800 123 456",
                beta.app().moderation().care(onBeta).resources().getFirst().contact()));

        // Beta refuses bob's post without the warning before sending it: alpha never hears of it.
        long sentBefore = beta.count("select count(*) from outbound_activity");
        var refused = assertThrows(
                Refusal.class,
                () -> beta.app()
                        .threads()
                        .startThread(
                                bob,
                                onBeta,
                                new ThreadService.Draft("Rough night", "Thinking about cutting.", null, null, null)));
        assertEquals(Refusal.Kind.INVALID, refused.kind());
        assertEquals("content_warning", refused.field());
        assertTrue(refused.getMessage().contains("self-harm"), refused.getMessage());
        assertEquals(sentBefore, beta.count("select count(*) from outbound_activity"), "beta sent nothing");
        var warned = beta.app()
                .threads()
                .startThread(
                        bob,
                        onBeta,
                        new ThreadService.Draft("Rough night", "Thinking about cutting.", "self-harm", null, null));
        eventually(() -> assertTrue(alpha.post(warned.uri()).isPresent(), "the warned post reaches alpha"));
        assertFalse(alpha.post(warned.uri()).orElseThrow().held());

        // A raw Mastodon Note without the warning is held on alpha: stored, announced to nobody.
        var ash = RemotePeer.serve(mastodon, "ash");
        var status = mastodonStatus(ash, group, "Some nights self-harm is all I can think about");
        var noteUri = URI.create(status[0]);
        assertEquals(
                202,
                RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, status[1], ash.cavage())
                        .statusCode());
        eventually(() -> assertTrue(alpha.post(noteUri).orElseThrow().held()));
        assertEquals(
                0,
                alpha.count("select count(*) from outbound_activity where object_id = ?", noteUri.toString()),
                "nothing about the held post is queued");

        // A moderator approves it with the community's own warning; both forms reach beta and gamma.
        alpha.app()
                .moderation()
                .approve(alice, alpha.post(noteUri).orElseThrow().id(), "self-harm");
        eventually(() ->
                assertEquals("self-harm", gamma.post(noteUri).orElseThrow().communityWarning()));
        eventually(
                () -> assertEquals("self-harm", beta.post(noteUri).orElseThrow().communityWarning()));
        assertFalse(gamma.post(noteUri).orElseThrow().held(), "a remote community's decision is not held again");
        assertEquals(
                2,
                alpha.count(
                        "select count(*) from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Announce'",
                        noteUri.toString()),
                "Announce{Create} and Announce{Note}");
    }
}
