package app.kindred;

/** The command line itself is wrong (exit code 2); the message says what to type instead. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
