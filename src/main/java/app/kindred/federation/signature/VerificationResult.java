package app.kindred.federation.signature;

import java.util.List;
import java.util.Optional;

/** The outcome of verifying a request's signatures. */
public sealed interface VerificationResult {

    /** The keyId the verifier used or tried; after a failure a caller can refetch that key and verify again. */
    default Optional<String> attemptedKeyId() {
        return switch (this) {
            case Verified verified -> Optional.of(verified.keyId());
            case Failed failed -> Optional.ofNullable(failed.keyId());
        };
    }

    List<LabelOutcome> labels();

    default boolean isVerified() {
        return this instanceof Verified;
    }

    /**
     * @param keyId  the key that verified; the caller maps it to an actor
     * @param label  the RFC 9421 label that verified, or null for cavage
     * @param labels every RFC 9421 signature and what became of it (empty for cavage)
     */
    record Verified(String keyId, SignatureScheme scheme, String label, List<LabelOutcome> labels)
            implements VerificationResult {
        public Verified {
            labels = List.copyOf(labels);
        }
    }

    /** @param keyId the key that was tried, when parsing got that far; null otherwise */
    record Failed(Reason reason, String detail, String keyId, List<LabelOutcome> labels) implements VerificationResult {
        public Failed {
            labels = List.copyOf(labels);
        }

        Failed(Reason reason, String detail) {
            this(reason, detail, null, List.of());
        }

        Failed(Reason reason, String detail, String keyId) {
            this(reason, detail, keyId, List.of());
        }
    }

    /** One RFC 9421 signature of a request; failure is empty when it verified. */
    record LabelOutcome(String label, String keyId, Optional<Reason> failure, String detail) {
        public boolean verified() {
            return failure.isEmpty();
        }
    }

    enum Reason {
        /** No Signature, Signature-Input or Authorization: Signature header. */
        MISSING_SIGNATURE,
        /** Headers that do not parse, bad base64, covered components that are absent. */
        MALFORMED,
        /** An algorithm we do not implement, or one that does not fit the key's type. */
        UNSUPPORTED_ALGORITHM,
        /** The resolver knows no key by that id. */
        UNKNOWN_KEY,
        /** The signature does not verify with the key. */
        BAD_SIGNATURE,
        /** A covered digest header does not match the body. */
        BAD_DIGEST,
        /** A request with a body whose digest is missing or not covered by the signature. */
        DIGEST_NOT_SIGNED,
        /** The signature leaves out the date/creation time or the method and target, so it could be replayed. */
        INSUFFICIENT_COVERAGE,
        /** Created or dated too long ago, or past its expiry. */
        EXPIRED,
        /** Created or dated further ahead than the allowed clock skew. */
        FROM_THE_FUTURE,
        /** A draft-cavage signature over a host that is not this server: it was made for another. */
        WRONG_HOST
    }
}
