package app.kindred.federation;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okForContentType;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import app.kindred.App;
import app.kindred.actor.LocalKeys;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SigningKey;
import app.kindred.storage.Sql;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An actor on another server: WireMock serves its Person document with an RSA #main-key and an
 * Ed25519 Multikey, and the test signs requests with its private keys as that server would.
 */
public final class RemotePeer {
    public static final String AP = "application/activity+json";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** How a request is signed: under which keyId, with which private key, when. */
    public record Signing(String keyId, SigningKey key, SignatureScheme scheme, Instant at) {
        Signing withKey(SigningKey other) {
            return new Signing(keyId, other, scheme, at);
        }

        Signing at(Instant when) {
            return new Signing(keyId, key, scheme, when);
        }
    }

    private final WireMockExtension remote;
    private final String path;
    private final String mainKeyId;
    private LocalKeys keys = LocalKeys.generate(RANDOM);

    private RemotePeer(WireMockExtension remote, String path, String mainKeyId) {
        this.remote = remote;
        this.path = path;
        this.mainKeyId = mainKeyId;
    }

    /** A Mastodon-style actor at /users/{name} whose RSA key is the fragment #main-key. */
    public static RemotePeer serve(WireMockExtension remote, String name) {
        var peer = new RemotePeer(remote, "/users/" + name, url(remote, "/users/" + name) + "#main-key");
        peer.publish();
        return peer;
    }

    /** A GoToSocial-style actor whose key is its own document at /users/{name}/main-key. */
    static RemotePeer serveWithKeyDocument(WireMockExtension remote, String name) {
        var peer = new RemotePeer(remote, "/users/" + name, url(remote, "/users/" + name + "/main-key"));
        peer.publish();
        peer.publishKeyDocument(peer.id());
        return peer;
    }

    private static String url(WireMockExtension remote, String path) {
        return "http://127.0.0.1:" + remote.getPort() + path;
    }

    public String id() {
        return url(remote, path);
    }

    public URI uri() {
        return URI.create(id());
    }

    String path() {
        return path;
    }

    String mainKeyId() {
        return mainKeyId;
    }

    String ed25519KeyId() {
        return id() + "#ed25519";
    }

    /** The actor document as the remote serves it now. */
    String actorJson() {
        return """
                {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                              "https://w3id.org/security/data-integrity/v1"],
                 "id": "%1$s", "type": "Person", "preferredUsername": "%2$s",
                 "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers",
                 "publicKey": {"id": "%3$s", "owner": "%1$s", "publicKeyPem": %4$s},
                 "assertionMethod": [{"id": "%5$s", "type": "Multikey", "controller": "%1$s",
                                      "publicKeyMultibase": "%6$s"}]}""".formatted(
                        id(),
                        path.substring(path.lastIndexOf('/') + 1),
                        mainKeyId,
                        quoted(keys.rsaPublicPem()),
                        ed25519KeyId(),
                        keys.ed25519Multibase());
    }

    private void publish() {
        remote.stubFor(WireMock.get(path).willReturn(okForContentType(AP, actorJson())));
    }

    /** Serves the RSA key as its own document, naming {@code owner}. */
    void publishKeyDocument(String owner) {
        var keyPath = URI.create(mainKeyId).getPath();
        remote.stubFor(WireMock.get(keyPath)
                .willReturn(okForContentType(AP, """
                {"@context": "https://w3id.org/security/v1", "id": "%s", "type": "CryptographicKey",
                 "owner": "%s", "publicKeyPem": %s}""".formatted(mainKeyId, owner, quoted(keys.rsaPublicPem())))));
    }

    /** The remote replaces both key pairs and serves the new public keys under the same ids. */
    void rotate() {
        keys = LocalKeys.generate(RANDOM);
        publish();
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\n", "\\n") + "\"";
    }

    /** GETs of the actor document (the keyId without its fragment) WireMock has answered. */
    int actorFetches() {
        return remote.findAll(getRequestedFor(urlEqualTo(path))).size();
    }

    /** The RSA private key as PEM, to look for in places it must never appear. */
    String privatePem() {
        return keys.rsaPrivatePem();
    }

    SigningKey rsaKey() {
        return SigningKey.fromPem(keys.rsaPrivatePem());
    }

