package app.kindred.federation;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.InteropFixtures;
import app.kindred.activitypub.Activity;
import app.kindred.activitypub.ActivityPubReader;
import app.kindred.activitypub.ContentObject;
import app.kindred.activitypub.ReadResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Link and image posts as Lemmy, Mastodon, WordPress and lotide send them, read into what we store. */
class LinkAndImageFixturesTest {
    private static final Path FIXTURES = InteropFixtures.DIR;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void corpus() {
        InteropFixtures.require("LinkAndImageFixturesTest");
    }

    private static PostDocuments.Incoming read(String fixture) throws Exception {
        var result = new ActivityPubReader().read(Files.readAllBytes(FIXTURES.resolve(fixture)));
        var document = ((ReadResult.Supported) result).document();
        var object = document instanceof Activity a ? (ContentObject) a.object().document() : (ContentObject) document;
        return PostDocuments.read(object, object.inReplyTo() == null);
    }

    private static JsonNode attachments(PostDocuments.Incoming read) throws Exception {
        return JSON.readTree(read.extras()).get("attachments");
    }

    @Test
    void lemmysLinkPostWithAnImageKeepsTheLinkAsUrlAndTheImageAndThumbnail() throws Exception {
        var read = read("lemmy/objects/page_image_and_link.json");
        assertEquals("https://example.com/some-article", read.url());
        var image = attachments(read).get(0);
        assertEquals("Image", image.get("type").asText());
        assertEquals(
                "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png",
                image.get("href").asText());
        assertEquals(
                "https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png",
                JSON.readTree(read.extras()).get("thumbnail").asText());
    }

    @Test
    void lemmysImagePostIsALinkToTheImage() throws Exception {
        var read = read("lemmy/objects/page.json");
        assertEquals("https://enterprise.lemmy.ml/pictrs/image/eOtYb9iEiB.png", read.url());
        assertEquals(
                "https://lemmy.ml/pictrs/image/xl8W7FZfk9.jpg",
                read("lemmy/activities/create_or_update/create_page.json").url());
    }

    @Test
    void mastodonsMediaKeepItsAltText() throws Exception {
        var image = attachments(read("mastodon/objects/note_2.json")).get(0);
        assertEquals("Document", image.get("type").asText());
        assertEquals("image/jpeg", image.get("mediaType").asText());
        assertTrue(image.get("name").asText().startsWith("The KDE dragons"), image.toString());
    }

    @Test
    void wordpressAndLotideImagesAreRead() throws Exception {
        var wordpress = attachments(read("wordpress/objects/page.json")).get(0);
        assertEquals("Image", wordpress.get("type").asText());
        assertEquals("A fleet of varied spacships", wordpress.get("name").asText());
        var lotide =
                attachments(read("lotide/activities/create_page_image.json")).get(0);
        assertEquals(
                "http://ltthostname.local:3334/api/stable/posts/46/href",
                lotide.get("href").asText());
    }

    @Test
    void rejectingMediaDropsLinkImagesAndThumbnail() throws Exception {
        var stripped = read("lemmy/objects/page_image_and_link.json").withoutMedia();
        assertNull(stripped.url());
        assertEquals(0, attachments(stripped).size());
        assertFalse(stripped.extras().contains("pictrs"), stripped.extras());
    }
}
