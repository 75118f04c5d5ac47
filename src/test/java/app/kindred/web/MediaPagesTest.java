package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.media.MediaStore;
import app.kindred.media.TestImages;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Link and image posts, avatars and icons on the member pages: sized, lazy, and behind a content warning when there is one. */
class MediaPagesTest {
    private static TestServer server;
    private static long peers;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of(
                "KINDRED_DATA_DIR", Files.createTempDirectory("kindred-pages").toString()));
        server.app().members().create("alice", "a calm long passphrase", Role.MEMBER);
        peers = server.app()
                .communities()
                .create("peers", "Peer support", "A calm place", "alice")
                .id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWarnedImagePostKeepsItsImageClosedAndSizedAndItsLinkMarkedAsUgc() {
        var app = server.app();
        var alice = app.members().find("alice").orElseThrow();
        var image = app.media().upload(alice, TestImages.jpeg(320, 200), "a stormy sea");
        var thread = app.threads()
                .startThread(
                        alice,
                        peers,
                        new ThreadService.Draft("Rough days", "words", "storms", null, null),
                        new ThreadService.Attachments("https://weather.example/today", List.of(image.id())));

        var page = Jsoup.parse(new WebClient(server).get("/p/" + thread.id()).body());
        var warned = page.selectFirst("article.thread details.cw");
        assertNotNull(warned);
        var img = warned.selectFirst("img");
        assertNotNull(img, "the image is inside the closed warning");
        assertEquals(app.media().url(image), img.attr("src"));
        assertEquals("a stormy sea", img.attr("alt"));
        assertEquals("320", img.attr("width"));
        assertEquals("200", img.attr("height"));
        assertEquals("lazy", img.attr("loading"));
        assertTrue(page.select("article.thread > .post-images").isEmpty(), "no image outside the warning");
        var link = warned.selectFirst("p.link a");
        assertEquals("https://weather.example/today", link.attr("href"));
        assertEquals("weather.example", link.text());
        assertEquals("nofollow noopener ugc", link.attr("rel"));
    }

    @Test
    void avatarsAndCommunityIconsAreShownFromOurOwnAddresses() {
        var app = server.app();
        var alice = app.members().find("alice").orElseThrow();
        var avatar = app.media().upload(alice, TestImages.png(40, 40, true), null);
        app.media().setAvatar(alice, avatar.id());
        var icon = app.media().upload(alice, TestImages.png(40, 40, false), null);
        app.media().setCommunityPicture(alice, peers, MediaStore.Slot.ICON, icon.id());
        app.threads().startThread(alice, peers, new ThreadService.Draft("Hello", "hi", null, null, null));

        var member = Jsoup.parse(new WebClient(server).get("/u/alice").body());
        assertEquals(app.media().url(avatar), member.selectFirst("h1 img").attr("src"));
        var community =
                Jsoup.parse(new WebClient(server).get("/c/peers?sort=new").body());
        assertEquals(app.media().url(icon), community.selectFirst("h1 img.icon").attr("src"));
        assertEquals(
                app.media().url(avatar),
                community.selectFirst("img.avatar").attr("src"),
                "bylines carry the author's avatar");
        assertEquals("24", community.selectFirst("img.avatar").attr("width"));
    }
}
