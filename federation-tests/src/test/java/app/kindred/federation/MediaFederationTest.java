package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.media.TestImages;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A link post with an image, made on alpha, on beta: its URL and its image arrive, and beta's
 * members see the image through beta's own proxy, fetched from alpha by beta's server.
 */
class MediaFederationTest {
    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() throws Exception {
        alpha = KindredInstance.start(
                "alpha",
                Map.of("KINDRED_DATA_DIR", Files.createTempDirectory("alpha").toString()));
        beta = KindredInstance.start(
                "beta",
                Map.of("KINDRED_DATA_DIR", Files.createTempDirectory("beta").toString()));
        alpha.createMember("alice");
        alpha.createCommunity("gardens", "Gardens", "alice");
        beta.createMember("bob");
    }

    @AfterAll
    static void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
    }

    @Test
    void aLinkPostWithAnImageShowsItsUrlAndItsProxiedImageOnTheOtherInstance() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        beta.app().follows().follow(bob, "!" + alpha.handle("gardens"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));

        var upload = alpha.app().media().upload(alice, TestImages.jpegWithGps(90, 60), "tomatoes on the vine");
        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("gardens").orElseThrow().id(),
                        new ThreadService.Draft("First harvest", "Look!", null, null, null),
                        new ThreadService.Attachments("https://seeds.example/tomatoes", List.of(upload.id())));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));

        var onBeta = beta.post(thread.uri()).orElseThrow();
        assertEquals("https://seeds.example/tomatoes", onBeta.url());
        var attachment =
                new ObjectMapper().readTree(onBeta.extras()).get("attachments").get(1);
        assertEquals("Image", attachment.get("type").asText());
        assertEquals(alpha.app().media().url(upload), attachment.get("href").asText());
        assertEquals("tomatoes on the vine", attachment.get("name").asText());

        var http = HttpClient.newHttpClient();
        var view = new ObjectMapper()
                .readTree(http.send(
                                HttpRequest.newBuilder(URI.create(beta.baseUrl() + "/api/v1/posts/" + onBeta.id()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
        assertEquals("seeds.example", view.get("url_host").asText());
        var image = view.get("images").get(0);
        assertEquals("tomatoes on the vine", image.get("alt").asText());
        assertTrue(image.get("url").asText().startsWith(beta.baseUrl() + "/media/remote/"), image.toString());
        var served = http.send(
                HttpRequest.newBuilder(URI.create(image.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertEquals("image/jpeg", served.headers().firstValue("Content-Type").orElse(""));
        assertFalse(TestImages.contains(served.body(), TestImages.GPS_MARK));
    }

    @Test
    void aNewAvatarOnAlphaIsSeenOnBeta() throws Exception {
        var alice = alpha.member("alice");
        var bob = beta.member("bob");
        if (beta.app().follows().subscriptions(bob).isEmpty())
            beta.app().follows().follow(bob, "!" + alpha.handle("gardens"));
        eventually(() -> assertEquals(
                FollowStore.State.ACCEPTED,
                beta.app().follows().subscriptions(bob).getFirst().state()));
        var thread = alpha.app()
                .threads()
                .startThread(
                        alice,
                        alpha.app().communities().find("gardens").orElseThrow().id(),
                        new ThreadService.Draft("Hello from alice", "hi", null, null, null));
        eventually(() -> assertTrue(beta.post(thread.uri()).isPresent(), "beta has the thread"));
        var aliceOnBeta = beta.post(thread.uri()).orElseThrow().authorId();

        var avatar = alpha.app().media().upload(alice, TestImages.png(48, 48, false), null);
        alpha.app().media().setAvatar(alice, avatar.id());

        // Beta is told by Update{Person} (no refetch): it shows the new picture through its own proxy.
        eventually(() -> assertEquals(
                alpha.app().media().url(avatar),
                beta.app()
                        .database()
                        .read(c -> Sql.one(
                                c, "select icon_url from actor where id = ?", rs -> rs.getString(1), aliceOnBeta))
                        .orElse(null)));
        var shown = beta.app().media().pictures(aliceOnBeta).icon();
        assertTrue(shown.startsWith(beta.baseUrl() + "/media/remote/"), shown);
        var served = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(shown)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, served.statusCode());
        assertTrue(served.headers().firstValue("Content-Type").orElse("").startsWith("image/"));
    }
}
