package app.kindred.federation;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.web.WebServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A remote host that floods us is slowed with 429 and Retry-After; what it sent in time is kept. */
class InboundLimitsTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    private static void assertLimited(HttpResponse<String> response, String what) {
        assertEquals(429, response.statusCode(), response.body());
        assertEquals(WebServer.PROBLEM_JSON, TestServer.mediaType(response), response.body());
        assertTrue(Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow()) >= 1);
        assertTrue(TestServer.json(response).path("detail").asText().contains(what), response.body());
    }

    @Test
    void activitiesAndKeyFetchesAreLimitedPerRemoteHost() {
        try (var server = TestServer.start(
                Map.of("KINDRED_LIMITS_INBOUND_HOST", "3/1h", "KINDRED_LIMITS_KEY_FETCH_HOST", "1/1h"))) {
            server.app().members().create("ada", "correct horse battery", Role.MEMBER);
            server.app().communities().create("calm", "Calm", "", "ada");
            var inbox = URI.create(server.base() + "/c/calm/inbox");
            var community = server.base() + "/c/calm";
            var first = RemotePeer.serve(remote, "first");
            var second = RemotePeer.serve(remote, "second");

            assertEquals(
                    202,
                    RemotePeer.post(inbox, RemotePeer.AP, first.follow(community), first.cavage())
                            .statusCode());
            // The host's one key fetch is spent on the first actor; the second actor's key must wait.
            assertLimited(
                    RemotePeer.post(inbox, RemotePeer.AP, second.follow(community), second.cavage()), "signing keys");

            // The known key needs no fetch: the host may send up to its share of activities.
            assertEquals(
                    202,
                    RemotePeer.post(inbox, RemotePeer.AP, first.follow(community), first.cavage())
                            .statusCode());
            assertEquals(
                    202,
                    RemotePeer.post(inbox, RemotePeer.AP, first.follow(community), first.cavage())
                            .statusCode());
            assertLimited(RemotePeer.post(inbox, RemotePeer.AP, first.follow(community), first.cavage()), "activities");

            assertEquals(
                    3L,
                    (long) server.app().database().read(c -> Sql.count(c, "select count(*) from inbound_activity")),
                    "what was refused is not stored");
        }
    }
}
