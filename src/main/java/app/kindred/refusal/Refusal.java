package app.kindred.refusal;

/**
 * A request a feature will not carry out, with a message that says what to change. Features throw
 * it; the HTTP layer turns it into a problem response and the CLI into exit code 1. Nothing is
 * written when it is thrown inside a transaction.
 */
public final class Refusal extends RuntimeException {
    public enum Kind {
        BAD_REQUEST,
        INVALID,
        NOT_FOUND,
        CONFLICT,
        FORBIDDEN,
        UNAUTHORIZED,
        UNSUPPORTED_MEDIA_TYPE
    }

    private final Kind kind;
    private final String field;
    private final boolean raced;

    public Refusal(Kind kind, String field, String message) {
        this(kind, field, message, false);
    }

    private Refusal(Kind kind, String field, String message, boolean raced) {
        super(message, null, false, false);
        this.kind = kind;
        this.field = field;
        this.raced = raced;
    }

    /**
     * A unique index lost a race that the feature's own check could not see coming: a conflict for a
     * member, who reloads; the inbox tries again rather than recording it as a rule's refusal.
     */
    public static Refusal raced(String message) {
        return new Refusal(Kind.CONFLICT, null, message, true);
    }

    public boolean raced() {
        return raced;
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
