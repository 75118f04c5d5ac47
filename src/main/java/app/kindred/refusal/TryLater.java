package app.kindred.refusal;

import java.time.Duration;

/**
 * "Come back in a moment": a request refused for now but not for its content. A rate limit
 * answers 429, a server at capacity (no database connection, no hashing thread, too many requests)
 * answers 503; both say in Retry-After when to try again, which browsers, apps and other
 * ActivityPub servers honour. Nothing is written when it is thrown inside a transaction.
 */
public final class TryLater extends RuntimeException {
    public enum Kind {
        RATE_LIMITED,
        BUSY
    }

    private final Kind kind;
    private final Duration retryAfter;

    private TryLater(Kind kind, Duration retryAfter, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** Too many of one kind of request from one member, client or host; {@code message} says which. */
    public static TryLater rateLimited(Duration retryAfter, String message) {
        return new TryLater(Kind.RATE_LIMITED, retryAfter, message, null);
    }

    /** The server is at capacity; the request was not carried out and may be sent again as it is. */
    public static TryLater busy(Duration retryAfter, String message, Throwable cause) {
        return new TryLater(Kind.BUSY, retryAfter, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds for a Retry-After header, rounded up and at least 1, so clients never retry at once. */
    public long retryAfterSeconds() {
        long millis = retryAfter.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
