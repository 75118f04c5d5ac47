package app.kindred.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Builds a {@link Config} from built-in defaults, then an optional TOML file, then KINDRED_*
 * environment variables, each overriding the one before. Any unknown key or bad value stops
 * loading with a message that names the key, the value and what to write instead.
 */
public final class ConfigLoader {
    private static final Pattern HOST = Pattern.compile(
            "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?");

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern HOST_NAME =
            Pattern.compile("\\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern BAND = Pattern.compile("([1-9]\\d{0,8})\\s*/\\s*(\\d{1,9})(ms|s|m|h|d)");

    private ConfigLoader() {}

    public static Config load(Optional<Path> file, Map<String, String> environment) {
        var values = new LinkedHashMap<String, Sourced>();
        for (var s : Settings.ALL) values.put(s.key(), new Sourced(s.defaultValue(), "the built-in default"));
        file.ifPresent(f -> readFile(f, values));
        readEnvironment(environment, values);
        return build(values);
    }

    private record Sourced(String value, String source) {}

    private static void readFile(Path file, Map<String, Sourced> values) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException("config file " + file + " cannot be read; check the path given to --config");
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid TOML: " + firstLine(e.getMessage()));
        }
        flatten("", root, file, values);
    }

    private static void flatten(String prefix, JsonNode node, Path file, Map<String, Sourced> values) {
        for (var it = node.fields(); it.hasNext(); ) {
            var field = it.next();
            var key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            var value = field.getValue();
            if (value.isObject() && Settings.find(key).isEmpty()) {
                flatten(key, value, file, values);
                continue;
            }
            if (Settings.find(key).isEmpty()) {
                throw new ConfigException("unknown key " + key + " in " + file
                        + "; remove it or check its spelling against config/kindred.toml");
            }
            if (value.isContainerNode()) {
                throw new ConfigException(key + " in " + file + " must be a single value, not " + value
                        + "; see config/kindred.toml for its form");
            }
            values.put(key, new Sourced(value.asText(), file.toString()));
        }
    }

    private static void readEnvironment(Map<String, String> environment, Map<String, Sourced> values) {
        var byEnvName = new LinkedHashMap<String, Setting>();
        for (var s : Settings.ALL) byEnvName.put(s.environmentName(), s);
        for (var e : environment.entrySet()) {
            if (!e.getKey().startsWith("KINDRED_")) continue;
            var setting = byEnvName.get(e.getKey());
            if (setting == null) {
                throw new ConfigException(
                        "unknown environment variable " + e.getKey()
                                + "; unset it or use KINDRED_ plus a key from config/kindred.toml (KINDRED_SERVER_PORT for server.port)");
            }
            values.put(setting.key(), new Sourced(e.getValue(), "environment variable " + e.getKey()));
        }
    }

    private static Config build(Map<String, Sourced> v) {
        var server = new Config.Server(
                string(v, "server.host"),
                port(v, "server.port"),
                positive(v, "server.max_body_bytes"),
                (int) Math.min(1 << 20, positive(v, "server.max_header_bytes")),
                duration(v, "server.idle_timeout"),
                duration(v, "server.header_timeout"),
                (int) Math.min(1_000_000, positive(v, "server.max_connections")),
                (int) Math.min(100_000, positive(v, "server.max_concurrent_requests")),
                (int) Math.min(1_000_000, positive(v, "server.max_queued_requests")),
                duration(v, "server.max_queue_wait"),
                headerName(v, "server.client_address_header"),
                (int) Math.min(1_024, nonNegative(v, "server.password_hash_threads")),
                (int) Math.min(100_000, nonNegative(v, "server.password_hash_queue")));
        var instance = new Config.Instance(
                domain(v, "instance.domain"),
                scheme(v, "instance.scheme"),
                string(v, "instance.name"),
                registrations(v),
                string(v, "instance.description"),
                string(v, "instance.rules"),
                string(v, "instance.application_question"));
        var dataDir = Path.of(nonEmpty(v, "data.dir"));
        var database = new Config.Database(
                databaseUrl(v, "database.url"),
                string(v, "database.user"),
                string(v, "database.password"),
                (int) positive(v, "database.pool_size"),
                duration(v, "database.connection_wait"),
                (int) positive(v, "database.background_pool_size"),
                (int) positive(v, "database.turn_pool_size"));
        var federation = new Config.Federation(
                bool(v, "federation.allow_private_addresses"),
                oneOf(v, "federation.mode", "open", "allowlist"),
                Integer.parseInt(oneOf(v, "federation.blocked_inbox_response", "403", "202")),
                oneOf(v, "federation.publish_blocklist", "no", "yes", "obfuscated"),
                bool(v, "federation.authorized_fetch"),
                duration(v, "federation.signature_max_age"),
                duration(v, "federation.signature_max_skew"),
                (int) Math.min(Integer.MAX_VALUE, positive(v, "federation.fetch_max_bytes")),
                duration(v, "federation.fetch_timeout"),
                duration(v, "federation.inbound_retention"),
                (int) Math.min(Integer.MAX_VALUE, positive(v, "federation.inbound_concurrency")),
                hostNames(v, "federation.private_hosts"));
        var delivery = new Config.Delivery(
                (int) Math.min(10_000, positive(v, "delivery.workers")),
                (int) Math.min(1_000, positive(v, "delivery.per_host")),
                duration(v, "delivery.timeout"),
                duration(v, "delivery.poll_interval"),
                duration(v, "delivery.unavailable_after"),
                duration(v, "delivery.give_up_after"),
                scale(v, "delivery.time_scale"));
        var limits = new Config.Limits(
                bands(v, "limits.sign_in_account"),
                bands(v, "limits.sign_in_client"),
                bands(v, "limits.sign_in_first_try"),
                bands(v, "limits.sign_up"),
                bands(v, "limits.thread"),
                bands(v, "limits.comment"),
                bands(v, "limits.vote"),
                bands(v, "limits.report"),
                bands(v, "limits.concern"),
                bands(v, "limits.follow"),
                bands(v, "limits.api_write"),
                bands(v, "limits.inbound_host"),
                bands(v, "limits.key_fetch_host"));
        var accounts =
                new Config.Accounts(duration(v, "accounts.export_link_life"), duration(v, "accounts.deletion_grace"));
        var media = new Config.Media(
                positive(v, "media.max_upload_bytes"),
                positive(v, "media.max_pixels"),
                (int) Math.min(16_384, positive(v, "media.max_side")),
                positive(v, "media.remote_cache_bytes"),
                duration(v, "media.remote_cache_ttl"));
        int metricsPort = (int) nonNegative(v, "metrics.port");
        if (metricsPort > 65535) throw bad(v, "metrics.port", "is not a port; use 0 (off) or 1 to 65535");
        var metrics = new Config.Metrics(nonEmpty(v, "metrics.host"), metricsPort, string(v, "metrics.token"));
        var logging = new Config.Logging(oneOf(v, "logging.format", "plain", "json"));
        var care = new Config.Care(duration(v, "care.concern_unseen_after"));
        return new Config(
                server,
                instance,
                dataDir,
                database,
                federation,
                delivery,
                limits,
                accounts,
                media,
                metrics,
                logging,
                care);
    }

    private static String string(Map<String, Sourced> v, String key) {
        return v.get(key).value().trim();
    }

    private static String nonEmpty(Map<String, Sourced> v, String key) {
        var s = string(v, key);
        if (s.isEmpty()) throw bad(v, key, "must not be empty");
        return s;
    }

    private static int port(Map<String, Sourced> v, String key) {
        try {
            int port = Integer.parseInt(string(v, key));
            if (port >= 1 && port <= 65535) return port;
        } catch (NumberFormatException ignored) {
            // reported below with the fix
        }
        throw bad(v, key, "is not a port; use a whole number from 1 to 65535");
    }

    private static long positive(Map<String, Sourced> v, String key) {
        try {
            long n = Long.parseLong(string(v, key));
            if (n >= 1) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the fix
        }
        throw bad(v, key, "is not a positive whole number; use 1 or more");
    }

    private static long nonNegative(Map<String, Sourced> v, String key) {
        try {
            long n = Long.parseLong(string(v, key));
            if (n >= 0) return n;
        } catch (NumberFormatException ignored) {
            // reported below with the fix
        }
        throw bad(v, key, "is not a whole number; use 0 or more");
    }

    private static String headerName(Map<String, Sourced> v, String key) {
        var s = string(v, key);
        if (s.isEmpty() || s.matches("[A-Za-z0-9-]{1,64}")) return s;
        throw bad(
                v,
                key,
                "is not a header name; use letters, digits and dashes, e.g. X-Forwarded-For, or leave it empty");
    }

    /** Host names or .suffixes, comma-separated; empty is none. A bare "." or a wildcard would be every host. */
    private static List<String> hostNames(Map<String, Sourced> v, String key) {
        var names = new ArrayList<String>();
        for (var part : string(v, key).split(",", -1)) {
            var name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) continue;
            if (!HOST_NAME.matcher(name).matches()) {
                throw bad(
                        v,
                        key,
                        "is not a list of host names; write e.g. \"peer.example, .lab.example\" (a leading dot names"
                                + " every host under it; no ports, no wildcards)");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    /** Rate-limit bands written as COUNT/PERIOD, comma-separated: "5/1m, 20/1h". */
    private static List<Config.Band> bands(Map<String, Sourced> v, String key) {
        var bands = new ArrayList<Config.Band>();
        for (var part : string(v, key).split(",", -1)) {
            var m = BAND.matcher(part.strip());
            if (!m.matches()) {
                throw bad(
                        v,
                        key,
                        "is not a list of COUNT/PERIOD bands; write e.g. \"5/1m, 20/1h\" (periods with ms, s, m, h or d)");
            }
            var period = durationOf(Long.parseLong(m.group(2)), m.group(3));
            if (period.isZero()) throw bad(v, key, "has a period of zero; use at least 1ms");
            if (Long.parseLong(m.group(1)) > period.toNanos())
                throw bad(v, key, "refills faster than one a nanosecond; use a longer period");
            bands.add(new Config.Band(Long.parseLong(m.group(1)), period));
        }
        return List.copyOf(bands);
    }

    private static boolean bool(Map<String, Sourced> v, String key) {
        return switch (string(v, key).toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(v, key, "is not a boolean; use true or false");
        };
    }

    private static String scheme(Map<String, Sourced> v, String key) {
        var s = string(v, key);
        if (s.equals("https") || s.equals("http")) return s;
        throw bad(v, key, "is not a supported scheme; use https (or http for local trials and tests)");
    }

    private static String domain(Map<String, Sourced> v, String key) {
        var s = string(v, key);
        var m = HOST.matcher(s);
        if (!s.isEmpty() && m.matches() && (m.group(1) == null || Integer.parseInt(m.group(1)) <= 65535)) return s;
        throw bad(
                v,
                key,
                "is not a lowercase host[:port]; write it without scheme or path, e.g. kindred.example or localhost:8080");
    }

    private static String databaseUrl(Map<String, Sourced> v, String key) {
        var s = string(v, key);
        if (s.isEmpty() || s.startsWith("jdbc:postgresql://")) return s;
        throw bad(
                v,
                key,
                "is not a PostgreSQL JDBC URL; use jdbc:postgresql://HOST:PORT/DATABASE, or leave it empty for the embedded database");
    }

    /**
     * instance.registrations (open, application, closed); left empty, the older
     * instance.open_registrations decides between open and closed, so existing files keep working.
     */
    private static String registrations(Map<String, Sourced> v) {
        if (string(v, "instance.registrations").isEmpty())
            return bool(v, "instance.open_registrations") ? "open" : "closed";
        return oneOf(v, "instance.registrations", "open", "application", "closed");
    }

    private static String oneOf(Map<String, Sourced> v, String key, String... allowed) {
        var s = string(v, key);
        for (var a : allowed) if (a.equals(s)) return s;
        throw bad(v, key, "is not one of " + String.join(", ", allowed));
    }

    private static double scale(Map<String, Sourced> v, String key) {
        try {
            double d = Double.parseDouble(string(v, key));
            if (d > 0 && d <= 1) return d;
        } catch (NumberFormatException ignored) {
            // reported below with the fix
        }
        throw bad(v, key, "is not a scale; use a number above 0 and at most 1 (1.0 in production)");
    }

    /** Durations read as 30s, 5m, 3d, 250ms. */
    private static Duration duration(Map<String, Sourced> v, String key) {
        var m = DURATION.matcher(string(v, key));
        if (!m.matches()) throw bad(v, key, "is not a duration; use a number with ms, s, m, h or d, e.g. 30s or 3d");
        return durationOf(Long.parseLong(m.group(1)), m.group(2));
    }

    private static Duration durationOf(long n, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static ConfigException bad(Map<String, Sourced> v, String key, String problem) {
        var s = v.get(key);
        return new ConfigException(key + " = \"" + s.value() + "\" (from " + s.source() + ") " + problem);
    }

    private static String firstLine(String message) {
        if (message == null) return "unreadable";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
