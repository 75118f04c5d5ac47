package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestPostgres;
import app.kindred.federation.harness.KindredInstance;
import app.kindred.federation.harness.RoundRobinProxy;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's scale-out: two Kindred processes (the real jar) on one PostgreSQL behind a round-robin
 * proxy, federating with a third instance. Whatever process a request lands on, the instance behaves
 * as one: sessions, the sign-in limit of an account, inbound activities and deliveries (each applied
 * or sent once) and notifications.
 */
class ScaleOutFederationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private RoundRobinProxy proxy;
    private KindredInstance peer;

    @AfterEach
    void stop() throws Exception {
        for (var p : processes) {
            p.destroy();
            if (!p.waitFor(15, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        if (proxy != null) proxy.close();
        if (peer != null) peer.close();
        // The processes' logs live in the temporary directory: keep their ends in the test's output.
        for (var log : List.of("a.log", "b.log")) {
            var file = dir.resolve(log);
            if (!Files.exists(file)) continue;
            var lines = Files.readAllLines(file);
            System.out.println("--- " + log + " (last 40 lines)");
            lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.out::println);
        }
    }

    @Test
    void twoProcessesBehindOneProxyAreOneInstance() throws Exception {
        var url = TestPostgres.newDatabase();
        int a = freePort(), b = freePort(), front = freePort();
        proxy = RoundRobinProxy.start(front, List.of(a, b));
        var domain = "127.0.0.1:" + front;
        // Both at once on an empty database: Flyway's lock lets one migrate while the other waits.
        var first = serve(url, domain, a, "a.log");
        var second = serve(url, domain, b, "b.log");
        peer = KindredInstance.start("peer");
        awaitHealthy(a, first, "a.log");
        awaitHealthy(b, second, "b.log");

        // A session made on one process works on the other, and through the proxy on both.
        assertEquals(
                201, send("POST", a, "/api/v1/accounts", null, account("robin")).statusCode());
        var robin = token(b, "robin");
        assertEquals(
                "robin",
                json(send("GET", a, "/api/v1/me", robin, null)).path("username").asText());
        for (int i = 0; i < 4; i++) {
            assertEquals(200, send("GET", front, "/api/v1/me", robin, null).statusCode());
        }
        assertTrue(proxy.connections(0) >= 2 && proxy.connections(1) >= 2, "the proxy used both processes");

        // Wrong passwords against one account count on both processes: three (the limit) then 429 on either.
        for (int port : new int[] {a, b, a}) {
            assertEquals(
                    401,
                    send("POST", port, "/api/v1/auth/login", null, wrongPassword())
                            .statusCode());
        }
        var limited = send("POST", b, "/api/v1/auth/login", null, wrongPassword());
        assertEquals(429, limited.statusCode(), limited.body());
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        assertEquals(
                429,
                send("POST", a, "/api/v1/auth/login", null, wrongPassword()).statusCode());

        // Federation: a member of the peer follows the community and starts a thread in it. Every
        // inbound activity lands on whichever process the proxy picks and is applied once; the
        // community's Accept and Announce are delivered once each, by whichever process claims them.
        var community = json(
                send("POST", front, "/api/v1/communities", robin, Map.of("name", "peers", "title", "Peer support")));
        long communityId = community.path("id").asLong();
        peer.createMember("sam");
        var sam = peerToken("sam");
        var follow = peerSend("POST", "/api/v1/follows", sam, Map.of("community", "!peers@" + domain));
        assertEquals(200, follow.statusCode(), follow.body());
        var groupUri = "http://" + domain + "/c/peers";
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        1,
                        peer.count(
                                "select count(*) from follow f join actor a on a.id = f.followed_id"
                                        + " where a.uri = ? and f.state = 'accepted'",
                                groupUri)));
        long remoteId = peer.communityId(groupUri);
        var thread = peerSend(
                "POST", "/api/v1/communities/" + remoteId + "/threads", sam, Map.of("title", "Hello from the peer"));
        assertEquals(201, thread.statusCode(), thread.body());
        var threadUri = json(thread).path("ap_id").asText();
        assertTrue(threadUri.startsWith("http"), thread.body());
        try (var db = DriverManager.getConnection(url)) {
            eventually(Duration.ofSeconds(30), () -> {
                assertEquals(1, count(db, "select count(*) from post where uri = '" + threadUri + "'"));
                assertEquals(
                        0,
                        count(db, "select count(*) from inbound_activity where processed_at is null"),
                        "every inbound activity processed");
                assertEquals(
                        0,
                        count(db, "select count(*) from delivery where state <> 'delivered'"),
                        "every delivery made");
                // The Announce is queued after the thread is applied: wait for it too.
                assertTrue(count(db, "select count(*) from delivery") >= 2, "the Accept and the Announce");
            });
            assertEquals(
                    0,
                    count(db, "select count(*) from delivery where attempts <> 1"),
                    "each delivery claimed and sent once, by one of the two processes");
        }
        eventually(
                Duration.ofSeconds(30),
                () -> assertTrue(
                        peer.count("select count(*) from inbound_activity where activity_type = 'Announce'") >= 1));

        // A page kept for signed-out readers on b ends when a changes what it shows: the tables' NOTIFY
        // reaches the other process (ReadableChanges), well before the kept page's 10 s run out.
        var kept = page(b, "/c/peers");
        assertEquals(200, kept.statusCode());
        assertTrue(kept.headers().firstValue("ETag").isPresent(), "a page b keeps for signed-out readers");
        assertTrue(!kept.body().contains("A new thread"), "not written yet");
        var robinsThread = json(send(
                "POST", a, "/api/v1/communities/" + communityId + "/threads", robin, Map.of("title", "A new thread")));
        eventually(
                Duration.ofSeconds(5),
                () -> assertTrue(page(b, "/c/peers").body().contains("A new thread"), "b heard a's change"));

        // A notification made by one process (a reply through b) is seen through the other.
        assertEquals(
                201, send("POST", b, "/api/v1/accounts", null, account("kim")).statusCode());
        var kim = token(b, "kim");
        var reply = send(
                "POST",
                b,
                "/api/v1/posts/" + robinsThread.path("id").asLong() + "/comments",
                kim,
                Map.of("body", "Welcome, glad you are here"));
        assertEquals(201, reply.statusCode(), reply.body());
        var notifications = json(send("GET", a, "/api/v1/me/notifications", robin, null));
        assertTrue(notifications.toString().contains("kim"), notifications.toString());
        assertTrue(first.isAlive() && second.isAlive());
        assertEquals(0, errorLines("a.log") + errorLines("b.log"), "no ERROR in either log");
    }

    private Process serve(String url, String domain, int port, String log) throws IOException {
        var command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                Path.of(System.getProperty("kindred.jar", "target/kindred.jar"))
                        .toAbsolutePath()
                        .toString(),
                "serve");
        var pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve(log).toFile()));
        var env = pb.environment();
        env.putAll(TestPostgres.UNLIMITED);
        env.putAll(Map.of(
                "KINDRED_DATABASE_URL", url,
                "KINDRED_DATABASE_POOL_SIZE", "4",
                "KINDRED_SERVER_PORT", String.valueOf(port),
                "KINDRED_INSTANCE_DOMAIN", domain,
                "KINDRED_INSTANCE_SCHEME", "http",
                "KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true",
                "KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true",
                "KINDRED_DELIVERY_POLL_INTERVAL", "50ms",
                "KINDRED_DELIVERY_TIME_SCALE", "0.001"));
        // The limit under test is the account's. A client that has used its first try is what makes the
        // account's limit apply, so that may not refill within the test as the unlimited 1000000/1s would;
        // the client's own limit allows more than the account.
        env.put("KINDRED_LIMITS_SIGN_IN_ACCOUNT", "3/1m");
        env.put("KINDRED_LIMITS_SIGN_IN_CLIENT", "100/1h");
        env.put("KINDRED_LIMITS_SIGN_IN_FIRST_TRY", "1/15m");
        var process = pb.start();
        processes.add(process);
        return process;
    }

    private long errorLines(String log) throws IOException {
        return Files.readAllLines(dir.resolve(log)).stream()
                .filter(l -> l.contains(" ERROR "))
                .count();
    }

    private static Map<String, String> account(String name) {
        return Map.of("username", name, "password", "password-of-" + name);
    }

    private static Map<String, String> wrongPassword() {
        return Map.of("username", "robin", "password", "not robin's password");
    }

    private static String token(int port, String name) throws Exception {
        var login = send("POST", port, "/api/v1/auth/login", null, account(name));
        assertEquals(200, login.statusCode(), login.body());
        return json(login).path("token").asText();
    }

    private String peerToken(String name) throws Exception {
        var login = peerSend("POST", "/api/v1/auth/login", null, account(name));
        assertEquals(200, login.statusCode(), login.body());
        return json(login).path("token").asText();
    }

    private HttpResponse<String> peerSend(String method, String path, String token, Map<String, String> body)
            throws Exception {
        return send(method, URI.create(peer.baseUrl() + path), token, body);
    }

    private static HttpResponse<String> send(String method, int port, String path, String token, Object body)
            throws Exception {
        return send(method, URI.create("http://127.0.0.1:" + port + path), token, body);
    }

    /** A page as a signed-out browser asks for it, from one process. */
    private static HttpResponse<String> page(int port, String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html")
                .GET();
        try (var client = http()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Each request on a connection of its own, so the proxy hands them out in turn. */
    private static HttpResponse<String> send(String method, URI uri, String token, Object body) throws Exception {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (body != null) request.header("Content-Type", "application/json");
        request.method(
                method,
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(new HashMap<>((Map<?, ?>) body))));
        try (var client = http()) {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static HttpClient http() {
        return HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.statusCode() < 300, response.statusCode() + " " + response.body());
        return JSON.readTree(response.body());
    }

    private static long count(Connection db, String sql) throws Exception {
        try (var st = db.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitHealthy(int port, Process process, String log) throws Exception {
        eventually(Duration.ofSeconds(90), () -> {
            assertTrue(process.isAlive(), "the server exited; see " + log);
            assertEquals(200, send("GET", port, "/healthz", null, null).statusCode());
        });
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
