package app.kindred.federation;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.harness.KindredInstance;
import app.kindred.federation.harness.TestCa;
import app.kindred.federation.harness.TestHosts;
import app.kindred.follow.FollowStore;
import app.kindred.refusal.Refusal;
import app.kindred.thread.ThreadService;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two instances over real TLS, as in production: a certificate authority made by the test signs each
 * instance's certificate for its own host name ({@code alpha.kindred-tls.test}, resolved to 127.0.0.1
 * by {@link TestHosts}); TLS is terminated in front of each instance (a proxy, as admins run one);
 * {@code instance.scheme = https}; this JVM trusts the test CA and nothing else new. A follow, a thread
 * and replies federate both ways over https, every request signed and verified.
 */
class TlsFederationTest {
    private static final String[] TRUST = {
        "javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"
    };
    private static final Map<String, String> before = new HashMap<>();
    static KindredInstance alpha, beta;

    @BeforeAll
    static void start() throws Exception {
        var ca = TestCa.create();
        var trustStore = ca.writeTrustStore(Files.createTempFile("kindred-test-ca", ".p12"));
        for (var key : TRUST) before.put(key, System.getProperty(key));
        // Read when the instances' HTTP clients build their TLS contexts, i.e. when they start.
        System.setProperty("javax.net.ssl.trustStore", trustStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCa.trustStorePassword());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        alpha = KindredInstance.startBehindTls("alpha", ca);
        beta = KindredInstance.startBehindTls("beta", ca);
        alpha.createMember("alice");
        alpha.createCommunity("peers", "Peer support", "alice");
        beta.createMember("bob");
    }

    @AfterAll
    static void stop() {
        if (beta != null) beta.close();
        if (alpha != null) alpha.close();
        for (var key : TRUST) {
            if (before.get(key) == null) System.clearProperty(key);
            else System.setProperty(key, before.get(key));
        }
    }

    @Test
    void anInstanceWhoseCertificateNoTrustedAuthoritySignedIsNotReached() throws Exception {
        // gamma's certificate names the right host, but comes from an authority this JVM does not trust.
        try (var gamma = KindredInstance.startBehindTls("gamma", TestCa.create())) {
            gamma.createMember("gail");
            gamma.createCommunity("circle", "Circle", "gail");
            var bob = beta.member("bob");

            // Refused at the TLS handshake of the first look-up (WebFinger): gamma is up and answers
            // anyone who trusts its authority. (The member is told "cannot be reached from here": unlike a
            // delivery's error, the look-up does not yet say that the certificate is why.)
            assertThrows(Refusal.class, () -> beta.app().follows().follow(bob, "!" + gamma.handle("circle")));
            assertEquals(0L, gamma.count("select count(*) from inbound_activity"), "nothing reached gamma's inbox");
            assertEquals(0L, beta.count("select count(*) from actor where uri like ?", gamma.baseUrl() + "/%"));
        }
    }

    @Test
    void aFollowAThreadAndRepliesFederateOverHttpsWithEverySignatureVerified() throws Exception {
        assertTrue(alpha.baseUrl().startsWith("https://alpha" + TestHosts.SUFFIX + ":"), alpha.baseUrl());
        var bob = beta.member("bob");
        var alice = alpha.member("alice");
        var groupUri = alpha.baseUrl() + "/c/peers";

        // WebFinger, the Group's actor document and the Follow/Accept all go over https.
        beta.app().follows().follow(bob, "!" + alpha.handle("peers"));
        eventually(
                Duration.ofSeconds(30),
                () -> assertEquals(
                        FollowStore.State.ACCEPTED,
                        beta.app().follows().subscriptions(bob).getFirst().state()));

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

        // Everything each side received from the other came signed (and was verified: unsigned or badly
        // signed requests are answered 401 and never stored), and was applied.
        eventually(Duration.ofSeconds(30), () -> {
            for (var pair : new KindredInstance[][] {{alpha, beta}, {beta, alpha}}) {
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
                assertEquals(
                        0L,
                        instance.count("select count(*) from actor where not local and uri not like 'https://%'"),
                        instance.name() + ": the other side's actors are known by their https ids");
                assertEquals(
                        0L,
                        instance.count("select count(*) from delivery where state in ('failed', 'parked')"),
                        instance.name() + ": no delivery refused or given up");
            }
        });
        assertTrue(URI.create(groupUri).getScheme().equals("https"));
    }
}
