package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.member.Member;
import app.kindred.storage.Sql;
import app.kindred.thread.Post;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Account deletion across instances (issue 18): members of beta posted in a community on alpha, which
 * the Fedify peer follows. With accounts.deletion_grace = 0s, a deletion runs at once: alpha receives
 * the Delete{Person} signed by the member and removes their posts (or keeps them as "[deleted
 * member]" when they chose so), the peer receives it through the community, and the actor on beta
 * answers 410 Gone.
 */
class AccountDeletionFederationTest {
    static KindredInstance alpha, beta;
    static FedifyPeer fedify;
    static long peers;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta", Map.of("KINDRED_ACCOUNTS_DELETION_GRACE", "0s"));
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        peers = alpha.app().communities().find("peers").orElseThrow().id();
        fedify = FedifyPeer.start();
        var follow =
                fedify.post("/control/follow", Map.of("target", alpha.baseUrl() + "/c/peers", "signature", "default"));
        assertEquals(200, follow.get("httpStatus").asInt(), follow.toString());
        eventually(() -> assertEquals(1L, (long) alpha.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow f join community co on co.actor_id = f.followed_id"
                                + " where co.id = ? and f.state = 'accepted'",
                        peers))));
    }

    @AfterAll
    static void stop() {
        if (fedify != null) fedify.close();
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    private static List<JsonNode> peerInbox() throws Exception {
        var list = new ArrayList<JsonNode>();
        fedify.get("/control/inbox").get("body").forEach(list::add);
        return list;
    }

    /** A member of beta who follows alpha's community and has started a thread and commented there. */
    private static Post[] postsOnAlpha(String name) throws Exception {
        var member = beta.createMember(name);
        beta.app().follows().follow(member, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(member).getFirst().state()));
        long onBeta = beta.app()
                .follows()
                .subscriptions(member)
                .getFirst()
                .community()
                .id();
        var thread = beta.app()
                .threads()
                .startThread(
                        member, onBeta, new ThreadService.Draft("From " + name, "Words of " + name, null, null, null));
        eventually(() -> assertTrue(alpha.post(thread.uri()).isPresent(), "alpha has the thread"));
        var comment = beta.app()
                .threads()
                .comment(member, thread.id(), new ThreadService.Draft(null, "More words of " + name, null, null, null));
        eventually(() -> assertTrue(alpha.post(comment.uri()).isPresent(), "alpha has the comment"));
        return new Post[] {thread, comment};
    }

    private static void deleteAccount(String name, boolean keepPosts) {
        Member member = beta.member(name);
        beta.app().deletions().schedule(member, "password-of-" + name, keepPosts);
    }

    private static int status(String url) throws Exception {
        try (var http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Accept", "application/activity+json")
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        }
    }

    @Test
    void aDeletedMembersPostsLeaveAlphaThePeerIsToldAndTheActorIsGone() throws Exception {
        var posts = postsOnAlpha("bob");
        var actor = beta.baseUrl() + "/u/bob";
        assertEquals(200, status(actor));

        deleteAccount("bob", false);

        // Alpha receives the Delete{Person} and tombstones both posts.
        eventually(() -> {
            for (var p : posts) {
                var there = alpha.post(p.uri()).orElseThrow();
                assertTrue(there.deleted(), "alpha deleted " + p.uri());
                assertEquals("", there.contentHtml());
            }
        });
        assertEquals(1L, (long) alpha.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from inbound_activity where body ->> 'type' = 'Delete' and body ->> 'object' = ?"
                                + " and body ->> 'actor' = ? and state = 'done'",
                        actor,
                        actor)));
        // The peer follows the community, so it held copies: the community passes the Delete{Person} on.
        eventually(() -> assertTrue(
                peerInbox().stream()
                        .anyMatch(a -> a.get("verified").asBoolean()
                                && a.get("activity").toString().contains("\"Delete\"")
                                && a.get("activity").toString().contains(actor)),
                peerInbox().toString()));
        // Bob's actor answers 410 Gone on beta; the account is gone.
        assertEquals(410, status(actor));
        assertTrue(beta.app().members().find("bob").isEmpty());
    }

    @Test
    void keptPostsStayOnAlphaUnderADeletedMember() throws Exception {
        var posts = postsOnAlpha("carl");
        var actor = beta.baseUrl() + "/u/carl";
        deleteAccount("carl", true);

        eventually(() -> assertNotNull(alpha.app()
                .database()
                .read(c -> Sql.one(c, "select gone_at from actor where uri = ?", rs -> rs.getTimestamp(1), actor))
                .orElse(null)));
        for (var p : posts) {
            var there = alpha.post(p.uri()).orElseThrow();
            assertFalse(there.deleted(), "kept: " + p.uri());
            assertTrue(there.contentHtml().contains("of carl"), there.contentHtml());
        }
        var shown = alpha.app()
                .discussions()
                .byAuthor(alpha.post(posts[0].uri()).orElseThrow().authorId(), 10, 0, null);
        assertEquals("[deleted member]", shown.getFirst().author().name());
        assertEquals(410, status(actor));
    }
}
