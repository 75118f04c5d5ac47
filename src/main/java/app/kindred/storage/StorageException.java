package app.kindred.storage;

/** A database failure that the caller cannot fix by changing its input (connection lost, SQL error). */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
