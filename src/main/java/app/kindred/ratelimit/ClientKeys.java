package app.kindred.ratelimit;

import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Names a client for rate limits without its address: an HMAC-SHA256 of the address under a random
 * secret. Nobody, admins included, can turn a key back into an address without the secret
 * (addresses are few enough to guess through a plain hash, not through an HMAC whose key is
 * unknown). Every process of an instance must make the same key for the same client, or a limit
 * per client would be as many times as generous as there are processes: the secret is shared
 * through the database, one per UTC day ({@link #sharedThrough}), and secrets older than yesterday's
 * are deleted, so a copy of the database links at most two days of buckets back to addresses.
 */
public final class ClientKeys {
    private final Supplier<SecretKeySpec> secret;

    /** A secret of this process alone, held only in memory: for one process, and for tests. */
    public ClientKeys(SecureRandom random) {
        var spec = fresh(random);
        this.secret = () -> spec;
    }

    private ClientKeys(Supplier<SecretKeySpec> secret) {
        this.secret = secret;
    }

    /** The day's secret shared by every process on {@code database}; one query per process a day. */
    public static ClientKeys sharedThrough(Database database, SecureRandom random, Clock clock) {
        return new ClientKeys(new DailySecret(database, random, clock)::current);
    }

    /** The key for a client address (or for the value of the configured proxy header). */
    public String of(String address) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(secret.get());
            var digest = mac.doFinal(String.valueOf(address).getBytes(StandardCharsets.UTF_8));
            // 128 bits tell clients apart as well as 256 and halve the memory of the buckets' keys.
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java has HmacSHA256", e);
        }
    }

    private static SecretKeySpec fresh(SecureRandom random) {
        var bytes = new byte[32];
        random.nextBytes(bytes);
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** The secret of the current UTC day, read (or made) once a day and then held in memory. */
    private static final class DailySecret {
        private record Held(long day, SecretKeySpec spec) {}

        private final Database database;
        private final SecureRandom random;
        private final Clock clock;
        private volatile Held held;

        DailySecret(Database database, SecureRandom random, Clock clock) {
            this.database = database;
            this.random = random;
            this.clock = clock;
        }

        SecretKeySpec current() {
            long day = Math.floorDiv(clock.millis(), 86_400_000L);
            var now = held;
            if (now != null && now.day() == day) return now.spec();
            synchronized (this) {
                if (held != null && held.day() == day) return held.spec();
                var candidate = new byte[32];
                random.nextBytes(candidate);
                // Whichever process comes first makes the day's secret; the others read the same one.
                var bytes = database.transaction(c -> {
                    Sql.update(
                            c,
                            "insert into rate_limit_secret (day, secret) values (?, ?) on conflict (day) do nothing",
                            day,
                            candidate);
                    // Yesterday's stays: a process whose clock is a little behind at midnight still finds it.
                    Sql.update(c, "delete from rate_limit_secret where day < ?", day - 1);
                    return Sql.one(c, "select secret from rate_limit_secret where day = ?", rs -> rs.getBytes(1), day)
                            .orElseThrow();
                });
                held = new Held(day, new SecretKeySpec(bytes, "HmacSHA256"));
                return held.spec();
            }
        }
    }
}
