package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A post's content is cleaned once on the inbound path: the relayed copy takes what the inbox made of
 * the same text instead of cleaning it again, and comes out the same as if it had.
 */
class RelayCleaningTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode note(String contentField) throws Exception {
        return JSON.readTree("""
                {"id": "https://remote.example/notes/1", "type": "Note",
                 "attributedTo": "https://remote.example/users/a",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"],
                 "summary": "<b>cw</b><script>alert(1)</script>",
                 %s,
                 "url": "javascript:alert(1)"}""".formatted(contentField));
    }

    private static ContentObject read(JsonNode node) {
        return (ContentObject) ((ReadResult.Supported) new ActivityPubReader().read(node)).document();
    }

    @Test
    void theRelayedCopyIsTheSameWhetherTheContentIsCleanedAgainOrTaken() throws Exception {
        for (var field : new String[] {
            "\"content\": \"<p>Hello <a href=\\\"https://x.example\\\" onclick=\\\"evil()\\\">x</a><script>bad()</script></p>\"",
            "\"contentMap\": {\"en\": \"<p>Only a map <img src=x onerror=evil()></p>\"}"
        }) {
            var node = note(field);
            var object = read(node);
            var incoming = PostDocuments.read(object, true);
            var known = PostDocuments.cleanedContent(object, incoming);
            assertEquals(
                    PostDocuments.sanitisedForRelay(node),
                    PostDocuments.sanitisedForRelay(node, Optional.of(known)),
                    field);
            assertFalse(PostDocuments.sanitisedForRelay(node, Optional.of(known))
                    .toString()
                    .contains("evil"));
        }
    }

    @Test
    void knownTextIsTakenAsCleanedAndAnyOtherTextIsCleanedAsBefore() throws Exception {
        var node = note("\"content\": \"<p>stored</p>\"");
        // A stand-in result no sanitiser would make, to see which path each field took.
        var relayed = PostDocuments.sanitisedForRelay(
                node, Optional.of(new PostDocuments.Cleaned("<p>stored</p>", "TAKEN AS CLEANED")));
        assertEquals("TAKEN AS CLEANED", relayed.path("content").asText());
        assertEquals("<b>cw</b>", relayed.path("summary").asText());
        assertFalse(relayed.has("url"), "addresses that are not http(s) still go");
    }
}
