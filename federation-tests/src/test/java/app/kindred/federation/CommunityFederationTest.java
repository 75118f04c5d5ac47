package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.notification.Kind;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.net.URI;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The heart of the product across two real instances: a member of beta follows a community on
 * alpha, posts there from beta, a member of alpha comments, both vote, edit and delete, and each
 * instance shows the same content, tree, scores and counts.
 */
class CommunityFederationTest {
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

    @Test
    void aThreadFromBetaInAlphasCommunityLivesOnBothWithCommentsVotesEditsAndDeletes() throws Exception {
        var bob = beta.member("bob");
        var alice = alpha.member("alice");
        var groupUri = alpha.baseUrl() + "/c/peers";

        // Follow: pending until alpha's Accept arrives.
        var subscription = beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        assertEquals(groupUri, subscription.community().actor().uri().toString());
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        long alphaGroupId = alpha.communityId(groupUri);
        eventually(() -> assertEquals(1L, (long) alpha.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow f join community c on c.actor_id = f.followed_id where c.id = ? and f.state = 'accepted'",
                        alphaGroupId))));
        // Following again changes nothing.
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));

        // Bob starts a thread from beta, with a content warning.
        long remoteCommunity = beta.communityId(groupUri);
        var thread = beta.app()
                .threads()
                .startThread(
                        bob,
                        remoteCommunity,
                        new ThreadService.Draft("Rough week", "It has been *hard* lately.", "low mood", null, "en"));
        eventually(() -> {
            var onAlpha = alpha.post(thread.uri()).orElseThrow();
            assertEquals("Rough week", onAlpha.title());
            assertEquals(
                    "<p>It has been <em>hard</em> lately.</p>",
                    onAlpha.contentHtml().strip());
            assertEquals("low mood", onAlpha.summary());
            assertTrue(onAlpha.sensitive());
            assertEquals(alphaGroupId, onAlpha.communityId());
        });
        var threadOnAlpha = alpha.post(thread.uri()).orElseThrow();

        // Alice comments on alpha; beta gets it through the community's announce, in the right place.
        var comment = alpha.app()
                .threads()
                .comment(
                        alice,
                        threadOnAlpha.id(),
                        new ThreadService.Draft(null, "You are not alone.", null, null, null));
        eventually(() -> {
            var onBeta = beta.post(comment.uri()).orElseThrow();
            assertEquals(thread.id(), onBeta.parentId());
            assertEquals(thread.id(), onBeta.threadId());
            assertTrue(onBeta.contentHtml().contains("You are not alone."));
        });
        // Bob, on beta, is told of alice's reply to his thread: a remote reply notifies as a local one does.
        var toBob = beta.app().notifications().list(bob, null, null).items();
        assertEquals(1, toBob.size(), toBob.toString());
        assertEquals(Kind.REPLY, toBob.getFirst().kind());
        assertEquals("You are not alone.", toBob.getFirst().excerpt());
        assertEquals(thread.id(), toBob.getFirst().threadId());

        // Bob replies to the comment from beta: a tree three deep on both sides.
        var commentOnBeta = beta.post(comment.uri()).orElseThrow();
        var reply = beta.app()
                .threads()
                .comment(bob, commentOnBeta.id(), new ThreadService.Draft(null, "Thank you.", null, null, null));
        eventually(() ->
                assertEquals(comment.id(), alpha.post(reply.uri()).orElseThrow().parentId()));
        var toAlice = alpha.app().notifications().list(alice, null, null).items();
        assertEquals(1, toAlice.size(), toAlice.toString());
        assertEquals(Kind.REPLY, toAlice.getFirst().kind());
        assertEquals("bob@" + beta.domain(), toAlice.getFirst().from());
        assertEquals(
                1,
                beta.app().notifications().list(bob, null, null).items().size(),
                "bob's own reply tells him nothing new");

        // Votes from both sides; alpha counts them, beta learns of alpha's through the announce.
        alpha.app().threads().vote(alice, threadOnAlpha.id(), 1);
        beta.app().threads().vote(bob, commentOnBeta.id(), 1);
        eventually(
                () -> assertEquals(1, alpha.app().threads().score(comment.id()).up()));
        eventually(() -> assertEquals(1, beta.app().threads().score(thread.id()).up()));
        // A changed vote replaces the old one; taking it back removes it, on both sides.
        alpha.app().threads().vote(alice, threadOnAlpha.id(), -1);
        eventually(() -> assertEquals(
                new app.kindred.thread.VoteStore.Score(0, 1),
                beta.app().threads().score(thread.id())));
        alpha.app().threads().vote(alice, threadOnAlpha.id(), 0);
        eventually(() -> assertEquals(
                new app.kindred.thread.VoteStore.Score(0, 0),
                beta.app().threads().score(thread.id())));
        beta.app().threads().vote(bob, commentOnBeta.id(), 0);
        eventually(
                () -> assertEquals(0, alpha.app().threads().score(comment.id()).up()));

        // Bob edits his thread; alpha shows the new text.
        beta.app()
                .threads()
                .edit(
                        bob,
                        thread.id(),
                        new ThreadService.Draft("Rough week (better now)", "Better now.", null, null, null));
        eventually(() -> {
            var onAlpha = alpha.post(thread.uri()).orElseThrow();
            assertEquals("Rough week (better now)", onAlpha.title());
            assertTrue(onAlpha.contentHtml().contains("Better now."));
        });

        // Alice deletes her comment: a tombstone on both sides, the reply below it kept.
        alpha.app().threads().delete(alice, comment.id());
        eventually(() -> assertTrue(beta.post(comment.uri()).orElseThrow().deleted()));
        assertFalse(beta.post(reply.uri()).orElseThrow().deleted());
        assertEquals(
                2,
                alpha.app()
                        .database()
                        .read(c -> new app.kindred.thread.PostStore().comments(c, threadOnAlpha.id()))
                        .size());

        // The community's outbox lists what it announced, newest first.
        var outbox = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(URI.create(groupUri + "/outbox?page=1"))
                                .header("Accept", "application/activity+json")
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(
                outbox.contains("\"type\":\"Announce\"")
                        && outbox.contains(comment.uri().toString()),
                outbox);

        // Unfollow: alpha no longer counts bob.
        beta.app().follows().unfollow(bob, remoteCommunity);
        eventually(() -> assertEquals(0L, (long) alpha.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow f join community c on c.actor_id = f.followed_id where c.id = ?",
                        alphaGroupId))));
    }
}
