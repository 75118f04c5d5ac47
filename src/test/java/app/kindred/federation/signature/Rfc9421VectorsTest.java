package app.kindred.federation.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.signature.VerificationResult.Verified;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 9421 Appendix B: the published signatures verify and our signature bases equal the RFC's, byte for byte. */
class Rfc9421VectorsTest {

    private static final Clock AT_CREATED = Clock.fixed(Instant.ofEpochSecond(1618884473L), ZoneOffset.UTC);

    /** The vectors sign only some components, so the fediverse coverage rules are relaxed for them. */
    private static final VerificationPolicy VECTOR_POLICY =
            VerificationPolicy.defaults().withMaxAge(Duration.ofDays(365 * 100)).withCoverageRequirements(false, false);

    private record Vector(String key, String signatureInput, String signature, String base, Map<String, String> extra) {
        static Vector load(String name) {
            String text = SignatureFixtures.resource("rfc9421/" + name);
            int baseAt = text.indexOf("base:\n");
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : text.substring(0, baseAt).split("\n")) {
                int colon = line.indexOf(": ");
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
            String base = text.substring(baseAt + "base:\n".length()).stripTrailing();
            return new Vector(
                    fields.remove("key"), fields.remove("signature-input"), fields.remove("signature"), base, fields);
        }

        String label() {
            return signatureInput.substring(0, signatureInput.indexOf('='));
        }
    }

    private static HttpRequestParts testRequest(Vector vector) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "example.com");
        headers.put("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
        headers.put("Content-Type", "application/json");
        headers.put(
                "Content-Digest",
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:");
        headers.put("Content-Length", "18");
        headers.put("Signature-Input", vector.signatureInput());
        headers.put("Signature", vector.signature());
        return HttpRequestParts.of(
                "POST",
                URI.create("https://example.com/foo?param=Value&Pet=dog"),
                headers,
                "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static VerificationKey key(String name) {
        return VerificationKey.fromPem(SignatureFixtures.resource("rfc9421/" + name + ".pub.pem"));
    }

    private static KeyResolver rfcKeys() {
        return keyId -> switch (keyId) {
            case "test-key-rsa-pss", "test-key-ecc-p256", "test-key-ed25519" -> Optional.of(key(keyId));
            default -> Optional.empty();
        };
    }

    private static StructuredFields.InnerList coveredComponents(Vector vector) {
        return (StructuredFields.InnerList)
                StructuredFields.parseDictionary(vector.signatureInput()).get(vector.label());
    }

    private static void assertVerifies(String file) {
        Vector vector = Vector.load(file);
        HttpRequestParts request = testRequest(vector);
        assertEquals(vector.base(), SignatureBase.forRequest(request, coveredComponents(vector)), "signature base");

        VerificationResult result = new SignatureVerifier(AT_CREATED, VECTOR_POLICY).verify(request, rfcKeys());

        Verified verified = assertInstanceOf(Verified.class, result, result.toString());
        assertEquals(vector.key(), verified.keyId());
        assertEquals(SignatureScheme.RFC9421, verified.scheme());
        assertEquals(vector.label(), verified.label());
    }

    @Test
    void b21MinimalRsaPssSignatureVerifies() {
        assertVerifies("b21.txt");
    }

    @Test
    void b22SelectiveComponentsWithQueryParamVerify() {
        assertVerifies("b22.txt");
    }

    @Test
    void b23FullCoverageVerifiesAndItsSha512ContentDigestMatchesTheBody() {
        assertVerifies("b23.txt");
        // Full coverage includes content-digest, so even the default digest rule is satisfied.
        Vector vector = Vector.load("b23.txt");
        VerificationResult result = new SignatureVerifier(
                        AT_CREATED, VECTOR_POLICY.withCoverageRequirements(true, false))
                .verify(testRequest(vector), rfcKeys());
        assertTrue(result.isVerified(), result.toString());
    }

    @Test
    void b26Ed25519SignatureVerifies() {
        assertVerifies("b26.txt");
    }

    @Test
    void b26Ed25519SigningReproducesTheRfcSignature() {
        Vector vector = Vector.load("b26.txt");
        SigningKey key = SigningKey.fromPem(SignatureFixtures.resource("rfc9421/test-key-ed25519.pem"));
        byte[] signature = SignatureAlgorithm.ED25519.sign(key, vector.base().getBytes(StandardCharsets.UTF_8));
        assertEquals(vector.signature(), "sig-b26=:" + Base64.getEncoder().encodeToString(signature) + ":");
    }

    @Test
    void b24EcdsaP256RawSignatureVerifiesOverTheRfcBase() {
        // B.2.4 signs a response (@status), which a request verifier cannot rebuild; check the algorithm on its base.
        Vector vector = Vector.load("b24-response.txt");
        byte[] signature = Base64.getDecoder().decode(vector.signature().replaceAll("^sig-b24=:|:$", ""));
        byte[] base = vector.base().getBytes(StandardCharsets.UTF_8);

        assertTrue(SignatureAlgorithm.ECDSA_P256_SHA256.verify(key("test-key-ecc-p256"), base, signature));
        base[0] ^= 1;
        assertTrue(!SignatureAlgorithm.ECDSA_P256_SHA256.verify(key("test-key-ecc-p256"), base, signature));
    }

    @Test
    void b3EcdsaP256SignedProxyRequestVerifies() {
        Vector vector = Vector.load("b3-ttrp.txt");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "service.internal.example");
        headers.put("Date", "Tue, 20 Apr 2021 02:07:55 GMT");
        headers.put("Content-Type", "application/json");
        headers.put("Content-Length", "18");
        headers.put("Client-Cert", vector.extra().get("client-cert"));
        headers.put("Signature-Input", vector.signatureInput());
        headers.put("Signature", vector.signature());
        HttpRequestParts request = HttpRequestParts.of(
                "POST",
                URI.create("https://service.internal.example/foo?param=Value&Pet=dog"),
                headers,
                "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));

        assertEquals(vector.base(), SignatureBase.forRequest(request, coveredComponents(vector)));
        VerificationResult result = new SignatureVerifier(AT_CREATED, VECTOR_POLICY).verify(request, rfcKeys());
        assertEquals(
                "test-key-ecc-p256",
                assertInstanceOf(Verified.class, result, result.toString()).keyId());
    }

    @Test
    void aChangedComponentBreaksAnRfcVector() {
        Vector vector = Vector.load("b26.txt");
        HttpRequestParts tampered = testRequest(vector).withHeader("Content-Type", "text/plain");
        VerificationResult result = new SignatureVerifier(AT_CREATED, VECTOR_POLICY).verify(tampered, rfcKeys());
        assertEquals(
                VerificationResult.Reason.BAD_SIGNATURE,
                assertInstanceOf(VerificationResult.Failed.class, result).reason());
    }

    @Test
    void theDefaultPolicyRejectsTheMinimalVectorForCoveringNeitherTargetNorDigest() {
        Vector vector = Vector.load("b21.txt");
        VerificationResult result = new SignatureVerifier(
                        AT_CREATED, VerificationPolicy.defaults().withMaxAge(Duration.ofDays(36500)))
                .verify(testRequest(vector), rfcKeys());
        assertEquals(
                VerificationResult.Reason.INSUFFICIENT_COVERAGE,
                assertInstanceOf(VerificationResult.Failed.class, result).reason());
    }
}
