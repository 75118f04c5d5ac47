package app.kindred.federation;

import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.VerificationResult;
import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says which actor signed a request, or why we do not believe it. A signature that fails with a key
 * we already had is tried once more with the key fetched afresh, since actors rotate keys.
 */
public final class RequestAuthenticator {

    public sealed interface Outcome {}

    public record Authenticated(URI actor, String keyId, SignatureScheme scheme) implements Outcome {}

    public record Rejected(VerificationResult.Reason reason, String detail) implements Outcome {}

    private final SignatureVerifier verifier;
    private final KeyDirectory keys;

    public RequestAuthenticator(SignatureVerifier verifier, KeyDirectory keys) {
        this.verifier = verifier;
        this.keys = keys;
    }

    public static boolean isSigned(HttpRequestParts request) {
        return request.hasHeader("Signature") || request.hasHeader("Signature-Input")
                || request.header("Authorization").map(a -> a.startsWith("Signature ")).orElse(false);
    }

    public Outcome authenticate(HttpRequestParts request) {
        // A key fetched from its server during this very request is as fresh as a refetch would make it.
        Set<String> fetchedNow = ConcurrentHashMap.newKeySet();
        var result = verifier.verify(request, keyId -> keys.known(keyId).or(() -> {
            fetchedNow.add(keyId);
            return keys.fetch(keyId);
        }).map(KeyDirectory.OwnedKey::key));
        if (result instanceof VerificationResult.Failed failed && failed.keyId() != null
                && !fetchedNow.contains(failed.keyId()) && retryable(failed.reason())) {
            var fresh = keys.refetch(failed.keyId());
            if (fresh.isPresent()) result = verifier.verify(request, keyId -> keyId.equals(failed.keyId())
                    ? fresh.map(KeyDirectory.OwnedKey::key) : keys.find(keyId).map(KeyDirectory.OwnedKey::key));
        }
        return switch (result) {
            case VerificationResult.Verified v -> owner(v.keyId())
                    .<Outcome>map(owner -> new Authenticated(owner, v.keyId(), v.scheme()))
                    .orElseGet(() -> new Rejected(VerificationResult.Reason.UNKNOWN_KEY, "the key " + v.keyId() + " has no owner"));
            case VerificationResult.Failed f -> new Rejected(f.reason(), f.detail());
        };
    }

    private Optional<URI> owner(String keyId) {
        return keys.find(keyId).map(KeyDirectory.OwnedKey::owner);
    }

    /** Failures a rotated key could explain; a malformed or expired request stays refused. */
    private static boolean retryable(VerificationResult.Reason reason) {
        return reason == VerificationResult.Reason.BAD_SIGNATURE || reason == VerificationResult.Reason.UNSUPPORTED_ALGORITHM;
    }
}
