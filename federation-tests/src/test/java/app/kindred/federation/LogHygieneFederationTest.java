package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.follow.FollowStore;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.storage.Sql;
import app.kindred.thread.PostStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * Issue 19: the logs of a federation run hold no IP address, token, password or private key. Two
 * instances behind a proxy header (so a client's address reaches them as a proxy would pass it);
 * everything they log while a member signs in (once wrongly), posts through the API, another
 * instance's member follows, comments and reports, is captured and searched.
 */
class LogHygieneFederationTest {
    private static final Pattern IPV4 = Pattern.compile("(?<![\\d.])(\\d{1,3}\\.){3}\\d{1,3}(?![\\d.])");
    private static final String CLIENT = "203.0.113.77";
    private static final String WRONG = "not-the-password-of-alice";

    @Test
    void aFederationRunLogsNoAddressTokenPasswordOrPrivateKey() throws Exception {
        var captured = new ByteArrayOutputStream();
        var original = System.err;
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        KindredInstance alpha = null, beta = null;
        String token;
        var keys = new ArrayList<String>();
        try {
            var behindProxy = Map.of("KINDRED_SERVER_CLIENT_ADDRESS_HEADER", "X-Forwarded-For");
            alpha = KindredInstance.start("alpha", behindProxy);
            beta = KindredInstance.start("beta", behindProxy);
            alpha.createMember("alice");
            alpha.createCommunity("peers", "Peer support", "alice");
            beta.createMember("bob");

            // Beta's member follows (signed Follow, Accept, key fetches both ways) and takes part.
            var bob = beta.member("bob");
            var on = beta;
            on.app().follows().follow(bob, "!" + alpha.handle("peers"));
            eventually(() -> assertEquals(
                    FollowStore.State.ACCEPTED,
                    on.app().follows().subscriptions(bob).getFirst().state()));
            var http = HttpClient.newHttpClient();
            assertEquals(401, signIn(http, alpha, WRONG).statusCode());
            var login = signIn(http, alpha, "password-of-alice");
            assertEquals(200, login.statusCode(), login.body());
            token = new ObjectMapper().readTree(login.body()).path("token").asText();
            long peers = alpha.app().communities().find("peers").orElseThrow().id();
            var thread = http.send(
                    HttpRequest.newBuilder(URI.create(alpha.baseUrl() + "/api/v1/communities/" + peers + "/threads"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token)
                            .header("X-Forwarded-For", CLIENT)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"title\": \"Hello from alice\", \"body\": \"How is everyone?\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, thread.statusCode(), thread.body());
            var threadUri = URI.create(
                    new ObjectMapper().readTree(thread.body()).path("ap_id").asText());

            var onBeta = beta.app()
                    .threads()
                    .startThread(
                            bob,
                            beta.communityId(alpha.baseUrl() + "/c/peers"),
                            new ThreadService.Draft("Bob's thread", "Hello from beta.", null, null, null));
            var home = alpha;
            eventually(() -> assertTrue(home.app()
                    .database()
                    .read(c -> new PostStore().findByUri(c, onBeta.uri()))
                    .isPresent()));
            eventually(() -> assertTrue(on.app()
                    .database()
                    .read(c -> new PostStore().findByUri(c, threadUri))
                    .isPresent()));
            long alicesThreadOnBeta = beta.app()
                    .database()
                    .read(c -> new PostStore().findByUri(c, threadUri))
                    .orElseThrow()
                    .id();
            beta.app()
                    .reports()
                    .file(bob, new ReportService.Draft(alicesThreadOnBeta, null, Category.SPAM, null, "odd", false));
            eventually(() -> assertEquals(1L, home.count("select count(*) from report")));

            for (var instance : List.of(alpha, beta)) {
                keys.addAll(instance.app()
                        .database()
                        .read(c ->
                                Sql.list(c, "select rsa_private_pem from actor_private_key", rs -> rs.getString(1))));
            }
        } finally {
            System.setErr(original);
            if (beta != null) beta.close();
            if (alpha != null) alpha.close();
        }

        var text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("POST /api/v1/auth/login"), "the run's request lines were captured: " + text);
        // Instances are named by their loopback host and port in actor ids: those are not clients' addresses.
        var scrubbed = text.replace(alpha.domain(), "ALPHA").replace(beta.domain(), "BETA");
        var addresses = new ArrayList<String>();
        var m = IPV4.matcher(scrubbed);
        while (m.find()) addresses.add(m.group());
        assertEquals(List.of(), addresses, "no IP address in the logs");
        assertFalse(scrubbed.contains("0:0:0:0:0:0:0:1") || scrubbed.contains("[::1]"), "no IPv6 address");
        assertFalse(text.contains("password-of-alice") || text.contains("password-of-bob"), "no password");
        assertFalse(text.contains(WRONG), "not even a wrong password");
        assertFalse(text.contains(token), "no session token");
        assertFalse(text.contains("PRIVATE KEY"), "no private key");
        assertFalse(keys.isEmpty());
        for (var key : keys) {
            var body =
                    key.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
            assertFalse(text.contains(body.substring(0, 32)), "no private key material");
        }
    }

    private static HttpResponse<String> signIn(HttpClient http, KindredInstance on, String password)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(on.baseUrl() + "/api/v1/auth/login"))
                        .header("Content-Type", "application/json")
                        .header("X-Forwarded-For", CLIENT)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"username\": \"alice\", \"password\": \"" + password + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Writes to both: the console keeps its output, and the test reads what was logged. */
    private static final class Tee extends OutputStream {
        private final OutputStream a, b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            synchronized (b) {
                b.write(x);
            }
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            synchronized (b) {
                b.write(bytes, off, len);
            }
        }
    }
}
