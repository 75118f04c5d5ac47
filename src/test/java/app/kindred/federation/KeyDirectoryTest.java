package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.MovableClock;
import app.kindred.TestServer;
import app.kindred.actor.ActorStore;
import app.kindred.member.Role;
import app.kindred.web.WebServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the key behind a signature comes from: fetched once and cached, fetched again when the
 * remote rotates it (but not on every bad signature), and refused when its server cannot vouch for it.
 */
class KeyDirectoryTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("KINDRED_FEDERATION_FETCH_TIMEOUT", "1s"));
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> deliver(RemotePeer peer, RemotePeer.Signing signing) {
        return RemotePeer.post(
                URI.create(server.base() + "/c/peers/inbox"),
                RemotePeer.AP,
                peer.follow(server.base() + "/c/peers"),
                signing);
    }

    private static void assertRefused(String reason, HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, mediaType(response));
        assertTrue(json(response).get("title").asText().endsWith(reason), response.body());
    }

    @Test
    void aKeyIsFetchedOnceThenRefetchedWhenTheRemoteRotatesIt() {
        var peer = RemotePeer.serve(remote, "rotating");

        assertEquals(202, deliver(peer, peer.cavage()).statusCode());
        assertEquals(1, peer.actorFetches());
        assertEquals(202, deliver(peer, peer.cavage()).statusCode());
        assertEquals(202, deliver(peer, peer.rfc9421()).statusCode());
        assertEquals(1, peer.actorFetches(), "both keys came with the one actor document and are cached");

        peer.rotate();
        var response = deliver(peer, peer.cavage());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(2, peer.actorFetches(), "the cached key failed, so it was fetched once more");
        assertEquals(202, deliver(peer, peer.cavage()).statusCode());
        assertEquals(2, peer.actorFetches());
    }

    @Test
    void aBurstOfBadSignaturesFetchesTheKeyAgainAtMostOnce() {
        var peer = RemotePeer.serve(remote, "hammered");
        var forged = peer.cavage().withKey(RemotePeer.strangerKey());

        assertRefused("bad signature", deliver(peer, forged));
        assertEquals(1, peer.actorFetches(), "a key fetched for this very request is not fetched again for it");
        for (int i = 0; i < 5; i++) assertRefused("bad signature", deliver(peer, forged));

        assertEquals(2, peer.actorFetches(), "one refetch for rotation, then none within the interval");
        assertEquals(202, deliver(peer, peer.cavage()).statusCode(), "the real key still verifies");
        assertEquals(2, peer.actorFetches());
    }

    @Test
    void aKeyIdThatIsNotFoundIsAnUnknownKey() {
        var peer = RemotePeer.serve(remote, "vanished");
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(404)));

        assertRefused("unknown key", deliver(peer, peer.cavage()));
        assertEquals(1, peer.actorFetches());
    }

    @Test
    void anActorThatIsGoneHasAnUnknownKey() {
        var peer = RemotePeer.serve(remote, "gone");
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(410)));

        assertRefused("unknown key", deliver(peer, peer.cavage()));
    }

    @Test
    void aSlowKeyServerIsRefusedWithinTheFetchTimeout() {
        var peer = RemotePeer.serve(remote, "slow");
        remote.stubFor(WireMock.get(peer.path())
                .willReturn(okForContentType(RemotePeer.AP, peer.actorJson()).withFixedDelay(10_000)));

        long started = System.nanoTime();
        var response = deliver(peer, peer.cavage());
        var took = Duration.ofNanos(System.nanoTime() - started);

        assertRefused("unknown key", response);
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "answered after " + took + " with a 1s fetch timeout");
    }

    @Test
    void aKeyServedAsItsOwnDocumentIsAcceptedWhenItsOwnerListsIt() {
        var peer = RemotePeer.serveWithKeyDocument(remote, "gts");

        var response = deliver(peer, peer.cavage());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(
                1, peer.actorFetches(), "the owner named by the key document was fetched to see that it lists the key");
    }

    @Test
    void aKeyDocumentWhoseOwnerDoesNotListTheKeyIsRefused() {
        var peer = RemotePeer.serveWithKeyDocument(remote, "claimant");
        var other = RemotePeer.serve(remote, "bystander");
        // The key document names an owner on the same server that publishes a different key.
        peer.publishKeyDocument(other.id());
        var activity = RemotePeer.follow(other.activityId(), other.id(), server.base() + "/c/peers");

        var response =
                RemotePeer.post(URI.create(server.base() + "/c/peers/inbox"), RemotePeer.AP, activity, peer.cavage());

        assertRefused("unknown key", response);
    }

    @Test
    void aKeyDocumentClaimingAnIdOnAnotherOriginIsRefused() {
        var peer = RemotePeer.serve(remote, "impostor");
        remote.stubFor(WireMock.get(peer.path())
                .willReturn(okForContentType(
                        RemotePeer.AP,
                        peer.actorJson().replace(peer.id(), "https://elsewhere.example/users/impostor"))));

        assertRefused("unknown key", deliver(peer, peer.cavage()));
    }

    /** A key directory of its own on the test server, on a clock the test moves. */
    private static KeyDirectory directory(Clock clock) {
        var app = server.app();
        return new KeyDirectory(app.database(), new ActorStore(app.ids()), app.remoteActors(), app.fetcher(), clock);
    }

    @Test
    void refetchesAreRateLimitedPerKeyEvenWhenTheyFail() {
        var clock = new MovableClock();
        var keys = directory(clock);
        var peer = RemotePeer.serve(remote, "ratelimited");

        assertTrue(keys.find(peer.mainKeyId()).isPresent());
        assertTrue(keys.find(peer.ed25519KeyId()).isPresent(), "from the stored actor, not fetched again");
        assertEquals(1, peer.actorFetches());

        assertTrue(keys.refetch(peer.mainKeyId()).isPresent(), "a key rotated right after we saw it is picked up");
        assertFalse(keys.refetch(peer.mainKeyId()).isPresent());
        assertEquals(2, peer.actorFetches());

        // The key server starts failing: each failure counts against the interval like a success.
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(500)));
        clock.advance(KeyDirectory.REFETCH_INTERVAL.plusSeconds(1));
        for (int i = 0; i < 5; i++) assertFalse(keys.refetch(peer.mainKeyId()).isPresent());
        assertEquals(3, peer.actorFetches());
        assertTrue(keys.find(peer.mainKeyId()).isPresent(), "the key we had is kept while its server fails");

        clock.advance(KeyDirectory.REFETCH_INTERVAL.plusSeconds(1));
        assertFalse(keys.refetch(peer.mainKeyId()).isPresent());
        assertEquals(4, peer.actorFetches());
    }

    @Test
    void aKeyWhoseServerSaysGoneIsNotAskedForAgainForAWhile() {
        var clock = new MovableClock();
        var keys = directory(clock);
        var peer = RemotePeer.serve(remote, "deletedaccount");
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(410)));

        for (int i = 0; i < 5; i++) assertFalse(keys.find(peer.mainKeyId()).isPresent());
        assertEquals(1, peer.actorFetches(), "a deleted account's server is asked once, not for every Delete it sends");

        clock.advance(KeyDirectory.MISSING_FOR.plusSeconds(1));
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(500)));
        assertFalse(keys.find(peer.mainKeyId()).isPresent());
        assertFalse(keys.find(peer.mainKeyId()).isPresent());
        assertEquals(3, peer.actorFetches(), "asked again after a while; a server error is not remembered as gone");
    }
}
