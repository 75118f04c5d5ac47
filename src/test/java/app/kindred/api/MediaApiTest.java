package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static app.kindred.api.Problems.assertProblem;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.media.TestImages;
import app.kindred.member.Role;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploading images, link and image threads, avatars, icons, banners, and taking images away again. */
class MediaApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String alice, bob, root;
    private static long community;
    private static Path dataDir;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("kindred-media");
        server = TestServer.start(
                Map.of("KINDRED_DATA_DIR", dataDir.toString(), "KINDRED_MEDIA_MAX_UPLOAD_BYTES", "3000000"));
        api = new ApiClient(server);
        alice = api.member("alice");
        bob = api.member("bob");
        server.app().members().create("root", ApiClient.PASSWORD, Role.ADMIN);
        root = api.logIn("root");
        community = api.community(alice, "pictures");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> upload(String token, String filename, String declaredType, byte[] bytes, String alt) {
        var boundary = "kindred-test-boundary";
        var out = new ByteArrayOutputStream();
        if (alt != null) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n" + alt + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\nContent-Type: " + declaredType + "\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(server.base() + "/api/v1/media"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()));
        if (token != null) request.header("Authorization", "Bearer " + token);
        return send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return HTTP.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> fetch(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode uploaded(String token, byte[] bytes, String alt) {
        var response = upload(token, "photo.jpg", "image/jpeg", bytes, alt);
        assertEquals(201, response.statusCode(), response.body());
        return body(response);
    }

    @Test
    void anUploadedPhotoIsServedFromHereWithoutItsGpsAndWithOurHeaders() {
        var photo = TestImages.jpegWithGps(120, 80);
        var media = uploaded(alice, photo, "a harbour at dusk");
        assertTrue(media.get("id").asLong() > 0);
        assertEquals(120, media.get("width").asInt());
        assertEquals(80, media.get("height").asInt());
        var url = media.get("url").asText();
        assertTrue(url.startsWith(server.base() + "/media/"), url);

        var served = fetch(url);
        assertEquals(200, served.statusCode());
        assertEquals("image/jpeg", served.headers().firstValue("Content-Type").orElse(""));
        assertEquals(
                "nosniff", served.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertTrue(served.headers().firstValue("Cache-Control").orElse("").contains("max-age=31536000"));
        assertFalse(TestImages.jpegMarkers(served.body()).contains(0xE1), "no Exif segment in the served file");
        assertFalse(TestImages.contains(served.body(), "Exif"));
        assertFalse(TestImages.contains(served.body(), TestImages.GPS_MARK));
        assertTrue(
                Files.exists(
                        dataDir.resolve("media").resolve("local").resolve(url.substring(url.lastIndexOf('/') + 1))),
                "stored on disk under the data folder");
    }

    @Test
    void anUploadMayBeLargerThanTheJsonBodyLimit() {
        var photo = TestImages.noisyPng(700, 700);
        assertTrue(photo.length > 1_048_576, "larger than server.max_body_bytes: " + photo.length);
        var media = uploaded(alice, photo, "static");
        assertEquals(700, media.get("width").asInt());
    }

    @Test
    void hostileFilesAreRefusedWithAReason() {
        // A PNG header claiming 100000 x 100000 pixels: refused from the header, quickly.
        long start = System.nanoTime();
        var bomb = assertProblem(
                upload(alice, "bomb.png", "image/png", TestImages.pngClaiming(100_000, 100_000), "x"), 422, "file");
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000);
        assertTrue(bomb.get("detail").asText().contains("pixels"), bomb.toString());
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(assertProblem(upload(alice, "cat.png", "image/png", svg, "x"), 422, "file")
                .get("detail")
                .asText()
                .contains("SVG"));
        var jpeg = TestImages.jpeg(200, 200);
        assertProblem(upload(alice, "cut.jpg", "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2), "x"), 422, "file");
        // The declared type and name do not matter: HTML called image/png is still HTML.
        assertProblem(
                upload(
                        alice,
                        "page.png",
                        "image/png",
                        "<html><body>hi</body></html>".getBytes(StandardCharsets.UTF_8),
                        "x"),
                422,
                "file");
        var tooLarge = assertProblem(upload(alice, "big.png", "image/png", new byte[4_000_000], "x"), 422, "file");
        assertTrue(tooLarge.get("detail").asText().contains("3000000"), tooLarge.toString());
        // A PNG called .txt and sent as text/plain is a PNG all the same.
        assertEquals(
                201,
                upload(alice, "notes.txt", "text/plain", TestImages.png(8, 8, true), "dots")
                        .statusCode());
        // JSON is not how an image comes, and nobody anonymous uploads.
        assertProblem(api.post("/api/v1/media", Map.of("file", "x"), alice), 415, null);
        assertEquals(
                401,
                upload(null, "a.png", "image/png", TestImages.png(4, 4, false), "x")
                        .statusCode());
    }

    @Test
    void aPolyglotIsServedOnlyAsTheImageWeMade() {
        var gif = TestImages.gif(16, 16);
        var html = "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.US_ASCII);
        var polyglot = Arrays.copyOf(gif, gif.length + html.length);
        System.arraycopy(html, 0, polyglot, gif.length, html.length);
        var media = uploaded(alice, polyglot, "a square");
        var served = fetch(media.get("url").asText());
        assertFalse(TestImages.contains(served.body(), "<script"));
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("image/"));
    }

    @Test
    void aLinkAndImageThreadShowsItsUrlHostAndImagesAndNeedsAltText() {
        var described = uploaded(alice, TestImages.jpeg(40, 30), "two mugs of tea on a table")
                .get("id")
                .asLong();
        var undescribed =
                uploaded(alice, TestImages.jpeg(40, 30), null).get("id").asLong();

        var refused = assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Tea", "media", List.of(undescribed)),
                        alice),
                422,
                "media");
        assertTrue(refused.get("detail").asText().contains("alt text"), refused.toString());
        assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Tea", "url", "javascript:alert(1)"),
                        alice),
                422,
                "url");
        var notHers = uploaded(bob, TestImages.jpeg(10, 10), "bob's").get("id").asLong();
        assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Tea", "media", List.of(notHers)),
                        alice),
                403,
                "media");

        var response = api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Tea helps", "url", "https://calm.example/articles/tea", "media", List.of(described)),
                alice);
        assertEquals(201, response.statusCode(), response.body());
        var thread = body(response);
        assertEquals("https://calm.example/articles/tea", thread.get("url").asText());
        assertEquals("calm.example", thread.get("url_host").asText());
        var image = thread.get("images").get(0);
        assertEquals("two mugs of tea on a table", image.get("alt").asText());
        assertEquals(40, image.get("width").asInt());
        assertTrue(image.get("url").asText().startsWith(server.base() + "/media/"));

        // The post document carries the link and the image the way Lemmy and Mastodon read them.
        var document = server.activityJson(thread.get("ap_id").asText());
        var attachments = document.get("attachment");
        assertEquals("Link", attachments.get(0).get("type").asText());
        assertEquals(
                "https://calm.example/articles/tea",
                attachments.get(0).get("href").asText());
        assertEquals("Image", attachments.get(1).get("type").asText());
        assertEquals(image.get("url").asText(), attachments.get(1).get("url").asText());
        assertEquals(
                "two mugs of tea on a table", attachments.get(1).get("name").asText());
        assertEquals(image.get("url").asText(), document.get("image").get("url").asText());

        // An image belongs to one post.
        assertProblem(
                api.post(
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Again", "media", List.of(described)),
                        alice),
                409,
                "media");
    }

    @Test
    void aLinkToAnImageIsShownAsAnImageThroughTheProxy() {
        var thread = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Look", "url", "https://pictures.example/cat.PNG"),
                alice));
        assertEquals("pictures.example", thread.get("url_host").asText());
        var image = thread.get("images").get(0).get("url").asText();
        assertTrue(image.startsWith(server.base() + "/media/remote/"), image);
        var plain = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Read", "url", "https://pictures.example/article"),
                alice));
        assertEquals(0, plain.get("images").size());
    }

    @Test
    void uploadsNothingUsedWithinADayAreRemovedWithTheirFiles() {
        var unused = uploaded(bob, TestImages.jpeg(12, 12), "never posted");
        var used = uploaded(bob, TestImages.jpeg(12, 12), "posted");
        api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Used", "media", List.of(used.get("id").asLong())),
                bob);
        server.sql(
                "update media set created_at = now() - interval '2 days' where id in (?, ?)",
                unused.get("id").asLong(),
                used.get("id").asLong());
        var fresh = uploaded(bob, TestImages.jpeg(12, 12), "just now");
        assertTrue(server.app().media().removeUnused(Instant.now(), Duration.ofDays(1)) >= 1);
        assertEquals(404, fetch(unused.get("url").asText()).statusCode());
        assertEquals(200, fetch(used.get("url").asText()).statusCode());
        assertEquals(200, fetch(fresh.get("url").asText()).statusCode());
    }

    @Test
    void deletingAPostDeletesItsUploads() {
        var media = uploaded(alice, TestImages.jpeg(20, 20), "a leaf");
        var thread = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Leaf", "media", List.of(media.get("id").asLong())),
                alice));
        var url = media.get("url").asText();
        assertEquals(200, fetch(url).statusCode());
        assertEquals(
                204,
                api.delete("/api/v1/posts/" + thread.get("id").asLong(), alice).statusCode());
        assertEquals(404, fetch(url).statusCode());
        assertFalse(
                Files.exists(
                        dataDir.resolve("media").resolve("local").resolve(url.substring(url.lastIndexOf('/') + 1))),
                "the file is gone from disk too");
    }

    @Test
    void anAdminRemovesAnImageEverywhereItIsUsed() {
        var media = uploaded(alice, TestImages.jpeg(20, 20), "a stone");
        long id = media.get("id").asLong();
        var thread = body(api.post(
                "/api/v1/communities/" + community + "/threads",
                Map.of("title", "Stone", "media", List.of(id)),
                alice));
        assertEquals(200, api.patch("/api/v1/me", Map.of("avatar", id), alice).statusCode());

        assertProblem(api.delete("/api/v1/admin/media/" + id, bob), 403, null);
        assertEquals(204, api.delete("/api/v1/admin/media/" + id, root).statusCode());
        assertEquals(404, fetch(media.get("url").asText()).statusCode());
        assertEquals(
                0,
                body(api.get("/api/v1/posts/" + thread.get("id").asLong(), null))
                        .get("images")
                        .size());
        assertTrue(body(api.get("/api/v1/me", alice)).get("avatar").isNull());
    }

    @Test
    void avatarsIconsAndBannersAreUploadsAndFederateOnActors() {
        var avatar = uploaded(bob, TestImages.png(64, 64, true), "a fox");
        var response = api.patch("/api/v1/me", Map.of("avatar", avatar.get("id").asLong()), bob);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(avatar.get("url").asText(), body(response).get("avatar").asText());
        var post = body(api.post("/api/v1/communities/" + community + "/threads", Map.of("title", "Hello"), bob));
        assertEquals(
                avatar.get("url").asText(), post.get("author_avatar").asText(), "posts show their author's avatar");
        var person = server.activityJson(body(response).get("actor_id").asText());
        assertEquals("Image", person.get("icon").get("type").asText());
        assertEquals(avatar.get("url").asText(), person.get("icon").get("url").asText());

        var icon = uploaded(alice, TestImages.png(64, 64, false), "a lighthouse")
                .get("id")
                .asLong();
        var banner =
                uploaded(alice, TestImages.jpeg(300, 100), "the sea").get("id").asLong();
        var bobsIcon =
                uploaded(bob, TestImages.png(32, 32, false), "x").get("id").asLong();
        assertProblem(api.patch("/api/v1/communities/" + community, Map.of("icon", bobsIcon), bob), 403, null);
        var edited = api.patch("/api/v1/communities/" + community, Map.of("icon", icon, "banner", banner), alice);
        assertEquals(200, edited.statusCode(), edited.body());
        var view = body(api.get("/api/v1/communities/" + community, null));
        assertTrue(view.get("icon").asText().startsWith(server.base() + "/media/"), view.toString());
        assertTrue(view.get("banner").asText().startsWith(server.base() + "/media/"), view.toString());
        var group = server.activityJson(view.get("actor_id").asText());
        assertEquals(view.get("icon").asText(), group.get("icon").get("url").asText());
        assertEquals(view.get("banner").asText(), group.get("image").get("url").asText());
        assertEquals(
                200,
                api.patch("/api/v1/communities/" + community, Collections.singletonMap("banner", null), alice)
                        .statusCode());
        assertTrue(body(api.get("/api/v1/communities/" + community, null))
                .get("banner")
                .isNull());
    }
}
