package app.kindred.storage;

import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.Cli;
import app.kindred.config.ConfigLoader;
import app.kindred.member.Role;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Embedded mode: PostgreSQL files in data.dir survive restarts, and a second process joins a running one. */
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    private Map<String, String> env() {
        return Map.of("KINDRED_DATA_DIR", dataDir.toString(), "KINDRED_DATABASE_POOL_SIZE", "2");
    }

    @Test
    void secondStartFindsWhatTheFirstCreatedAndCliJoinsTheRunningDatabase() {
        var config = ConfigLoader.load(Optional.empty(), env());
        String instanceActor;
        try (var app = App.open(config)) {
            instanceActor = app.instanceActor().uri().toString();
            app.members().create("alice", "long enough password", Role.MEMBER);
            app.communities().create("peers", "Peers", "", "alice");
            assertTrue(
                    Files.exists(dataDir.resolve("postgres/postmaster.pid")), "PostgreSQL runs on files in data.dir");

            // A CLI command on the same configuration uses the PostgreSQL this app started.
            var err = new ByteArrayOutputStream();
            var io = new Cli.Io(
                    new ByteArrayInputStream("another password\n".getBytes()),
                    new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err),
                    env());
            assertEquals(0, Cli.run(new String[] {"user", "create", "bob", "--password-stdin"}, io), err.toString());
            assertTrue(app.members().find("bob").isPresent(), "the running app sees what the CLI wrote");
        }
        assertFalse(Files.exists(dataDir.resolve("postgres/postmaster.pid")), "closing the app stops its PostgreSQL");

        try (var app = App.open(config)) {
            assertEquals(
                    instanceActor, app.instanceActor().uri().toString(), "the instance actor is kept, keys and all");
            assertTrue(app.members().find("alice").isPresent());
            assertTrue(app.members().find("bob").isPresent());
            var peers = app.communities().find("peers").orElseThrow();
            assertEquals("Peers", peers.title());
            assertTrue(
                    app.members().authenticate("alice", "long enough password").isPresent());
            assertTrue(app.members().authenticate("alice", "wrong password!").isEmpty());
        }
    }
}
