package app.kindred.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again, written down as data: quick retries for a blip, then hours,
 * then daily until it is given up. Remote hosts are down for hours, not minutes.
 */
public record RetrySchedule(List<Duration> delays, Duration thereafter, Duration giveUpAfter, double timeScale) {
    public static final List<Duration> STANDARD = List.of(
            Duration.ofSeconds(30),
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(15),
            Duration.ofHours(1),
            Duration.ofHours(3),
            Duration.ofHours(6),
            Duration.ofHours(12),
            Duration.ofHours(24));

    public static RetrySchedule standard(Duration giveUpAfter, double timeScale) {
        return new RetrySchedule(STANDARD, Duration.ofDays(1), giveUpAfter, timeScale);
    }

    /** The wait after the given number of failed attempts (1 = the first failure), ±10% jitter, scaled. */
    public Duration delayAfter(int failedAttempts, RandomGenerator random) {
        var base = failedAttempts >= 1 && failedAttempts <= delays.size() ? delays.get(failedAttempts - 1) : thereafter;
        double jitter = 0.9 + 0.2 * random.nextDouble();
        return scale(Duration.ofMillis(Math.round(base.toMillis() * jitter)));
    }

    public boolean exhausted(Instant queuedAt, Instant now) {
        return queuedAt.plus(scale(giveUpAfter)).isBefore(now);
    }

    public Duration scale(Duration d) {
        return Duration.ofMillis(Math.max(1, Math.round(d.toMillis() * timeScale)));
    }
}