    SigningKey ed25519Key() {
        return new SigningKey.Ed25519SigningKey(new Ed25519PrivateKeyParameters(keys.ed25519Private(), 0));
    }

    /** Cavage with the RSA key, as Mastodon signs. */
    public Signing cavage() {
        return new Signing(mainKeyId, rsaKey(), SignatureScheme.CAVAGE, Instant.now());
    }

    /** RFC 9421 with the Ed25519 key. */
    Signing rfc9421() {
        return new Signing(ed25519KeyId(), ed25519Key(), SignatureScheme.RFC9421, Instant.now());
    }

    /** A key nobody published, to sign with under a real keyId. */
    static SigningKey strangerKey() {
        return SigningKey.fromPem(LocalKeys.generate(RANDOM).rsaPrivatePem());
    }

    /** A fresh activity id on this actor's origin. */
    public String activityId() {
        return id() + "/activities/" + UUID.randomUUID();
    }

    String follow(String object) {
        return follow(activityId(), id(), object);
    }

    static String follow(String id, String actor, String object) {
        return """
                {"@context": "https://www.w3.org/ns/activitystreams", "id": "%s", "type": "Follow",
                 "actor": "%s", "object": "%s"}""".formatted(id, actor, object);
    }

    /** POSTs {@code body} signed as it is; see the other overload to change the body after signing. */
    /**
     * Posts the activity to a community's inbox on {@code app}, signed by this peer, and waits until it
     * is applied ("done"); anything else it ends in (a refusal, say) fails with its reason.
     */
    public void deliverAndAwait(App app, String group, String activity) {
        String id;
        try {
            id = new ObjectMapper().readTree(activity).get("id").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var response = post(URI.create(group + "/inbox"), AP, activity, cavage());
        if (response.statusCode() != 202) throw new AssertionError(response.statusCode() + " " + response.body());
        var deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (true) {
            var state = inboundOutcome(app, id);
            if (!state.startsWith("pending")) {
                if (!state.strip().equals("done")) throw new AssertionError(state);
                return;
            }
            if (Instant.now().isAfter(deadline)) throw new AssertionError("not processed in time");
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The inbound row's state and error, "pending" until it is stored. */
    public static String inboundOutcome(App app, String activityId) {
        return app.database()
                .read(c -> Sql.one(
                        c,
                        "select state || ' ' || coalesce(last_error, '') from inbound_activity where activity_id = ?",
                        rs -> rs.getString(1),
                        activityId))
                .orElse("pending");
    }

    public static HttpResponse<String> post(URI uri, String contentType, String body, Signing signing) {
        return post(uri, contentType, body, body, signing);
    }

    /** POSTs {@code sent}, signed (when signing is not null) as though the body were {@code signed}. */
    static HttpResponse<String> post(URI uri, String contentType, String signed, String sent, Signing signing) {
        var request = HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(sent))
                .header("Content-Type", contentType);
        if (signing != null) {
            var headers = new LinkedHashMap<String, List<String>>();
            headers.put("Content-Type", List.of(contentType));
            addSignature(request, "POST", uri, headers, signed.getBytes(), signing);
        }
        return send(request);
    }

    /** GETs with the given Accept, signed unless signing is null. */
    public static HttpResponse<String> get(URI uri, String accept, Signing signing) {
        var request = HttpRequest.newBuilder(uri).GET().header("Accept", accept);
        if (signing != null) {
            var headers = new LinkedHashMap<String, List<String>>();
            headers.put("Accept", List.of(accept));
            addSignature(request, "GET", uri, headers, new byte[0], signing);
        }
        return send(request);
    }

    private static void addSignature(
            HttpRequest.Builder request,
            String method,
            URI uri,
            Map<String, List<String>> headers,
            byte[] body,
            Signing signing) {
        var signer = new RequestSigner(Clock.fixed(signing.at(), ZoneOffset.UTC));
        signer.sign(method, uri, headers, body, signing.keyId(), signing.key(), signing.scheme())
                .forEach((name, value) -> {
                    // The client sets Host itself (to the same host:port the signature covers) and refuses it from us.
                    if (!name.equalsIgnoreCase("Host")) request.header(name, value);
                });
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
