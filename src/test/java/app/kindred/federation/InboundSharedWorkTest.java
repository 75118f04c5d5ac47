package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import app.kindred.App;
import app.kindred.HeldCommunityLock;
import app.kindred.TestPostgres;
import app.kindred.TestServer;
import app.kindred.federation.inbound.Outcome;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two processes on one database share the inbound work; when one's lease on a row runs out while it is
 * still applying it and the other takes the row over, the activity is still applied once.
 */
class InboundSharedWorkTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private TestServer server;
    private App second;

    @BeforeEach
    void start() {
        server = TestServer.start(Map.of("KINDRED_DELIVERY_POLL_INTERVAL", "1h"));
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("peers", "Peers", "", "alice");
        // The same instance (domain, database) in a second process, as two servers behind one name.
        second = App.open(TestPostgres.configFor(
                server.app().config().database().url(),
                Map.of("KINDRED_INSTANCE_DOMAIN", server.domain(), "KINDRED_DELIVERY_POLL_INTERVAL", "1h")));
    }

    @AfterEach
    void stop() {
        second.close();
        server.close();
    }

    @Test
    void aRowTakenOverByASecondProcessIsAppliedOnceAndItsAcceptSentOnce() throws Exception {
        var peer = RemotePeer.serve(remote, "shared");
        var follow = new ObjectMapper().readTree(peer.follow(server.base() + "/c/peers"));
        var id = follow.get("id").asText();
        var db = server.app().database();
        long row = db.transaction(c -> new InboundQueue()
                        .receive(
                                c,
                                id,
                                "Follow",
                                peer.id(),
                                server.base() + "/c/peers/inbox",
                                follow.toString(),
                                "cavage",
                                null))
                .orElseThrow();
        // What each process holds: the first claimed it, the second claimed it again when the lease ran out.
        var first = new InboundActivity(
                row, id, "Follow", URI.create(peer.id()), server.base() + "/c/peers/inbox", follow, "cavage", 1);
        var takenOver = new InboundActivity(
                row, id, "Follow", URI.create(peer.id()), server.base() + "/c/peers/inbox", follow, "cavage", 2);

        // Both reach the community's lock before either applies (held here as a change through the API would).
        long community = db.read(c -> Sql.one(
                        c,
                        "select c.id from community c join actor a on a.id = c.actor_id where a.preferred_username = 'peers' and a.local",
                        rs -> rs.getLong(1)))
                .orElseThrow();
        var lock = HeldCommunityLock.hold(db, community);
        var one = CompletableFuture.supplyAsync(
                () -> server.app().inboundProcessor().process(first));
        var other =
                CompletableFuture.supplyAsync(() -> second.inboundProcessor().process(takenOver));
        eventually(
                Duration.ofSeconds(10),
                () -> assertEquals(2L, (long) db.read(c ->
                        Sql.count(c, "select count(*) from pg_locks where locktype = 'advisory' and not granted"))));
        lock.releaseAndWait();

        Set<Class<?>> outcomes =
                new HashSet<>(List.of(one.get().getClass(), other.get().getClass()));
        assertEquals(Set.of(Outcome.Applied.class, Outcome.EndedElsewhere.class), outcomes);
        assertEquals(
                "done",
                db.read(c -> Sql.one(c, "select state from inbound_activity where id = ?", rs -> rs.getString(1), row))
                        .orElseThrow());
        assertEquals(1L, (long) db.read(c -> Sql.count(
                c, "select count(*) from follow f join actor a on a.id = f.follower_id where a.uri = ?", peer.id())));
        assertEquals(
                1L,
                (long) db.read(c ->
                        Sql.count(c, "select count(*) from outbound_activity where body::jsonb ->> 'type' = 'Accept'")),
                "one Accept, not one per process");
    }

    @Test
    void aRefusalFromAProcessWhoseLeaseRanOutDoesNotOverwriteTheOthersResult() throws Exception {
        var peer = RemotePeer.serve(remote, "late");
        var follow = new ObjectMapper().readTree(peer.follow(server.base() + "/c/peers"));
        var id = follow.get("id").asText();
        var db = server.app().database();
        long row = db.transaction(c -> new InboundQueue()
                        .receive(
                                c,
                                id,
                                "Follow",
                                peer.id(),
                                server.base() + "/c/peers/inbox",
                                follow.toString(),
                                "cavage",
                                null))
                .orElseThrow();
        var activity = new InboundActivity(
                row, id, "Follow", URI.create(peer.id()), server.base() + "/c/peers/inbox", follow, "cavage", 1);
        assertEquals(new Outcome.Applied(), second.inboundProcessor().process(activity));

        // The late process, by then refusing the same activity (its instance was just suspended here).
        db.transaction(c -> {
            new InboundQueue().finish(c, row, InboundQueue.Ending.FAILED, "rejected: too late");
            return null;
        });

        assertEquals(
                "done",
                db.read(c -> Sql.one(
                                c,
                                "select state || coalesce(last_error, '') from inbound_activity where id = ?",
                                rs -> rs.getString(1),
                                row))
                        .orElseThrow());
    }
}
