package app.kindred.federation;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.media.TestImages;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The other door of a post's link and images: a remote author's Update replaces them here. And our
 * member's new avatar goes out as Update{Person} to the servers that show them.
 */
class UpdateAttachmentsTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static String page(
            RemotePeer peer, String type, String activityId, String community, String objectId, String attachments) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%4$s", "type": "%5$s", "actor": "%1$s",
                 "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                 "object": {"id": "%3$s", "type": "Page", "attributedTo": "%1$s", "name": "Look at this",
                            "content": "<p>words</p>", "to": ["%2$s", "https://www.w3.org/ns/activitystreams#Public"],
                            "audience": "%2$s", "attachment": %6$s}}""".formatted(peer.id(), community, objectId, activityId, type, attachments);
    }

    @Test
    void aRemoteUpdateReplacesTheLinkAndImages() throws Exception {
        try (var server = TestServer.start()) {
            var app = server.app();
            app.startWorkers();
            app.members().create("alice", "correct horse battery", Role.MEMBER);
            app.communities().create("peers", "Peers", "", "alice");
            var community = server.base() + "/c/peers";
            var peer = RemotePeer.serve(remote, "editor");
            var objectId = peer.id() + "/post/1";
            peer.deliverAndAwait(app, community, page(peer, "Create", peer.activityId(), community, objectId, """
                            [{"type": "Link", "href": "https://old.example/article"},
                             {"type": "Image", "url": "https://media.example/one.png", "name": "one"}]"""));
            var before = app.database()
                    .read(c -> new PostStore().findByUri(c, URI.create(objectId)))
                    .orElseThrow();
            assertEquals("https://old.example/article", before.url());

            peer.deliverAndAwait(app, community, page(peer, "Update", peer.activityId(), community, objectId, """
                            [{"type": "Link", "href": "https://new.example/article"},
                             {"type": "Document", "mediaType": "image/jpeg", "url": "https://media.example/two.jpg", "name": "two"}]"""));
            var after = app.database()
                    .read(c -> new PostStore().findByUri(c, URI.create(objectId)))
                    .orElseThrow();
            assertEquals("https://new.example/article", after.url());
            var attachments = new ObjectMapper().readTree(after.extras()).get("attachments");
            assertEquals(2, attachments.size(), attachments.toString());
            assertEquals(
                    "https://new.example/article",
                    attachments.get(0).get("href").asText());
            assertEquals("two", attachments.get(1).get("name").asText());
            assertFalse(attachments.toString().contains("one.png"), "the image taken out there is gone here");

            peer.deliverAndAwait(app, community, page(peer, "Update", peer.activityId(), community, objectId, "[]"));
            var bare = app.database()
                    .read(c -> new PostStore().findByUri(c, URI.create(objectId)))
                    .orElseThrow();
            assertNull(bare.url(), "the link taken out there is taken out here");
            assertEquals(
                    0,
                    new ObjectMapper()
                            .readTree(bare.extras())
                            .get("attachments")
                            .size());
        }
    }

    @Test
    void aNewAvatarIsSentAsUpdatePersonToTheServersThatShowTheMember() throws Exception {
        try (var server = TestServer.start()) {
            var app = server.app();
            var alice = app.members().create("alice", "correct horse battery", Role.MEMBER);
            app.members().create("carol", "correct horse battery", Role.MEMBER);
            var peers = app.communities().create("peers", "Peers", "", "alice");
            app.communities().create("quiet", "Quiet", "", "carol");
            var follower = RemotePeer.serve(remote, "follower");
            var elsewhere = RemotePeer.serve(remote, "elsewhere");
            app.startWorkers();
            follower.deliverAndAwait(app, server.base() + "/c/peers", follower.follow(server.base() + "/c/peers"));
            elsewhere.deliverAndAwait(app, server.base() + "/c/quiet", elsewhere.follow(server.base() + "/c/quiet"));
            app.threads().startThread(alice, peers.id(), new ThreadService.Draft("Hello", "hi", null, null, null));

            var avatar = app.media().upload(alice, TestImages.png(32, 32, false), null);
            app.media().setAvatar(alice, avatar.id());

            var sent = app.database().read(c -> Sql.list(c, """
                            select d.inbox, o.body from delivery d join outbound_activity o on o.id = d.outbound_id
                            where o.body::jsonb ->> 'type' = 'Update' and o.body::jsonb -> 'object' ->> 'type' = 'Person'""", rs -> List.of(rs.getString(1), rs.getString(2))));
            assertEquals(1, sent.size(), sent.toString());
            // The follower of the community alice posted in; not the one following a community she never used.
            assertEquals(follower.id() + "/inbox", sent.getFirst().get(0));
            var update = new ObjectMapper().readTree(sent.getFirst().get(1));
            assertEquals(app.media().url(avatar), update.at("/object/icon/url").asText());
            assertTrue(update.path("to").toString().contains("#Public"));

            // Wearing the same picture again tells nobody anything new.
            app.media().setAvatar(alice, avatar.id());
            assertEquals(
                    1,
                    app.database()
                            .read(c -> Sql.one(
                                    c,
                                    "select count(*) from outbound_activity where body::jsonb -> 'object' ->> 'type' = 'Person'",
                                    rs -> rs.getLong(1)))
                            .orElseThrow());
        }
    }
}
