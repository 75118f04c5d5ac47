package app.kindred.member;

import app.kindred.refusal.TryLater;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where Argon2 runs: a few platform threads (about one per core) and a short queue. Each hash takes
 * about 19 MiB and 60 ms of CPU, so run on every request's own virtual thread, a flood of sign-ins
 * would take all the CPU and memory; here the flood waits its turn, briefly, and past the queue or
 * the wait gets {@link TryLater} (503 with Retry-After) while the rest of the server keeps answering.
 * No database connection is held while a hash runs: callers read the stored hash first.
 */
public final class PasswordHashing implements AutoCloseable {
    static final Duration RETRY_AFTER = Duration.ofSeconds(3);

    private final ThreadPoolExecutor pool;
    private final Duration maxWait;
    private final SecureRandom random;

    /** {@code threads} of 0 means one per core; {@code queue} of 0 means no waiting beyond the busy threads. */
    public PasswordHashing(int threads, int queue, Duration maxWait, SecureRandom random) {
        int size = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        var count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(
                size,
                size,
                30,
                TimeUnit.SECONDS,
                queue > 0 ? new ArrayBlockingQueue<>(queue) : new SynchronousQueue<>(),
                r -> {
                    var t = new Thread(r, "password-hashing-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        this.maxWait = maxWait;
        this.random = random;
    }

    /** A new Argon2id hash of the password. */
    public String hash(String password) {
        return run(() -> PasswordHash.hash(password, random));
    }

    /** Whether the password matches the stored hash. */
    public boolean matches(String password, String stored) {
        return run(() -> PasswordHash.matches(password, stored));
    }

    private <T> T run(Callable<T> work) {
        Future<T> future;
        try {
            future = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw busy(e);
        }
        try {
            return future.get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Still queued: take it out so the threads do not spend time on an answer nobody waits for,
            // and out of the queue too, where a cancelled task would hold a place until a thread came free.
            future.cancel(false);
            if (future instanceof Runnable queued) pool.remove(queued);
            throw busy(e);
        } catch (InterruptedException e) {
            future.cancel(false);
            Thread.currentThread().interrupt();
            throw busy(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException("password hashing failed", e.getCause());
        }
    }

    private static TryLater busy(Exception cause) {
        return TryLater.busy(RETRY_AFTER, "many people are signing in right now; try again in a few seconds", cause);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
