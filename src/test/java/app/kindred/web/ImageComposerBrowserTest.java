package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.media.TestImages;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Images chosen in the composer, with JavaScript off: alt text is required and said why, problems
 * stand by their fields with the words kept, a photo's GPS position never reaches the served file,
 * replies take images too, and a member changes their picture. Every form passes axe.
 */
class ImageComposerBrowserTest {
    private static final String PASSWORD = "a calm long passphrase";
    private static final int MAX_UPLOAD = 200_000;
    private static TestServer server;
    private static Browser browser;
    private static Browser scanner;
    private static Path files;
    private static long thread;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of(
                "KINDRED_DATA_DIR",
                Files.createTempDirectory("kindred-composer").toString(),
                "KINDRED_MEDIA_MAX_UPLOAD_BYTES",
                String.valueOf(MAX_UPLOAD)));
        var app = server.app();
        var alice = app.members().create("alice", PASSWORD, Role.MEMBER);
        var peers = app.communities().create("peers", "Peer support", "A calm place", "alice");
        thread = app.threads()
                .startThread(alice, peers.id(), new ThreadService.Draft("Hello", "Say hi", null, null, null))
                .id();
        files = Files.createTempDirectory("kindred-composer-files");
        Files.write(files.resolve("harbour.jpg"), TestImages.jpegWithGps(240, 160));
        Files.write(
                files.resolve("notes.jpg"), "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8));
        Files.write(files.resolve("huge.png"), TestImages.noisyPng(400, 400));
        assertTrue(Files.size(files.resolve("huge.png")) > MAX_UPLOAD, "the big file must be over the limit");
        Files.write(files.resolve("face.png"), TestImages.png(64, 64, false));
        browser = new Browser(server.base(), false);
        scanner = new Browser(server.base(), true);
        browser.signIn("alice", PASSWORD);
        scanner.signIn("alice", PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        Browser.closeAll(browser, scanner, server);
    }

    private static String file(String name) {
        return files.resolve(name).toAbsolutePath().toString();
    }

    @Test
    void aPhotoWithItsPlaceInItIsPostedWithAltTextAndServedWithoutThePlace() throws Exception {
        browser.open("/c/peers/new");
        assertTrue(browser.find("#images-hint").getText().contains("screen reader"), "the form says why alt text");
        assertEquals(
                "multipart/form-data",
                browser.find("form[action='/c/peers/new']").getAttribute("enctype"));

        // A file without its description: the problem by the alt field, the words kept.
        browser.type("#title", "The harbour at dusk");
        browser.type("#body", "I walked here *today*.");
        browser.find("#image1").sendKeys(file("harbour.jpg"));
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("#alt1", browser.find(".error-summary a").getAttribute("hash"));
        assertTrue(browser.find("#alt1-error").getText().contains("Describe image 1"));
        assertEquals("images-hint alt1-error", browser.find("#alt1").getAttribute("aria-describedby"));
        assertEquals("The harbour at dusk", browser.find("#title").getAttribute("value"));
        assertEquals("I walked here *today*.", browser.find("#body").getAttribute("value"));

        // A file that is no image and one too large: each refused by its own field.
        browser.find("#image1").sendKeys(file("harbour.jpg"));
        browser.type("#alt1", "Boats in a harbour at dusk");
        browser.find("#image2").sendKeys(file("notes.jpg"));
        browser.type("#alt2", "my notes");
        browser.find("#image3").sendKeys(file("huge.png"));
        browser.type("#alt3", "static");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertTrue(
                browser.find("#image2-error").getText().startsWith("Image 2:"),
                browser.find("#image2-error").getText());
        assertTrue(browser.find("#image3-error").getText().contains("too large"));
        assertEquals("The harbour at dusk", browser.find("#title").getAttribute("value"));
        // The good photo was taken in already and comes back as a kept image, not as an empty field.
        var kept = browser.find("input[name=image1_id]").getAttribute("value");
        assertNotNull(kept);
        assertTrue(browser.all("#image1").isEmpty());
        assertEquals(
                "Boats in a harbour at dusk", browser.find(".image-slot img").getAttribute("alt"));

        browser.clickAndLoad(browser.find("button[name=publish]"));
        assertEquals("The harbour at dusk", browser.find("h1").getText());
        var img = browser.find("article.thread .post-images img");
        assertEquals("Boats in a harbour at dusk", img.getAttribute("alt"));
        assertEquals("240", img.getAttribute("width"));
        var served = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(img.getAttribute("src")))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertEquals("image/jpeg", served.headers().firstValue("Content-Type").orElse(""));
        assertTrue(TestImages.contains(TestImages.jpegWithGps(240, 160), TestImages.GPS_MARK), "the test file has it");
        assertFalse(TestImages.contains(served.body(), TestImages.GPS_MARK), "the served photo carries no place");
        assertFalse(TestImages.contains(served.body(), "Exif"), "nor any Exif block");
    }

    @Test
    void aReplyCarriesAnImageToo() {
        browser.open("/p/" + thread + "/reply");
        browser.type("#body", "Here is where I sit.");
        browser.find("#image1").sendKeys(file("harbour.jpg"));
        browser.type("#alt1", "A bench by the water");
        browser.clickAndLoad(browser.find("button[name=publish]"));
        var images = browser.all("ol li .post-images img");
        assertEquals(1, images.size(), browser.driver.getCurrentUrl());
        assertEquals("A bench by the water", images.getFirst().getAttribute("alt"));
    }

    @Test
    void aMemberChangesTheirPictureFromTheirOwnPage() {
        browser.open("/u/alice");
        browser.clickAndLoad(browser.find("a[href='/settings/avatar']"));
        browser.clickAndLoad(browser.find("button[name=save]"));
        assertEquals("#avatar", browser.find(".error-summary a").getAttribute("hash"));
        browser.find("#avatar").sendKeys(file("face.png"));
        browser.clickAndLoad(browser.find("button[name=save]"));
        assertTrue(browser.find("main [role=status]").getText().contains("Your picture is changed"));
        var avatar = server.app().media().pictures(server.actorId("alice")).icon();
        assertNotNull(avatar);
        assertEquals(avatar, browser.find("h1 img").getAttribute("src"));
    }

    @Test
    void theFormsWithImagesPassAxe() {
        var failures = scanner.axeFindings();
        scanner.open("/c/peers/new");
        failures.check("/c/peers/new");
        scanner.find("#image1").sendKeys(file("harbour.jpg"));
        scanner.find("#image2").sendKeys(file("notes.jpg"));
        scanner.type("#alt2", "notes");
        scanner.clickAndLoad(scanner.find("button[name=publish]"));
        assertFalse(scanner.all(".field-error").isEmpty());
        failures.check("/c/peers/new (image problems)");
        scanner.find("#image1").sendKeys(file("harbour.jpg"));
        scanner.type("#alt1", "Boats");
        scanner.clickAndLoad(scanner.find("button[name=preview]"));
        assertEquals(1, scanner.all("input[name=image1_id]").size());
        failures.check("/c/peers/new (a kept image)");
        for (var path : List.of("/p/" + thread + "/reply", "/settings/avatar", "/c/peers/pictures"))
            failures.scan(path);
        failures.assertNone();
    }
}
