package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.federation.inbound.Outcome;
import app.kindred.federation.queue.InboundActivity;
import app.kindred.federation.queue.InboundQueue;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the applier's outcome for one stored activity is recorded: done, failed with the reason, or again later. */
class InboundOutcomesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestServer server;

    @BeforeAll
    static void start() {
        // Time as configured, unscaled, so the wait before a retry is the schedule's own.
        server = TestServer.start(Map.of("KINDRED_DELIVERY_TIME_SCALE", "1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aFailureThatMayPassIsTriedAgainOnTheOutboxsRetrySchedule() throws Exception {
        // The actor's server cannot be reached: nothing refused it, so it is tried again.
        var actor = "https://unreachable.invalid/users/sam";
        var like = JSON.readTree("""
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://unreachable.invalid/likes/1",
                 "type": "Like", "actor": "%s", "object": "%s/p/1"}""".formatted(actor, server.base()));
        var row = store(like, actor);

        var outcome = process(row, like, actor);

        assertInstanceOf(Outcome.RetryLater.class, outcome);
        assertEquals(
                "pending: could not fetch what it needs: unknown host in https://unreachable.invalid/users/sam",
                state(row));
        // RetrySchedule.STANDARD's first wait is 30 s (±10%); the formula it replaces waited 60 s.
        double wait = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select extract(epoch from next_attempt_at - now()) from inbound_activity where id = ?",
                        rs -> rs.getDouble(1),
                        row))
                .orElseThrow();
        assertTrue(wait > 25 && wait < 34, "waits " + wait + " s");
    }

    @Test
    void somethingThatIsNoActivityIsRefusedForGoodWithItsReason() throws Exception {
        var actor = "https://elsewhere.invalid/users/kim";
        var note = JSON.readTree("""
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://elsewhere.invalid/notes/1",
                 "type": "Note", "attributedTo": "%s", "content": "hello"}""".formatted(actor));
        var row = store(note, actor);

        var outcome = process(row, note, actor);

        assertInstanceOf(Outcome.Refused.class, outcome);
        assertEquals("failed: a Note is not an activity", state(row));
    }

    private long store(JsonNode activity, String actor) {
        return server.app()
                .database()
                .transaction(c -> new InboundQueue()
                        .receive(
                                c,
                                activity.get("id").asText(),
                                activity.get("type").asText(),
                                actor,
                                server.base() + "/inbox",
                                activity.toString(),
                                "cavage",
                                null))
                .orElseThrow();
    }

    private Outcome process(long row, JsonNode activity, String actor) {
        return server.app()
                .inboundProcessor()
                .process(new InboundActivity(
                        row,
                        activity.get("id").asText(),
                        activity.get("type").asText(),
                        URI.create(actor),
                        server.base() + "/inbox",
                        activity,
                        "cavage",
                        1));
    }

    private String state(long row) {
        return server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select state || coalesce(': ' || last_error, '') from inbound_activity where id = ?",
                        rs -> rs.getString(1),
                        row))
                .orElseThrow();
    }
}
