package app.kindred;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.kindred.member.Role;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The composition root takes its clock, its randomness and its inbound concurrency from outside. */
class AppTest {
    /** Counts what is drawn from it, so a test sees the App used this source and no other. */
    static final class CountingRandom extends SecureRandom {
        int draws;

        @Override
        public void nextBytes(byte[] bytes) {
            draws++;
            super.nextBytes(bytes);
        }
    }

    @Test
    void theClockAndTheRandomnessArePassedIn() {
        var now = Instant.parse("2031-02-03T04:05:06Z");
        var random = new CountingRandom();
        try (var app = App.open(TestPostgres.config(), Clock.fixed(now, ZoneOffset.UTC), random)) {
            app.members().create("carol", "a long enough password", Role.MEMBER);
            int before = random.draws;
            var session = app.sessions().logIn("carol", "a long enough password", "a client");
            assertEquals(
                    now.plus(Duration.ofDays(30)),
                    session.expiresAt(),
                    "sessions expire 30 days after the injected now");
            assertTrue(random.draws > before, "the session token came from the injected randomness");
        }
    }

    @Test
    void inboundConcurrencyIsASetting() {
        try (var app = App.open(TestPostgres.config())) {
            assertEquals(16, app.inboundProcessor().concurrency(), "the default");
        }
        try (var app = App.open(TestPostgres.config(Map.of("KINDRED_FEDERATION_INBOUND_CONCURRENCY", "3")))) {
            assertEquals(3, app.inboundProcessor().concurrency());
        }
    }
}
