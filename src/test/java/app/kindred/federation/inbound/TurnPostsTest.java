package app.kindred.federation.inbound;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.HeldCommunityLock;
import app.kindred.TestServer;
import app.kindred.community.Community;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import app.kindred.storage.SqlWork;
import app.kindred.thread.PostStore;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A community turn's received posts are inserted together, in one statement, and what follows each (its
 * hold, notifications, announces) runs after that in the order they arrived ({@code PostStore.insert} with
 * what follows). Anything in the turn that must see one of them finds it: a reply looking up its parent, a
 * change that is not a post, the same post arriving twice.
 */
class TurnPostsTest {
    private TestServer server;
    private Database db;
    private Community community;
    private Member bob;
    private CommunityBatches batches;
    private final PostStore posts = new PostStore();
    private QueuedChanges changes;
    // What followed each post once stored, in the order it ran.
    private final List<String> followed = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("KINDRED_DELIVERY_POLL_INTERVAL", "1h"));
        var app = server.app();
        app.members().create("alice", "correct horse battery", Role.MEMBER);
        bob = app.members().create("bob", "correct horse battery", Role.MEMBER);
        community = app.communities().create("peers", "Peers", "", "alice");
        db = app.database();
        batches = new CommunityBatches(db, new InboundQueue());
        changes = new QueuedChanges(batches, community.id());
    }

    @AfterEach
    void stop() throws InterruptedException {
        changes.join();
        server.close();
    }

    private URI uri(String name) {
        return URI.create("https://remote.example/notes/" + name);
    }

    private PostStore.NewPost post(String name, Long parentId) {
        return new PostStore.NewPost(
                uri(name),
                community.id(),
                bob.actor().id(),
                parentId,
                parentId,
                false,
                "Note",
                parentId == null ? name : null,
                "<p>" + name + "</p>",
                null,
                null,
                false,
                "en",
                null,
                Instant.now(),
                null,
                null);
    }

    private long postsInCommunity(java.sql.Connection c) throws SQLException {
        return Sql.count(c, "select count(*) from post where community_id = ?", community.id());
    }

    /** A received post: inserted, then what follows records its name, whether it stored it, and the posts there. */
    private SqlWork<Void> receives(String name) {
        return c -> {
            posts.insert(
                    c,
                    post(name, null),
                    stored -> followed.add(name + " " + stored.created() + " " + postsInCommunity(c)));
            return null;
        };
    }

    /** Holds the community's lock and starts a first change behind it, so that the next ones queue into one turn. */
    private HeldCommunityLock holdWithFirst() throws Exception {
        var lock = HeldCommunityLock.hold(db, community.id());
        changes.start(c -> null, true);
        eventually(
                Duration.ofSeconds(5),
                () -> assertEquals(1L, (long) db.read(c ->
                        Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"))));
        return lock;
    }

    private long idOf(String name) {
        return db.read(c -> posts.findByUri(c, uri(name))).orElseThrow().id();
    }

    @Test
    void aTurnsPostsAreInsertedTogetherAndWhatFollowsEachRunsAfterInTheOrderTheyArrived() throws Exception {
        var lock = holdWithFirst();
        var arrived = new ArrayList<CompletableFuture<Void>>();
        for (int i = 1; i <= 4; i++) arrived.add(changes.queue(receives("post-" + i), true, i));

        lock.release();
        for (var post : arrived) post.get();

        // Each saw all four stored: one insert for the turn's posts, not one each before what follows it.
        assertEquals(List.of("post-1 true 4", "post-2 true 4", "post-3 true 4", "post-4 true 4"), followed);
        assertTrue(idOf("post-1") < idOf("post-2") && idOf("post-3") < idOf("post-4"), "ids in arrival order");
    }

    @Test
    void aReplyInTheSameTurnFindsItsParentSavedUpBeforeIt() throws Exception {
        var lock = holdWithFirst();
        var thread = changes.queue(receives("thread"), true, 1);
        var reply = changes.queue(
                c -> {
                    var parent = posts.findByUri(c, uri("thread")).orElseThrow();
                    posts.insert(c, post("reply", parent.id()), stored -> followed.add("reply " + stored.created()));
                    return null;
                },
                true,
                2);

        lock.release();
        thread.get();
        reply.get();

        assertEquals(List.of("thread true 1", "reply true"), followed);
        var stored = db.read(c -> posts.findByUri(c, uri("reply"))).orElseThrow();
        assertEquals(idOf("thread"), stored.parentId());
    }

    @Test
    void theSamePostTwiceInOneTurnIsStoredOnceAndOnlyTheFirstStoredIt() throws Exception {
        var lock = holdWithFirst();
        var first = changes.queue(receives("twice"), true, 1);
        var again = changes.queue(receives("twice"), true, 2);

        lock.release();
        first.get();
        again.get();

        assertEquals(List.of("twice true 1", "twice false 1"), followed);
    }

    @Test
    void aChangeThatIsNotAPostSeesThePostsSavedUpBeforeIt() throws Exception {
        var lock = holdWithFirst();
        var one = changes.queue(receives("one"), true, 1);
        var two = changes.queue(receives("two"), true, 2);
        var seen = new ArrayList<Long>();
        var other = changes.queue(
                c -> {
                    seen.add(postsInCommunity(c));
                    return null;
                },
                false,
                3);

        lock.release();
        one.get();
        two.get();
        other.get();

        assertEquals(List.of(2L), seen);
        assertEquals(List.of("one true 2", "two true 2"), followed);
    }

    @Test
    void whenWhatFollowsAPostFailsThatPostAloneIsUndone() throws Exception {
        var lock = holdWithFirst();
        var one = changes.queue(receives("one"), true, 1);
        var failing = changes.queue(
                c -> {
                    posts.insert(c, post("failing", null), stored -> {
                        throw new SQLException("what follows the post failed", "23514");
                    });
                    return null;
                },
                true,
                2);
        var three = changes.queue(receives("three"), true, 3);

        lock.release();
        one.get();
        three.get();
        var failure = failing.handle((ok, e) -> e).get();
        assertInstanceOf(RuntimeException.class, failure);

        assertEquals(2L, (long) db.read(this::postsInCommunity), "the other two stored, the failing one not");
        assertTrue(db.read(c -> posts.findByUri(c, uri("failing"))).isEmpty());
        // The attempt with the three inserted together stopped at the failure and was undone; done again, each
        // post was stored alone and the failing one undone by itself.
        assertEquals(List.of("one true 3", "one true 1", "three true 2"), followed);
    }
}
