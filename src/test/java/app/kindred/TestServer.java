package app.kindred;

import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/**
 * A started instance on a fresh database, spoken to over real HTTP. The domain carries the port,
 * so the ids it publishes are the URLs a test can GET.
 */
public final class TestServer implements AutoCloseable {
    public static final String ACTIVITY_JSON = "application/activity+json";
    public static final String LD_JSON_PROFILE =
            "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"";
    public static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final App app;
    private final Javalin web;
    private final HttpClient http = HttpClient.newHttpClient();

    private TestServer(App app, Javalin web) {
        this.app = app;
        this.web = web;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    public static TestServer start(Map<String, String> overrides) {
        // The port goes into the ids, so it is chosen before the server binds it; on a shared machine
        // another process can take it in between, and then a fresh port is tried.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            var env = new HashMap<String, String>();
            env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
            // Each server's files (members' exports) in a folder of its own, never the project's ./data.
            env.put("KINDRED_DATA_DIR", dataDir());
            env.putAll(overrides);
            var app = App.open(TestPostgres.config(env));
            try {
                return new TestServer(app, app.web().start("127.0.0.1", port));
            } catch (JavalinBindException e) {
                app.close();
                if (attempt == 3) throw e;
            } catch (RuntimeException e) {
                app.close();
                throw e;
            }
        }
    }

    private static String dataDir() {
        try {
            var dir = Files.createTempDirectory("kindred-test-data");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public App app() {
        return app;
    }

    /** host:port, as it appears in acct: handles. */
    public String domain() {
        return "127.0.0.1:" + web.port();
    }

    public String base() {
        return "http://" + domain();
    }

    /** GETs a path on this server or an absolute URL, with the given Accept (none when null). */
    public HttpResponse<String> get(String pathOrUrl, String accept) {
        var uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base() + pathOrUrl);
        var request = HttpRequest.newBuilder(uri).GET();
        if (accept != null) request.header("Accept", accept);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String pathOrUrl) {
        return get(pathOrUrl, null);
    }

    /** GETs with the ActivityPub Accept and parses the JSON answer. */
    public JsonNode activityJson(String pathOrUrl) {
        return json(get(pathOrUrl, ACTIVITY_JSON));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** The media type of the answer, without parameters. */
    public static String mediaType(HttpResponse<String> response) {
        return response.headers()
                .firstValue("Content-Type")
                .orElse("")
                .split(";")[0]
                .strip();
    }

    /** Runs one SQL statement against this instance's database. */
    public void sql(String sql, Object... params) {
        app.database().transaction(c -> Sql.update(c, sql, params));
    }

    public long actorId(String name) {
        return app.database()
                .read(c -> Sql.one(
                        c, "select id from actor where local and preferred_username = ?", rs -> rs.getLong(1), name))
                .orElseThrow();
    }

    @Override
    public void close() {
        try {
            web.stop();
        } finally {
            app.close();
        }
    }
}
