package app.kindred.federation.inbound;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.HeldCommunityLock;
import app.kindred.TestServer;
import app.kindred.actor.ActorStore;
import app.kindred.actor.LocalIds;
import app.kindred.community.Community;
import app.kindred.community.CommunityStore;
import app.kindred.community.Membership;
import app.kindred.community.Participant;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.moderation.CommunityBans;
import app.kindred.refusal.Refusal;
import app.kindred.storage.CommunityTurn;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.storage.SqlWork;
import app.kindred.thread.PostStore;
import app.kindred.thread.Posting;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A community's turn reads the community's state once for its posts ({@link CommunityTurn}), and reads it
 * again after any change that may have written it: a ban applied earlier in the same turn refuses the
 * posts after it. Without the turn's forgetting, the later post would be let in on the answer read before
 * the ban.
 */
class CommunityTurnTest {
    private TestServer server;
    private Database db;
    private CommunityStore communities;
    private Posting posting;
    private Community community;
    private Member bob, carol;
    private CommunityBatches batches;
    private QueuedChanges changes;

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("KINDRED_DELIVERY_POLL_INTERVAL", "1h"));
        var app = server.app();
        app.members().create("alice", "correct horse battery", Role.MEMBER);
        bob = app.members().create("bob", "correct horse battery", Role.MEMBER);
        carol = app.members().create("carol", "correct horse battery", Role.MEMBER);
        community = app.communities().create("peers", "Peers", "", "alice");
        db = app.database();
        communities = new CommunityStore(new ActorStore(new LocalIds(URI.create(server.base()))));
        posting = new Posting(communities, new PostStore());
        batches = new CommunityBatches(db, new InboundQueue());
        changes = new QueuedChanges(batches, community.id());
    }

    @AfterEach
    void stop() throws InterruptedException {
        changes.join();
        server.close();
    }

    /** A post's checks as the inbound Create runs them (a change that keeps the community's state). */
    private SqlWork<Void> posts(Member author) {
        return c -> {
            posting.checkThread(c, community, Participant.member(author));
            return null;
        };
    }

    @Test
    void aBanAppliedEarlierInTheSameTurnRefusesTheLaterPost() throws Exception {
        // The community's lock is held (as a change through the API would) so that the changes queue into one turn.
        var lock = HeldCommunityLock.hold(db, community.id());
        var first = changes.start(c -> null, true);
        eventually(
                Duration.ofSeconds(5),
                () -> assertEquals(1L, (long) db.read(c ->
                        Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"))));
        var before = changes.queue(posts(bob), true, 1);
        var ban = changes.queue(
                c -> {
                    CommunityBans.ban(c, community.id(), bob.actor().id(), "spam", null);
                    return null;
                },
                false,
                2);
        var after = changes.queue(posts(bob), true, 3);
        var other = changes.queue(posts(carol), true, 4);

        lock.release();
        first.get();
        before.get();
        ban.get();
        other.get();
        var refusal = assertInstanceOf(Refusal.class, after.handle((ok, e) -> e).get());
        assertTrue(refusal.getMessage().contains("banned"), refusal.getMessage());
    }

    @Test
    void inATurnTheCommunitysStateIsReadOnceUntilTheTurnForgetsIt() {
        db.transaction(c -> {
            Database.lockCommunity(c, community.id());
            try (var turn = CommunityTurn.open(c, community.id())) {
                assertFalse(communities.isBanned(c, community.id(), bob.actor().id()));
                assertFalse(Membership.privacy(c, community.id()).isPrivate());
                // Written behind the rules' backs: the turn answers from what it read.
                CommunityBans.ban(c, community.id(), bob.actor().id(), "spam", null);
                Membership.save(c, community.id(), true, null);
                assertFalse(communities.isBanned(c, community.id(), bob.actor().id()));
                assertFalse(Membership.privacy(c, community.id()).isPrivate());
                assertEquals(4, turn.reads());
                assertEquals(2, turn.kept());
                // What a change that writes the community's state makes the turn do.
                turn.forget();
                assertTrue(communities.isBanned(c, community.id(), bob.actor().id()));
                assertTrue(Membership.privacy(c, community.id()).isPrivate());
            }
            // With the turn closed (the API's door), every question goes to the database.
            Sql.update(c, "delete from community_ban where community_id = ?", community.id());
            assertFalse(communities.isBanned(c, community.id(), bob.actor().id()));
            return null;
        });
    }
}
