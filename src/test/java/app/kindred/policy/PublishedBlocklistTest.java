package app.kindred.policy;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.actor.DomainPattern;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The blocklist is published only when the admin says so, with the domains they asked to hide starred. */
class PublishedBlocklistTest {
    private static DomainBlock block(String domain, DomainBlock.Severity severity, boolean obfuscate) {
        return new DomainBlock(
                DomainPattern.parse(domain),
                severity,
                false,
                false,
                "harassment of members",
                "note to self",
                obfuscate,
                null);
    }

    @Test
    void publishedWithObfuscationInTheApiAndNodeInfo() {
        try (var server = TestServer.start(Map.of("KINDRED_FEDERATION_PUBLISH_BLOCKLIST", "obfuscated"))) {
            var policy = server.app().policyService();
            policy.block(block("hostile.example", DomainBlock.Severity.SUSPEND, false), "admin", "");
            policy.block(block("quiet-harm.example", DomainBlock.Severity.LIMIT, true), "admin", "");
            var api = server.get("/api/v1/instance/domain_blocks", "application/json");
            assertEquals(200, api.statusCode());
            assertTrue(api.body().contains("\"domain\":\"hostile.example\""), api.body());
            assertTrue(api.body().contains("\"severity\":\"silence\""), api.body());
            assertFalse(api.body().contains("quiet-harm.example"), "an obfuscated domain is starred: " + api.body());
            assertTrue(api.body().contains("\"domain\":\"quie*********ample\""), api.body());
            assertFalse(api.body().contains("note to self"), "private comments stay private");
            var nodeinfo = server.get("/nodeinfo/2.1", "application/json").body();
            assertTrue(nodeinfo.contains("\"blocked\":[") && nodeinfo.contains("hostile.example"), nodeinfo);
        }
    }

    @Test
    void notPublishedByDefault() {
        try (var server = TestServer.start(Map.of())) {
            server.app()
                    .policyService()
                    .block(block("hostile.example", DomainBlock.Severity.SUSPEND, false), "admin", "");
            assertEquals(
                    404,
                    server.get("/api/v1/instance/domain_blocks", "application/json")
                            .statusCode());
            assertFalse(server.get("/nodeinfo/2.1", "application/json").body().contains("hostile.example"));
        }
    }
}
