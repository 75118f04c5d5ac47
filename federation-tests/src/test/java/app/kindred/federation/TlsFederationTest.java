package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.federation.harness.TestCa;
import app.kindred.federation.harness.TestHosts;
import app.kindred.follow.FollowStore;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.refusal.Refusal;
import app.kindred.remote.FetchException;
import app.kindred.report.Category;
import app.kindred.report.ReportService;
import app.kindred.report.ReportStatus;
import app.kindred.report.ReportStore;
import app.kindred.thread.ThreadService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three instances over real TLS, as in production: a certificate authority made by the test signs each
 * instance's certificate for its own host name ({@code alpha.kindred-tls.test}, resolved to 127.0.0.1
 * by {@link TestHosts}); TLS is terminated in front of each instance (a proxy, as admins run one);
 * {@code instance.scheme = https}; private addresses are refused as in production except for the test's
 * own host names ({@code federation.private_hosts}); this JVM trusts the test CA and nothing else new.
 * A follow, a post, the community's announce to a third instance, a signed fetch (alpha runs authorized
 * fetch) and a report all go over https, every request signed and verified. A peer whose certificate
 * has expired, is self-signed or names another host is refused, and the admin sees which as a delivery
 * error, not a host that is down.
 */
class TlsFederationTest {
    private static final String[] TRUST = {
        "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"
    };
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> before = new HashMap<>();
    static TestCa ca;
    static KindredInstance alpha, beta, gamma;
    // Follows alpha's community; its certificate goes bad in one test (the others leave it out).
    static KindredInstance delta;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create();
        var trustStore = ca.writeTrustStore(Files.createTempFile("kindred-test-ca", ".p12"));
        for (var key : TRUST) before.put(key, System.getProperty(key));
        // Read when the instances' HTTP clients build their TLS contexts, i.e. when they start.
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCa.trustStorePassword());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        // Started side by side: each migrates its own database, most of the time this class takes.
        try (var starting = Executors.newVirtualThreadPerTaskExecutor()) {
            // Alpha answers signed GETs only, so every fetch of its documents shows signed fetch over TLS.
            var a = starting.submit(() -> {
                var instance = KindredInstance.startBehindTls(
                        "alpha", ca, Map.of("KINDRED_FEDERATION_AUTHORIZED_FETCH", "true"));
                instance.createMember("alice");
                instance.createMember("root", Role.ADMIN);
                instance.createCommunity("peers", "Peer support", "alice");
                return instance;
            });
            var b = starting.submit(() -> withMember(KindredInstance.startBehindTls("beta", ca), "bob"));
            var g = starting.submit(() -> withMember(KindredInstance.startBehindTls("gamma", ca), "gail"));
            var d = starting.submit(() -> {
                var instance = withMember(KindredInstance.startBehindTls("delta", ca), "dora");
                instance.createCommunity("circle", "Circle", "dora");
                return instance;
            });
            alpha = a.get();
            beta = b.get();
            gamma = g.get();
            delta = d.get();
        }
    }

    private static KindredInstance withMember(KindredInstance instance, String username) {
        instance.createMember(username);
        return instance;
    }

    @AfterAll
    static void stop() {
        for (var instance : new KindredInstance[] {delta, gamma, beta, alpha}) if (instance != null) instance.close();
        for (var key : TRUST) {
            if (before.get(key) == null) System.clearProperty(key);
            else System.setProperty(key, before.get(key));
        }
    }

    /** Follows alpha's community unless already following (tests may run in any order). */
    private static synchronized void follow(KindredInstance on, Member member) throws Exception {
        if (on.app().follows().subscriptions(member).isEmpty())
            on.app().follows().follow(member, "!" + alpha.handle("peers"));
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        FollowStore.State.ACCEPTED,
                        on.app().follows().subscriptions(member).getFirst().state()));
    }

    @Test
    void aFollowAPostAnAnnounceASignedFetchAndAReportFederateOverHttpsWithEverySignatureVerified() throws Exception {
        assertTrue(alpha.baseUrl().startsWith("https://alpha" + TestHosts.SUFFIX + ":"), alpha.baseUrl());
        var bob = beta.member("bob");
        var gail = gamma.member("gail");
        var alice = alpha.member("alice");
        var groupUri = alpha.baseUrl() + "/c/peers";

        // WebFinger, the Group's actor document (a signed GET: alpha runs authorized fetch) and the
        // Follow/Accept all go over https.
        follow(beta, bob);
        follow(gamma, gail);

        long remoteCommunity = beta.communityId(groupUri);
        var thread = beta.app()
                .threads()
                .startThread(
                        bob,
                        remoteCommunity,
                        new ThreadService.Draft("Over TLS", "Does this reach you?", null, null, "en"));
        assertTrue(
                thread.uri().toString().startsWith("https://beta" + TestHosts.SUFFIX + ":"),
                thread.uri().toString());
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        "Over TLS", alpha.post(thread.uri()).orElseThrow().title()));
        // The community announces bob's thread to its other followers: gamma gets it from alpha, not beta.
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        "Over TLS", gamma.post(thread.uri()).orElseThrow().title()));
        assertTrue(
                gamma.count(
                                "select count(*) from inbound_activity where actor_uri = ? and activity_type = 'Announce'",
                                groupUri)
                        > 0,
                "gamma received the thread as the Group's Announce");

        var onAlpha = alpha.post(thread.uri()).orElseThrow();
        var comment = alpha.app()
                .threads()
                .comment(alice, onAlpha.id(), new ThreadService.Draft(null, "It does.", null, null, null));
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        thread.id(), beta.post(comment.uri()).orElseThrow().parentId()));

        var commentOnBeta = beta.post(comment.uri()).orElseThrow();
        var reply = beta.app()
                .threads()
                .comment(bob, commentOnBeta.id(), new ThreadService.Draft(null, "Good.", null, null, null));
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        comment.id(), alpha.post(reply.uri()).orElseThrow().parentId()));

        // Signed fetch: beta fetches alice's comment from alpha, signed by its instance actor and verified
        // there; the same GET unsigned is refused.
        var fetched = beta.app().fetcher().getActivityJson(comment.uri());
        assertEquals(comment.uri().toString(), fetched.get("id").asText());
        var unsigned = https().send(
                        HttpRequest.newBuilder(comment.uri())
                                .header("Accept", "application/activity+json")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unsigned.statusCode(), unsigned.body());

        // A report: gail on gamma reports bob's thread; alpha's moderator gets it as a Flag from gamma's
        // instance actor, gail not named.
        var onGamma = gamma.post(thread.uri()).orElseThrow();
        gamma.app()
                .reports()
                .file(gail, new ReportService.Draft(onGamma.id(), null, Category.SPAM, null, "an advert", false));
        long peersOnAlpha = alpha.communityId(groupUri);
        var gammaInstance = gamma.app().instanceActor().uri();
        eventually(Duration.ofSeconds(30), () -> {
            var queue =
                    alpha.app().reports().queue(alice, new ReportStore.Filter(peersOnAlpha, ReportStatus.OPEN, null));
            assertEquals(1, queue.size(), queue.toString());
            assertEquals(thread.uri(), queue.getFirst().post());
            assertEquals(List.of(gammaInstance), queue.getFirst().reporters());
        });

        // Everything each side received from the other came signed (and was verified: unsigned or badly
        // signed requests are answered 401 and never stored), and was applied.
        eventually(Duration.ofSeconds(30), () -> {
            for (var pair : new KindredInstance[][] {{alpha, beta}, {beta, alpha}, {alpha, gamma}, {gamma, alpha}}) {
                var instance = pair[0];
                var from = pair[1].baseUrl() + "/%";
                assertTrue(
                        instance.count(
                                        "select count(*) from inbound_activity where actor_uri like ? and signature_scheme in ('cavage', 'rfc9421')",
                                        from)
                                > 0,
                        instance.name() + " received signed activities from " + pair[1].name());
                assertEquals(
                        0L,
                        instance.count(
                                "select count(*) from inbound_activity where actor_uri like ? and state <> 'done'",
                                from),
                        instance.name() + ": every activity from " + pair[1].name() + " applied");
            }
            // (Delta, whose certificate another test spoils, is left out.)
            for (var instance : List.of(alpha, beta, gamma)) {
                assertEquals(
                        0L,
                        instance.count("select count(*) from actor where not local and uri not like 'https://%'"),
                        instance.name() + ": the others' actors are known by their https ids");
                assertEquals(
                        0L,
                        instance.count(
                                "select count(*) from delivery where state in ('failed', 'parked') and host not like ?",
                                TestHosts.name("delta") + ":%"),
                        instance.name() + ": no delivery refused or given up");
            }
        });
    }

    @Test
    void aPrivateAddressThatIsNotOneOfTheListedHostsIsStillRefused() {
        assertFalse(beta.app().config().federation().allowPrivateAddresses());
        // Alpha's own front, reached by a name or an address that private_hosts does not list: refused
        // before any connection, whatever answers there.
        for (var base : List.of("https://localhost:", "https://127.0.0.1:")) {
            var refused = assertThrows(
                    FetchException.class,
                    () -> beta.app()
                            .fetcher()
                            .getActivityJson(URI.create(base + alpha.front().port() + "/c/peers")));
            assertEquals(FetchException.Reason.REFUSED_ADDRESS, refused.reason(), refused.getMessage());
        }
        var bob = beta.member("bob");
        assertThrows(
                Refusal.class,
                () -> beta.app()
                        .follows()
                        .follow(bob, "!peers@localhost:" + alpha.front().port()));
    }

    /** One way a peer's certificate goes wrong, and the words the admin reads for it. */
    private record BadCertificate(String what, SSLContext context, String says) {}

    @Test
    void aFollowerWhoseCertificateGoesBadIsADeliveryErrorThatSaysWhyAndIsNotRetriedAsIfDown() throws Exception {
        follow(delta, delta.member("dora"));
        follow(beta, beta.member("bob"));
        var alice = alpha.member("alice");
        long peers = alpha.communityId(alpha.baseUrl() + "/c/peers");
        var host = TestHosts.name("delta");
        var admin = logIn(alpha, "root");

        for (var bad : List.of(
                new BadCertificate("expired", ca.expiredServerContext(host), "has expired"),
                new BadCertificate("self-signed", TestCa.selfSignedServerContext(host), "self-signed"),
                new BadCertificate(
                        "for another host", ca.serverContext(TestHosts.name("someone-else")), "is for another name"))) {
            // Delta's proxy now shows the bad certificate (its open connections are closed).
            delta.front().present(bad.context());
            long after = alpha.count("select coalesce(max(id), 0) from delivery");
            var thread = alpha.app()
                    .threads()
                    .startThread(
                            alice, peers, new ThreadService.Draft("Round " + bad.what(), "Hello", null, null, null));

            // Beta still gets it; delta's deliveries fail at once, saying which certificate problem.
            eventually(Duration.ofSeconds(30), () -> {
                assertTrue(beta.post(thread.uri()).isPresent(), "beta got " + bad.what());
                assertTrue(
                        alpha.count("select count(*) from delivery where host = ? and id > ?", delta.domain(), after)
                                > 0,
                        "something was sent to delta");
                assertEquals(
                        0L,
                        alpha.count(
                                "select count(*) from delivery where host = ? and id > ? and state <> 'failed'",
                                delta.domain(),
                                after),
                        bad.what() + ": every delivery to delta refused");
            });
            assertEquals(
                    0L,
                    alpha.count(
                            "select count(*) from delivery where host = ? and id > ?"
                                    + " and (attempts <> 1 or last_error not like ?)",
                            delta.domain(),
                            after,
                            "certificate refused: %" + bad.says() + "%"),
                    bad.what() + ": tried once, and the error says why");
            assertFalse(delta.post(thread.uri()).isPresent(), "nothing reached delta over the bad certificate");
            // Not an outage: the host is not backing off or marked unavailable.
            assertEquals(
                    0L,
                    alpha.count(
                            "select count(*) from host_health where host = ? and (failing_since is not null or unavailable)",
                            delta.domain()),
                    bad.what() + ": delta is not taken for down");

            // What the admin reads (the federation page shows the same rows).
            var row = hostRow(alpha, admin, delta.domain());
            assertTrue(row.get("lastError").asText().startsWith("certificate refused"), row.toString());
            assertTrue(row.get("lastError").asText().contains(bad.says()), row.toString());
            assertFalse(row.get("unavailable").asBoolean(), row.toString());
            assertEquals(0, row.get("queued").asLong(), "nothing waits to be retried: " + row);
        }

        // Mended: the next thread reaches delta, nothing parked in between.
        delta.front().present(ca.serverContext(host));
        var mended = alpha.app()
                .threads()
                .startThread(alice, peers, new ThreadService.Draft("Mended", "Hello again", null, null, null));
        eventually(
                Duration.ofSeconds(30),
                () -> assertTrue(delta.post(mended.uri()).isPresent()));
        // And the admin no longer reads a certificate error for it: the failures stay counted, the reason
        // goes once a later delivery arrives.
        eventually(Duration.ofSeconds(30), () -> {
            var row = hostRow(alpha, admin, delta.domain());
            assertFalse(row.hasNonNull("lastError"), row.toString());
            assertTrue(row.get("failed").asLong() >= 4, row.toString());
        });
    }

    /** The test's own https client: it trusts the test CA, as the instances do. */
    private static HttpClient https() {
        return HttpClient.newBuilder().sslContext(ca.clientContext()).build();
    }

    /** Signs in through the API over https (asking again if a busy server says when), returns the token. */
    private static String logIn(KindredInstance on, String username) throws Exception {
        var body = JSON.writeValueAsString(Map.of("username", username, "password", "password-of-" + username));
        for (int attempt = 1; ; attempt++) {
            var response = https().send(
                            HttpRequest.newBuilder(URI.create(on.baseUrl() + "/api/v1/auth/login"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200)
                return JSON.readTree(response.body()).get("token").asText();
            var retryAfter = response.headers().firstValue("Retry-After");
            if (response.statusCode() != 503 || retryAfter.isEmpty() || attempt == 5)
                throw new AssertionError("login failed: " + response.statusCode() + " " + response.body());
            Thread.sleep(Duration.ofSeconds(Long.parseLong(retryAfter.get())).toMillis());
        }
    }

    /** The host's row in GET /api/v1/admin/federation/hosts. */
    private static JsonNode hostRow(KindredInstance on, String token, String host) throws Exception {
        var response = https().send(
                        HttpRequest.newBuilder(URI.create(on.baseUrl() + "/api/v1/admin/federation/hosts"))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        for (var row : JSON.readTree(response.body()))
            if (row.get("host").asText().equals(host)) return row;
        throw new AssertionError(host + " not in " + response.body());
    }
}
