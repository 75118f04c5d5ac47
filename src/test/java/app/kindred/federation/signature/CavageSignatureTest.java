package app.kindred.federation.signature;

import static app.kindred.federation.signature.SignatureFixtures.CLOCK;
import static app.kindred.federation.signature.SignatureFixtures.ED25519;
import static app.kindred.federation.signature.SignatureFixtures.RSA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.signature.VerificationResult.Failed;
import app.kindred.federation.signature.VerificationResult.Reason;
import app.kindred.federation.signature.VerificationResult.Verified;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** draft-cavage-http-signatures-12: the draft's Appendix C examples, and round trips with fresh keys. */
class CavageSignatureTest {

    private static final Clock DRAFT_TIME = Clock.fixed(Instant.parse("2014-01-05T21:31:40Z"), ZoneOffset.UTC);
    private static final String C2_SIGNATURE =
            "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=";
    private static final String C3_SIGNATURE =
            "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

    private static HttpRequestParts draftRequest() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "example.com");
        headers.put("Date", "Sun, 05 Jan 2014 21:31:40 GMT");
        headers.put("Content-Type", "application/json");
        headers.put("Digest", "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=");
        headers.put("Content-Length", "18");
        return HttpRequestParts.of(
                "POST",
                URI.create("http://example.com/foo?param=value&pet=dog"),
                headers,
                "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static KeyResolver draftKey() {
        VerificationKey key = VerificationKey.fromPem(SignatureFixtures.resource("cavage/test-public.pem"));
        return keyId -> keyId.equals("Test") ? Optional.of(key) : Optional.empty();
    }

    @Test
    void appendixC3AllHeadersExampleVerifies() {
        HttpRequestParts request = draftRequest()
                .withHeader(
                        "Signature",
                        "keyId=\"Test\",algorithm=\"rsa-sha256\","
                                + "headers=\"(request-target) host date content-type digest content-length\",signature=\""
                                + C3_SIGNATURE + "\"");

        VerificationResult result = new SignatureVerifier(DRAFT_TIME).verify(request, draftKey());

        Verified verified = assertInstanceOf(Verified.class, result, result.toString());
        assertEquals("Test", verified.keyId());
        assertEquals(SignatureScheme.CAVAGE, verified.scheme());
    }

    @Test
    void appendixC2BasicExampleVerifiesInTheAuthorizationHeaderOnceTheDigestRuleIsRelaxed() {
        HttpRequestParts request = draftRequest()
                .withHeader(
                        "Authorization",
                        "Signature keyId=\"Test\",algorithm=\"rsa-sha256\","
                                + "headers=\"(request-target) host date\",signature=\"" + C2_SIGNATURE + "\"");

        // The draft's basic example leaves the digest unsigned, which our default policy refuses for a body.
        Failed refused = assertInstanceOf(Failed.class, new SignatureVerifier(DRAFT_TIME).verify(request, draftKey()));
        assertEquals(Reason.DIGEST_NOT_SIGNED, refused.reason());

        VerificationPolicy relaxed = VerificationPolicy.defaults().withCoverageRequirements(false, true);
        VerificationResult result = new SignatureVerifier(DRAFT_TIME, relaxed).verify(request, draftKey());
        assertTrue(result.isVerified(), result.toString());
    }

    @Test
    void signingWithTheDraftKeyReproducesTheC3Signature() {
        SigningKey key = SigningKey.fromPem(SignatureFixtures.resource("cavage/test-private.pem"));
        String signingString = CavageSignature.signingString(
                draftRequest(),
                List.of("(request-target)", "host", "date", "content-type", "digest", "content-length"),
                null,
                null,
                true);
        assertEquals("""
                (request-target): post /foo?param=value&pet=dog
                host: example.com
                date: Sun, 05 Jan 2014 21:31:40 GMT
                content-type: application/json
                digest: SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=
                content-length: 18""", signingString);

        byte[] signature = SignatureAlgorithm.RSA_V1_5_SHA256.sign(key, signingString.getBytes(StandardCharsets.UTF_8));
        assertEquals(C3_SIGNATURE, Base64.getEncoder().encodeToString(signature));
    }

    @Test
    void parsesCreatedExpiresAndWrappedValues() {
        CavageSignature parsed = CavageSignature.parse(
                "keyId=\"Test\",algorithm=\"hs2019\",\n  created=1402170695, expires=1402170699.5,"
                        + "\n  headers=\"(request-target) (created)\n    host\",\n  signature=\""
                        + C2_SIGNATURE.substring(0, 40) + "\n    "
                        + C2_SIGNATURE.substring(40) + "\"");
        assertEquals("Test", parsed.keyId());
        assertEquals("hs2019", parsed.algorithm());
        assertEquals(1402170695L, parsed.created());
        assertEquals(1402170699L, parsed.expires());
        assertEquals(List.of("(request-target)", "(created)", "host"), parsed.headers());
        assertEquals(128, parsed.signature().length);
        assertEquals(
                List.of("date"),
                CavageSignature.parse("keyId=\"k\",signature=\"AAAA\"").headers());
    }

    @ParameterizedTest
    @CsvSource({"RSA, rsa-sha256", "RSA, hs2019", "ED25519, hs2019", "ED25519, ed25519"})
    void freshKeysRoundTripForPostAndGet(String keyType, String algorithm) {
        SignatureFixtures.Pair pair = keyType.equals("RSA") ? RSA : ED25519;
        RequestSigner signer = new RequestSigner(CLOCK);
        Map<String, List<String>> postHeaders = Map.of("Content-Type", List.of("application/activity+json"));
        Map<String, String> added = signer.signCavage(
                "POST",
                SignatureFixtures.INBOX,
                postHeaders,
                SignatureFixtures.ACTIVITY,
                pair.keyId(),
                pair.signing(),
                algorithm);
        HttpRequestParts post = new HttpRequestParts(
                        "POST", SignatureFixtures.INBOX, postHeaders, SignatureFixtures.ACTIVITY)
                .withHeaders(added);

        assertTrue(added.get("Signature").contains("algorithm=\"" + algorithm + "\""));
        assertTrue(added.get("Signature").contains("headers=\"(request-target) host date digest content-type\""));
        Verified verified = assertInstanceOf(
                Verified.class, SignatureFixtures.verifier().verify(post, SignatureFixtures.resolverFor(pair)));
        assertEquals(pair.keyId(), verified.keyId());

        URI outbox = URI.create("https://remote.example/users/bob/outbox?page=2");
        Map<String, List<String>> getHeaders = Map.of("Accept", List.of("application/activity+json"));
        HttpRequestParts get = new HttpRequestParts("GET", outbox, getHeaders, null)
                .withHeaders(
                        signer.signCavage("GET", outbox, getHeaders, null, pair.keyId(), pair.signing(), algorithm));
        assertTrue(get.header("signature").orElseThrow().contains("headers=\"(request-target) host date accept\""));
        assertTrue(SignatureFixtures.verifier()
                .verify(get, SignatureFixtures.resolverFor(pair))
                .isVerified());
    }

    @Test
    void aSignatureMadeWithoutTheQueryStillVerifies() {
        URI withQuery = URI.create("https://remote.example/users/bob/outbox?page=2");
        URI withoutQuery = URI.create("https://remote.example/users/bob/outbox");
        Map<String, String> added = new RequestSigner(CLOCK)
                .sign("GET", withoutQuery, Map.of(), null, RSA.keyId(), RSA.signing(), SignatureScheme.CAVAGE);
        HttpRequestParts received = new HttpRequestParts("GET", withQuery, Map.of(), null).withHeaders(added);

        assertTrue(SignatureFixtures.verifier()
                .verify(received, SignatureFixtures.resolverFor(RSA))
                .isVerified());
    }

    @Test
    void theQueryFallbackDoesNotAcceptAnotherPath() {
        Map<String, String> added = new RequestSigner(CLOCK)
                .sign(
                        "GET",
                        URI.create("https://remote.example/users/bob/outbox"),
                        Map.of(),
                        null,
                        RSA.keyId(),
                        RSA.signing(),
                        SignatureScheme.CAVAGE);
        HttpRequestParts received = new HttpRequestParts(
                        "GET", URI.create("https://remote.example/users/eve/outbox?page=2"), Map.of(), null)
                .withHeaders(added);

        Failed failed = assertInstanceOf(
                Failed.class, SignatureFixtures.verifier().verify(received, SignatureFixtures.resolverFor(RSA)));
        assertEquals(Reason.BAD_SIGNATURE, failed.reason());
    }
}
