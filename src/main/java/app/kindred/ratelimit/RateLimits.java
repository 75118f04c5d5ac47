package app.kindred.ratelimit;

import app.kindred.config.Config;
import app.kindred.refusal.TryLater;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every rate limit of the instance, as Bucket4j token buckets kept in this process: one bucket per
 * limit and key (a member id, a remote host, an HMAC of a client's address, an account name). Each
 * limit has bands that all apply, so a burst passes and a long run waits longer and longer.
 * In memory: several processes on one database each keep their own (docs/decisions.md).
 */
public final class RateLimits {
    /** Past this many keys of one limit, buckets back at rest are forgotten: they would behave as new ones. */
    static final int SWEEP_ABOVE = 50_000;

    /** What is limited, and the words that say so to whoever is refused. */
    public enum Limit {
        SIGN_IN_ACCOUNT("failed sign-ins to this account"),
        SIGN_IN_CLIENT("failed sign-ins from your connection"),
        SIGN_UP("accounts created from your connection"),
        THREAD("threads you started"),
        COMMENT("comments you wrote"),
        VOTE("votes you cast"),
        REPORT("reports you filed"),
        CONCERN("wellbeing concerns you raised"),
        FOLLOW("follows"),
        API_WRITE("changes you made"),
        INBOUND_HOST("activities your server sent"),
        KEY_FETCH_HOST("signing keys we fetched from your server");

        private final String what;

        Limit(String what) {
            this.what = what;
        }
    }

    private record Rule(List<Bandwidth> bands, long smallest) {}

    private final Map<Limit, Rule> rules = new EnumMap<>(Limit.class);
    private final Map<Limit, Map<String, Bucket>> buckets = new EnumMap<>(Limit.class);
    private final Map<Limit, LongAdder> refusals = new EnumMap<>(Limit.class);

    public RateLimits(Config.Limits config) {
        for (var limit : Limit.values()) refusals.put(limit, new LongAdder());
        rule(Limit.SIGN_IN_ACCOUNT, config.signInAccount());
        rule(Limit.SIGN_IN_CLIENT, config.signInClient());
        rule(Limit.SIGN_UP, config.signUp());
        rule(Limit.THREAD, config.thread());
        rule(Limit.COMMENT, config.comment());
        rule(Limit.VOTE, config.vote());
        rule(Limit.REPORT, config.report());
        rule(Limit.CONCERN, config.concern());
        rule(Limit.FOLLOW, config.follow());
        rule(Limit.API_WRITE, config.apiWrite());
        rule(Limit.INBOUND_HOST, config.inboundHost());
        rule(Limit.KEY_FETCH_HOST, config.keyFetchHost());
    }

    private void rule(Limit limit, List<Config.Band> bands) {
        var bandwidths = bands.stream()
                .map(b -> Bandwidth.builder()
                        .capacity(b.count())
                        .refillGreedy(b.count(), b.period())
                        .build())
                .toList();
        long smallest = bands.stream().mapToLong(Config.Band::count).min().orElseThrow();
        rules.put(limit, new Rule(bandwidths, smallest));
        buckets.put(limit, new ConcurrentHashMap<>());
    }

    /** Takes one from {@code key}'s bucket, or refuses with 429 and how long to wait. */
    /** The key a member's own limits count under, the same whichever door they came through. */
    public static String memberKey(long memberId) {
        return "member:" + memberId;
    }

    public void take(Limit limit, String key) {
        var probe = bucket(limit, key).tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) throw refusal(limit, Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }

    /** Counts one against {@code key} without refusing (a failed sign-in already answered). */
    public void count(Limit limit, String key) {
        bucket(limit, key).tryConsume(1);
    }

    /**
     * Runs {@code work} within {@code key}'s limit: takes one first (429 when there is none), and
     * puts it back when the work fails, so a refused or busy answer (422, 404, 503) uses up nothing:
     * the limit counts what was done, and a member told "try again" can.
     */
    public <T> T within(Limit limit, String key, Supplier<T> work) {
        take(limit, key);
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            giveBack(limit, key);
            throw e;
        }
    }

    /**
     * Puts back one taken from {@code key}'s bucket (never past its capacity): a sign-in reserves
     * its try before the slow password check and returns it when the password was right.
     */
    public void giveBack(Limit limit, String key) {
        var bucket = buckets.get(limit).get(key);
        if (bucket != null) bucket.addTokens(1);
    }

    /** Refuses with 429 when {@code key}'s bucket is empty, taking nothing. */
    public void check(Limit limit, String key) {
        var wait = waitFor(limit, key);
        if (!wait.isZero()) throw refusal(limit, wait);
    }

    /** How long until {@code key} may do one more; zero when it may now. */
    public Duration waitFor(Limit limit, String key) {
        var bucket = buckets.get(limit).get(key);
        if (bucket == null) return Duration.ZERO;
        return Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }

    /** Whether {@code key} has used part of its smallest band recently (its bucket is not back at rest). */
    public boolean used(Limit limit, String key) {
        var bucket = buckets.get(limit).get(key);
        return bucket != null && bucket.getAvailableTokens() < rules.get(limit).smallest();
    }

    private Bucket bucket(Limit limit, String key) {
        var map = buckets.get(limit);
        if (map.size() > SWEEP_ABOVE) sweep(limit, map);
        return map.computeIfAbsent(key, k -> {
            var builder = Bucket.builder();
            rules.get(limit).bands().forEach(builder::addLimit);
            return builder.build();
        });
    }

    /** Forgets buckets that are full again: a new bucket would answer the same for the smallest band. */
    private void sweep(Limit limit, Map<String, Bucket> map) {
        long smallest = rules.get(limit).smallest();
        map.values().removeIf(b -> b.getAvailableTokens() >= smallest);
    }

    /** How many requests this limit refused since the process started, for the metrics. */
    public long refusals(Limit limit) {
        return refusals.get(limit).sum();
    }

    private TryLater refusal(Limit limit, Duration wait) {
        refusals.get(limit).increment();
        var rounded = Math.max(1, (wait.toMillis() + 999) / 1000);
        return TryLater.rateLimited(
                wait,
                "too many " + limit.what + " in a short time; wait " + rounded + (rounded == 1 ? " second" : " seconds")
                        + " and try again");
    }
}
