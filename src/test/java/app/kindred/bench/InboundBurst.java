package app.kindred.bench;

import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 19's inbound burst: signed Create{Note} activities from several remote hosts, sent as fast as
 * each host's connections can send them, and retried as a remote server does: a 429 or 503 with
 * Retry-After puts the activity back for that many seconds, then it is sent again, byte for byte.
 * Anything else that is not a 202 (or no answer at all) is a failure. Afterwards {@link #drain} waits
 * until every note is a post and checks that none is missing and none is there twice.
 * Used by {@link LoadBenchmark} (10,000 from 20 hosts) and {@link UnderLoadTest} (500 from 5).
 */
final class InboundBurst {
    private InboundBurst() {}

    /** One signed POST, the host that sends it (its actor's authority) and the note it carries. */
    record Activity(String host, String noteUri, byte[] request) {}

    /** What the senders saw: answers by status (first tries, and all tries), retries and failures. */
    record Sent(
            int activities,
            Map<Integer, Long> firstAnswers,
            Map<Integer, Long> allAnswers,
            long retries,
            long maxRetryAfterSeconds,
            long failures,
            String firstFailure,
            double secondsToLast202) {}

    /** What was stored once the processor was through. */
    record Drained(long posts, long missing, long duplicates, long notDone, double secondsToDrain, String lastError) {}

    /** Signs {@code n} activities to {@code inbox}, authors in turn (see {@link InboundBenchmark#presign}). */
    static List<Activity> activities(
            List<InboundBenchmark.Author> authors, URI inbox, String groupUri, int n, AtomicInteger counter)
            throws InterruptedException {
        int first = counter.get();
        var requests = InboundBenchmark.presign(authors, inbox, groupUri, n, counter);
        var activities = new ArrayList<Activity>(n);
        for (int i = 0; i < n; i++) {
            var author = authors.get((first + i) % authors.size());
            activities.add(new Activity(
                    author.uri().getRawAuthority(), author.uri() + "/notes/" + (first + i), requests.get(i)));
        }
        return activities;
    }

    private record Pending(Activity activity, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((Pending) other).dueNanos);
        }
    }

    /**
     * Sends every activity to {@code server} with {@code connectionsPerHost} connections per host, and
     * returns when each has been answered 202 or has failed; gives up (throws) after {@code giveUp}.
     */
    static Sent send(InetSocketAddress server, List<Activity> activities, int connectionsPerHost, Duration giveUp)
            throws InterruptedException {
        var byHost = new LinkedHashMap<String, DelayQueue<Pending>>();
        var outstanding = new LinkedHashMap<String, AtomicInteger>();
        long now = System.nanoTime();
        for (var a : activities) {
            byHost.computeIfAbsent(a.host(), h -> new DelayQueue<>()).add(new Pending(a, now));
            outstanding.computeIfAbsent(a.host(), h -> new AtomicInteger()).incrementAndGet();
        }
        var first = new ConcurrentHashMap<Integer, LongAdder>();
        var all = new ConcurrentHashMap<Integer, LongAdder>();
        var tried = ConcurrentHashMap.<String>newKeySet();
        var retries = new LongAdder();
        var failures = new LongAdder();
        var firstFailure = new AtomicReference<String>();
        var maxRetryAfter = new AtomicLong();
        var last202 = new AtomicLong(now);
        long deadline = now + giveUp.toNanos();
        var threads = new ArrayList<Thread>();
        for (var host : byHost.keySet()) {
            var queue = byHost.get(host);
            var left = outstanding.get(host);
            for (int c = 0; c < connectionsPerHost; c++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    try (var client = new RawHttpClient(server)) {
                        while (left.get() > 0 && System.nanoTime() < deadline) {
                            var pending = queue.poll(50, TimeUnit.MILLISECONDS);
                            if (pending == null) continue;
                            var activity = pending.activity();
                            boolean firstTry = tried.add(activity.noteUri());
                            RawHttpClient.Answer answer;
                            try {
                                answer = client.send(activity.request());
                            } catch (IOException e) {
                                // No answer: a sender cannot know whether it arrived, so it sends again.
                                failures.increment();
                                firstFailure.compareAndSet(null, "no answer: " + e);
                                queue.add(new Pending(
                                        activity,
                                        System.nanoTime()
                                                + Duration.ofSeconds(1).toNanos()));
                                continue;
                            }
                            if (firstTry)
                                first.computeIfAbsent(answer.status(), s -> new LongAdder())
                                        .increment();
                            all.computeIfAbsent(answer.status(), s -> new LongAdder())
                                    .increment();
                            if (answer.status() == 202) {
                                left.decrementAndGet();
                                last202.accumulateAndGet(System.nanoTime(), Math::max);
                            } else if ((answer.status() == 429 || answer.status() == 503)
                                    && seconds(answer.retryAfter()) >= 1) {
                                long wait = seconds(answer.retryAfter());
                                maxRetryAfter.accumulateAndGet(wait, Math::max);
                                retries.increment();
                                queue.add(new Pending(
                                        activity,
                                        System.nanoTime()
                                                + Duration.ofSeconds(wait).toNanos()));
                            } else {
                                failures.increment();
                                firstFailure.compareAndSet(
                                        null,
                                        answer.status() + " (Retry-After " + answer.retryAfter() + ") for "
                                                + activity.noteUri() + ": " + answer.body());
                                left.decrementAndGet(); // not sent again: this activity is lost
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
        }
        for (var t : threads) t.join();
        long unsent =
                outstanding.values().stream().mapToLong(AtomicInteger::get).sum();
        if (unsent > 0) {
            throw new IllegalStateException(unsent + " activities still not accepted after " + giveUp + "; answers "
                    + sorted(all) + ", first failure: " + firstFailure.get());
        }
        return new Sent(
                activities.size(),
                sorted(first),
                sorted(all),
                retries.sum(),
                maxRetryAfter.get(),
                failures.sum(),
                firstFailure.get(),
                (last202.get() - now) / 1e9);
    }

    /**
     * Waits until every activity's note is a post in {@code communityId} (or {@code timeout} passed),
     * then counts what is missing, what is there twice, and inbound rows that did not end done.
     * {@code startNanos} is when sending began, so the drain time covers the whole burst.
     */
    static Drained drain(Database db, long communityId, List<Activity> activities, long startNanos, Duration timeout)
            throws InterruptedException {
        var uris = activities.stream().map(Activity::noteUri).toArray(String[]::new);
        long deadline = System.nanoTime() + timeout.toNanos();
        long found;
        do {
            found = db.read(c -> Sql.count(
                    c,
                    "select count(*) from post where community_id = ? and uri = any(?)",
                    communityId,
                    c.createArrayOf("text", uris)));
            if (found >= uris.length) break;
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        long posts = found;
        long duplicates = db.read(c -> Sql.count(
                c,
                "select count(*) - count(distinct uri) from post where community_id = ? and uri = any(?)",
                communityId,
                c.createArrayOf("text", uris)));
        var activityIds = activities.stream()
                .map(a -> a.noteUri().replace("/notes/", "/activities/"))
                .toArray(String[]::new);
        long notDone = db.read(c -> Sql.count(
                c,
                "select count(*) from inbound_activity where activity_id = any(?) and state <> 'done'",
                c.createArrayOf("text", activityIds)));
        var lastError = db.read(c -> Sql.one(
                        c,
                        "select last_error from inbound_activity where activity_id = any(?) and last_error is not null"
                                + " limit 1",
                        rs -> rs.getString(1),
                        c.createArrayOf("text", activityIds)))
                .orElse(null);
        return new Drained(posts, uris.length - posts, duplicates, notDone, seconds, lastError);
    }

    private static long seconds(String retryAfter) {
        if (retryAfter == null) return -1;
        try {
            return Long.parseLong(retryAfter.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<Integer, Long> sorted(Map<Integer, LongAdder> counts) {
        var out = new TreeMap<Integer, Long>();
        counts.forEach((s, c) -> out.put(s, c.sum()));
        return out;
    }
}
