package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.media.TestImages;
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
}
