package app.kindred.federation;

import app.kindred.federation.signature.HttpRequestParts;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SignatureVerifier;
import app.kindred.federation.signature.VerificationResult;
import app.kindred.ratelimit.RateLimits;
import app.kindred.ratelimit.RateLimits.Limit;
import app.kindred.refusal.TryLater;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

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
    private final RateLimits limits;

    public RequestAuthenticator(SignatureVerifier verifier, KeyDirectory keys, RateLimits limits) {
        this.verifier = verifier;
        this.keys = keys;
        this.limits = limits;
    }

    public static boolean isSigned(HttpRequestParts request) {
        return request.hasHeader("Signature")
                || request.hasHeader("Signature-Input")
                || request.header("Authorization")
                        .map(a -> a.startsWith("Signature "))
                        .orElse(false);
    }

    /**
     * Who signed the request. Throws {@link TryLater} when the answer must wait: the signer's host
     * has had its share of key fetches, or the database is busy; a 401 would tell the sender the
     * signature is bad, when it only came at a bad moment.
     */
    public Outcome authenticate(HttpRequestParts request) {
        // A key fetched from its server during this very request is as fresh as a refetch would make it.
        Set<String> fetchedNow = ConcurrentHashMap.newKeySet();
        // The verifier turns whatever a key lookup throws into a failed signature; held here and thrown after.
        var later = new AtomicReference<TryLater>();
        var result = verifier.verify(
                request,
                keyId -> patiently(
                        later,
                        () -> keys.known(keyId)
                                .or(() -> {
                                    fetchedNow.add(keyId);
                                    limits.take(Limit.KEY_FETCH_HOST, hostOf(keyId));
                                    return keys.fetch(keyId);
                                })
                                .map(KeyDirectory.OwnedKey::key)));
        if (later.get() != null) throw later.get();
        if (result instanceof VerificationResult.Failed failed
                && failed.keyId() != null
                && !fetchedNow.contains(failed.keyId())
                && retryable(failed.reason())) {
            var fresh = keys.refetch(failed.keyId(), () -> limits.take(Limit.KEY_FETCH_HOST, hostOf(failed.keyId())));
            if (fresh.isPresent())
                result = verifier.verify(
                        request,
                        keyId -> keyId.equals(failed.keyId())
                                ? fresh.map(KeyDirectory.OwnedKey::key)
                                : patiently(later, () -> keys.find(keyId).map(KeyDirectory.OwnedKey::key)));
            if (later.get() != null) throw later.get();
        }
        return switch (result) {
            case VerificationResult.Verified v ->
                owner(v.keyId())
                        .<Outcome>map(owner -> new Authenticated(owner, v.keyId(), v.scheme()))
                        .orElseGet(() -> new Rejected(
                                VerificationResult.Reason.UNKNOWN_KEY, "the key " + v.keyId() + " has no owner"));
            case VerificationResult.Failed f -> new Rejected(f.reason(), f.detail());
        };
    }

    private static <T> Optional<T> patiently(AtomicReference<TryLater> later, Supplier<Optional<T>> lookup) {
        try {
            return lookup.get();
        } catch (TryLater e) {
            later.compareAndSet(null, e);
            return Optional.empty();
        }
    }

    /** The host a key is fetched from; a keyId that is no URI is keyed as written, and its fetch fails anyway. */
    private static String hostOf(String keyId) {
        try {
            var authority = URI.create(keyId).getRawAuthority();
            return authority == null ? keyId : authority.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return keyId;
        }
    }

    private Optional<URI> owner(String keyId) {
        return keys.find(keyId).map(KeyDirectory.OwnedKey::owner);
    }

    /** Failures a rotated key could explain; a malformed or expired request stays refused. */
    private static boolean retryable(VerificationResult.Reason reason) {
        return reason == VerificationResult.Reason.BAD_SIGNATURE
                || reason == VerificationResult.Reason.UNSUPPORTED_ALGORITHM;
    }
}
