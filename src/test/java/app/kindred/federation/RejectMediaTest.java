package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.DomainPattern;
import app.kindred.member.Role;
import app.kindred.policy.DomainBlock;
import app.kindred.thread.PostStore;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An instance whose media the admin rejects keeps its words here, not its attachments or links. */
class RejectMediaTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static String create(RemotePeer peer, String community, String objectId) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%3$s/activity", "type": "Create", "actor": "%1$s",
                 "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                 "object": {"id": "%3$s", "type": "Page", "attributedTo": "%1$s", "name": "Look at this",
                            "content": "<p>words stay</p>", "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                            "audience": "%2$s",
                            "attachment": [{"type": "Link", "href": "https://media.example/picture.png"}]}}""".formatted(peer.id(), community, objectId);
    }

    @Test
    void attachmentsOfARejectMediaInstanceAreDroppedAndOthersKept() throws Exception {
        try (var server = TestServer.start()) {
            var app = server.app();
            server.app().startWorkers();
            app.members().create("alice", "correct horse battery", Role.MEMBER);
            app.communities().create("peers", "Peers", "", "alice");
            var community = server.base() + "/c/peers";
            var peer = RemotePeer.serve(remote, "pictures");

            var kept = peer.id() + "/objects/1";
            assertEquals(
                    202,
                    RemotePeer.post(
                                    URI.create(community + "/inbox"),
                                    RemotePeer.AP,
                                    create(peer, community, kept),
                                    peer.cavage())
                            .statusCode());
            eventually(() -> assertEquals(
                    "https://media.example/picture.png",
                    app.database()
                            .read(c -> new PostStore().findByUri(c, URI.create(kept)))
                            .orElseThrow()
                            .url()));

            app.policyService()
                    .block(
                            new DomainBlock(
                                    DomainPattern.parse(URI.create(peer.id()).getRawAuthority()),
                                    DomainBlock.Severity.NOOP,
                                    true,
                                    false,
                                    "",
                                    "",
                                    false,
                                    null),
                            "admin",
                            "");
            var stripped = peer.id() + "/objects/2";
            assertEquals(
                    202,
                    RemotePeer.post(
                                    URI.create(community + "/inbox"),
                                    RemotePeer.AP,
                                    create(peer, community, stripped),
                                    peer.cavage())
                            .statusCode());
            eventually(() -> {
                var post = app.database()
                        .read(c -> new PostStore().findByUri(c, URI.create(stripped)))
                        .orElseThrow();
                assertNull(post.url());
                assertTrue(post.contentHtml().contains("words stay"));
                assertFalse(post.extras().contains("media.example"), post.extras());
            });
        }
    }
}
