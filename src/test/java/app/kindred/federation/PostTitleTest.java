package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** A thread from Mastodon has no name: its title comes from its first line of text. */
class PostTitleTest {
    private static ContentObject note(String content) throws Exception {
        var json = new ObjectMapper()
                .createObjectNode()
                .put("id", "https://m.example/notes/1")
                .put("type", "Note")
                .put("attributedTo", "https://m.example/users/a")
                .put("content", content);
        return (ContentObject) ((ReadResult.Supported) new ActivityPubReader().read(json)).document();
    }

    @Test
    void theFirstLineWithoutTheMentionAndWithEntitiesDecoded() throws Exception {
        var read = PostDocuments.read(
                note("<p><span class=\"h-card\"><a href=\"https://k.example/c/peers\">@<span>peers</span></a></span>"
                        + " I&#39;m struggling &amp; tired &lt;today&gt;<br>and the second line</p><p>more</p>"),
                true);
        assertEquals("I'm struggling & tired <today>", read.title());
    }

    @Test
    void paragraphsAreLinesAndAnEmptyPostIsUntitled() throws Exception {
        assertEquals(
                "first",
                PostDocuments.read(note("<p></p><p>first</p><p>second</p>"), true)
                        .title());
        assertEquals(
                "(untitled)",
                PostDocuments.read(note("<p><script>x</script></p>"), true).title());
        assertNull(PostDocuments.read(note("<p>a comment</p>"), false).title());
    }
}
