package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.DomainPattern;
import app.kindred.api.ApiClient;
import app.kindred.policy.DomainBlock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Follows from a limited instance wait for a moderator, who approves (Accept) or refuses (Reject) them. */
class FollowRequestsTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @Test
    void aLimitedInstancesFollowWaitsForAModeratorsAnswer() throws Exception {
        try (var server = TestServer.start(Map.of())) {
            var app = server.app();
            app.startWorkers();
            var api = new ApiClient(server);
            var moderator = api.member("keeper");
            long peers = api.community(moderator, "peers");
            var stranger = api.member("stranger");
            var group = server.base() + "/c/peers";
            app.policyService()
                    .block(
                            new DomainBlock(
                                    DomainPattern.parse("127.0.0.1:" + remote.getPort()),
                                    DomainBlock.Severity.LIMIT,
                                    false,
                                    false,
                                    "",
                                    "",
                                    false,
                                    null),
                            "admin",
                            "");

            var approved = RemotePeer.serve(remote, "first");
            var refused = RemotePeer.serve(remote, "second");
            for (var peer : new RemotePeer[] {approved, refused}) {
                assertEquals(
                        202,
                        RemotePeer.post(
                                        URI.create(group + "/inbox"),
                                        RemotePeer.AP,
                                        RemotePeer.follow(peer.id() + "/follows/1", peer.id(), group),
                                        peer.cavage())
                                .statusCode());
            }
            eventually(() -> assertEquals(
                    2,
                    ApiClient.body(api.get("/api/v1/communities/" + peers + "/follow_requests", moderator))
                            .size()));
            assertEquals(
                    0,
                    api.count("select count(*) from follow where state = 'accepted'"),
                    "nothing accepted on its own");
            assertEquals(0, api.count("select count(*) from outbound_activity where body like '%\"Accept\"%'"));

            assertEquals(
                    403,
                    api.get("/api/v1/communities/" + peers + "/follow_requests", stranger)
                            .statusCode());
            var requests = ApiClient.body(api.get("/api/v1/communities/" + peers + "/follow_requests", moderator));
            long first = -1, second = -1;
            for (var r : requests) {
                if (r.get("actor").asText().equals(approved.id()))
                    first = r.get("actorId").asLong();
                if (r.get("actor").asText().equals(refused.id()))
                    second = r.get("actorId").asLong();
            }
            assertEquals(
                    403,
                    api.post(
                                    "/api/v1/communities/" + peers + "/follow_requests/" + first + "/approve",
                                    Map.of(),
                                    stranger)
                            .statusCode());
            assertEquals(
                    204,
                    api.post(
                                    "/api/v1/communities/" + peers + "/follow_requests/" + first + "/approve",
                                    Map.of(),
                                    moderator)
                            .statusCode());
            assertEquals(
                    204,
                    api.post(
                                    "/api/v1/communities/" + peers + "/follow_requests/" + second + "/reject",
                                    Map.of(),
                                    moderator)
                            .statusCode());
            assertEquals(
                    404,
                    api.post(
                                    "/api/v1/communities/" + peers + "/follow_requests/" + second + "/reject",
                                    Map.of(),
                                    moderator)
                            .statusCode());

            assertEquals(
                    1,
                    api.count(
                            "select count(*) from follow f join actor a on a.id = f.follower_id "
                                    + "where a.uri = ? and f.state = 'accepted'",
                            approved.id()));
            assertEquals(
                    0,
                    api.count(
                            "select count(*) from follow f join actor a on a.id = f.follower_id where a.uri = ?",
                            refused.id()));
            assertEquals(
                    1,
                    api.count(
                            "select count(*) from outbound_activity where body like '%\"Accept\"%' and body like ?",
                            "%" + approved.id() + "/follows/1%"));
            assertEquals(
                    1,
                    api.count(
                            "select count(*) from outbound_activity where body like '%\"Reject\"%' and body like ?",
                            "%" + refused.id() + "/follows/1%"));
        }
    }
}
