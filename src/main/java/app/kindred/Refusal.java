package app.kindred;

/**
 * A request a feature will not carry out, with a message that says what to change. Features throw
 * it; the HTTP layer turns it into a problem response and the CLI into exit code 1. Nothing is
 * written when it is thrown inside a transaction.
 */
public final class Refusal extends RuntimeException {
    public enum Kind { BAD_REQUEST, INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, UNAUTHORIZED, UNSUPPORTED_MEDIA_TYPE }

    private final Kind kind;
    private final String field;

    public Refusal(Kind kind, String field, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
    }

    public static Refusal invalid(String field, String message) {
        return new Refusal(Kind.INVALID, field, message);
    }

    public static Refusal conflict(String field, String message) {
        return new Refusal(Kind.CONFLICT, field, message);
    }

    public static Refusal notFound(String message) {
        return new Refusal(Kind.NOT_FOUND, null, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The input field at fault, or null when the request as a whole is. */
    public String field() {
        return field;
    }
}
