package app.kindred.federation;

import static app.kindred.TestServer.json;
import static app.kindred.TestServer.mediaType;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.web.WebServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GETs of our ActivityPub documents signed by a remote actor WireMock serves: with authorized
 * fetch only signed ones are answered; without it a signature, when present, must still verify.
 */
class SignedGetTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    /** Authorized fetch on. */
    private static TestServer locked;
    /** Authorized fetch off, the default. */
    private static TestServer open;

    @BeforeAll
    static void start() {
        locked = TestServer.start(Map.of("KINDRED_FEDERATION_AUTHORIZED_FETCH", "true"));
        open = TestServer.start();
        for (var server : new TestServer[] {locked, open}) {
            server.app().members().create("alice", "correct horse battery", Role.MEMBER);
            server.app().communities().create("peers", "Peers", "", "alice");
        }
    }

    @AfterAll
    static void stop() {
        try {
            locked.close();
        } finally {
            open.close();
        }
    }

    private static URI peers(TestServer server) {
        return URI.create(server.base() + "/c/peers");
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertEquals(401, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, mediaType(response), response.body());
        assertEquals(401, json(response).get("status").asInt());
        assertTrue(
                response.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Accept")),
                "the answer depends on Accept, so caches must not serve it to browsers");
    }

    @Test
    void aCavageSignedGetIsAnsweredWithAuthorizedFetch() {
        var peer = RemotePeer.serve(remote, "reader");

        var response = RemotePeer.get(peers(locked), RemotePeer.AP, peer.cavage());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(RemotePeer.AP, mediaType(response));
        assertEquals(peers(locked).toString(), json(response).get("id").asText());
        assertEquals(1, peer.actorFetches());
    }

    @Test
    void anRfc9421SignedGetIsAnsweredWithAuthorizedFetch() {
        var peer = RemotePeer.serve(remote, "modern");

        var response = RemotePeer.get(URI.create(locked.base() + "/c/peers/followers"), RemotePeer.AP, peer.rfc9421());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("OrderedCollection", json(response).get("type").asText());
    }

    @Test
    void anUnsignedGetIsRefusedWithAuthorizedFetch() {
        assertUnauthorized(RemotePeer.get(peers(locked), RemotePeer.AP, null));
        assertUnauthorized(RemotePeer.get(peers(locked), TestServer.LD_JSON_PROFILE, null));
        assertUnauthorized(RemotePeer.get(URI.create(locked.base() + "/u/alice"), RemotePeer.AP, null));
    }

    @Test
    void aBadSignatureIsRefusedEvenWithoutAuthorizedFetch() {
        var peer = RemotePeer.serve(remote, "forger");
        var forged = peer.cavage().withKey(RemotePeer.strangerKey());

        assertUnauthorized(RemotePeer.get(peers(open), RemotePeer.AP, forged));
        assertUnauthorized(RemotePeer.get(peers(locked), RemotePeer.AP, forged));
        assertEquals(
                200, RemotePeer.get(peers(open), RemotePeer.AP, null).statusCode(), "unsigned is fine when not locked");
        assertEquals(
                200, RemotePeer.get(peers(open), RemotePeer.AP, peer.cavage()).statusCode());
    }

    @Test
    void aSignatureFromAnUnknownKeyIsRefused() {
        var peer = RemotePeer.serve(remote, "stranger");
        var unknown = new RemotePeer.Signing(
                peer.id() + "#no-such-key",
                peer.rsaKey(),
                peer.cavage().scheme(),
                peer.cavage().at());

        assertUnauthorized(RemotePeer.get(peers(open), RemotePeer.AP, unknown));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nodeinfo/2.1", "/.well-known/nodeinfo", "/.well-known/host-meta", "/actor"})
    void discoveryAndTheInstanceActorStayOpenWithAuthorizedFetch(String path) {
        var response = RemotePeer.get(URI.create(locked.base() + path), RemotePeer.AP, null);

        assertEquals(200, response.statusCode(), path + ": " + response.body());
    }

    @Test
    void webFingerStaysOpenWithAuthorizedFetch() {
        var response =
                locked.get("/.well-known/webfinger?resource=acct:peers@" + locked.domain(), "application/jrd+json");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                peers(locked).toString(),
                json(response).get("links").get(0).get("href").asText());
    }

    @Test
    void aBrowserStillGetsThePageWithAuthorizedFetch() {
        var response = locked.get("/c/peers", TestServer.BROWSER);

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/html", mediaType(response));
        assertTrue(response.body().contains("Peers"), response.body());
    }
}
