package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our Group next to Lemmy's (FEP-1b12): Lemmy, Mbin and PieFed read communities by Lemmy's field
 * names and JSON shapes, so each field we share must be there with the same type.
 */
class GroupDocumentsTest {
    private static final Path LEMMY_GROUP = Path.of("../shared/fixtures/lemmy/objects/group.json");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        server.app().members().create("alice", "correct horse battery", Role.MEMBER);
        server.app().communities().create("tenforward", "Ten Forward", "Lounge and *recreation* facility", "alice");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everySharedFieldOfLemmysGroupIsThereWithTheSameJsonType() throws Exception {
        Assumptions.assumeTrue(
                Files.isRegularFile(LEMMY_GROUP),
                "skipped: the Lemmy fixture " + LEMMY_GROUP.toAbsolutePath().normalize()
                        + " is absent (the shared fixtures sit beside the checkout)");
        var lemmy = new ObjectMapper().readTree(LEMMY_GROUP.toFile());
        var ours = server.activityJson("/c/tenforward");
        var shared = List.of(
                "id",
                "type",
                "preferredUsername",
                "name",
                "summary",
                "source",
                "source.content",
                "source.mediaType",
                "sensitive",
                "inbox",
                "followers",
                "attributedTo",
                "featured",
                "postingRestrictedToMods",
                "endpoints",
                "endpoints.sharedInbox",
                "outbox",
                "publicKey",
                "publicKey.id",
                "publicKey.owner",
                "publicKey.publicKeyPem",
                "published",
                "updated");
        var wrong = new ArrayList<String>();
        for (var field : shared) {
            var theirs = at(lemmy, field);
            assertFalse(theirs.isMissingNode(), "the fixture lost " + field);
            var mine = at(ours, field);
            if (mine.isMissingNode()) wrong.add(field + " is missing");
            else if (mine.getNodeType() != theirs.getNodeType()) {
                wrong.add(field + " is " + mine.getNodeType() + ", Lemmy's is " + theirs.getNodeType());
            }
        }
        assertEquals(List.of(), wrong, ours.toPrettyString());
        assertEquals(lemmy.get("type").asText(), ours.get("type").asText());
        assertEquals("text/markdown", ours.get("source").get("mediaType").asText());
        assertTrue(ours.get("publicKey").get("id").asText().endsWith("#main-key"));
        assertEquals(
                ours.get("id").asText() + "/moderators",
                ours.get("attributedTo").asText());
        assertEquals(
                "Lounge and *recreation* facility",
                ours.get("source").get("content").asText());
        assertEquals(
                "<p>Lounge and <em>recreation</em> facility</p>",
                ours.get("summary").asText().strip());
        assertTrue(java.time.Instant.parse(ours.get("published").asText()).isBefore(java.time.Instant.now()));
    }

    @Test
    void ourOwnFieldsAreThere() {
        var group = server.activityJson("/c/tenforward");
        var id = group.get("id").asText();
        assertEquals(id, group.get("url").asText());
        assertTrue(group.get("manuallyApprovesFollowers").isBoolean());
        assertTrue(group.get("discoverable").isBoolean());
        var key = group.get("assertionMethod").get(0);
        assertEquals(id + "#ed25519-key", key.get("id").asText());
        assertEquals("Multikey", key.get("type").asText());
        assertEquals(id, key.get("controller").asText());
        assertTrue(key.get("publicKeyMultibase").asText().startsWith("z6Mk"));
    }

    @Test
    void theContextIsTheFiveWellKnownContextsAndOneTermMap() {
        var context = server.activityJson("/c/tenforward").get("@context");
        assertTrue(context.isArray(), context.toString());
        var urls = new ArrayList<String>();
        JsonNode terms = null;
        for (var entry : context) {
            if (entry.isTextual()) urls.add(entry.asText());
            else if (entry.isObject() && terms == null) terms = entry;
            else fail("unexpected @context entry " + entry);
        }
        assertEquals(
                List.of(
                        "https://www.w3.org/ns/activitystreams",
                        "https://w3id.org/security/v1",
                        "https://w3id.org/security/data-integrity/v1",
                        "https://www.w3.org/ns/did/v1",
                        "https://w3id.org/security/multikey/v1"),
                urls);
        assertNotNull(terms, "the inline term map is missing");
        assertEquals(
                "lemmy:postingRestrictedToMods",
                terms.get("postingRestrictedToMods").asText());
        assertEquals("lemmy:moderators", terms.get("moderators").get("@id").asText());
        assertEquals("@id", terms.get("moderators").get("@type").asText());
        assertEquals("toot:featured", terms.get("featured").get("@id").asText());
        assertEquals("toot:discoverable", terms.get("discoverable").asText());
        assertEquals("toot:indexable", terms.get("indexable").asText());
        assertEquals("as:sensitive", terms.get("sensitive").asText());
        assertEquals(
                "as:manuallyApprovesFollowers",
                terms.get("manuallyApprovesFollowers").asText());
        assertEquals("https://join-lemmy.org/ns#", terms.get("lemmy").asText());
        assertEquals("http://joinmastodon.org/ns#", terms.get("toot").asText());
    }

    /** The node at a dotted path, or a missing node. */
    private static JsonNode at(JsonNode root, String dotted) {
        var node = root;
        for (var part : dotted.split("\\.")) node = node.path(part);
        return node;
    }
}
