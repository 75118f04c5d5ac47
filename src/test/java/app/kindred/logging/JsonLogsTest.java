package app.kindred.logging;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.TestServer;
import app.kindred.api.ApiClient;
import app.kindred.federation.RemotePeer;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With logging.format = "json" every log line is a JSON object, a request's lines carry its id, and
 * a whole working session (sign up, a wrong and a right password, a post, a signed inbox delivery
 * and a forged one) leaves no address, token, password or private key in them.
 */
class JsonLogsTest {
    private static final String PASSWORD = "a long and private passphrase";
    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(\\d{1,3}\\.){3}\\d{1,3}(?![\\d.])");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @Test
    void aSessionLeavesJsonLinesWithRequestIdsAndNoSecrets() throws Exception {
        var captured = new ByteArrayOutputStream();
        var original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        String token, peerAuthority, domain, instanceKey;
        try (var server = TestServer.start(
                Map.of("KINDRED_LOGGING_FORMAT", "json", "KINDRED_INSTANCE_OPEN_REGISTRATIONS", "true"))) {
            var app = server.app();
            app.startWorkers();
            domain = server.domain();
            var api = new ApiClient(server);
            assertEquals(
                    201,
                    api.post("/api/v1/accounts", Map.of("username", "robin", "password", PASSWORD), null)
                            .statusCode());
            assertEquals(
                    401,
                    api.post("/api/v1/auth/login", Map.of("username", "robin", "password", PASSWORD + "x"), null)
                            .statusCode());
            var login = api.post("/api/v1/auth/login", Map.of("username", "robin", "password", PASSWORD), null);
            token = TestServer.json(login).get("token").asText();
            long community = api.community(token, "quiet");
            assertEquals(
                    201,
                    api.post("/api/v1/communities/" + community + "/threads", Map.of("title", "Hello"), token)
                            .statusCode());
            assertEquals(401, api.get("/api/v1/me", token + "nope").statusCode());

            var peer = RemotePeer.serve(remote, "visitor");
            peerAuthority = URI.create(peer.id()).getRawAuthority();
            var group = server.base() + "/c/quiet";
            peer.deliverAndAwait(app, group, """
                    {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                     "actor": "%s", "object": "%s"}""".formatted(peer.activityId(), peer.id(), group));
            // A delivery nobody signed is refused, and the refusal is logged without the sender's address.
            var unsigned = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(group + "/inbox"))
                                    .header("Content-Type", RemotePeer.AP)
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + peer.activityId()
                                            + "\", \"type\": \"Like\", \"actor\": \"" + peer.id() + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(401, unsigned.statusCode());
            instanceKey = app.database()
                    .read(c -> Sql.one(
                            c,
                            "select k.rsa_private_pem from actor_private_key k join actor a on a.id = k.actor_id"
                                    + " where a.type = 'Application' and a.local limit 1",
                            rs -> rs.getString(1)))
                    .orElseThrow();
        } finally {
            System.setErr(original);
            LogFormat.apply("plain");
        }

        var text = captured.toString(StandardCharsets.UTF_8);
        var lines = new ArrayList<JsonNode>();
        for (var line : text.split("\n")) {
            if (line.startsWith("{")) lines.add(JSON.readTree(line));
        }
        var requests = lines.stream()
                .filter(l -> l.path("formattedMessage").asText().startsWith("POST /api/v1/accounts 201"))
                .toList();
        assertEquals(1, requests.size(), "the request line is a JSON object: " + text);
        assertTrue(requests.getFirst().at("/mdc/request_id").asText().matches("[0-9a-f]{16}"), requests.toString());
        assertTrue(lines.size() >= 8, "a line for each request at least: " + lines.size());
        assertTrue(lines.stream().allMatch(l -> l.has("level") && l.has("timestamp") && l.has("loggerName")));

        // Our own and the peer's host:port are in actor ids; any other address is a client's.
        var scrubbed = text.replace(domain, "OUR-DOMAIN").replace(peerAuthority, "PEER");
        var addresses = new ArrayList<String>();
        var m = IPV4.matcher(scrubbed);
        while (m.find()) addresses.add(m.group());
        assertEquals(List.of(), addresses, "no IP address in the logs");
        assertFalse(text.contains(PASSWORD), "no password");
        assertFalse(text.contains(token), "no session token");
        assertFalse(text.contains("PRIVATE KEY"), "no private key");
        var keyBody = instanceKey
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow();
        assertFalse(text.contains(keyBody.substring(0, 32)), "no private key material");
    }

    /** Writes to both: the test's console keeps its output, and the test reads what was logged. */
    private static final class Tee extends OutputStream {
        private final OutputStream a, b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
