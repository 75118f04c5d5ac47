package app.kindred.activitypub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.activitypub.ReadResult.Supported;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLdTest {

    private final JsonLd jsonLd = new JsonLd();
    private final ActivityPubReader reader = new ActivityPubReader();

    private static final String GROUP = "https://kindred.example/c/peers";

    private static Actor community() {
        return new Actor(
                GROUP,
                ActorType.Group,
                "peers",
                "Peers",
                "<p>Support</p>",
                new Source("Support", "text/markdown"),
                GROUP + "/inbox",
                GROUP + "/outbox",
                GROUP + "/followers",
                null,
                GROUP + "/featured",
                GROUP + "/moderators",
                List.of(GROUP + "/moderators"),
                new Endpoints("https://kindred.example/inbox"),
                new PublicKey(GROUP + "#main-key", GROUP, "-----BEGIN PUBLIC KEY-----\n..."),
                List.of(new Multikey(GROUP + "#ed25519-key", GROUP, "z6MkExample")),
                null,
                null,
                GROUP,
                null,
                null,
                null,
                Boolean.FALSE,
                Boolean.FALSE,
                null,
                Instant.parse("2026-01-02T03:04:05Z"),
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void contextDeclaresTheStandardContextsAndOurTerms() {
        JsonNode context = JsonLd.context();
        assertEquals("https://www.w3.org/ns/activitystreams", context.get(0).asText());
        assertEquals("https://w3id.org/security/v1", context.get(1).asText());
        assertEquals(
                "https://w3id.org/security/data-integrity/v1", context.get(2).asText());
        assertEquals("https://www.w3.org/ns/did/v1", context.get(3).asText(), "defines assertionMethod");
        JsonNode terms = context.get(context.size() - 1);
        assertEquals("https://join-lemmy.org/ns#", terms.get("lemmy").asText());
        assertEquals(
                "lemmy:postingRestrictedToMods",
                terms.get("postingRestrictedToMods").asText());
        assertEquals("lemmy:moderators", terms.get("moderators").get("@id").asText());
        assertEquals("@id", terms.get("moderators").get("@type").asText());
        assertEquals("toot:featured", terms.get("featured").get("@id").asText());
        assertEquals("as:sensitive", terms.get("sensitive").asText());
        assertEquals("as:endTime", terms.get("expires").asText());
        assertEquals("toot:discoverable", terms.get("discoverable").asText());
        assertEquals("toot:indexable", terms.get("indexable").asText());
    }

    @Test
    void contextIsAFreshCopyEachTime() {
        var first = JsonLd.context();
        ((ObjectNode) first.get(first.size() - 1)).put("lemmy", "tampered");
        var second = JsonLd.context();
        assertEquals(
                "https://join-lemmy.org/ns#",
                second.get(second.size() - 1).get("lemmy").asText());
    }

    @Test
    void groupIsWrittenInLemmysShapeWithoutNulls() {
        ObjectNode json = jsonLd.toJson(community());
        assertEquals("@context", json.fieldNames().next());
        assertEquals("Group", json.get("type").asText());
        // Lemmy reads the moderators collection from a plain string attributedTo.
        assertTrue(json.get("attributedTo").isTextual());
        assertEquals(GROUP + "/moderators", json.get("attributedTo").asText());
        assertEquals(
                "https://kindred.example/inbox",
                json.get("endpoints").get("sharedInbox").asText());
        assertEquals("Multikey", json.get("assertionMethod").get(0).get("type").asText());
        assertEquals("2026-01-02T03:04:05Z", json.get("published").asText());
        assertFalse(json.has("following"), "nulls are omitted");
        assertFalse(json.has("icon"));
        assertFalse(json.has("discoverable"));
        assertFalse(json.toString().contains("null"));
        assertEquals(false, json.get("postingRestrictedToMods").asBoolean(true));
    }

    @Test
    void writtenDocumentsReadBackToTheSameRecord() {
        Actor group = community();
        ContentObject page = new ContentObject(
                "https://kindred.example/post/1",
                ObjectType.Page,
                List.of("https://kindred.example/u/ana"),
                "Title",
                "<p>Body</p>",
                Map.of("en", "<p>Body</p>"),
                "text/html",
                new Source("Body", "text/markdown"),
                null,
                Boolean.FALSE,
                null,
                List.of(GROUP, JsonLd.PUBLIC),
                List.of(),
                GROUP,
                List.of(new Tag.Mention(GROUP, "@peers@kindred.example")),
                List.of(new Link("https://example.org/article", "text/html", null)),
                null,
                null,
                null,
                null,
                Boolean.FALSE,
                null,
                null,
                null,
                null,
                Instant.parse("2026-01-02T03:04:05Z"),
                null);
        Activity announce = Activity.of(
                "https://kindred.example/activities/announce/1",
                ActivityType.Announce,
                GROUP,
                Ref.embedded(Activity.of(
                        "https://kindred.example/activities/create/1",
                        ActivityType.Create,
                        "https://kindred.example/u/ana",
                        Ref.embedded(page),
                        List.of(JsonLd.PUBLIC),
                        List.of(GROUP))),
                List.of(JsonLd.PUBLIC),
                List.of(GROUP + "/followers"));
        ActivityPubCollection moderators = new ActivityPubCollection(
                GROUP + "/moderators",
                CollectionType.OrderedCollection,
                null,
                null,
                null,
                null,
                List.of(Ref.id("https://kindred.example/u/ana")));
        for (ActivityPubDocument document : List.of(group, page, announce, moderators)) {
            Supported back = assertInstanceOf(Supported.class, reader.read(jsonLd.write(document)));
            assertEquals(document, back.document());
        }
    }

    @Test
    void singleObjectIsUnwrappedAndAFlagKeepsItsArray() {
        Activity like = Activity.of(
                "https://kindred.example/a/1",
                ActivityType.Like,
                "https://kindred.example/u/ana",
                Ref.id("https://b.example/p/1"),
                List.of(),
                List.of());
        assertTrue(jsonLd.toJson(like).get("object").isTextual());
        assertFalse(jsonLd.toJson(like).has("to"), "empty lists are omitted");
        Activity flag = new Activity(
                "https://kindred.example/a/2",
                ActivityType.Flag,
                "https://kindred.example/",
                List.of(Ref.id("https://b.example/u/1"), Ref.id("https://b.example/p/1")),
                null,
                List.of("https://b.example/u/1"),
                null,
                null,
                null,
                "spam",
                null,
                null,
                null,
                null);
        JsonNode object = jsonLd.toJson(flag).get("object");
        assertTrue(object.isArray());
        assertEquals(2, object.size());
    }

    @Test
    void emptyCollectionStillListsItsItems() {
        ActivityPubCollection followers = new ActivityPubCollection(
                GROUP + "/followers", CollectionType.Collection, 0, null, null, null, List.of());
        ObjectNode json = jsonLd.toJson(followers);
        assertTrue(json.get("items").isArray());
        assertEquals(0, json.get("totalItems").asInt());
        assertFalse(json.has("orderedItems"));
    }

    @Test
    void tombstoneCarriesItsType() {
        ObjectNode json = jsonLd.toJson(new Tombstone("https://kindred.example/post/1", "Page", null));
        assertEquals("Tombstone", json.get("type").asText());
        assertEquals("Page", json.get("formerType").asText());
    }
}
