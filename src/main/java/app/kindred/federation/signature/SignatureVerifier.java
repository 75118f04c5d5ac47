package app.kindred.federation.signature;

import app.kindred.federation.signature.StructuredFields.InnerList;
import app.kindred.federation.signature.StructuredFields.Item;
import app.kindred.federation.signature.StructuredFields.MalformedFieldException;
import app.kindred.federation.signature.StructuredFields.Member;
import app.kindred.federation.signature.StructuredFields.SfBytes;
import app.kindred.federation.signature.StructuredFields.SfInteger;
import app.kindred.federation.signature.StructuredFields.SfString;
import app.kindred.federation.signature.VerificationResult.Failed;
import app.kindred.federation.signature.VerificationResult.LabelOutcome;
import app.kindred.federation.signature.VerificationResult.Reason;
import app.kindred.federation.signature.VerificationResult.Verified;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the HTTP signature of an incoming request, RFC 9421 first and draft-cavage second. Never throws for bad
 * input: every problem becomes a {@link Failed} result.
 */
public final class SignatureVerifier {

    /** More signatures than this on one request are ignored: each costs a key lookup and a public-key operation. */
    private static final int MAX_SIGNATURES = 8;

    private final Clock clock;
    private final VerificationPolicy policy;

    public SignatureVerifier(Clock clock, VerificationPolicy policy) {
        this.clock = clock;
        this.policy = policy;
    }

    public SignatureVerifier(Clock clock) {
        this(clock, VerificationPolicy.defaults());
    }

    public VerificationResult verify(HttpRequestParts request, KeyResolver resolver) {
        try {
            return verifyAny(request, resolver);
        } catch (RuntimeException e) {
            return new Failed(
                    Reason.MALFORMED,
                    "could not process the signature: " + e.getClass().getSimpleName());
        }
    }

    private VerificationResult verifyAny(HttpRequestParts request, KeyResolver resolver) {
        boolean hasInput = request.hasHeader("signature-input");
        Optional<String> cavage = CavageSignature.headerValue(request);
        if (!hasInput && cavage.isEmpty()) {
            if (request.hasHeader("signature")) {
                return new Failed(
                        Reason.MALFORMED, "Signature header is neither cavage nor accompanied by Signature-Input");
            }
            return new Failed(
                    Reason.MISSING_SIGNATURE, "no Signature, Signature-Input or Authorization: Signature header");
        }
        if (!hasInput) {
            return verifyCavage(request, cavage.get(), resolver);
        }
        VerificationResult rfc9421 = verifyRfc9421(request, resolver);
        if (rfc9421.isVerified() || cavage.isEmpty()) {
            return rfc9421;
        }
        VerificationResult fallback = verifyCavage(request, cavage.get(), resolver);
        return fallback.isVerified() ? fallback : rfc9421;
    }

    // ---- draft-cavage-http-signatures-12 ----

