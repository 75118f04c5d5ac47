package app.kindred.care;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due account deletions one at a time on a virtual thread, and erases the keys of members who
 * left once their Delete{Person} is delivered. Woken when a deletion is scheduled (a grace of 0s runs
 * at once), and every poll anyway: due dates pass, and another process may have scheduled one. The
 * schedule is in the database, so stopping this loses nothing.
 */
public final class DeletionWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeletionWorker.class);

    private final AccountDeletions deletions;
    private final Duration poll;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public DeletionWorker(AccountDeletions deletions, Duration poll) {
        this.deletions = deletions;
        this.poll = poll;
        deletions.onScheduled(wake::release);
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofVirtual().name("account-deletions").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                while (running && deletions.runNext()) {
                    // one after another until none is due
                }
                deletions.eraseSpentKeys();
                wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The transaction rolled back; the deletion stays scheduled and is tried again next poll.
                log.warn("an account deletion failed and will be tried again", e);
                try {
                    Thread.sleep(poll.toMillis());
                } catch (InterruptedException stop) {
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
