package app.kindred.federation.signature;

import static app.kindred.federation.signature.SignatureFixtures.ED25519;
import static app.kindred.federation.signature.SignatureFixtures.INBOX;
import static app.kindred.federation.signature.SignatureFixtures.NOW;
import static app.kindred.federation.signature.SignatureFixtures.OTHER_RSA;
import static app.kindred.federation.signature.SignatureFixtures.RSA;
import static app.kindred.federation.signature.SignatureFixtures.resolverFor;
import static app.kindred.federation.signature.SignatureFixtures.signedPost;
import static app.kindred.federation.signature.SignatureFixtures.verifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.federation.signature.VerificationResult.Failed;
import app.kindred.federation.signature.VerificationResult.Reason;
import app.kindred.federation.signature.VerificationResult.Verified;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a request can fail verification ends in the right reason, never an exception. */
class VerificationFailureTest {

    static Stream<Arguments> keysAndSchemes() {
        return Stream.of(
                Arguments.of("RSA", SignatureScheme.CAVAGE),
                Arguments.of("RSA", SignatureScheme.RFC9421),
                Arguments.of("ED25519", SignatureScheme.CAVAGE),
                Arguments.of("ED25519", SignatureScheme.RFC9421));
    }

    private static SignatureFixtures.Pair pair(String type) {
        return type.equals("RSA") ? RSA : ED25519;
    }

    private static Reason reasonFor(HttpRequestParts request, KeyResolver resolver) {
        return reasonFor(verifier(), request, resolver);
    }

