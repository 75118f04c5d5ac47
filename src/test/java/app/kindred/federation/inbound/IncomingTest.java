package app.kindred.federation.inbound;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ActivityType;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** An activity and its JSON change only together: what a handler reads is what the community relays. */
class IncomingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ActivityPubReader READER = new ActivityPubReader();

    private static final String CREATE = """
            {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://a.example/activities/1", "type": "Create",
             "actor": "https://a.example/u/ann", "to": ["https://www.w3.org/ns/activitystreams#Public"],
             "cc": ["https://k.example/c/peers"],
             "object": {"id": "https://a.example/objects/1", "type": "Note", "attributedTo": "https://a.example/u/ann",
                        "content": "<p>as embedded</p>", "to": ["https://www.w3.org/ns/activitystreams#Public"]}}""";

    private static final String FETCHED = """
            {"id": "https://a.example/objects/1", "type": "Note", "attributedTo": "https://a.example/u/ann",
             "content": "<p>as its origin serves it</p>", "to": ["https://www.w3.org/ns/activitystreams#Public"]}""";

    @Test
    void withObjectReplacesTheObjectInTheActivityAndInItsJsonAndKeepsTheRest() throws Exception {
        var received = incoming(CREATE);
        var fetchedJson = JSON.readTree(FETCHED);
        var fetched = (ContentObject) read(fetchedJson);

        var refetched = received.withObject(fetched, fetchedJson);

        assertEquals(
                "<p>as its origin serves it</p>",
                ((ContentObject) refetched.activity().object().document()).content());
        assertEquals(
                "<p>as its origin serves it</p>",
                refetched.objectJson().path("content").asText());
        assertEquals(received.activity().id(), refetched.activity().id());
        assertEquals(received.activity().to(), refetched.activity().to());
        assertEquals(received.activity().cc(), refetched.activity().cc());
        assertEquals(received.json().path("cc"), refetched.json().path("cc"));
        assertEquals(
                "<p>as embedded</p>",
                received.objectJson().path("content").asText(),
                "what was received is left as it was");
        assertEquals(
                "<p>as embedded</p>",
                ((ContentObject) received.activity().object().document()).content());
    }

    @Test
    void theInnerActivityOfAnUndoComesWithItsOwnJson() throws Exception {
        var undo = incoming("""
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://a.example/activities/2", "type": "Undo",
                 "actor": "https://a.example/u/mod",
                 "object": {"id": "https://a.example/activities/3", "type": "Block", "actor": "https://a.example/u/mod",
                            "object": "https://b.example/u/bob", "target": "https://k.example/c/peers", "summary": "spam"}}""");

        var inner = undo.inner().orElseThrow();

        assertEquals(ActivityType.Block, inner.type());
        assertEquals("https://a.example/activities/3", inner.activity().id());
        assertEquals(inner.activity().id(), inner.json().path("id").asText());
        assertEquals("spam", inner.json().path("summary").asText());
        assertTrue(incoming(CREATE).inner().isEmpty(), "a Create carries an object, not an activity");
    }

    @Test
    void aSharedPostBecomesItsAuthorsCreateWithTheSameObjectInBothForms() throws Exception {
        var json = JSON.readTree(FETCHED);
        var create = Incoming.createOf((ContentObject) read(json), json, "https://a.example/u/ann");

        assertEquals(ActivityType.Create, create.type());
        assertEquals(create.activity().id(), create.json().path("id").asText());
        assertEquals("https://a.example/u/ann", create.json().path("actor").asText());
        assertSame(json, create.objectJson());
        assertEquals("https://a.example/objects/1", create.activity().object().uri());
    }

    private static Incoming incoming(String text) throws Exception {
        var json = JSON.readTree(text);
        return new Incoming((Activity) read(json), json);
    }

    private static Object read(JsonNode json) {
        return switch (READER.read(json)) {
            case ReadResult.Supported s -> s.document();
            case ReadResult.Unsupported u -> throw new AssertionError("unsupported: " + u.reason());
            case ReadResult.Malformed m -> throw new AssertionError("malformed: " + m.reason());
        };
    }
}
