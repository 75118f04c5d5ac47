package app.kindred.config;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String toml) throws IOException {
        var file = dir.resolve("kindred.toml");
        Files.writeString(file, toml);
        return file;
    }

    @Test
    void defaultsWhenNothingIsGiven() {
        var c = ConfigLoader.load(Optional.empty(), Map.of());
        assertEquals("127.0.0.1", c.server().host());
        assertEquals(8080, c.server().port());
        assertEquals("localhost:8080", c.instance().domain());
        assertEquals("https", c.instance().scheme());
        assertEquals(Path.of("./data"), c.dataDir());
        assertTrue(c.database().embedded());
        assertEquals(10, c.database().poolSize());
        assertFalse(c.federation().allowPrivateAddresses());
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesFile() throws IOException {
        var file = write("""
                [server]
                port = 9000
                host = "0.0.0.0"
                [instance]
                domain = "kindred.example"
                """);
        var fromFile = ConfigLoader.load(Optional.of(file), Map.of());
        assertEquals(9000, fromFile.server().port());
        assertEquals("0.0.0.0", fromFile.server().host());
        assertEquals("kindred.example", fromFile.instance().domain());

        var fromEnv = ConfigLoader.load(
                Optional.of(file),
                Map.of(
                        "KINDRED_SERVER_PORT",
                        "9100",
                        "KINDRED_INSTANCE_DOMAIN",
                        "other.example:8443",
                        "KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES",
                        "true",
                        "PATH",
                        "/usr/bin"));
        assertEquals(9100, fromEnv.server().port());
        assertEquals("0.0.0.0", fromEnv.server().host(), "a key the environment does not set keeps the file's value");
        assertEquals("other.example:8443", fromEnv.instance().domain());
        assertTrue(fromEnv.federation().allowPrivateAddresses());
    }

    @Test
    void badPortNamesKeyValueAndFix() throws IOException {
        var e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.of(write("[server]\nport = \"abc\"\n")), Map.of()));
        assertTrue(e.getMessage().contains("server.port"), e.getMessage());
        assertTrue(e.getMessage().contains("\"abc\""), e.getMessage());
        assertTrue(e.getMessage().contains("1 to 65535"), e.getMessage());

        var env = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_SERVER_PORT", "70000")));
        assertTrue(env.getMessage().contains("KINDRED_SERVER_PORT"), env.getMessage());
    }

    @Test
    void badSchemeIsRefused() {
        var e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_INSTANCE_SCHEME", "ftp")));
        assertTrue(e.getMessage().contains("instance.scheme = \"ftp\""), e.getMessage());
        assertTrue(e.getMessage().contains("use https"), e.getMessage());
    }

    @Test
    void unreadableFileIsRefused() {
        var e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(Optional.of(dir.resolve("missing.toml")), Map.of()));
        assertTrue(e.getMessage().contains("missing.toml"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void unknownKeysAreRefusedInFileAndEnvironment() throws IOException {
        var e = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(Optional.of(write("[server]\nprot = 80\n")), Map.of()));
        assertTrue(e.getMessage().contains("unknown key server.prot"), e.getMessage());
        var env = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_SERVER_PROT", "80")));
        assertTrue(env.getMessage().contains("KINDRED_SERVER_PROT"), env.getMessage());
    }

    @Test
    void privateHostsAreAListOfNamesAndSuffixes() {
        assertEquals(
                List.of(),
                ConfigLoader.load(Optional.empty(), Map.of()).federation().privateHosts());
        var c = ConfigLoader.load(
                Optional.empty(), Map.of("KINDRED_FEDERATION_PRIVATE_HOSTS", " Peer.Lab.example, .kindred-tls.test ,"));
        assertEquals(
                List.of("peer.lab.example", ".kindred-tls.test"), c.federation().privateHosts());
        assertFalse(c.federation().allowPrivateAddresses(), "listing names widens nothing else");
        for (var bad : new String[] {"*.lab.example", ".", "peer.example:8443", "https://peer.example", "a..b"}) {
            var e = assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_FEDERATION_PRIVATE_HOSTS", bad)),
                    bad);
            assertTrue(e.getMessage().contains("federation.private_hosts"), e.getMessage());
        }
    }

    @Test
    void otherBadValuesAreRefused() throws IOException {
        assertThrows(
                ConfigException.class, () -> ConfigLoader.load(Optional.of(write("this is = not = toml")), Map.of()));
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "yes")));
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        Optional.empty(), Map.of("KINDRED_INSTANCE_DOMAIN", "https://kindred.example/")));
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_DATABASE_URL", "mysql://x")));
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_DATABASE_POOL_SIZE", "0")));
    }

    @Test
    void rateLimitsAreBandsOfCountPerPeriod() {
        var c = ConfigLoader.load(Optional.empty(), Map.of("KINDRED_LIMITS_COMMENT", "3/30s, 100/1d"));
        assertEquals(
                java.util.List.of(
                        new Config.Band(3, java.time.Duration.ofSeconds(30)),
                        new Config.Band(100, java.time.Duration.ofDays(1))),
                c.limits().comment());
        assertFalse(ConfigLoader.load(Optional.empty(), Map.of())
                .limits()
                .signInAccount()
                .isEmpty());
        for (var bad : new String[] {"", "3", "3/", "0/1m", "3/1w", "3/1m,", "2000000/1ms"}) {
            var e = assertThrows(
                    ConfigException.class,
                    () -> ConfigLoader.load(Optional.empty(), Map.of("KINDRED_LIMITS_COMMENT", bad)),
                    bad);
            assertTrue(e.getMessage().contains("limits.comment"), e.getMessage());
        }
    }

    @Test
    void capacitySettingsHaveSaneDefaults() {
        var c = ConfigLoader.load(Optional.empty(), Map.of());
        assertEquals(0, c.server().passwordHashThreads(), "one per core");
        assertTrue(c.server().maxConcurrentRequests() > 0 && c.server().maxQueuedRequests() > 0);
        assertTrue(c.database().connectionWait().toMillis() > 0 && c.database().backgroundPoolSize() > 0);
        assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(
                        Optional.empty(), Map.of("KINDRED_SERVER_CLIENT_ADDRESS_HEADER", "X-Forwarded-For: 1.2.3.4")));
    }

    @Test
    void passwordNeverShowsInToString() {
        var c = ConfigLoader.load(Optional.empty(), Map.of("KINDRED_DATABASE_PASSWORD", "s3cret-value"));
        assertEquals("s3cret-value", c.database().password());
        assertFalse(c.toString().contains("s3cret-value"));
    }

    /** The documented file must list every setting with its real default, so the docs stay true. */
    @Test
    void documentedConfigFileListsEverySettingWithItsDefault() throws IOException {
        var documented = Path.of("config/kindred.toml");
        assertEquals(
                ConfigLoader.load(Optional.empty(), Map.of()), ConfigLoader.load(Optional.of(documented), Map.of()));
        var text = Files.readString(documented);
        var seen = new HashSet<String>();
        for (var s : Settings.ALL) {
            var leaf = s.key().substring(s.key().lastIndexOf('.') + 1);
            assertTrue(text.contains("\n" + leaf + " = "), "config/kindred.toml does not document " + s.key());
            assertTrue(text.contains("# " + s.description()), "config/kindred.toml lacks the comment for " + s.key());
            seen.add(s.key());
        }
        assertEquals(Settings.ALL.size(), seen.size());
    }
}
