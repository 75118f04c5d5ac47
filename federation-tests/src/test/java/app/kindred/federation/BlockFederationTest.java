package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.care.Boundaries;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member's block across instances (issue 18): alice on alpha blocks bob on beta. Bob's reply to
 * her thread still reaches the community and is kept there, but alice is not notified, while a
 * reply from carl (not blocked) does notify her; and no Block activity leaves alpha for beta.
 */
class BlockFederationTest {
    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() {
        alpha = KindredInstance.start("alpha");
        beta = KindredInstance.start("beta");
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
        beta.createMember("carl");
    }

    @AfterAll
    static void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    private static long notifications(KindredInstance on, String username) {
        return on.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from notification n join account a on a.id = n.account_id where a.username = ?",
                        username));
    }

    @Test
    void aBlockedRemoteMembersReplyIsKeptButNotifiesNoOneAndTheBlockIsNeverSent() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        var carl = beta.member("carl");
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));

        var kept = alpha.app()
                .boundaries()
                .keep(alice, Boundaries.Kind.BLOCK, bob.actor().uri().toString());
        assertFalse(kept.local());

        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("peers").orElseThrow().id(),
                        new ThreadService.Draft("Tonight", "Anyone else awake?", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));
        long onBeta = beta.post(thread.uri()).orElseThrow().id();

        var bobs = beta.app()
                .threads()
                .comment(
                        bob, onBeta, new ThreadService.Draft(null, "I am, @alice@" + alpha.domain(), null, null, null));
        var carls =
                beta.app().threads().comment(carl, onBeta, new ThreadService.Draft(null, "Me too", null, null, null));
        eventually(() -> {
            assertTrue(alpha.post(bobs.uri()).isPresent(), "bob's reply is kept in the thread");
            assertTrue(alpha.post(carls.uri()).isPresent());
        });
        assertEquals(1, notifications(alpha, "alice"), "carl's reply notifies alice; bob's reply and mention do not");
        assertEquals(
                0L,
                (long) alpha.app()
                        .database()
                        .read(c -> Sql.count(
                                c, "select count(*) from outbound_activity where body like ?", "%\"Block\"%")),
                "a member's block is never sent");
        assertEquals(0L, (long) beta.app()
                .database()
                .read(c ->
                        Sql.count(c, "select count(*) from inbound_activity where body::text like ?", "%\"Block\"%")));
    }
}
