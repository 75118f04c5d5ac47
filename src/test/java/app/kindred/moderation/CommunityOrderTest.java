package app.kindred.moderation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One change at a time per community: while one transaction holds a community (Database.inCommunity),
 * a moderator's act and a member's comment in it wait their turn, and go through once it is released;
 * another community is not held up.
 */
class CommunityOrderTest {
    private static TestServer server;
    private static Member mod, member;
    private static long circle, other;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        var app = server.app();
        mod = app.members().create("mira", "correct horse battery", Role.MEMBER);
        member = app.members().create("max", "correct horse battery", Role.MEMBER);
        circle = app.communities().create("circle", "Circle", "", "mira").id();
        other = app.communities().create("other", "Other", "", "mira").id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long waitingOnAdvisoryLocks() {
        return server.app()
                .database()
                .read(c -> Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"));
    }

    @Test
    void actsOnACommunityWaitWhileAnotherChangeToItIsOpen() throws Exception {
        var app = server.app();
        var thread =
                app.threads().startThread(member, circle, new ThreadService.Draft("Hello", "text", null, null, null));
        var elsewhere = app.threads()
                .startThread(member, other, new ThreadService.Draft("Elsewhere", "text", null, null, null));
        // Each on its own thread: the common pool may have a single one on a small machine.
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        var held = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = CompletableFuture.runAsync(
                () -> app.database().inCommunity(circle, c -> {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                }),
                threads);
        assertTrue(held.await(10, TimeUnit.SECONDS));

        var lock = CompletableFuture.runAsync(() -> app.moderation().lock(mod, thread.id(), "calm", true), threads);
        var reply = CompletableFuture.supplyAsync(
                () -> app.threads()
                        .comment(member, thread.id(), new ThreadService.Draft(null, "me too", null, null, null)),
                threads);
        // Both wait their turn for the community: lined up in this process, holding no connection, behind the
        // change that holds its lock in PostgreSQL (Database.inCommunity).
        eventually(() -> assertEquals(2, app.database().queuedForCommunity(circle)));
        assertEquals(0, waitingOnAdvisoryLocks());
        // Another community goes on meanwhile.
        app.moderation().lock(mod, elsewhere.id(), "calm", true);
        assertFalse(lock.isDone() || reply.isDone());
        assertFalse(app.threads().find(thread.id()).orElseThrow().locked());

        release.countDown();
        holder.get(10, TimeUnit.SECONDS);
        lock.get(10, TimeUnit.SECONDS);
        // The comment came after the lock or before it, never half-way: refused by the lock, or in before it.
        try {
            reply.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertTrue(
                    e.getCause().getMessage().contains("locked"), e.getCause().toString());
        }
        assertTrue(app.threads().find(thread.id()).orElseThrow().locked());
        assertEquals(0, waitingOnAdvisoryLocks());
    }
}
