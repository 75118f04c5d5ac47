package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HealthTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthFollowsTheDatabase() throws Exception {
        var config = TestPostgres.config();
        try (var app = App.open(config)) {
            var web = app.web().start("127.0.0.1", 0);
            try {
                var up = get(web.port(), "/healthz");
                assertEquals(200, up.statusCode());
                assertEquals("{\"status\":\"ok\"}", up.body());

                // The database goes away under the running server.
                TestPostgres.dropDatabase(config.database().url());
                var down = get(web.port(), "/healthz");
                assertEquals(503, down.statusCode());
                assertEquals(
                        "application/problem+json",
                        down.headers().firstValue("Content-Type").orElse("").split(";")[0]);
                assertTrue(down.body().contains("\"title\":\"Database unavailable\""), down.body());
                assertTrue(down.body().contains("does not answer"), down.body());
            } finally {
                web.stop();
            }
        }
    }

    @Test
    void unknownPathsAndMethodsGetProblemBodies() throws Exception {
        try (var app = App.open(TestPostgres.config())) {
            var web = app.web().start("127.0.0.1", 0);
            try {
                var missing = get(web.port(), "/no/such/thing");
                assertEquals(404, missing.statusCode());
                assertTrue(
                        missing.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertTrue(missing.body().contains("\"status\":404"), missing.body());
                assertFalse(missing.body().contains("Exception"), missing.body());
            } finally {
                web.stop();
            }
        }
    }
}