    private static Reason reasonFor(SignatureVerifier verifier, HttpRequestParts request, KeyResolver resolver) {
        VerificationResult result = verifier.verify(request, resolver);
        return assertInstanceOf(Failed.class, result, "expected a failure, got " + result)
                .reason();
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void anUntouchedRequestVerifies(String type, SignatureScheme scheme) {
        VerificationResult result = verifier().verify(signedPost(pair(type), scheme), resolverFor(pair(type)));
        Verified verified = assertInstanceOf(Verified.class, result, result.toString());
        assertEquals(pair(type).keyId(), verified.keyId());
        assertEquals(scheme, verified.scheme());
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void aTamperedBodyFailsItsDigest(String type, SignatureScheme scheme) {
        HttpRequestParts request =
                signedPost(pair(type), scheme).withBody("{\"type\":\"Delete\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Reason.BAD_DIGEST, reasonFor(request, resolverFor(pair(type))));
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void aTamperedCoveredHeaderFails(String type, SignatureScheme scheme) {
        HttpRequestParts request = signedPost(pair(type), scheme).withHeader("Content-Type", "text/html");
        assertEquals(Reason.BAD_SIGNATURE, reasonFor(request, resolverFor(pair(type))));
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void aChangedMethodFails(String type, SignatureScheme scheme) {
        HttpRequestParts request = signedPost(pair(type), scheme).withMethod("PUT");
        assertEquals(Reason.BAD_SIGNATURE, reasonFor(request, resolverFor(pair(type))));
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void aChangedPathFails(String type, SignatureScheme scheme) {
        HttpRequestParts request =
                signedPost(pair(type), scheme).withUri(URI.create("https://remote.example/users/carol/inbox"));
        assertEquals(Reason.BAD_SIGNATURE, reasonFor(request, resolverFor(pair(type))));
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void aKeyIdPointingAtAnotherKeyFailsAndNamesTheKeyForRefetching(String type, SignatureScheme scheme) {
        KeyResolver wrongKey = keyId -> Optional.of(OTHER_RSA.verification());
        VerificationResult result = verifier().verify(signedPost(pair(type), scheme), wrongKey);
        Failed failed = assertInstanceOf(Failed.class, result);
        // RFC 9421 names alg="ed25519", which cannot fit an RSA key; cavage hs2019 lets the RSA key decide, and fails.
        boolean namedMismatch = type.equals("ED25519") && scheme == SignatureScheme.RFC9421;
        assertEquals(namedMismatch ? Reason.UNSUPPORTED_ALGORITHM : Reason.BAD_SIGNATURE, failed.reason());
        assertEquals(Optional.of(pair(type).keyId()), failed.attemptedKeyId());
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void anUnknownKeyFails(String type, SignatureScheme scheme) {
        assertEquals(Reason.UNKNOWN_KEY, reasonFor(signedPost(pair(type), scheme), keyId -> Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("keysAndSchemes")
    void anOldSignatureHasExpiredAndAFutureOneIsRefused(String type, SignatureScheme scheme) {
        HttpRequestParts request = signedPost(pair(type), scheme);
        SignatureVerifier later = new SignatureVerifier(Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        SignatureVerifier earlier = new SignatureVerifier(Clock.fixed(NOW.minus(Duration.ofHours(2)), ZoneOffset.UTC));
        assertEquals(Reason.EXPIRED, reasonFor(later, request, resolverFor(pair(type))));
        assertEquals(Reason.FROM_THE_FUTURE, reasonFor(earlier, request, resolverFor(pair(type))));

        SignatureVerifier tolerant = new SignatureVerifier(
                Clock.fixed(NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC),
                VerificationPolicy.defaults().withMaxAge(Duration.ofHours(3)));
        assertTrue(tolerant.verify(request, resolverFor(pair(type))).isVerified());
    }

    @Test
    void aTamperedDateFailsTheSignature() {
        HttpRequestParts request =
                signedPost(RSA, SignatureScheme.CAVAGE).withHeader("Date", "Wed, 01 May 2024 12:00:05 GMT");
        assertEquals(Reason.BAD_SIGNATURE, reasonFor(request, resolverFor(RSA)));
    }

    @Test
    void aCavageExpiresInThePastFails() {
        HttpRequestParts request = signedPost(RSA, SignatureScheme.CAVAGE);
        String header = request.header("signature")
                .orElseThrow()
                .replace("algorithm=\"rsa-sha256\"", "algorithm=\"rsa-sha256\",expires=" + (NOW.getEpochSecond() - 10));
        assertEquals(Reason.EXPIRED, reasonFor(request.withHeader("Signature", header), resolverFor(RSA)));
    }

    @Test
    void anRfc9421ExpiresInThePastFails() {
        HttpRequestParts request = signedPost(ED25519, SignatureScheme.RFC9421);
        String input = request.header("signature-input").orElseThrow() + ";expires=" + (NOW.getEpochSecond() - 10);
        assertEquals(Reason.EXPIRED, reasonFor(request.withHeader("Signature-Input", input), resolverFor(ED25519)));
    }

    @Test
    void aCoveredDigestThatDoesNotMatchTheBodyFails() {
        byte[] other = "other".getBytes(StandardCharsets.UTF_8);
        // Cavage covers Digest and RFC 9421 covers Content-Digest; a replaced digest no longer matches the body.
        HttpRequestParts cavage =
                signedPost(RSA, SignatureScheme.CAVAGE).withHeader("Digest", BodyDigest.digestHeader(other));
        assertEquals(Reason.BAD_DIGEST, reasonFor(cavage, resolverFor(RSA)));
        HttpRequestParts rfc = signedPost(RSA, SignatureScheme.RFC9421)
                .withHeader("Content-Digest", BodyDigest.contentDigestHeader(other));
        assertEquals(Reason.BAD_DIGEST, reasonFor(rfc, resolverFor(RSA)));
    }

    @Test
    void aDigestTheSignatureDoesNotCoverIsRefused() {
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/activity+json"));
        // Sign a GET-style coverage (no digest) but send a body with a correct, uncovered Digest.
        Map<String, String> added = new RequestSigner(SignatureFixtures.CLOCK)
                .sign("GET", INBOX, headers, null, RSA.keyId(), RSA.signing(), SignatureScheme.CAVAGE);
        HttpRequestParts request = new HttpRequestParts("GET", INBOX, headers, SignatureFixtures.ACTIVITY)
                .withHeaders(added)
                .withHeader("Digest", BodyDigest.digestHeader(SignatureFixtures.ACTIVITY));
        assertEquals(Reason.DIGEST_NOT_SIGNED, reasonFor(request, resolverFor(RSA)));
        assertEquals(Reason.DIGEST_NOT_SIGNED, reasonFor(request.withoutHeader("Digest"), resolverFor(RSA)));
    }

    @Test
    void aWrongAlgorithmForTheKeyFails() {
        HttpRequestParts cavage = signedPost(ED25519, SignatureScheme.CAVAGE);
        String rsaNamed = cavage.header("signature").orElseThrow().replace("hs2019", "rsa-sha256");
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM,
                reasonFor(cavage.withHeader("Signature", rsaNamed), resolverFor(ED25519)));
        String hmac = cavage.header("signature").orElseThrow().replace("hs2019", "hmac-sha256");
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM, reasonFor(cavage.withHeader("Signature", hmac), resolverFor(ED25519)));

        HttpRequestParts rfc = signedPost(RSA, SignatureScheme.RFC9421);
        String edNamed = rfc.header("signature-input").orElseThrow().replace("rsa-v1_5-sha256", "ed25519");
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM, reasonFor(rfc.withHeader("Signature-Input", edNamed), resolverFor(RSA)));
        String pss = rfc.header("signature-input").orElseThrow().replace("rsa-v1_5-sha256", "rsa-pss-sha512");
        assertEquals(Reason.BAD_SIGNATURE, reasonFor(rfc.withHeader("Signature-Input", pss), resolverFor(RSA)));
    }

    @Test
    void aMissingSignatureIsReportedAsSuch() {
        HttpRequestParts unsigned =
                HttpRequestParts.of("POST", INBOX, Map.of("Host", "remote.example"), SignatureFixtures.ACTIVITY);
        assertEquals(Reason.MISSING_SIGNATURE, reasonFor(unsigned, resolverFor(RSA)));
    }

    @Test
    void oneUnknownKeyAndOneGoodSignatureVerifyAndEachLabelIsReported() {
        HttpRequestParts good = signedPost(ED25519, SignatureScheme.RFC9421);
        HttpRequestParts unknown = signedPost(OTHER_RSA, SignatureScheme.RFC9421);
        String input = unknown.header("signature-input").orElseThrow().replace("sig1=", "other=") + ", "
                + good.header("signature-input").orElseThrow();
        String signature = unknown.header("signature").orElseThrow().replace("sig1=", "other=") + ", "
                + good.header("signature").orElseThrow();
        HttpRequestParts both = good.withHeader("Signature-Input", input).withHeader("Signature", signature);

        Verified verified = assertInstanceOf(Verified.class, verifier().verify(both, resolverFor(ED25519)));
        assertEquals("sig1", verified.label());
        assertEquals(ED25519.keyId(), verified.keyId());
        assertEquals(2, verified.labels().size());
        assertEquals(Optional.of(Reason.UNKNOWN_KEY), verified.labels().get(0).failure());
        assertTrue(verified.labels().get(1).verified());
    }

    @Test
    void rfc9421IsTriedFirstAndCavageInAuthorizationIsTheFallback() {
        HttpRequestParts rfc = signedPost(ED25519, SignatureScheme.RFC9421);
        HttpRequestParts cavage = signedPost(RSA, SignatureScheme.CAVAGE);
        HttpRequestParts both = rfc.withHeader(
                "Authorization", "Signature " + cavage.header("signature").orElseThrow());

        Verified first = assertInstanceOf(Verified.class, verifier().verify(both, resolverFor(ED25519, RSA)));
        assertEquals(SignatureScheme.RFC9421, first.scheme());
        Verified fallback = assertInstanceOf(Verified.class, verifier().verify(both, resolverFor(RSA)));
        assertEquals(SignatureScheme.CAVAGE, fallback.scheme());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sig1=(\"@method\" \"@target-uri\";created=1",
                "sig1=(\"@method\"));created=1",
                "sig1=\"not-a-list\"",
                "sig1=(@method);created=1",
                "SIG1=(\"@method\")",
                "sig1=(\"@method\");created=1.5;keyid=\"k\"",
                "sig1=(\"@method\");keyid=k-token",
                "sig1=(\"@method\" \"@target-uri\" \"x-missing\");created=1714564800;keyid=\"k\"",
                "sig1=(\"@method\" \"@target-uri\" \"@status\");created=1714564800;keyid=\"k\"",
                "sig1=(\"@method\" \"@target-uri\" \"Content-Type\");created=1714564800;keyid=\"k\"",
                ",",
                "\u00e9=(\"@method\")"
            })
    void malformedSignatureInputIsMalformedNotAnException(String input) {
        HttpRequestParts request = signedPost(ED25519, SignatureScheme.RFC9421)
                .withHeader("Signature-Input", input)
                .withHeader("Signature", "sig1=:AAAA:");
        VerificationPolicy relaxed = VerificationPolicy.defaults().withCoverageRequirements(false, false);
        assertEquals(
                Reason.MALFORMED,
                reasonFor(
                        new SignatureVerifier(SignatureFixtures.CLOCK, relaxed),
                        request,
                        keyId -> Optional.of(ED25519.verification())));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sig1=:not base64!:",
                "sig1=:QUJD",
                "sig1=\"string\"",
                "garbage \u0000 value",
                "sig1=:AAAA:, sig1"
            })
    void garbageSignatureValuesAreMalformed(String signature) {
        HttpRequestParts request = signedPost(ED25519, SignatureScheme.RFC9421).withHeader("Signature", signature);
        assertEquals(Reason.MALFORMED, reasonFor(request, resolverFor(ED25519)));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "keyId=\"k\",signature=\"%%%not-base64\"",
                "keyId=\"k\",headers=\"(request-target) host date\",signature=\"AAAA",
                "signature=\"AAAA\"",
                "keyId=\"k\",keyId=\"j\",signature=\"AAAA\"",
                "keyId=\"k\",created=soon,headers=\"(created)\",signature=\"AAAA\""
            })
    void garbageCavageHeadersAreMalformed(String header) {
        HttpRequestParts request = signedPost(RSA, SignatureScheme.CAVAGE)
                .withHeader("Signature", header)
                .withHeader("Authorization", "Signature " + header);
        assertEquals(Reason.MALFORMED, reasonFor(request, resolverFor(RSA)));
    }

    @Test
    void aThrowingResolverIsAnUnknownKeyAndADateThatDoesNotParseIsMalformed() {
        HttpRequestParts request = signedPost(RSA, SignatureScheme.CAVAGE);
        assertEquals(Reason.UNKNOWN_KEY, reasonFor(request, keyId -> {
            throw new IllegalStateException("network down");
        }));
        assertEquals(Reason.MALFORMED, reasonFor(request.withHeader("Date", "yesterday"), resolverFor(RSA)));
    }

    @Test
    void aSignatureWithoutMethodAndTargetIsInsufficient() {
        HttpRequestParts request = signedPost(RSA, SignatureScheme.CAVAGE);
        String header = request.header("signature").orElseThrow().replace("(request-target) ", "");
        assertEquals(
                Reason.INSUFFICIENT_COVERAGE, reasonFor(request.withHeader("Signature", header), resolverFor(RSA)));
    }
}
