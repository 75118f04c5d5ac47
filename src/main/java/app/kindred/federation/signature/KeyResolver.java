package app.kindred.federation.signature;

import java.util.Optional;

/**
 * Finds the public key a signature names. The caller owns caching, storage, fetching and key rotation; the verifier
 * only calls this. Return empty for an unknown key.
 */
@FunctionalInterface
public interface KeyResolver {
    Optional<VerificationKey> resolve(String keyId);
}
