package app.kindred.delivery;

import static app.kindred.Eventually.eventually;
import static com.github.tomakehurst.wiremock.client.WireMock.*;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.net.URI;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A peer whose TLS certificate we refuse (self-signed here, over a real handshake) gets a delivery
 * error that says so, at once: it is not retried as if the host were down, and the host is not
 * marked failing, so its other deliveries are not parked behind it.
 */
class TlsDeliveryTest {
    private WireMockServer remote;
    private App app;
    private Actor sender;

    @BeforeEach
    void start() {
        remote = new WireMockServer(WireMockConfiguration.options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .dynamicHttpsPort());
        remote.start();
        app = App.open(TestPostgres.config(Map.of(
                "KINDRED_DELIVERY_TIME_SCALE", "0.001",
                "KINDRED_DELIVERY_POLL_INTERVAL", "50ms")));
        // The default delivery timeout (10 s), not a shorter one: on a busy machine a 2 s timeout ran out
        // during the handshake itself, and a timeout is rightly retried as an outage, so the test then
        // saw two attempts for reasons that had nothing to do with the certificate.
        sender = app.members().create("sender", "a long password", Role.MEMBER).actor();
    }

    @AfterEach
    void stop() {
        if (app != null) app.close();
        remote.stop();
    }

    private Actor remoteActor(String base, String name) {
        var uri = URI.create(base + "/users/" + name);
        return app.database()
                .transaction(c -> new ActorStore(app.ids())
                        .upsertRemote(
                                c,
                                new RemoteActorData(
                                        uri,
                                        ActorType.PERSON,
                                        name,
                                        name,
                                        URI.create(uri + "/inbox"),
                                        null,
                                        null,
                                        null,
                                        uri + "#main-key",
                                        null,
                                        null,
                                        null)));
    }

    @Test
    void aSelfSignedPeerIsRefusedAsADeliveryErrorNotRetriedAsIfDown() throws Exception {
        remote.stubFor(
                post(urlMatching("/users/.*/inbox")).willReturn(aResponse().withStatus(202)));
        var https = remoteActor("https://127.0.0.1:" + remote.httpsPort(), "a");
        app.startWorkers();
        var id = sender.uri() + "/activities/tls-1";
        var body = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" + id
                + "\",\"type\":\"Create\",\"actor\":\"" + sender.uri() + "\",\"object\":\"" + id + "/o\"}";
        app.database().transaction(c -> app.outbox().enqueue(c, sender, id, null, body, List.of(https)));
        app.deliveryWorker().wake();

        eventually(() -> assertEquals(
                "failed",
                app.database()
                        .read(c -> Sql.one(
                                c,
                                "select d.state from delivery d join outbound_activity o on o.id = d.outbound_id"
                                        + " where o.activity_id = ?",
                                rs -> rs.getString(1),
                                id))
                        .orElse(null)));
        var row = app.database()
                .read(c -> Sql.one(
                        c,
                        "select d.attempts, d.last_error from delivery d join outbound_activity o on o.id = d.outbound_id"
                                + " where o.activity_id = ?",
                        rs -> List.of(String.valueOf(rs.getInt(1)), rs.getString(2)),
                        id))
                .orElseThrow();
        assertEquals("1", row.get(0), "tried once, not again and again");
        assertTrue(row.get(1).startsWith("certificate refused"), row.get(1));
        assertTrue(row.get(1).contains("self-signed"), row.get(1));
        assertFalse(row.get(1).contains("127.0.0.1"), "no address in the stored error");
        long failingHosts = app.database()
                .read(c -> Sql.count(
                        c, "select count(*) from host_health where failing_since is not null or unavailable"));
        assertEquals(0, failingHosts, "the host is not taken for down");
        assertEquals(0, remote.getAllServeEvents().size(), "nothing was sent over the refused connection");
        // What an admin sees for the host in `kindred federation status`.
        var host = new DeliveryStatus(app.database())
                .hosts().stream()
                        .filter(h -> h.host().equals("127.0.0.1:" + remote.httpsPort()))
                        .findFirst()
                        .orElseThrow();
        assertEquals(1, host.failed());
        assertTrue(host.lastError().startsWith("certificate refused"), host.toString());
        // Not "healthy": the admins' page says its deliveries are refused and not retried.
        assertEquals(DeliveryStatus.Health.REFUSED, host.health());
    }

    @Test
    void certificateProblemsAreToldApartFromOutages() {
        assertTrue(InboxPoster.certificateProblem(handshake(
                        new CertificateException("No subject alternative names matching IP address 127.0.0.1 found")))
                .contains("for another name"));
        assertTrue(InboxPoster.certificateProblem(handshake(new CertificateExpiredException("NotAfter: ...")))
                .contains("expired"));
        assertTrue(InboxPoster.certificateProblem(handshake(new CertPathValidatorException("untrusted")))
                .contains("self-signed"));
        assertNull(
                InboxPoster.certificateProblem(new SSLHandshakeException("Remote host terminated the handshake")),
                "a reset handshake is an outage, retried");
        assertNull(InboxPoster.certificateProblem(new SSLException("Connection reset")));
    }

    private static SSLHandshakeException handshake(Exception cause) {
        var e = new SSLHandshakeException("PKIX failed");
        e.initCause(cause);
        return e;
    }
}
