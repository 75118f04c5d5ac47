package app.kindred.api;

import static app.kindred.api.ApiClient.body;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.member.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the admin pages do, through the API (issue 15): accounts (suspend, roles, reset links), the
 * allowlist's remove, a blocklist's per-line preview and a host's retry, refused to everyone else.
 */
class AdminAccountsApiTest {
    private static TestServer server;
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
        server.app().members().create("root", ApiClient.PASSWORD, Role.ADMIN);
        admin = api.logIn("root");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void onlyAdminsReachTheNewEndpoints() {
        var member = api.member("plain");
        record Call(String method, String path, Object body) {}
        for (var call : List.of(
                new Call("GET", "/api/v1/admin/accounts", null),
                new Call("GET", "/api/v1/admin/domain_allows", null),
                new Call("POST", "/api/v1/admin/domain_allows", Map.of("domain", "a.example")),
                new Call("DELETE", "/api/v1/admin/domain_allows/a.example", null),
                new Call("POST", "/api/v1/admin/domain_blocks/import/preview", null),
                new Call("POST", "/api/v1/admin/federation/hosts/a.example/retry", null),
                new Call("POST", "/api/v1/admin/accounts/root/suspend", Map.of("reason", "x")),
                new Call("POST", "/api/v1/admin/accounts/plain/role", Map.of("role", "admin")),
                new Call("POST", "/api/v1/admin/accounts/root/password_reset", null))) {
            var json = call.body() == null
                    ? null
                    : ApiClient.JSON.valueToTree(call.body()).toString();
            assertEquals(401, api.send(call.method(), call.path(), json, null).statusCode(), call.path());
            assertEquals(403, api.send(call.method(), call.path(), json, member).statusCode(), call.path());
        }
        assertEquals(
                Role.MEMBER, server.app().members().find("plain").orElseThrow().role());
        assertEquals(0, api.count("select count(*) from password_reset"));
        assertEquals(0, api.count("select count(*) from domain_allow"));
    }

    @Test
    void anAdminSuspendsAMemberWhoThenCannotSignInAndLiftsIt() {
        var token = api.member("sky");
        var suspended = api.post("/api/v1/admin/accounts/sky/suspend", Map.of("reason", "spam"), admin);
        assertEquals(200, suspended.statusCode(), suspended.body());
        assertFalse(body(suspended).get("suspended_at").isNull());
        assertEquals(401, api.get("/api/v1/me", token).statusCode(), "their session ended");
        var login = api.post("/api/v1/auth/login", Map.of("username", "sky", "password", ApiClient.PASSWORD), null);
        assertEquals(403, login.statusCode());
        assertTrue(body(login).get("detail").asText().contains("suspended"));
        var wrong = api.post("/api/v1/auth/login", Map.of("username", "sky", "password", "not the one at all"), null);
        assertEquals(401, wrong.statusCode());
        assertEquals(
                422,
                api.post("/api/v1/admin/accounts/sky/suspend", Map.of("reason", ""), admin)
                        .statusCode());
        assertEquals(
                409,
                api.post("/api/v1/admin/accounts/root/suspend", Map.of("reason", "me"), admin)
                        .statusCode());
        var list = body(api.get("/api/v1/admin/accounts?q=sk", admin));
        assertEquals(1, list.size());
        assertEquals("sky", list.get(0).get("username").asText());
        var lifted = api.send("POST", "/api/v1/admin/accounts/sky/unsuspend", null, admin);
        assertEquals(200, lifted.statusCode(), lifted.body());
        assertTrue(body(lifted).get("suspended_at").isNull());
        api.logIn("sky");
    }

    @Test
    void aResetLinkAndRolesThroughTheApi() {
        api.member("wren");
        var reset = api.post("/api/v1/admin/accounts/wren/password_reset", Map.of(), admin);
        assertEquals(201, reset.statusCode(), reset.body());
        assertEquals("no-store", reset.headers().firstValue("Cache-Control").orElseThrow());
        var url = body(reset).get("url").asText();
        assertTrue(url.startsWith(server.base() + "/reset/"), url);
        var token = url.substring(url.lastIndexOf('/') + 1);
        assertEquals("wren", server.app().accounts().resetFor(token).orElseThrow());
        server.app().accounts().redeemReset(token, "a new long passphrase");
        assertTrue(server.app().accounts().resetFor(token).isEmpty(), "a link works once");

        assertEquals(
                409,
                api.post("/api/v1/admin/accounts/root/role", Map.of("role", "member"), admin)
                        .statusCode(),
                "the only admin stays one");
        assertEquals(
                422,
                api.post("/api/v1/admin/accounts/wren/role", Map.of("role", "owner"), admin)
                        .statusCode());
        var made = api.post("/api/v1/admin/accounts/wren/role", Map.of("role", "admin"), admin);
        assertEquals("admin", body(made).get("role").asText());
        assertEquals(
                Role.ADMIN, server.app().members().find("wren").orElseThrow().role());
    }

    @Test
    void theAllowlistPreviewAndRetry() {
        assertEquals(
                201,
                api.post("/api/v1/admin/domain_allows", Map.of("domain", "friend.example"), admin)
                        .statusCode());
        assertEquals(
                "[\"friend.example\"]",
                api.get("/api/v1/admin/domain_allows", admin).body());
        assertEquals(
                204,
                api.delete("/api/v1/admin/domain_allows/friend.example", admin).statusCode());
        assertEquals(
                404,
                api.delete("/api/v1/admin/domain_allows/friend.example", admin).statusCode());

        var preview = api.send(
                "POST",
                "/api/v1/admin/domain_blocks/import/preview",
                "#domain,#severity\nbad.example,suspend\nnot a domain,suspend\n",
                admin);
        assertEquals(200, preview.statusCode(), preview.body());
        var lines = body(preview);
        assertEquals(3, lines.size());
        assertEquals("skip", lines.get(0).get("fate").asText());
        assertEquals("add", lines.get(1).get("fate").asText());
        assertEquals("bad.example", lines.get(1).get("domain").asText());
        assertEquals("invalid", lines.get(2).get("fate").asText());
        assertEquals(3, lines.get(2).get("line").asInt());
        assertEquals(0, api.count("select count(*) from domain_block"));

        var retry = api.post("/api/v1/admin/federation/hosts/quiet.example/retry", Map.of(), admin);
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals(0, body(retry).get("deliveries").asInt());
        assertEquals(1, api.count("select count(*) from audit_log where action = 'federation.retry'"));
    }
}
