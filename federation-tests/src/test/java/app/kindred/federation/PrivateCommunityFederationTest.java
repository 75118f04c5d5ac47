package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.moderation.ModerationService;
import app.kindred.remote.FetchException;
import app.kindred.thread.ThreadService;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A private community across three Kindred instances (issue 17): a member on beta asks to follow
 * alpha's private community and waits; a moderator on alpha approves, and the community's posts
 * reach beta, stored there for members only; gamma, with no member in it, is refused the post by
 * a signed fetch while beta's signed fetch gets it.
 */
class PrivateCommunityFederationTest {
    static KindredInstance alpha, beta, gamma;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        gamma = KindredInstance.start("gamma");
        alpha.createMember("alice");
        alpha.createCommunity("haven", "Haven", "alice");
        beta.createMember("bob");
        gamma.createMember("carol");
    }

    @AfterAll
    static void stop() {
        for (var instance : new KindredInstance[] {gamma, beta, alpha}) if (instance != null) instance.close();
    }

    @Test
    void aRemoteMembersFollowWaitsIsApprovedAndGetsContentWhileAnOutsiderInstanceIsRefused() throws Exception {
        var alice = alpha.member("alice");
        long haven = alpha.app().communities().find("haven").orElseThrow().id();
        alpha.app()
                .moderation()
                .editPrivacy(alice, haven, new ModerationService.PrivacySettings(true, List.of(), false));

        var bob = beta.member("bob");
        var asked = beta.app().follows().follow(bob, "!" + alpha.handle("haven"));
        assertEquals(FollowStore.State.PENDING, asked.state());
        eventually(() ->
                assertEquals(1, alpha.app().follows().followRequests(haven).size()));
        // Nothing accepted on its own: beta's member still waits.
        assertEquals(
                FollowStore.State.PENDING,
                beta.app().follows().subscriptions(bob).getFirst().state());

        alpha.app()
                .follows()
                .answer(
                        haven,
                        alpha.app().follows().followRequests(haven).getFirst().actorId(),
                        true);
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));

        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        haven,
                        new ThreadService.Draft("Only for us", "What we say here stays here.", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));
        assertEquals(
                1L,
                beta.count(
                        "select count(*) from post where uri = ? and members_only",
                        thread.uri().toString()));
        assertEquals(
                0L,
                alpha.count(
                        "select count(*) from outbound_activity where object_id = ? and (public or body like ?)",
                        thread.uri().toString(),
                        "%#Public%"));

        // Signed fetches: beta has a member, gamma none.
        var fetched = beta.app().fetcher().getActivityJson(thread.uri());
        assertTrue(fetched.toString().contains("What we say here stays here."), fetched.toString());
        var refused =
                assertThrows(FetchException.class, () -> gamma.app().fetcher().getActivityJson(thread.uri()));
        assertEquals(FetchException.Reason.NOT_FOUND, refused.reason(), refused.getMessage());
    }
}
