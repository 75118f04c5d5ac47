package app.kindred.report;

import app.kindred.notification.Notifications;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A wellbeing concern that no moderator has opened within the configured time (default two hours)
 * is brought to the admins, once: someone at risk should not wait on a moderator who is away. A
 * check every minute on a virtual thread; the state is in the database, so a restart loses nothing,
 * and the clock is the one the app was given, so tests move time instead of waiting.
 */
public final class UnseenConcerns implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnseenConcerns.class);

    private final Database db;
    private final Clock clock;
    private final Duration after;
    private final Duration poll;
    private volatile boolean running;
    private Thread thread;

    public UnseenConcerns(Database db, Clock clock, Duration after, Duration poll) {
        this.db = db;
        this.clock = clock;
        this.after = after;
        this.poll = poll;
    }

    /** Tells the admins of every open concern unseen for longer than the set time; answers how many. */
    public int escalateDue() {
        var before = clock.instant().minus(after);
        return db.transaction(c -> {
            var due = Sql.list(c, """
                    update report set escalated_at = now()
                    where concern = 'wellbeing' and status = 'open' and seen_at is null and escalated_at is null
                      and created_at <= ?
                    returning id""", rs -> rs.getLong(1), before);
            for (long id : due) Notifications.concernUnseen(c, id);
            return due.size();
        });
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofVirtual().name("unseen-concerns").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                escalateDue();
                TimeUnit.MILLISECONDS.sleep(poll.toMillis());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("checking for unseen wellbeing concerns failed", e);
                try {
                    TimeUnit.MILLISECONDS.sleep(poll.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
