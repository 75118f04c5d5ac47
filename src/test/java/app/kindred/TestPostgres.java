package app.kindred;

import app.kindred.config.Config;
import app.kindred.config.ConfigLoader;
import app.kindred.config.Settings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real embedded PostgreSQL per test JVM, and a fresh database in it for each test that asks,
 * so tests are isolated without paying a PostgreSQL start each.
 */
public final class TestPostgres {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    /**
     * Tests that are not about rate limits write far more than a person would in a minute; they run
     * without limits, and the tests of limits set small ones (RateLimitsTest).
     */
    public static final Map<String, String> UNLIMITED = unlimited();

    private static Map<String, String> unlimited() {
        var env = new HashMap<String, String>();
        for (var s : Settings.ALL) {
            if (s.key().startsWith("limits.")) env.put(s.environmentName(), "1000000/1s");
        }
        env.put("KINDRED_DATABASE_BACKGROUND_POOL_SIZE", "2");
        return Map.copyOf(env);
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                var builder = EmbeddedPostgres.builder().setServerConfig("max_connections", "300");
                // Benchmarks may ask for per-statement figures (pg_stat_statements ships with the binaries).
                if (Boolean.getBoolean("kindred.test.statementStats")) {
                    builder.setServerConfig("shared_preload_libraries", "pg_stat_statements");
                }
                server = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the test PostgreSQL", e);
            }
        }
        return server;
    }

    /** Creates an empty database and returns its JDBC URL. */
    public static String newDatabase() {
        var name = "kindred_test_" + COUNTER.incrementAndGet();
        try (var c = server().getPostgresDatabase().getConnection();
                var st = c.createStatement()) {
            st.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    public static void dropDatabase(String jdbcUrl) {
        var name = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (var c = server().getPostgresDatabase().getConnection();
                var st = c.createStatement()) {
            st.execute("drop database " + name + " with (force)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test database " + name, e);
        }
    }

    /** A configuration for a test instance on a fresh database, plain http, private addresses allowed. */
    public static Config config(Map<String, String> overrides) {
        var env = new HashMap<String, String>();
        env.put("KINDRED_DATABASE_URL", newDatabase());
        env.put("KINDRED_DATABASE_POOL_SIZE", "4");
        env.put("KINDRED_INSTANCE_SCHEME", "http");
        env.put("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true");
        env.putAll(UNLIMITED);
        env.putAll(overrides);
        return ConfigLoader.load(Optional.empty(), env);
    }

    /** A configuration for another process on an existing database. */
    public static Config configFor(String jdbcUrl, Map<String, String> overrides) {
        var env = new HashMap<String, String>();
        env.put("KINDRED_DATABASE_URL", jdbcUrl);
        env.put("KINDRED_DATABASE_POOL_SIZE", "4");
        env.put("KINDRED_INSTANCE_SCHEME", "http");
        env.put("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true");
        env.putAll(UNLIMITED);
        env.putAll(overrides);
        return ConfigLoader.load(Optional.empty(), env);
    }

    public static Config config() {
        return config(Map.of());
    }
}
