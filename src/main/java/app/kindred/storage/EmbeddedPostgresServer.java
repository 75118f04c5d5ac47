package app.kindred.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The zero-setup PostgreSQL whose files live in the data folder. A second Kindred process on the
 * same folder (a CLI command beside a running server) joins the PostgreSQL that is already running,
 * found through the port PostgreSQL itself records in postmaster.pid, instead of starting another
 * on the same files.
 */
public final class EmbeddedPostgresServer {
    static final String USER = "postgres";
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

    private final int port;
    private final EmbeddedPostgres owned;

    private EmbeddedPostgresServer(int port, EmbeddedPostgres owned) {
        this.port = port;
        this.owned = owned;
    }

    public static EmbeddedPostgresServer startOrJoin(Path directory) {
        var running = runningPort(directory);
        if (running.isPresent()) {
            log.info("using the embedded PostgreSQL already running on port {}", running.get());
            return new EmbeddedPostgresServer(running.get(), null);
        }
        try {
            Files.createDirectories(directory);
            var pg = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(false)
                    .start();
            log.info("started the embedded PostgreSQL on port {} with its files in {}", pg.getPort(), directory);
            return new EmbeddedPostgresServer(pg.getPort(), pg);
        } catch (IOException e) {
            throw new StorageException(
                    "could not start the embedded PostgreSQL in " + directory
                            + "; check that the folder is writable, or set database.url to an external PostgreSQL: "
                            + e.getMessage(),
                    e);
        }
    }

    /** The port of a live PostgreSQL on these files, read from the pid file PostgreSQL writes. */
    static Optional<Integer> runningPort(Path directory) {
        var pidFile = directory.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) return Optional.empty();
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) return Optional.empty();
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(port) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public boolean owned() {
        return owned != null;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public void stop() {
        if (owned == null) return;
        try {
            owned.close();
        } catch (IOException e) {
            log.warn("the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
