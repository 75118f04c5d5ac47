package app.kindred.care;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.Eventually;
import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.storage.Sql;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Exports live in the database, not in a request or a worker's memory: a stopped worker's export is made later, a link expires. */
class ExportsTest {
    private static TestServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new ApiClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anExportAskedForWhileNoWorkerRunsAndOneWhoseWorkerStoppedAreBothMadeLaterAndTheLinkExpires() throws Exception {
        var rae = api.member("rae");
        var sol = api.member("sol");
        var response = api.post("/api/v1/me/export", null, rae);
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(
                "pending", ApiClient.body(response).get("status").asText(), "answered at once; made in the background");
        api.post("/api/v1/me/export", null, sol);
        // sol's worker died half-way (a restart): its row says running, claimed long ago.
        server.app().database().transaction(c -> Sql.update(c, """
                update member_export set status = 'running', progress = 40, claimed_at = now() - interval '1 hour'
                where account_id = (select id from account where username = 'sol')"""));
        assertEquals(
                "running",
                ApiClient.body(api.get("/api/v1/me/export", sol)).get("status").asText());

        try (var worker = new ExportWorker(server.app().exports(), Duration.ofMillis(200))) {
            worker.start();
            Eventually.eventually(() -> {
                assertEquals(
                        "ready",
                        ApiClient.body(api.get("/api/v1/me/export", rae))
                                .get("status")
                                .asText());
                assertEquals(
                        "ready",
                        ApiClient.body(api.get("/api/v1/me/export", sol))
                                .get("status")
                                .asText());
            });
        }
        var link = ApiClient.body(api.get("/api/v1/me/export", rae))
                .get("download")
                .asText();
        assertEquals(200, api.get(link, rae).statusCode());
        var file = server.app()
                .config()
                .dataDir()
                .resolve("exports")
                .resolve(server.app()
                        .database()
                        .read(c -> Sql.one(
                                c,
                                "select file_name from member_export e join account a on a.id = e.account_id where a.username = 'rae'",
                                rs -> rs.getString(1)))
                        .orElseThrow());
        assertTrue(Files.isRegularFile(file));

        server.app()
                .database()
                .transaction(c -> Sql.update(c, """
                update member_export set expires_at = ? where account_id = (select id from account where username = 'rae')""", Instant.now().minusSeconds(1)));
        var expired = ApiClient.body(api.get("/api/v1/me/export", rae));
        assertEquals("expired", expired.get("status").asText());
        assertFalse(expired.has("download"));
        assertEquals(404, api.get(link, rae).statusCode());
        server.app().exports().clearExpired();
        assertFalse(Files.exists(file), "an expired export's file is deleted");
        assertEquals(
                "expired",
                ApiClient.body(api.get("/api/v1/me/export", rae)).get("status").asText());
    }
}
