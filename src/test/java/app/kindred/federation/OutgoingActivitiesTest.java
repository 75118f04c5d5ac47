package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.JsonLd;
import app.kindred.activitypub.Ref;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The group's Announce{activity}, written field by field, is what the general writer makes of it. */
class OutgoingActivitiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Actor group() {
        var uri = URI.create("https://kindred.example/c/peers");
        return new Actor(
                7,
                uri,
                ActorType.GROUP,
                "peers",
                "kindred.example",
                true,
                "Peers",
                URI.create(uri + "/inbox"),
                URI.create("https://kindred.example/inbox"),
                URI.create(uri + "/outbox"),
                URI.create(uri + "/followers"),
                uri + "#main-key",
                null,
                null,
                null,
                null,
                Instant.EPOCH);
    }

    @Test
    void announceAsReceivedIsTheAnnounceJsonLdWritesWithTheReceivedActivityEmbeddedWithoutItsContext()
            throws Exception {
        var received = (ObjectNode) JSON.readTree("""
                {"@context": ["https://www.w3.org/ns/activitystreams", {"toot": "http://joinmastodon.org/ns#"}],
                 "id": "https://remote.example/activities/1", "type": "Create", "actor": "https://remote.example/u/ann",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["https://kindred.example/c/peers"],
                 "object": {"id": "https://remote.example/notes/1", "type": "Note", "content": "<p>caf\\u00e9 \\"quoted\\" \\ud83d\\ude00</p>",
                            "sensitive": true, "tag": [], "n": 1.5, "none": null}}""");
        var group = group();

        var out = new OutgoingActivities().announceAsReceived(group, received, "https://remote.example/notes/1");

        var written = (ObjectNode) JSON.readTree(out.json());
        var expected = new JsonLd()
                .toJson(new Activity(
                        out.id(),
                        ActivityType.Announce,
                        group.uri().toString(),
                        List.of(Ref.id(received.get("id").asText())),
                        null,
                        List.of(JsonLd.PUBLIC),
                        List.of(group.followers().toString()),
                        group.uri().toString(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null));
        var inner = received.deepCopy();
        inner.remove("@context");
        expected.set("object", inner);
        assertEquals(JSON.readTree(expected.toString()), written);
        assertEquals(List.copyOf(iterable(expected)), List.copyOf(iterable(written)), "the fields in the same order");
        assertFalse(written.get("object").has("@context"));
        assertEquals(received.get("object"), written.get("object").get("object"), "the received object untouched");
        assertEquals("https://remote.example/notes/1", out.objectId());
    }

    private static List<String> iterable(ObjectNode node) {
        var names = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
