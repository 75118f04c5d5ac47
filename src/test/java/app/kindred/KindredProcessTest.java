package app.kindred;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as a user runs it: `serve` with no configuration but a data folder and port
 * answers /healthz, a CLI command beside it joins its PostgreSQL, and SIGTERM shuts it down cleanly.
 */
class KindredProcessTest {
    @TempDir
    Path dir;

    private ProcessBuilder kindred(int port, String... args) {
        var command = new java.util.ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                System.getProperty("kindred.jar", "target/kindred.jar")));
        command.addAll(List.of(args));
        var pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().put("KINDRED_SERVER_PORT", String.valueOf(port));
        pb.environment().put("KINDRED_INSTANCE_DOMAIN", "localhost:" + port);
        return pb;
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void serveAnswersHealthWithin20SecondsAndStopsCleanly() throws Exception {
        int port = freePort();
        var server = kindred(port, "serve")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile())
                .start();
        try {
            var http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            var deadline = Instant.now().plusSeconds(20);
            HttpResponse<String> health = null;
            while (Instant.now().isBefore(deadline)) {
                try {
                    health = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    break;
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertNotNull(health, "no answer within 20 s; log:\n" + Files.readString(dir.resolve("server.log")));
            assertEquals(200, health.statusCode());
            assertEquals("{\"status\":\"ok\"}", health.body());
            assertTrue(Files.exists(dir.resolve("data/postgres/postmaster.pid")), "the default data dir is ./data");

            var cli =
                    kindred(port, "user", "create", "alice", "--password-stdin").start();
            cli.getOutputStream().write("a long password\n".getBytes(StandardCharsets.UTF_8));
            cli.getOutputStream().close();
            assertTrue(cli.waitFor(60, TimeUnit.SECONDS));
            var out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            var err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, cli.exitValue(), err);
            assertTrue(out.contains("created member alice"), out);
            assertTrue(server.isAlive(), "the CLI did not disturb the server's PostgreSQL");
        } finally {
            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops within 30 s of SIGTERM");
        }
        var log = Files.readString(dir.resolve("server.log"));
        assertTrue(log.contains("Javalin has stopped"), log);
        assertFalse(
                Files.exists(dir.resolve("data/postgres/postmaster.pid")), "PostgreSQL was stopped with the server");
        assertFalse(log.contains("a long password"), "secrets never reach the log");
    }
}
