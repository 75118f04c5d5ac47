package app.kindred.delivery;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final RandomGenerator random = RandomGenerator.of("L64X128MixRandom");

    @Test
    void followsTheWrittenScheduleWithinTenPercentJitter() {
        var schedule = RetrySchedule.standard(Duration.ofDays(7), 1.0);
        var expected = new long[] {30, 60, 300, 900, 3600, 10800, 21600, 43200, 86400, 86400, 86400};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            for (int i = 0; i < 50; i++) {
                long seconds = schedule.delayAfter(attempt, random).toMillis();
                assertTrue(
                        seconds >= expected[attempt - 1] * 900 && seconds <= expected[attempt - 1] * 1100,
                        "attempt " + attempt + " waited " + seconds + " ms");
            }
        }
    }

    @Test
    void timeScaleShrinksTheSameSchedule() {
        var schedule = RetrySchedule.standard(Duration.ofDays(7), 0.001);
        var first = schedule.delayAfter(1, random).toMillis();
        assertTrue(first >= 27 && first <= 33, "30 s scaled by 0.001 is about 30 ms, was " + first);
        assertEquals(Duration.ofMillis(604_800), schedule.scale(Duration.ofDays(7)));
    }

    @Test
    void givesUpAfterTheConfiguredTime() {
        var schedule = RetrySchedule.standard(Duration.ofDays(7), 1.0);
        var queued = Instant.parse("2026-01-01T00:00:00Z");
        assertFalse(schedule.exhausted(queued, queued.plus(Duration.ofDays(6))));
        assertTrue(schedule.exhausted(queued, queued.plus(Duration.ofDays(7)).plusSeconds(1)));
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertEquals(Duration.ofSeconds(120), InboxPoster.retryAfter("120").orElseThrow());
        assertTrue(InboxPoster.retryAfter("soon").isEmpty());
        assertTrue(InboxPoster.retryAfter(null).isEmpty());
        var inAMinute = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                .plusSeconds(60)
                .format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        var d = InboxPoster.retryAfter(inAMinute).orElseThrow();
        assertTrue(d.toSeconds() >= 55 && d.toSeconds() <= 60, d.toString());
    }
}
