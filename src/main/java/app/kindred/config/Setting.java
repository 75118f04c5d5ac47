package app.kindred.config;

import java.util.Locale;

/**
 * One configuration key: its dotted path, its default and a one-line
 * description. The table of settings in {@link Settings} is the single source for parsing, the
 * environment override names and the documented config/kindred.toml.
 */
public record Setting(String key, String defaultValue, String description) {

    /** KINDRED_ + the key path upper-cased, dots and dashes to underscores: server.port -> KINDRED_SERVER_PORT. */
    public String environmentName() {
        return "KINDRED_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
