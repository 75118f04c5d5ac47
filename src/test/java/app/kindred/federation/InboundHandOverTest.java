package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.federation.inbound.InboundProcessor;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The inbox hands a row it stores straight to the processor, leased to this process, instead of leaving
 * it to be claimed; the lease keeps other processes off it, and rows waiting in the table go first.
 */
class InboundHandOverTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private TestServer server;

    @BeforeEach
    void start() {
        // A long poll: anything applied within the test's wait was handed over or claimed on a wake-up.
        server = TestServer.start(Map.of("KINDRED_DELIVERY_POLL_INTERVAL", "1h"));
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "", "alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String state(String activityId) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select state || ' ' || attempts from inbound_activity where activity_id = ?",
                        rs -> rs.getString(1),
                        activityId))
                .orElse("absent");
    }

    /** True when the row was stored with its lease in the same transaction, i.e. never claimed. */
    private boolean storedLeased(String activityId) {
        return server.app().database().read(c -> Sql.count(c, """
                select count(*) from inbound_activity
                where activity_id = ? and next_attempt_at = received_at + interval '5 minutes'""", activityId)) == 1;
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    }

    private void awaitIdle(InboundProcessor processor) throws Exception {
        // Right after start the processor claims once; until that claim comes back short, rows go to the table.
        eventually(() -> {
            assertTrue(processor.reserve(), "the processor takes hand-overs once nothing waits in the table");
            processor.cancel();
        });
    }

    @Test
    void aVerifiedActivityIsHandedOverLeasedAndAppliedWithoutAClaim() throws Exception {
        var processor = server.app().inboundProcessor();
        processor.start();
        awaitIdle(processor);
        var peer = RemotePeer.serve(remote, "handed");
        var follow = peer.follow(server.base() + "/c/peers");
        var id = json(follow).get("id").asText();

        assertEquals(
                202,
                RemotePeer.post(URI.create(server.base() + "/c/peers/inbox"), RemotePeer.AP, follow, peer.cavage())
                        .statusCode());

        eventually(Duration.ofSeconds(10), () -> assertEquals("done 1", state(id)));
        assertTrue(storedLeased(id), "stored with its lease, so no claim could have taken it");
        assertEquals(1L, (long) server.app()
                .database()
                .read(c -> Sql.count(
                        c,
                        "select count(*) from follow f join actor a on a.id = f.follower_id where a.uri = ?",
                        peer.id())));
    }

    @Test
    void aLeasedRowIsLeftToItsProcessUntilTheLeaseRunsOut() throws Exception {
        // As if another process had stored it for its own processor and then died before applying it.
        var peer = RemotePeer.serve(remote, "leased");
        var follow = peer.follow(server.base() + "/c/peers");
        var id = json(follow).get("id").asText();
        server.app()
                .database()
                .transaction(c -> new InboundQueue()
                        .receive(
                                c,
                                id,
                                "Follow",
                                peer.id(),
                                server.base() + "/c/peers/inbox",
                                follow,
                                "cavage",
                                InboundProcessor.LEASE));
        var processor = server.app().inboundProcessor();
        processor.start();
        awaitIdle(processor);

        assertEquals("pending 1", state(id), "a claim does not take a row under another process's lease");

        server.app()
                .database()
                .transaction(c -> Sql.update(
                        c,
                        "update inbound_activity set next_attempt_at = now() - interval '1 second' where activity_id = ?",
                        id));
        processor.stored();
        eventually(Duration.ofSeconds(10), () -> assertEquals("done 2", state(id)));
    }

    @Test
    void processedActivitiesAreDeletedAfterTheRetentionAndWaitingOnesAreKept() throws Exception {
        var db = server.app().database();
        db.transaction(c -> {
            for (var row :
                    List.of("old-done:done:15", "old-failed:failed:15", "old-pending:pending:15", "new-done:done:1")) {
                var parts = row.split(":");
                Sql.update(
                        c,
                        """
                        insert into inbound_activity (activity_id, activity_type, actor_uri, inbox, body, signature_scheme, state,
                                                      received_at, processed_at)
                        values (?, 'Note', 'https://remote.example/u/a', 'inbox', '{"content": "what they wrote"}'::jsonb, 'cavage', ?,
                                now() - make_interval(days => ?), case when ? = 'pending' then null
                                                                       else now() - make_interval(days => ?) end)""",
                        "https://remote.example/" + parts[0],
                        parts[1],
                        Integer.parseInt(parts[2]),
                        parts[1],
                        Integer.parseInt(parts[2]));
            }
            return null;
        });

        // The retention is 14 days by default; the processor prunes when it starts, then hourly.
        server.app().inboundProcessor().start();
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(
                        List.of("https://remote.example/new-done", "https://remote.example/old-pending"),
                        db.read(c -> Sql.list(
                                c,
                                "select activity_id from inbound_activity where activity_id like 'https://remote.example/%' order by 1",
                                rs -> rs.getString(1)))));
        assertEquals(0, server.app().inboundProcessor().prune(), "nothing more is old enough");
    }

    @Test
    void aFullQueueSendsRowsToTheTableAndThoseGoBeforeAnyNewHandOver() throws Exception {
        var processor = server.app().inboundProcessor();
        assertFalse(processor.reserve(), "a processor that is not running takes nothing");
        processor.start();
        awaitIdle(processor);
        for (int i = 0; i < InboundProcessor.READY_CAPACITY; i++) assertTrue(processor.reserve(), "place " + i);
        assertFalse(processor.reserve(), "the queue is full");

        // The inbox stores that one unleased; from then on nothing may overtake it.
        var peer = RemotePeer.serve(remote, "waiting");
        var follow = peer.follow(server.base() + "/c/peers");
        var id = json(follow).get("id").asText();
        server.app()
                .database()
                .transaction(c -> new InboundQueue()
                        .receive(c, id, "Follow", peer.id(), server.base() + "/c/peers/inbox", follow, "cavage", null));
        processor.stored();

        // Hold claims off (they need a row lock the table lock refuses), so that only the flag can refuse.
        var locked = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        var holder = Thread.ofVirtual()
                .start(() -> server.app().database().transaction(c -> {
                    Sql.update(c, "lock table inbound_activity in exclusive mode");
                    locked.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.sql.SQLException(e);
                    }
                    return null;
                }));
        assertTrue(locked.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < InboundProcessor.READY_CAPACITY; i++) processor.cancel();
        processor.wake();
        assertFalse(processor.reserve(), "no hand-over while a row waits in the table, though the queue has room");
        release.countDown();
        holder.join();

        eventually(Duration.ofSeconds(10), () -> assertEquals("done 1", state(id)));
        assertFalse(storedLeased(id), "the waiting row was claimed");
        awaitIdle(processor);
    }
}
