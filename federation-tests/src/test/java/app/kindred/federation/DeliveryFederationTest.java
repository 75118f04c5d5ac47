package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.actor.Actor;
import app.kindred.delivery.DeliveryMetrics;
import app.kindred.federation.harness.FedifyPeer;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.storage.Sql;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Alpha's delivery queue against real receivers: a Kindred that is down for a while, and Fedify. */
class DeliveryFederationTest {
    private KindredInstance alpha, beta;
    private Actor alice;

    @BeforeEach
    void start() {
        alpha = KindredInstance.start("alpha");
        alice = alpha.createMember("alice").actor();
        beta = KindredInstance.start("beta");
        beta.createMember("bob");
    }

    @AfterEach
    void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    /** A Create of a new Note from alice to the recipient, queued on alpha as a feature would. */
    private String send(Actor to) {
        var n = UUID.randomUUID();
        var id = alice.uri() + "/activities/" + n;
        var note = alice.uri() + "/notes/" + n;
        var body = """
                {"@context":"https://www.w3.org/ns/activitystreams","id":"%s","type":"Create","actor":"%s","to":["%s"],
                 "object":{"id":"%s","type":"Note","attributedTo":"%s","to":["%s"],"content":"hello %s"}}""".formatted(id, alice.uri(), to.uri(), note, alice.uri(), to.uri(), n);
        var app = alpha.app();
        app.database().transaction(c -> app.outbox().enqueue(c, alice, id, note, body, List.of(to)));
        return id;
    }

    private long onAlpha(String sql) {
        return alpha.app().database().read(c -> Sql.count(c, sql));
    }

    @Test
    void activitiesQueuedWhileTheReceiverIsDownArriveSignedWhenItComesBack() throws Exception {
        var bob = alpha.app().remoteActors().resolve("@" + beta.handle("bob"));
        beta.stop();

        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) ids.add(send(bob));
        // Refused connections are retried on the (scaled) schedule, not given up.
        eventually(
                Duration.ofSeconds(20),
                () -> assertEquals(
                        5L,
                        onAlpha(
                                "select count(*) from delivery where state = 'queued' and attempts >= 2 and last_error is not null")));
        assertTrue(alpha.app().deliveryMetrics().get(DeliveryMetrics.Outcome.RETRIED) >= 5);
        assertEquals(0L, onAlpha("select count(*) from delivery where state = 'delivered'"));

        beta.restart();
        eventually(
                Duration.ofSeconds(60),
                () -> assertEquals(5L, onAlpha("select count(*) from delivery where state = 'delivered'")));
        for (var id : ids) {
            // Beta stores only what it verified: alice's signature, checked with her key fetched from alpha.
            var scheme = beta.app()
                    .database()
                    .read(c -> Sql.one(
                            c,
                            "select signature_scheme from inbound_activity where activity_id = ?",
                            rs -> rs.getString(1),
                            id));
            assertEquals("cavage", scheme.orElse(null), id + " arrived at beta, signed");
        }
        assertEquals(5, alpha.app().deliveryMetrics().get(DeliveryMetrics.Outcome.DELIVERED));
    }

    @Test
    void fedifyVerifiesOurSignatureAndKeyOwnership() throws Exception {
        try (var fedify = FedifyPeer.start()) {
            var tester = alpha.app().remoteActors().resolve("@tester@" + fedify.domain());
            var id = send(tester);
            eventually(
                    Duration.ofSeconds(30),
                    () -> assertEquals(1L, onAlpha("select count(*) from delivery where state = 'delivered'")));
            var received = fedify.get("/control/inbox").get("body");
            var ours = new ArrayList<com.fasterxml.jackson.databind.JsonNode>();
            received.forEach(a -> {
                if (a.path("id").asText().equals(id)) ours.add(a);
            });
            assertEquals(1, ours.size(), received.toString());
            assertTrue(ours.get(0).path("verified").asBoolean(), ours.get(0).toString());
            assertEquals(alice.uri().toString(), ours.get(0).path("actor").asText());
            assertEquals(
                    "draft-cavage",
                    ours.get(0).path("signature").asText(),
                    ours.get(0).toString());
        }
    }
}
