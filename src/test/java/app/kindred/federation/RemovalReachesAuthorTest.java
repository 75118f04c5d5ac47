package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A moderator's removal reaches the server of the removed post's author whether or not it follows
 * the community: a Mastodon author who only mentioned the group, or a member whose follow a ban has
 * just ended, would otherwise go on showing the post as if nothing happened.
 */
class RemovalReachesAuthorTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static TestServer server;
    private static ApiClient api;
    private static String mod;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                Map.of("KINDRED_DELIVERY_TIME_SCALE", "0.001", "KINDRED_DELIVERY_POLL_INTERVAL", "50ms"));
        server.app().startWorkers();
        api = new ApiClient(server);
        mod = api.member("mira");
        api.community(mod, "circle");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theAuthorsServerHearsOfTheRemovalThoughItFollowsNothing() throws Exception {
        remote.stubFor(post(urlMatching("/.*")).willReturn(aResponse().withStatus(202)));
        var writer = RemotePeer.serve(remote, "writer");
        var group = server.base() + "/c/circle";
        var note = writer.id() + "/notes/1";
        var create = """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Create", "actor": "%s",
                 "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                 "object": {"id": "%s", "type": "Page", "name": "Selling things", "content": "<p>buy</p>",
                            "attributedTo": "%s", "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%s"],
                            "audience": "%s"}}""".formatted(writer.activityId(), writer.id(), group, note, writer.id(), group, group);
        var id = new ObjectMapper().readTree(create).get("id").asText();
        assertEquals(
                202,
                RemotePeer.post(URI.create(group + "/inbox"), RemotePeer.AP, create, writer.cavage())
                        .statusCode());
        var state = new String[1];
        eventually(() -> {
            state[0] = server.app()
                    .database()
                    .read(c -> app.kindred.storage.Sql.one(
                            c,
                            "select state || ' ' || coalesce(last_error, '') from inbound_activity where activity_id = ?",
                            rs -> rs.getString(1),
                            id))
                    .orElseThrow();
            assertNotEquals("pending", state[0].split(" ")[0]);
        });
        long postId = api.count("select id from post where uri = ?", note);
        assertTrue(postId > 0, "the writer's thread was taken: " + state[0]);
        assertEquals(0, api.count("select count(*) from follow"), "the writer follows nothing here");

        var removed = api.post("/api/v1/posts/" + postId + "/removal", Map.of("reason", "rule 1"), mod);
        assertEquals(200, removed.statusCode(), removed.body());

        eventually(() -> assertTrue(
                remote
                        .findAll(postRequestedFor(
                                urlEqualTo(URI.create(writer.id()).getPath() + "/inbox")))
                        .stream()
                        .anyMatch(r -> r.getBodyAsString().contains("\"Delete\"")
                                && r.getBodyAsString().contains(note)),
                "the Announce{Delete} reached the writer's inbox"));
    }
}
