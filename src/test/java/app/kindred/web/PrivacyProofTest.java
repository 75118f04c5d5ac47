package app.kindred.web;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.storage.Sql;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The privacy proof (issue 18): a client whose address is 127.0.0.5 signs up, posts, reports and
 * browses through the API, the web pages and the ActivityPub routes; then the whole database (every
 * row of every table, as text), every log line written meanwhile and the member's export are searched
 * for that address. It appears nowhere.
 */
class PrivacyProofTest {
    private static final String ADDRESS = "127.0.0.5";
    private static final String PASSWORD = "a calm long passphrase";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TestServer server;
    private static ListAppender<ILoggingEvent> logs;
    private static Logger root;
    private static HttpClient http;

    @BeforeAll
    static void start() throws IOException {
        // Every event at the levels the server logs at, from the moment the server starts.
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        server = TestServer.start(Map.of("KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"));
        server.app().exportWorker().start();
        http = client().followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        root.detachAppender(logs);
    }

    private static HttpClient.Builder client() {
        try {
            return HttpClient.newBuilder().localAddress(InetAddress.getByName(ADDRESS));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> api(String method, String path, Object body, String token) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(server.base() + path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) request.header("Content-Type", "application/json");
        if (token != null) request.header("Authorization", "Bearer " + token);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) throws IOException {
        assertTrue(response.statusCode() < 400, response.statusCode() + " " + response.uri() + ": " + response.body());
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    @Test
    void theClientsAddressIsStoredLoggedAndExportedNowhere() throws Exception {
        // The control: a client bound to 127.0.0.5 is seen by a server on 127.0.0.1 as 127.0.0.5.
        try (var listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            try (var socket = new java.net.Socket()) {
                socket.bind(new InetSocketAddress(ADDRESS, 0));
                socket.connect(listener.getLocalSocketAddress());
                try (var accepted = listener.accept()) {
                    assertEquals(
                            ADDRESS,
                            ((InetSocketAddress) accepted.getRemoteSocketAddress())
                                    .getAddress()
                                    .getHostAddress());
                }
            }
        }

        // Through the API: sign up, a failed and a good sign-in, a community, a thread, a comment, a vote,
        // a report, a mute, a break, reading, searching, notifications, sessions, an export.
        ok(api("POST", "/api/v1/accounts", Map.of("username", "quiet", "password", PASSWORD), null));
        assertEquals(
                401,
                api("POST", "/api/v1/auth/login", Map.of("username", "quiet", "password", "not the password"), null)
                        .statusCode());
        var token = ok(api("POST", "/api/v1/auth/login", Map.of("username", "quiet", "password", PASSWORD), null))
                .get("token")
                .asText();
        long community = ok(api(
                        "POST",
                        "/api/v1/communities",
                        Map.of("name", "calm", "title", "Calm", "description", "Quiet talk"),
                        token))
                .get("id")
                .asLong();
        long thread = ok(api(
                        "POST",
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Evening", "body", "A long day"),
                        token))
                .get("id")
                .asLong();
        ok(api("POST", "/api/v1/posts/" + thread + "/comments", Map.of("body", "Tea helps"), token));
        ok(api("POST", "/api/v1/posts/" + thread + "/vote", Map.of("value", 1), token));
        ok(api("POST", "/api/v1/accounts", Map.of("username", "other", "password", PASSWORD), null));
        var others = ok(api("POST", "/api/v1/auth/login", Map.of("username", "other", "password", PASSWORD), null))
                .get("token")
                .asText();
        long theirs = ok(api(
                        "POST",
                        "/api/v1/communities/" + community + "/threads",
                        Map.of("title", "Hm", "body", "Mine"),
                        others))
                .get("id")
                .asLong();
        ok(api("POST", "/api/v1/reports", Map.of("post", theirs, "category", "other", "text", "a test report"), token));
        ok(api("POST", "/api/v1/reports", Map.of("post", theirs, "category", "wellbeing", "text", "worried"), token));
        ok(api("POST", "/api/v1/me/mutes", Map.of("member", "other"), token));
        var breakId = ok(api("POST", "/api/v1/me/breaks", Map.of("length", "day", "community_id", community), token))
                .get("id")
                .asLong();
        ok(api("DELETE", "/api/v1/me/breaks/" + breakId, null, token));
        for (var path : List.of(
                "/api/v1/me",
                "/api/v1/me/sessions",
                "/api/v1/me/notifications",
                "/api/v1/me/subscriptions",
                "/api/v1/communities",
                "/api/v1/communities/" + community,
                "/api/v1/communities/" + community + "/threads",
                "/api/v1/threads/" + thread,
                "/api/v1/posts/" + thread,
                "/api/v1/search?q=tea",
                "/api/v1/me/blocks",
                "/api/v1/me/mutes",
                "/api/v1/me/breaks")) {
            ok(api("GET", path, null, token));
        }

        // Through the web pages: sign up and sign in with forms, reply, and read the main pages.
        var web = new WebClient(server, client());
        assertEquals(
                303,
                web.submit("/signup", "/signup", Map.of("username", "river", "password", PASSWORD))
                        .statusCode());
        assertEquals(
                303,
                web.submit(
                                "/p/" + thread + "/reply",
                                "/p/" + thread + "/reply",
                                Map.of("body", "Me too", "publish", ""))
                        .statusCode());
        assertEquals(303, web.submit("/", "/logout", Map.of()).statusCode());
        assertEquals(
                401,
                web.submit("/login", "/login", Map.of("username", "river", "password", "wrong password here"))
                        .statusCode());
        assertEquals(
                303,
                web.submit("/login", "/login", Map.of("username", "river", "password", PASSWORD))
                        .statusCode());
        for (var path : List.of(
                "/", "/c/calm", "/c/calm/new", "/p/" + thread, "/u/quiet", "/help", "/settings/delete", "/nowhere")) {
            assertTrue(web.get(path).statusCode() < 500, path);
        }
        // Through the ActivityPub and discovery routes.
        for (var path : List.of(
                "/u/quiet",
                "/c/calm",
                "/p/" + thread,
                "/c/calm/outbox",
                "/actor",
                "/.well-known/webfinger?resource=acct:quiet@" + server.domain(),
                "/.well-known/nodeinfo",
                "/nodeinfo/2.1")) {
            var response = http.send(
                    HttpRequest.newBuilder(URI.create(server.base() + path))
                            .header("Accept", TestServer.ACTIVITY_JSON)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(response.statusCode() < 400, path + ": " + response.statusCode());
        }

        // The export, made in the background and downloaded by the same client.
        ok(api("POST", "/api/v1/me/export", null, token));
        JsonNode export = null;
        for (int i = 0;
                i < 300 && (export == null || !export.get("status").asText().equals("ready"));
                i++) {
            Thread.sleep(100);
            export = ok(api("GET", "/api/v1/me/export", null, token));
        }
        assertEquals("ready", export.get("status").asText(), export.toString());
        var zip = http.send(
                HttpRequest.newBuilder(URI.create(
                                server.base() + export.get("download").asText()))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zip.statusCode());
        var exported = new StringBuilder();
        try (var in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                exported.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertTrue(exported.toString().contains("A long day"), "the export holds what was written");
        assertFalse(exported.toString().contains(ADDRESS), "the export");

        // The whole database: every row of every table as text.
        var dump = new StringBuilder();
        var tables = new ArrayList<String>();
        server.app().database().read(c -> {
            for (var table : Sql.list(
                    c,
                    "select table_schema || '.' || table_name from information_schema.tables"
                            + " where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')",
                    rs -> rs.getString(1))) {
                tables.add(table);
                for (var row : Sql.list(c, "select t::text from " + table + " t", rs -> rs.getString(1))) {
                    dump.append(table).append(": ").append(row).append('\n');
                }
            }
            return null;
        });
        assertTrue(tables.size() > 20, tables.toString());
        assertTrue(
                dump.toString().contains("Tea helps") && dump.toString().contains("a test report"),
                "the dump holds what was done");
        var leaks = dump.toString().lines().filter(l -> l.contains(ADDRESS)).toList();
        assertEquals(List.of(), leaks, "the database");

        // Every log line written since the server started, with any stack traces.
        var lines = new ArrayList<String>();
        for (var event : List.copyOf(logs.list)) {
            lines.add(event.getLoggerName() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null
                            ? ""
                            : ThrowableProxyUtil.asString(event.getThrowableProxy())));
        }
        assertEquals(List.of(), lines.stream().filter(l -> l.contains(ADDRESS)).toList(), "the logs");
    }
}
