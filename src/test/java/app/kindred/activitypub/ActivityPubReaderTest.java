package app.kindred.activitypub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.activitypub.ReadResult.Malformed;
import app.kindred.activitypub.ReadResult.Supported;
import app.kindred.activitypub.ReadResult.Unsupported;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivityPubReaderTest {

    private final ActivityPubReader reader = new ActivityPubReader();

    private ReadResult read(String json) {
        return reader.read(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private <T> T supported(String json, Class<T> type) {
        Supported supported = assertInstanceOf(Supported.class, read(json));
        return assertInstanceOf(type, supported.document());
    }

    private static final String NOTE_HEAD = "{'id':'https://a.example/n/1','type':'Note',";

    @Test
    void addressingMayBeAStringAnObjectOrAnArray() {
        ContentObject asString = supported(NOTE_HEAD + "'to':'https://a.example/u/1'}", ContentObject.class);
        ContentObject asObject =
                supported(NOTE_HEAD + "'to':{'id':'https://a.example/u/1','type':'Person'}}", ContentObject.class);
        ContentObject asArray = supported(NOTE_HEAD + "'to':['https://a.example/u/1',null]}", ContentObject.class);
        assertEquals(List.of("https://a.example/u/1"), asString.to());
        assertEquals(List.of("https://a.example/u/1"), asObject.to());
        assertEquals(List.of("https://a.example/u/1"), asArray.to());
    }

    @Test
    void typeMayBeAnArrayAndTheFirstModelledTypeWins() {
        ContentObject note = supported(
                "{'id':'https://a.example/n/1','type':['Thing','Page'],'attributedTo':'https://a.example/u/1'}",
                ContentObject.class);
        assertEquals(ObjectType.Page, note.type());
    }

    @Test
    void contextAndUnknownFieldsAreIgnored() {
        ContentObject note = supported(
                "{'@context':[{'weird':{'@id':'x'}},42],'id':'https://a.example/n/1','type':'Note',"
                        + "'content':'hi','somethingNew':{'deep':[1,2,3]}}",
                ContentObject.class);
        assertEquals("hi", note.content());
    }

    @Test
    void missingOptionalFieldsGiveNullsAndEmptyLists() {
        ContentObject note = supported("{'id':'https://a.example/n/1','type':'Note'}", ContentObject.class);
        assertNull(note.content());
        assertNull(note.inReplyTo());
        assertNull(note.published());
        assertTrue(note.to().isEmpty());
        assertTrue(note.tag().isEmpty());
        assertTrue(note.languages().isEmpty());
    }

    @Test
    void wrongShapesAreSkippedNotFatal() {
        ContentObject note = supported(
                NOTE_HEAD + "'content':{'not':'text'},'sensitive':'true','published':'yesterday',"
                        + "'tag':['#loose',{'type':'Mention'}],'attachment':{'type':'PropertyValue','name':'x'}}",
                ContentObject.class);
        assertNull(note.content());
        assertEquals(Boolean.TRUE, note.sensitive());
        assertNull(note.published());
        assertTrue(note.tag().isEmpty());
        assertTrue(note.attachment().isEmpty());
    }

    @Test
    void urlPrefersTheHtmlLinkOfAList() {
        ContentObject video = supported(
                NOTE_HEAD + "'url':[{'type':'Link','mediaType':'video/mp4','href':'https://a.example/v.mp4'},"
                        + "{'type':'Link','mediaType':'text/html','href':'https://a.example/watch/1'}]}",
                ContentObject.class);
        assertEquals("https://a.example/watch/1", video.url());
    }

    @Test
    void actorIconMayBeAListAndKeysAreRead() {
        Actor actor = supported(
                "{'id':'https://a.example/u/1','type':'Person','inbox':'https://a.example/u/1/inbox',"
                        + "'icon':[{'type':'Image','url':'https://a.example/small.png'},{'url':'https://a.example/big.png'}],"
                        + "'assertionMethod':[{'id':'https://a.example/u/1#ed25519-key','type':'Multikey',"
                        + "'controller':'https://a.example/u/1','publicKeyMultibase':'z6Mk'}],"
                        + "'publicKey':{'id':'https://a.example/u/1#main-key','owner':'https://a.example/u/1',"
                        + "'publicKeyPem':'-----BEGIN PUBLIC KEY-----'}}",
                Actor.class);
        assertEquals("https://a.example/small.png", actor.icon().url());
        assertEquals(
                List.of(new Multikey("https://a.example/u/1#ed25519-key", "https://a.example/u/1", "z6Mk")),
                actor.assertionMethod());
        assertEquals("https://a.example/u/1", actor.publicKey().owner());
    }

    @Test
    void objectMayBeAUriAnEmbeddedDocumentOrAnArray() {
        String head = "{'id':'https://a.example/a/1','type':'Flag','actor':'https://a.example/actor',";
        Activity byUri = supported(head + "'object':'https://b.example/p/1'}", Activity.class);
        Activity embedded = supported(
                head + "'object':{'id':'https://b.example/p/1','type':'Page','attributedTo':'https://b.example/u/2'}}",
                Activity.class);
        Activity many = supported(
                head + "'object':['https://b.example/u/2',{'id':'https://b.example/p/1','type':'Page'}]}",
                Activity.class);
        assertEquals(new Ref.Id("https://b.example/p/1"), byUri.object());
        assertInstanceOf(ContentObject.class, embedded.object().document());
        assertEquals(
                List.of("https://b.example/u/2", "https://b.example/p/1"),
                many.objects().stream().map(Ref::uri).toList());
    }

    @Test
    void unknownTypesAreUnsupported() {
        Unsupported react = assertInstanceOf(
                Unsupported.class,
                read(
                        "{'id':'https://a.example/r/1','type':'EmojiReact','actor':'https://a.example/u/1','object':'https://b.example/n/1'}"));
        assertEquals("EmojiReact", react.type());
        Unsupported undo = assertInstanceOf(
                Unsupported.class,
                read(
                        "{'id':'https://a.example/u/1','type':'Undo','actor':'https://a.example/u/1','object':"
                                + "{'id':'https://a.example/r/1','type':'EmojiReact','actor':'https://a.example/u/1','object':'https://b.example/n/1'}}"));
        assertEquals("Undo", undo.type());
        assertTrue(undo.reason().contains("EmojiReact"));
    }

    @Test
    void invalidDocumentsAreMalformedNeverThrown() {
        assertInstanceOf(Malformed.class, read("not json"));
        assertInstanceOf(Malformed.class, read("[1,2]"));
        assertInstanceOf(Malformed.class, read("{'id':'https://a.example/n/1'}"));
        assertInstanceOf(Malformed.class, read("{'type':'Note'}"));
        assertInstanceOf(Malformed.class, read("{'id':'urn:uuid:1234','type':'Note'}"));
        assertInstanceOf(Malformed.class, read("{'id':'/n/1','type':'Note'}"));
        assertInstanceOf(Malformed.class, read("{'id':'ftp://a.example/n/1','type':'Note'}"));
        assertInstanceOf(
                Malformed.class, read("{'id':'https://a.example/u/1','type':'Person'}"), "an actor needs an inbox");
        assertInstanceOf(
                Malformed.class,
                read("{'id':'https://a.example/a/1','type':'Like','object':'https://b.example/n/1'}"),
                "an activity needs an actor");
        assertInstanceOf(
                Malformed.class,
                read("{'id':'https://a.example/a/1','type':'Like','actor':'https://a.example/u/1'}"),
                "an activity needs an object");
        assertInstanceOf(Malformed.class, reader.read((byte[]) null));
    }

    @Test
    void deepNestingIsCutToAReferenceOrRefusedNeverAStackOverflow() {
        String deep = "{'id':'https://a.example/a','type':'Announce','actor':'https://a.example/u','object':".repeat(40)
                + "'https://a.example/n'" + "}".repeat(40);
        // Past the embedding limit the inner copy is dropped and only its id is kept.
        Ref ref = supported(deep, Activity.class).object();
        int embedded = 1;
        while (ref instanceof Ref.Embedded inner) {
            ref = ((Activity) inner.value()).object();
            embedded++;
        }
        assertEquals(new Ref.Id("https://a.example/a"), ref);
        assertTrue(embedded < 12, "embedded " + embedded + " deep");
        String deeperThanJackson = "[".repeat(5000) + "]".repeat(5000);
        assertInstanceOf(Malformed.class, read(deeperThanJackson));
    }
}