    private VerificationResult verifyCavage(HttpRequestParts request, String headerValue, KeyResolver resolver) {
        CavageSignature signature;
        try {
            signature = CavageSignature.parse(headerValue);
        } catch (MalformedFieldException e) {
            return new Failed(Reason.MALFORMED, e.getMessage());
        }
        String keyId = signature.keyId();
        Set<String> covered = new HashSet<>(signature.headers());
        if (policy.requireTargetCovered() && !(covered.contains("(request-target)") && covered.contains("host"))) {
            return new Failed(
                    Reason.INSUFFICIENT_COVERAGE, "the signature must cover (request-target) and host", keyId);
        }
        // The Host header is the sender's word; what it signed must name us, or a request made for
        // another server (relayed, or replayed to us with its Host) would pass. RFC 9421 binds @target-uri.
        Optional<String> host = request.header("host");
        if (covered.contains("host")
                && host.isPresent()
                && !host.get().strip().equalsIgnoreCase(RequestTarget.authority(request))) {
            return new Failed(
                    Reason.WRONG_HOST,
                    "the signed host is not this server (" + RequestTarget.authority(request) + ")",
                    keyId);
        }
        Failed timing = checkCavageTime(request, signature, covered, keyId);
        if (timing != null) {
            return timing;
        }
        Failed digest = checkDigests(request, covered, keyId);
        if (digest != null) {
            return digest;
        }
        Optional<VerificationKey> resolved = resolve(resolver, keyId);
        if (resolved.isEmpty()) {
            return new Failed(Reason.UNKNOWN_KEY, "no key " + keyId, keyId);
        }
        VerificationKey key = resolved.get();
        List<SignatureAlgorithm> algorithms;
        String algorithm = signature.algorithm();
        if (algorithm == null || algorithm.equals("hs2019")) {
            algorithms = SignatureAlgorithm.candidatesFor(key);
        } else if (algorithm.equals("rsa-sha256")) {
            algorithms = List.of(SignatureAlgorithm.RSA_V1_5_SHA256);
        } else if (algorithm.equals("ed25519")) {
            algorithms = List.of(SignatureAlgorithm.ED25519);
        } else {
            return new Failed(Reason.UNSUPPORTED_ALGORITHM, "algorithm " + algorithm + " is not supported", keyId);
        }
        if (algorithms.stream().noneMatch(a -> a.fits(key))) {
            return new Failed(
                    Reason.UNSUPPORTED_ALGORITHM,
                    "algorithm " + algorithm + " does not fit a " + keyType(key) + " key",
                    keyId);
        }
        try {
            byte[] withQuery = signature.signingString(request, true).getBytes(StandardCharsets.UTF_8);
            if (verifiesWithAny(algorithms, key, withQuery, signature.signature())) {
                return new Verified(keyId, SignatureScheme.CAVAGE, null, List.of());
            }
            // Some servers sign (request-target) without the query string; accept that once as a fallback.
            if (RequestTarget.query(request) != null && covered.contains("(request-target)")) {
                byte[] withoutQuery = signature.signingString(request, false).getBytes(StandardCharsets.UTF_8);
                if (verifiesWithAny(algorithms, key, withoutQuery, signature.signature())) {
                    return new Verified(keyId, SignatureScheme.CAVAGE, null, List.of());
                }
            }
        } catch (MalformedFieldException e) {
            return new Failed(Reason.MALFORMED, e.getMessage(), keyId);
        }
        return new Failed(Reason.BAD_SIGNATURE, "the signature does not verify with key " + keyId, keyId);
    }

    private Failed checkCavageTime(
            HttpRequestParts request, CavageSignature signature, Set<String> covered, String keyId) {
        if (signature.expires() != null && clock.instant().isAfter(Instant.ofEpochSecond(signature.expires()))) {
            return new Failed(Reason.EXPIRED, "the signature expired", keyId);
        }
        if (covered.contains("(created)") && signature.created() != null) {
            return checkInstant(Instant.ofEpochSecond(signature.created()), "created", keyId);
        }
        if (covered.contains("date")) {
            return checkDateHeader(request, keyId);
        }
        return new Failed(Reason.INSUFFICIENT_COVERAGE, "the signature covers neither date nor (created)", keyId);
    }

    // ---- RFC 9421 ----

