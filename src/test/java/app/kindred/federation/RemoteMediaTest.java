package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.DomainPattern;
import app.kindred.media.TestImages;
import app.kindred.member.Role;
import app.kindred.policy.DomainBlock;
import app.kindred.thread.PostStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Other servers' images reach a member's browser only through our proxy: re-encoded, cached, never
 * for an address we did not publish, and never from an instance whose media the admin rejects.
 */
class RemoteMediaTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<byte[]> fetch(String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String imagePost(RemotePeer peer, String community, String objectId, String image) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%3$s/activity", "type": "Create", "actor": "%1$s",
                 "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                 "object": {"id": "%3$s", "type": "Page", "attributedTo": "%1$s", "name": "My garden",
                            "content": "<p>it grew</p>", "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                            "audience": "%2$s",
                            "attachment": [{"type": "Image", "url": "%4$s", "mediaType": "image/jpeg", "name": "green leaves"}]}}""".formatted(peer.id(), community, objectId, image);
    }

    @Test
    void aRemotePostsImageIsServedThroughTheProxyCachedAndStrippedAndRejectMediaStopsIt() throws Exception {
        var data = Files.createTempDirectory("kindred-proxy");
        try (var server = TestServer.start(Map.of("KINDRED_DATA_DIR", data.toString()))) {
            var app = server.app();
            app.startWorkers();
            app.members().create("alice", "correct horse battery", Role.MEMBER);
            app.communities().create("gardens", "Gardens", "", "alice");
            var community = server.base() + "/c/gardens";
            var peer = RemotePeer.serve(remote, "gardener");
            remote.stubFor(WireMock.get("/pics/leaves.jpg")
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "image/jpeg")
                            .withBody(TestImages.jpegWithGps(50, 40))));
            var image = "http://127.0.0.1:" + remote.getPort() + "/pics/leaves.jpg";

            var objectId = peer.id() + "/posts/1";
            assertEquals(
                    202,
                    RemotePeer.post(
                                    URI.create(community + "/inbox"),
                                    RemotePeer.AP,
                                    imagePost(peer, community, objectId, image),
                                    peer.cavage())
                            .statusCode());
            eventually(() -> assertTrue(app.database()
                    .read(c -> new PostStore().findByUri(c, URI.create(objectId)))
                    .isPresent()));
            var post = app.database()
                    .read(c -> new PostStore().findByUri(c, URI.create(objectId)))
                    .orElseThrow();

            var view = TestServer.json(server.get("/api/v1/posts/" + post.id()));
            var shown = view.get("images").get(0);
            assertEquals("green leaves", shown.get("alt").asText());
            var proxied = shown.get("url").asText();
            assertTrue(proxied.startsWith(server.base() + "/media/remote/"), proxied);
            assertFalse(
                    view.toString().contains("/pics/leaves.jpg"), "the remote address is never handed to a browser");

            var served = fetch(proxied);
            assertEquals(200, served.statusCode());
            assertEquals(
                    "image/jpeg", served.headers().firstValue("Content-Type").orElse(""));
            assertEquals(
                    "nosniff",
                    served.headers().firstValue("X-Content-Type-Options").orElse(""));
            assertFalse(TestImages.contains(served.body(), TestImages.GPS_MARK), "proxied images are re-encoded too");
            assertEquals(200, fetch(proxied).statusCode());
            assertEquals(
                    1,
                    remote.findAll(getRequestedFor(urlEqualTo("/pics/leaves.jpg")))
                            .size(),
                    "the second view came from the cache");

            // No open proxy: an address with another signature, or another address under this signature, is not
            // fetched.
            var parts = proxied.substring((server.base() + "/media/remote/").length())
                    .split("/");
            assertEquals(
                    404,
                    fetch(server.base() + "/media/remote/" + "0".repeat(32) + "/" + parts[1])
                            .statusCode());
            var elsewhere = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("http://127.0.0.1:" + remote.getPort() + "/secret").getBytes());
            assertEquals(
                    404,
                    fetch(server.base() + "/media/remote/" + parts[0] + "/" + elsewhere)
                            .statusCode());

            // Once the admin rejects the instance's media, its images are neither listed nor served.
            app.policyService()
                    .block(
                            new DomainBlock(
                                    DomainPattern.parse("127.0.0.1:" + remote.getPort()),
                                    DomainBlock.Severity.NOOP,
                                    true,
                                    false,
                                    "",
                                    "",
                                    false,
                                    null),
                            "admin",
                            "");
            assertEquals(
                    0,
                    TestServer.json(server.get("/api/v1/posts/" + post.id()))
                            .get("images")
                            .size());
            assertEquals(403, fetch(proxied).statusCode());
            assertEquals(
                    1,
                    remote.findAll(getRequestedFor(urlEqualTo("/pics/leaves.jpg")))
                            .size());
        }
    }

    @Test
    void aRemoteActorsIconIsKeptAsAnAddressAndShownThroughTheProxy() throws Exception {
        var data = Files.createTempDirectory("kindred-proxy");
        try (var server = TestServer.start(Map.of("KINDRED_DATA_DIR", data.toString()))) {
            var app = server.app();
            var peer = RemotePeer.serve(remote, "painter");
            var document = (ObjectNode) new ObjectMapper().readTree(peer.actorJson());
            var icon = "http://127.0.0.1:" + remote.getPort() + "/avatars/painter.png";
            document.putObject("icon").put("type", "Image").put("url", icon);
            document.putObject("image").put("type", "Image").put("url", "javascript:alert(1)");
            remote.stubFor(WireMock.get("/avatars/painter.png")
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "image/png")
                            .withBody(TestImages.png(30, 30, true))));
            var actor = app.remoteActors().store(peer.uri(), document);

            var pictures = app.media().pictures(actor.id());
            assertTrue(pictures.icon().startsWith(server.base() + "/media/remote/"), pictures.toString());
            assertNull(pictures.image(), "only http(s) addresses are kept");
            var served = fetch(pictures.icon());
            assertEquals(200, served.statusCode());
            assertEquals(
                    "image/png", served.headers().firstValue("Content-Type").orElse(""));
        }
    }
}
