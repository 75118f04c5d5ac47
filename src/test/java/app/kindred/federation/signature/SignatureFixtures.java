package app.kindred.federation.signature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/** Shared keys, requests and resource loading for the signature tests. */
final class SignatureFixtures {

    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final URI INBOX = URI.create("https://remote.example/users/bob/inbox");
    static final byte[] ACTIVITY =
            "{\"type\":\"Follow\",\"actor\":\"https://kindred.example/users/alice\"}".getBytes(StandardCharsets.UTF_8);

    /** Generated once: RSA-2048 generation is slow on a shared two-core machine. */
    static final Pair RSA = rsaPair();

    static final Pair ED25519 = ed25519Pair();
    static final Pair OTHER_RSA = rsaPair();

    record Pair(String keyId, SigningKey signing, VerificationKey verification) {}

    private SignatureFixtures() {}

    private static Pair rsaPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new Pair(
                    "https://kindred.example/users/alice#main-key",
                    new SigningKey.RsaSigningKey((RSAPrivateKey) pair.getPrivate()),
                    new VerificationKey.RsaKey((RSAPublicKey) pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Pair ed25519Pair() {
        SigningKey.Ed25519SigningKey signing =
                new SigningKey.Ed25519SigningKey(new Ed25519PrivateKeyParameters(new SecureRandom()));
        return new Pair("https://kindred.example/users/alice#ed25519-key", signing, signing.publicKey());
    }

    static KeyResolver resolverFor(Pair... pairs) {
        Map<String, VerificationKey> keys = new LinkedHashMap<>();
        for (Pair pair : pairs) {
            keys.put(pair.keyId(), pair.verification());
        }
        return keyId -> Optional.ofNullable(keys.get(keyId));
    }

    static SignatureVerifier verifier() {
        return new SignatureVerifier(CLOCK);
    }

    /** A POST to the inbox signed now with the given scheme, headers and all. */
    static HttpRequestParts signedPost(Pair pair, SignatureScheme scheme) {
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/activity+json"));
        Map<String, String> added =
                new RequestSigner(CLOCK).sign("POST", INBOX, headers, ACTIVITY, pair.keyId(), pair.signing(), scheme);
        return new HttpRequestParts("POST", INBOX, headers, ACTIVITY).withHeaders(added);
    }

    static HttpRequestParts signedGet(Pair pair, SignatureScheme scheme, URI uri) {
        Map<String, List<String>> headers = Map.of("Accept", List.of("application/activity+json"));
        Map<String, String> added =
                new RequestSigner(CLOCK).sign("GET", uri, headers, null, pair.keyId(), pair.signing(), scheme);
        return new HttpRequestParts("GET", uri, headers, null).withHeaders(added);
    }

    static String resource(String path) {
        try (InputStream in = SignatureFixtures.class.getResourceAsStream("/signature/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
