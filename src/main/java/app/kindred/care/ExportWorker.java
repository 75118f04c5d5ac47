package app.kindred.care;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes requested exports one at a time on a virtual thread, so a large account never holds a
 * request thread. Woken by a request, and every minute anyway (another process's request, a restart,
 * links to expire). The state is in the database: stopping it loses nothing.
 */
public final class ExportWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExportWorker.class);

    private final Exports exports;
    private final Duration poll;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public ExportWorker(Exports exports, Duration poll) {
        this(exports, exports, poll);
    }

    /**
     * {@code work} makes the exports (the instance gives it the background pool, so readers holding
     * every request connection cannot stall it); a member asking through {@code asked} wakes it.
     */
    public ExportWorker(Exports asked, Exports work, Duration poll) {
        this.exports = work;
        this.poll = poll;
        asked.onRequest(wake::release);
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofVirtual().name("exports").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                while (running && exports.makeNext()) {
                    // one after another until none waits
                }
                exports.clearExpired();
                wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The export is marked failed with a message for the member; the worker goes on.
                log.warn("an export failed", e);
            }
        }
    }

    @Override
    public synchronized void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
