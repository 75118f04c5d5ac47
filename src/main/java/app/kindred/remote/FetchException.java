package app.kindred.remote;

/** A remote document we could not or would not fetch, with a reason a log reader understands. */
public final class FetchException extends Exception {
    public enum Reason {
        REFUSED_ADDRESS,
        REFUSED_SCHEME,
        REFUSED_DOMAIN,
        TOO_MANY_REDIRECTS,
        TOO_LARGE,
        TIMEOUT,
        UNREACHABLE,
        NOT_FOUND,
        GONE,
        HTTP_ERROR,
        NOT_JSON,
        MALFORMED,
        ORIGIN_MISMATCH
    }

    private final Reason reason;
    private final int status;

    public FetchException(Reason reason, String message) {
        this(reason, 0, message);
    }

    public FetchException(Reason reason, int status, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.status = status;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status the remote answered, or 0 when it gave none. */
    public int status() {
        return status;
    }
}
