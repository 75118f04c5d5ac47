package app.kindred.config;

/** A configuration problem that stops start-up; the message names the key, the bad value and the fix. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
