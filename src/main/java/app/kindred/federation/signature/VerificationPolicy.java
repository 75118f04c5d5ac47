package app.kindred.federation.signature;

import java.time.Duration;

/**
 * What a signature must satisfy beyond being mathematically valid.
 *
 * @param maxAge               how old the signature's creation time (or Date) may be
 * @param maxSkew              how far in the future it may be, for clocks that run ahead
 * @param requireBodyDigest    a request with a body must carry a covered digest that matches it
 * @param requireTargetCovered the signature must cover the method and the target, so it cannot be replayed elsewhere
 */
public record VerificationPolicy(
        Duration maxAge, Duration maxSkew, boolean requireBodyDigest, boolean requireTargetCovered) {

    public VerificationPolicy {
        if (maxAge == null || maxSkew == null || maxAge.isNegative() || maxSkew.isNegative()) {
            throw new IllegalArgumentException("maxAge and maxSkew must be non-negative durations");
        }
    }

    public static VerificationPolicy defaults() {
        return new VerificationPolicy(Duration.ofHours(1), Duration.ofHours(1), true, true);
    }

    public VerificationPolicy withMaxAge(Duration newMaxAge) {
        return new VerificationPolicy(newMaxAge, maxSkew, requireBodyDigest, requireTargetCovered);
    }

    public VerificationPolicy withMaxSkew(Duration newMaxSkew) {
        return new VerificationPolicy(maxAge, newMaxSkew, requireBodyDigest, requireTargetCovered);
    }

    /** For checking published test vectors, which sign only some components. */
    public VerificationPolicy withCoverageRequirements(boolean bodyDigest, boolean target) {
        return new VerificationPolicy(maxAge, maxSkew, bodyDigest, target);
    }
}