    private VerificationResult verifyRfc9421(HttpRequestParts request, KeyResolver resolver) {
        Map<String, Member> inputs;
        Map<String, Member> signatures;
        try {
            inputs = StructuredFields.parseDictionary(
                    request.header("signature-input").orElse(""));
            signatures =
                    StructuredFields.parseDictionary(request.header("signature").orElse(""));
        } catch (MalformedFieldException e) {
            return new Failed(Reason.MALFORMED, "Signature-Input or Signature: " + e.getMessage());
        }
        if (inputs.isEmpty()) {
            return new Failed(Reason.MALFORMED, "Signature-Input holds no signature");
        }
        List<LabelOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, Member> input : inputs.entrySet()) {
            if (outcomes.size() == MAX_SIGNATURES) {
                break;
            }
            outcomes.add(
                    verifyLabel(request, input.getKey(), input.getValue(), signatures.get(input.getKey()), resolver));
        }
        Optional<LabelOutcome> verified =
                outcomes.stream().filter(LabelOutcome::verified).findFirst();
        if (verified.isPresent()) {
            return new Verified(
                    verified.get().keyId(),
                    SignatureScheme.RFC9421,
                    verified.get().label(),
                    outcomes);
        }
        // An unknown key says least about the request; report a more specific failure when there is one.
        LabelOutcome reported = outcomes.stream()
                .filter(o -> o.failure().orElseThrow() != Reason.UNKNOWN_KEY)
                .findFirst()
                .orElse(outcomes.get(0));
        return new Failed(
                reported.failure().orElseThrow(),
                reported.label() + ": " + reported.detail(),
                reported.keyId(),
                outcomes);
    }

    private LabelOutcome verifyLabel(
            HttpRequestParts request, String label, Member input, Member signatureMember, KeyResolver resolver) {
        try {
            if (!(input instanceof InnerList covered)) {
                return failure(label, null, Reason.MALFORMED, "Signature-Input member is not an inner list");
            }
            if (!(signatureMember instanceof Item item && item.value() instanceof SfBytes signatureBytes)) {
                return failure(label, null, Reason.MALFORMED, "no byte-sequence Signature for this label");
            }
            Map<String, StructuredFields.BareItem> parameters = covered.parameters();
            Optional<Long> created = StructuredFields.parameter(parameters, "created", SfInteger.class)
                    .map(SfInteger::value);
            Optional<Long> expires = StructuredFields.parameter(parameters, "expires", SfInteger.class)
                    .map(SfInteger::value);
            Optional<String> keyIdParam = StructuredFields.parameter(parameters, "keyid", SfString.class)
                    .map(SfString::value);
            Optional<String> alg = StructuredFields.parameter(parameters, "alg", SfString.class)
                    .map(SfString::value);
            StructuredFields.parameter(parameters, "nonce", SfString.class);
            StructuredFields.parameter(parameters, "tag", SfString.class);
            String keyId = keyIdParam.orElse(null);

            Set<String> names = new HashSet<>();
            for (Item component : covered.items()) {
                names.add(SignatureBase.componentName(component));
            }
            if (policy.requireTargetCovered() && !coversTarget(names)) {
                return failure(
                        label,
                        keyId,
                        Reason.INSUFFICIENT_COVERAGE,
                        "the signature must cover @method and @target-uri (or @authority with @path)");
            }
            if (expires.isPresent() && clock.instant().isAfter(Instant.ofEpochSecond(expires.get()))) {
                return failure(label, keyId, Reason.EXPIRED, "the signature expired");
            }
            Failed timing = created.isPresent()
                    ? checkInstant(Instant.ofEpochSecond(created.get()), "created", keyId)
                    : names.contains("date")
                            ? checkDateHeader(request, keyId)
                            : new Failed(
                                    Reason.INSUFFICIENT_COVERAGE, "no created parameter and no covered date", keyId);
            if (timing != null) {
                return failure(label, keyId, timing.reason(), timing.detail());
            }
            Failed digest = checkDigests(request, names, keyId);
            if (digest != null) {
                return failure(label, keyId, digest.reason(), digest.detail());
            }
            String base = SignatureBase.forRequest(request, covered);
            if (keyId == null) {
                return failure(label, null, Reason.UNKNOWN_KEY, "no keyid parameter");
            }
            Optional<VerificationKey> resolved = resolve(resolver, keyId);
            if (resolved.isEmpty()) {
                return failure(label, keyId, Reason.UNKNOWN_KEY, "no key " + keyId);
            }
            VerificationKey key = resolved.get();
            List<SignatureAlgorithm> algorithms;
            if (alg.isPresent()) {
                Optional<SignatureAlgorithm> named = SignatureAlgorithm.fromRfc9421Name(alg.get());
                if (named.isEmpty()) {
                    return failure(
                            label, keyId, Reason.UNSUPPORTED_ALGORITHM, "algorithm " + alg.get() + " is not supported");
                }
                if (!named.get().fits(key)) {
                    return failure(
                            label,
                            keyId,
                            Reason.UNSUPPORTED_ALGORITHM,
                            "algorithm " + alg.get() + " does not fit a " + keyType(key) + " key");
                }
                algorithms = List.of(named.get());
            } else {
                algorithms = SignatureAlgorithm.candidatesFor(key);
            }
            if (verifiesWithAny(algorithms, key, base.getBytes(StandardCharsets.UTF_8), signatureBytes.value())) {
                return new LabelOutcome(label, keyId, Optional.empty(), "verified");
            }
            return failure(label, keyId, Reason.BAD_SIGNATURE, "the signature does not verify with key " + keyId);
        } catch (MalformedFieldException e) {
            return failure(label, null, Reason.MALFORMED, e.getMessage());
        }
    }

    private static boolean coversTarget(Set<String> names) {
        boolean target = names.contains("@target-uri")
                || (names.contains("@authority") && (names.contains("@path") || names.contains("@request-target")));
        return names.contains("@method") && target;
    }

    private static LabelOutcome failure(String label, String keyId, Reason reason, String detail) {
        return new LabelOutcome(label, keyId, Optional.of(reason), detail);
    }

    // ---- shared checks ----

    private Failed checkDateHeader(HttpRequestParts request, String keyId) {
        Optional<String> date = request.header("date");
        if (date.isEmpty()) {
            return new Failed(Reason.MALFORMED, "covered Date header is missing", keyId);
        }
        try {
            Instant instant = HttpDates.parse(date.get());
            return checkInstant(instant, "Date", keyId);
        } catch (DateTimeParseException e) {
            return new Failed(Reason.MALFORMED, "Date is not an RFC 1123 date", keyId);
        }
    }

    private Failed checkInstant(Instant signedAt, String what, String keyId) {
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(policy.maxAge()))) {
            return new Failed(Reason.EXPIRED, what + " " + signedAt + " is older than " + policy.maxAge(), keyId);
        }
        if (signedAt.isAfter(now.plus(policy.maxSkew()))) {
            return new Failed(Reason.FROM_THE_FUTURE, what + " " + signedAt + " is in the future", keyId);
        }
        return null;
    }

    /** Covered digests must match the body; a body must have at least one covered, matching digest. */
    private Failed checkDigests(HttpRequestParts request, Set<String> coveredNames, String keyId) {
        List<BodyDigest.Check> checks = new ArrayList<>();
        byte[] body = request.bodyView();
        if (coveredNames.contains("digest") && request.hasHeader("digest")) {
            checks.add(BodyDigest.checkDigest(request.header("digest").orElseThrow(), body));
        }
        if (coveredNames.contains("content-digest") && request.hasHeader("content-digest")) {
            checks.add(BodyDigest.checkContentDigest(
                    request.header("content-digest").orElseThrow(), body));
        }
        if (checks.contains(BodyDigest.Check.MISMATCH)) {
            return new Failed(Reason.BAD_DIGEST, "the body does not match its digest", keyId);
        }
        if (checks.contains(BodyDigest.Check.MALFORMED)) {
            return new Failed(Reason.MALFORMED, "the digest header does not parse", keyId);
        }
        if (body.length > 0 && policy.requireBodyDigest() && !checks.contains(BodyDigest.Check.MATCHES)) {
            if (checks.contains(BodyDigest.Check.NO_SUPPORTED_ALGORITHM)) {
                return new Failed(Reason.UNSUPPORTED_ALGORITHM, "the digest uses neither SHA-256 nor SHA-512", keyId);
            }
            boolean present = request.hasHeader("digest") || request.hasHeader("content-digest");
            return new Failed(
                    Reason.DIGEST_NOT_SIGNED,
                    present ? "the body's digest is not covered by the signature" : "the body has no digest",
                    keyId);
        }
        return null;
    }

    private static Optional<VerificationKey> resolve(KeyResolver resolver, String keyId) {
        try {
            Optional<VerificationKey> key = resolver.resolve(keyId);
            return key == null ? Optional.empty() : key;
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean verifiesWithAny(
            List<SignatureAlgorithm> algorithms, VerificationKey key, byte[] data, byte[] signature) {
        return algorithms.stream().anyMatch(a -> a.verify(key, data, signature));
    }

    private static String keyType(VerificationKey key) {
        return switch (key) {
            case VerificationKey.RsaKey k -> "RSA";
            case VerificationKey.Ed25519Key k -> "Ed25519";
            case VerificationKey.EcP256Key k -> "ECDSA P-256";
        };
    }
}
