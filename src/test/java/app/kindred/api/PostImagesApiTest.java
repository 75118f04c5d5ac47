package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.media.TestImages;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Comments with images, and a post's link and images changed by an edit (PATCH) and sent as an Update. */
class PostImagesApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String alice;
    private static long community;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(Map.of(
                "KINDRED_DATA_DIR",
                Files.createTempDirectory("kindred-post-images").toString()));
        api = new ApiClient(server);
        alice = api.member("alice");
        community = api.community(alice, "pictures");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static long upload(String alt) {
        var member = server.app().members().find("alice").orElseThrow();
        return server.app().media().upload(member, TestImages.jpeg(40, 30), alt).id();
    }

    private static List<String> alts(JsonNode post) {
        var out = new ArrayList<String>();
        for (var image : post.get("images")) out.add(image.get("alt").asText());
        return out;
    }

    private static int status(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void aCommentCarriesDescribedImagesAndNoLink() {
        var thread = body(api.post("/api/v1/communities/" + community + "/threads", Map.of("title", "Hi"), alice));
        var path = "/api/v1/posts/" + thread.get("id").asLong() + "/comments";

        var refused = assertProblem(
                api.post(path, Map.of("body", "look", "media", List.of(upload(null))), alice), 422, "media");
        assertTrue(refused.get("detail").asText().contains("alt text"));
        assertEquals(
                400,
                api.post(path, Map.of("body", "look", "url", "https://a.example"), alice)
                        .statusCode());

        var response = api.post(path, Map.of("body", "look", "media", List.of(upload("a sleeping cat"))), alice);
        assertEquals(201, response.statusCode(), response.body());
        var comment = body(response);
        assertEquals(List.of("a sleeping cat"), alts(comment));
        var note = server.activityJson(comment.get("ap_id").asText());
        assertEquals("Image", note.get("attachment").get(0).get("type").asText());
        assertEquals("a sleeping cat", note.get("attachment").get(0).get("name").asText());
    }

    @Test
    void anEditChangesTheLinkAndImagesAndRemovesTheImagesLeftOut() throws Exception {
        long first = upload("first"), second = upload("second");
        var thread = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Edits", "body", "words", "url", "https://old.example/", "media", List.of(first)),
                alice));
        var path = "/api/v1/posts/" + thread.get("id").asLong();
        var firstUrl = thread.get("images").get(0).get("url").asText();

        // Both, reordered and a new one: the words stay as they were.
        var edited = api.patch(path, Map.of("url", "https://new.example/x", "media", List.of(second, first)), alice);
        assertEquals(200, edited.statusCode(), edited.body());
        var view = body(edited);
        assertEquals("https://new.example/x", view.get("url").asText());
        assertEquals(List.of("second", "first"), alts(view));
        assertEquals("words", view.get("source").asText());

        // The Update that goes out, and the document, carry the new link and images.
        var update = server.app()
                .database()
                .read(c -> Sql.one(
                        c,
                        "select body from outbound_activity where object_id = ? and body::jsonb ->> 'type' = 'Update'"
                                + " order by id desc limit 1",
                        rs -> rs.getString(1),
                        thread.get("ap_id").asText()))
                .orElseThrow();
        assertTrue(update.contains("https://new.example/x") && update.contains("\"second\""), update);
        var document = server.activityJson(thread.get("ap_id").asText());
        assertEquals(
                "https://new.example/x",
                document.get("attachment").get(0).get("href").asText());
        assertEquals("second", document.get("attachment").get(1).get("name").asText());

        // Only the images named: the link stays, and the image left out is gone with its file.
        view = body(api.patch(path, Map.of("media", List.of(second)), alice));
        assertEquals("https://new.example/x", view.get("url").asText());
        assertEquals(List.of("second"), alts(view));
        assertEquals(404, status(firstUrl), "a removed image is no longer served");

        // The link taken away: the images stay.
        var noLink = new HashMap<String, Object>();
        noLink.put("url", null);
        view = body(api.patch(path, noLink, alice));
        assertTrue(view.get("url") == null || view.get("url").isNull(), view.toString());
        assertEquals(List.of("second"), alts(view));

        // The same rules as a new post: described, the author's own, at most four.
        assertProblem(api.patch(path, Map.of("media", List.of(upload(null))), alice), 422, "media");
        assertProblem(
                api.patch(
                        path,
                        Map.of("media", List.of(upload("a"), upload("b"), upload("c"), upload("d"), upload("e"))),
                        alice),
                422,
                "media");
        assertProblem(api.patch(path, Map.of("url", "javascript:alert(1)"), alice), 422, "url");
        assertEquals(List.of("second"), alts(body(api.get(path, null))), "a refused edit changed nothing");
        assertEquals(
                200,
                api.patch(path, Map.of("media", Collections.emptyList()), alice).statusCode());
        assertEquals(List.of(), alts(body(api.get(path, null))));
    }
}
