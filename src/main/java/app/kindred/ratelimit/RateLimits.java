package app.kindred.ratelimit;

import app.kindred.config.Config;
import app.kindred.refusal.TryLater;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * Every rate limit of the instance, as Bucket4j token buckets: one bucket per limit and key (a member
 * id, a remote host, an HMAC of a client's address, an account name). Each limit has bands that all
 * apply, so a burst passes and a long run waits longer and longer.
 *
 * <p>Every limit has a bucket in this process's memory. A {@link Limit#shared() shared} limit also has
 * one in PostgreSQL ({@link SharedBuckets}) that every process of the instance takes from, so it holds
 * for the whole instance. The memory bucket comes first and is the fast path: this process has seen
 * no more than the whole instance, so when its own bucket is empty the shared one is too, and a flood
 * against one process is refused without a database round trip. Limits no request of a page view
 * touches (docs/decisions.md, "Rate limits shared between processes").
 */
public final class RateLimits {
    /** Past this many keys of one limit, buckets back at rest are forgotten: they would behave as new ones. */
    static final int SWEEP_ABOVE = 50_000;

    /** What is limited, and the words that say so to whoever is refused. */
    public enum Limit {
        SIGN_IN_ACCOUNT("failed sign-ins to this account", true),
        SIGN_IN_CLIENT("failed sign-ins from your connection", true),
        /** Never refused itself: a client without one left waits on {@link #SIGN_IN_ACCOUNT} instead. */
        SIGN_IN_FIRST_TRY("sign-ins from your connection", true),
        SIGN_UP("accounts created from your connection", true),
        THREAD("threads you started", false),
        COMMENT("comments you wrote", false),
        VOTE("votes you cast", false),
        REPORT("reports you filed", true),
        CONCERN("wellbeing concerns you raised", true),
        FOLLOW("follows", false),
        API_WRITE("changes you made", false),
        INBOUND_HOST("activities your server sent", true),
        KEY_FETCH_HOST("signing keys we fetched from your server", true);

        private final String what;
        /**
         * Whether it holds for the whole instance (buckets in PostgreSQL, shared by every process) or
         * for each process. Shared: the limits that guard against guessing, account farming, report
         * floods and federation floods, where N processes must not mean N times the room. Each
         * process: a signed-in member's own posting, voting, following and API writes, which are on
         * the busiest write paths, damp a runaway client rather than stop an attack, and stay
         * bounded (N processes give a member at most N times the room, and moderators see it).
         */
        private final boolean shared;

        Limit(String what, boolean shared) {
            this.what = what;
            this.shared = shared;
        }

        public boolean shared() {
            return shared;
        }
    }

    /**
     * Most tokens a process takes from a shared bucket at once ({@link SharedBuckets#take}), and the
     * share of the smallest band it may take: a limit of 600 a minute is asked once per 9 requests,
     * one of 10 or 120 (sign-ins, key fetches) on every request, as before.
     */
    static final int MOST_AHEAD = 64;

    /**
     * A limit's bands, as Bucket4j configures them; version names the bands in the shared table's rows;
     * ahead is how many one process takes from the shared bucket at once.
     */
    private record Rule(
            List<Bandwidth> bands, long smallest, BucketConfiguration configuration, String version, int ahead) {}

    private final Map<Limit, Rule> rules = new EnumMap<>(Limit.class);
    private final Map<Limit, Map<String, Bucket>> buckets = new EnumMap<>(Limit.class);
    private final Map<Limit, LongAdder> refusals = new EnumMap<>(Limit.class);
    private final Optional<SharedBuckets> shared;

    /** Every limit in this process alone (one process, and tests that are not about sharing). */
    public RateLimits(Config.Limits config) {
        this(config, Optional.empty());
    }

    /** The shared limits also through {@code shared}, so they hold across every process on its database. */
    public RateLimits(Config.Limits config, Optional<SharedBuckets> shared) {
        this.shared = shared;
        for (var limit : Limit.values()) refusals.put(limit, new LongAdder());
        rule(Limit.SIGN_IN_ACCOUNT, config.signInAccount());
        rule(Limit.SIGN_IN_CLIENT, config.signInClient());
        rule(Limit.SIGN_IN_FIRST_TRY, config.signInFirstTry());
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
        var checksum = new CRC32();
        checksum.update(bands.stream()
                .map(b -> b.count() + "/" + b.period().toMillis())
                .collect(Collectors.joining(","))
                .getBytes(StandardCharsets.US_ASCII));
        rules.put(
                limit,
                new Rule(
                        bandwidths,
                        smallest,
                        new BucketConfiguration(bandwidths),
                        Long.toHexString(checksum.getValue()),
                        Math.clamp(smallest / MOST_AHEAD, 1, MOST_AHEAD)));
        buckets.put(limit, new ConcurrentHashMap<>());
    }

    /** The key a member's own limits count under, the same whichever door they came through. */
    public static String memberKey(long memberId) {
        return "member:" + memberId;
    }

    /** Takes one from {@code key}'s bucket, or refuses with 429 and how long to wait. */
    public void take(Limit limit, String key) {
        var wait = consume(limit, key);
        if (wait.isPresent()) throw refusal(limit, wait.get());
    }

    /**
     * Takes one from {@code key}'s bucket if there is one, refusing nobody: false when there is none. One
     * take, so of two tries made at once only one gets the last.
     */
    public boolean tryTake(Limit limit, String key) {
        return consume(limit, key).isEmpty();
    }

    /** Takes one; empty when it was taken, else how long until there is one. */
    private Optional<Duration> consume(Limit limit, String key) {
        var local = bucket(limit, key);
        var probe = local.tryConsumeAndReturnRemaining(1);
        if (!probe.isConsumed()) return Optional.of(Duration.ofNanos(probe.getNanosToWaitForRefill()));
        var everywhere =
                sharedFor(limit).flatMap(s -> s.take(limit, version(limit), key, configuration(limit), ahead(limit)));
        if (everywhere.isPresent() && !everywhere.get().isConsumed()) {
            // Refused by the instance: this process gives its token back, so its own bucket goes on
            // counting only what passed and never refuses longer than the shared one would.
            local.addTokens(1);
            return Optional.of(Duration.ofNanos(everywhere.get().getNanosToWaitForRefill()));
        }
        return Optional.empty();
    }

    /** Counts one against {@code key} without refusing (a failed sign-in already answered). */
    public void count(Limit limit, String key) {
        bucket(limit, key).tryConsume(1);
        sharedFor(limit).ifPresent(s -> s.count(limit, version(limit), key, configuration(limit), ahead(limit)));
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
        // The instance's bucket took one too, and gives it back the same way.
        if (bucket != null)
            sharedFor(limit).ifPresent(s -> s.giveBack(limit, version(limit), key, configuration(limit), ahead(limit)));
    }

    /** Refuses with 429 when {@code key}'s bucket is empty, taking nothing. */
    public void check(Limit limit, String key) {
        var wait = waitFor(limit, key);
        if (!wait.isZero()) throw refusal(limit, wait);
    }

    /** How long until {@code key} may do one more; zero when it may now. */
    public Duration waitFor(Limit limit, String key) {
        var bucket = buckets.get(limit).get(key);
        var here = bucket == null
                ? Duration.ZERO
                : Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill());
        if (!here.isZero()) return here;
        return sharedFor(limit)
                .flatMap(s -> s.waitFor(limit, version(limit), key, configuration(limit)))
                .orElse(Duration.ZERO);
    }

    private Optional<SharedBuckets> sharedFor(Limit limit) {
        return limit.shared() ? shared : Optional.empty();
    }

    private String version(Limit limit) {
        return rules.get(limit).version();
    }

    private int ahead(Limit limit) {
        return rules.get(limit).ahead();
    }

    private BucketConfiguration configuration(Limit limit) {
        return rules.get(limit).configuration();
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
