package app.kindred.media;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hourly: uploads nothing used within a day are removed, and files of removed images that are still on disk go. */
public final class MediaHousekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MediaHousekeeping.class);
    public static final Duration UNUSED_GRACE = Duration.ofDays(1);
    private static final Duration EVERY = Duration.ofHours(1);

    private final MediaService media;
    private final Clock clock;
    private volatile Thread thread;

    public MediaHousekeeping(MediaService media, Clock clock) {
        this.media = media;
        this.clock = clock;
    }

    public void start() {
        thread = Thread.ofVirtual().name("media-housekeeping").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    media.removeUnused(clock.instant(), UNUSED_GRACE);
                    Thread.sleep(EVERY);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // The database may be away for a moment; the next round tries again.
                    log.warn("media housekeeping failed: {}", e.toString());
                    try {
                        Thread.sleep(EVERY);
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
            }
        });
    }

    @Override
    public void close() {
        var t = thread;
        if (t != null) t.interrupt();
    }
}
