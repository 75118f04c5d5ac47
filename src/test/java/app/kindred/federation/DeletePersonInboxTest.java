package app.kindred.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Delete{Person} received (issue 18): a remote person who commented in our community deleted their
 * account. Signed by them, it removes their comments here (or keeps them as "[deleted member]" when it
 * says removeData: false), clears what we cached of them and ends their follows. One we cannot verify
 * is believed only when their own server says they are gone.
 */
class DeletePersonInboxTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .resetOnEachTest(false)
            .build();

    private static TestServer server;
    private static long thread;
    private static String group;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().inboundProcessor().start();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        var community = server.app().communities().create("peers", "Peers", "", "alice");
        group = server.base() + "/c/peers";
        thread = server.app()
                .threads()
                .startThread(
                        server.app().members().find("alice").orElseThrow(),
                        community.id(),
                        new ThreadService.Draft("Evenings", "How are yours?", null, null, null))
                .id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long count(String sql, Object... params) {
        return server.app().database().read(c -> Sql.count(c, sql, params));
    }

    /** The peer comments on our thread and follows the community; returns the comment's id. */
    private static String comments(RemotePeer peer) {
        var noteId = peer.activityId().replace("/activities/", "/objects/");
        peer.deliverAndAwait(server.app(), group, """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Create", "actor": "%s",
                 "to": ["%s"], "object": {"id": "%s", "type": "Note", "attributedTo": "%s", "content": "<p>Quiet ones</p>",
                 "inReplyTo": "%s", "to": ["%s", "https://www.w3.org/ns/activitystreams#Public"], "audience": "%s"}}""".formatted(
                peer.activityId(), peer.id(), group, noteId, peer.id(), server.base() + "/p/" + thread, group, group));
        peer.deliverAndAwait(server.app(), group, peer.follow(group));
        assertEquals(1, count("select count(*) from post where uri = ? and content_html like '%Quiet%'", noteId));
        return noteId;
    }

    private static String deletePerson(RemotePeer peer, String removeData) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s#delete", "type": "Delete",
                 "actor": "%s", "object": "%s", "to": ["https://www.w3.org/ns/activitystreams#Public"]%s}""".formatted(
                        peer.id(), peer.id(), peer.id(), removeData == null ? "" : ", \"removeData\": " + removeData);
    }

    private static String awaitOutcome(String activityId) throws InterruptedException {
        var deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            var state = RemotePeer.inboundOutcome(server.app(), activityId);
            if (!state.startsWith("pending")) return state.strip();
            Thread.sleep(20);
        }
        return "pending";
    }

    @Test
    void aSignedDeletePersonRemovesTheirCommentsClearsTheCacheAndEndsTheirFollows() throws Exception {
        var peer = RemotePeer.serve(remote, "wren");
        var comment = comments(peer);
        long actor = count("select id from actor where uri = ?", peer.id());
        // Their server now answers 410, as a deleting server does: the key we hold is what verifies.
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(410)));
        peer.deliverAndAwait(server.app(), group, deletePerson(peer, null));

        assertEquals(
                1,
                count(
                        "select count(*) from post where uri = ? and deleted_at is not null and content_html = ''",
                        comment));
        assertEquals(0, count("select count(*) from follow where follower_id = ?", actor));
        assertEquals(
                1,
                count(
                        "select count(*) from actor where id = ? and gone_at is not null and public_key_pem is null and name is null",
                        actor));
        // Our community passes it on to its followers (the peer followed; that follow ended with it, so none here).
        assertEquals(
                1,
                count(
                        "select count(*) from outbound_activity where body like '%\"Announce\"%' and body like ?",
                        "%" + peer.id() + "#delete%"));
    }

    @Test
    void removeDataFalseKeepsTheirCommentsUnderADeletedMember() throws Exception {
        var peer = RemotePeer.serve(remote, "lark");
        var comment = comments(peer);
        peer.deliverAndAwait(server.app(), group, deletePerson(peer, "false"));
        assertEquals(
                1,
                count(
                        "select count(*) from post where uri = ? and deleted_at is null and content_html like '%Quiet%'",
                        comment));
        var page = server.get("/p/" + thread, TestServer.BROWSER).body();
        assertTrue(page.contains("[deleted member]"), page);
        assertFalse(page.contains("lark@"), page);
    }

    @Test
    void anUnverifiableDeletePersonIsBelievedOnlyWhenTheirServerSaysTheyAreGone() throws Exception {
        var peer = RemotePeer.serve(remote, "moss");
        var comment = comments(peer);
        var forged = new RemotePeer.Signing(
                peer.mainKeyId(), RemotePeer.strangerKey(), peer.cavage().scheme(), Instant.now());

        // Still served at its origin: refused, nothing stored, the comment stays.
        var alive = deletePerson(peer, "true");
        var refused = RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, alive, forged);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals(0, count("select count(*) from inbound_activity where activity_id = ?", peer.id() + "#delete"));

        // Gone at its origin: believed (without its removeData) and applied.
        remote.stubFor(WireMock.get(peer.path()).willReturn(aResponse().withStatus(410)));
        var believed =
                RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, deletePerson(peer, "false"), forged);
        assertEquals(202, believed.statusCode(), believed.body());
        assertEquals("done", awaitOutcome(peer.id() + "#delete"));
        assertEquals(
                1,
                count(
                        "select count(*) from inbound_activity where activity_id = ? and signature_scheme = 'origin' and body -> 'removeData' is null",
                        peer.id() + "#delete"));
        assertEquals(1, count("select count(*) from post where uri = ? and deleted_at is not null", comment));
    }
}
