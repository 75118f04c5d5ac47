package app.kindred.federation;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.TestServer;
import app.kindred.actor.ActorStore;
import app.kindred.member.Role;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** What signing and verifying write to the log: enough to debug federation, never a private key. */
class RequestAuthenticatorLoggingTest {
    @RegisterExtension
    static WireMockExtension remote = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @Test
    void noLogLineCarriesAPrivateKey() {
        var root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var ours = (Logger) LoggerFactory.getLogger("app.kindred");
        var previousLevel = ours.getLevel();
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        root.addAppender(appender);
        // Debug lines too: a key that only leaks at debug still leaks once someone turns it on.
        ours.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>();
        try (var server = TestServer.start()) {
            server.app().members().create("alice", "correct horse battery", Role.MEMBER);
            server.app().communities().create("peers", "Peers", "", "alice");
            var peer = RemotePeer.serve(remote, "talker");
            var inbox = URI.create(server.base() + "/c/peers/inbox");

            // Accepting this fetches the peer's actor, and that fetch is signed with our instance actor's key.
            assertEquals(
                    202,
                    RemotePeer.post(inbox, RemotePeer.AP, peer.follow(server.base() + "/c/peers"), peer.cavage())
                            .statusCode());
            assertEquals(
                    200,
                    RemotePeer.get(URI.create(server.base() + "/c/peers"), RemotePeer.AP, peer.rfc9421())
                            .statusCode());
            var forged = peer.cavage().withKey(RemotePeer.strangerKey());
            assertEquals(
                    401,
                    RemotePeer.post(inbox, RemotePeer.AP, peer.follow(server.base() + "/c/peers"), forged)
                            .statusCode());
            var follow = peer.follow(server.base() + "/c/peers");
            assertEquals(
                    401,
                    RemotePeer.post(inbox, RemotePeer.AP, follow, follow.replace("Follow", "Block"), peer.cavage())
                            .statusCode());

            var instance = server.app().instanceActor();
            secrets.add(server.app()
                    .database()
                    .read(c -> new ActorStore(server.app().ids()).rsaPrivateKeyPem(c, instance.id()))
                    .orElseThrow());
            secrets.add(peer.privatePem());
        } finally {
            root.detachAppender(appender);
            ours.setLevel(previousLevel);
        }

        var lines = appender.list.stream()
                .map(RequestAuthenticatorLoggingTest::render)
                .toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("refused a Follow")), "the refusal was logged: " + lines);
        for (var line : lines) {
            assertFalse(line.contains("PRIVATE KEY"), line);
            for (var pem : secrets) {
                // Any one line of the base64 body is enough to call it a leak.
                pem.lines()
                        .filter(l -> !l.startsWith("-----"))
                        .forEach(chunk -> assertFalse(line.contains(chunk), line));
            }
        }
    }

    private static String render(ILoggingEvent event) {
        var proxy = event.getThrowableProxy();
        return event.getLoggerName() + " " + event.getFormattedMessage()
                + (proxy == null ? "" : "\n" + ThrowableProxyUtil.asString(proxy));
    }
}
