package app.kindred.storage;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A number that moves after every committed change to what a signed-out reader can see (issue 14).
 * Two sources: this process's own commits ({@link Database#commits()}, counted as each commit
 * returns, so a change made here is never followed by an older page), and, for changes made by any
 * other process on the same database (a CLI command, a second server), a trigger on the tables pages
 * read (V38) that NOTIFYs {@value #CHANNEL}, which PostgreSQL delivers only after the commit.
 * Something computed from the database after reading {@link #generation()} is current for as long
 * as the generation stays the same. While the listening connection is down, {@link #live()} is
 * false and nothing may be kept.
 */
public final class ReadableChanges implements AutoCloseable {
    public static final String CHANNEL = "kindred_readable";
    private static final Logger log = LoggerFactory.getLogger(ReadableChanges.class);
    private static final int WAIT_MILLIS = 500;

    private final Database db;
    private final AtomicLong heard = new AtomicLong();
    private volatile boolean live;
    private volatile boolean running = true;
    private final Thread listener;

    public ReadableChanges(Database db) {
        this.db = db;
        this.listener = Thread.ofPlatform().daemon().name("readable-changes").start(this::listen);
    }

    /** Moves on every committed change, and whenever the listener (re)connects, since it may have missed some. */
    public long generation() {
        return heard.get() + db.commits();
    }

    /** Whether changes are being heard: when false, nothing computed from the database may be kept. */
    public boolean live() {
        return live;
    }

    private void listen() {
        while (running) {
            try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
                try (var st = connection.createStatement()) {
                    st.execute("listen " + CHANNEL);
                }
                // Anything changed before the LISTEN took effect went unheard: start a new generation.
                heard.incrementAndGet();
                live = true;
                var pg = connection.unwrap(PGConnection.class);
                while (running) {
                    var notifications = pg.getNotifications(WAIT_MILLIS);
                    if (notifications != null && notifications.length > 0) heard.incrementAndGet();
                }
            } catch (SQLException e) {
                live = false;
                heard.incrementAndGet();
                if (running) {
                    log.debug("change listener lost its connection ({}); pages are not kept meanwhile", e.getMessage());
                    try {
                        Thread.sleep(WAIT_MILLIS);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        live = false;
        listener.interrupt();
        try {
            listener.join(2 * WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
