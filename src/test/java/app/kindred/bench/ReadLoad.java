package app.kindred.bench;

import app.kindred.App;
import app.kindred.TestServer;
import app.kindred.member.Member;
import app.kindred.member.Role;
import app.kindred.thread.ThreadService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 19's read load: many kept-alive connections at once, each sending one route's request again
 * as soon as the last answer is read (a closed loop), connections spread evenly over the routes. Every
 * answer is counted by status; a 5xx other than 503 with Retry-After, or a connection lost without an
 * answer, is what must never happen. Used by {@link LoadBenchmark} (1,024 connections, 60 s) and by
 * {@link UnderLoadTest} (a few seconds, a few hundred connections).
 */
final class ReadLoad {
    private ReadLoad() {}

    /** One route: the request sent, and the status a calm server answers it with. */
    record Route(String name, String path, String accept) {}

    /**
     * Seeds what is read (PageBenchmark's community: 30 threads, one with 200 comments by 10 members, when given those numbers) and returns the
     * routes: the community page and the thread signed out, the community's actor document, WebFinger.
     */
    static List<Route> seed(App app, String domain, int writers, int threads, int comments) {
        app.members().create("alice", "a calm long passphrase", Role.ADMIN);
        for (int i = 0; i < writers; i++) app.members().create("member" + i, "a calm long passphrase", Role.MEMBER);
        var community = app.communities().create("peers", "Peer support", "A calm place.", "alice");
        var alice = app.members().find("alice").orElseThrow();
        for (int i = 0; i < threads - 1; i++) {
            app.threads()
                    .startThread(
                            alice,
                            community.id(),
                            new ThreadService.Draft(
                                    "Thread " + i, "Something to talk about, number " + i + ".", null, null, "en"));
        }
        long thread = app.threads()
                .startThread(
                        alice,
                        community.id(),
                        new ThreadService.Draft(
                                "How are you, really?", "Say how your week went, if you like.", null, null, "en"))
                .id();
        var members = new ArrayList<Member>();
        for (int i = 0; i < writers; i++)
            members.add(app.members().find("member" + i).orElseThrow());
        long previous = thread;
        for (int i = 0; i < comments; i++) {
            long parent = i % 3 == 2 ? previous : thread;
            var body = "Comment " + i + ": a mixed week. I slept better, walked twice. Thank you for listening.";
            previous = app.threads()
                    .comment(
                            members.get(i % writers),
                            parent,
                            new ThreadService.Draft(null, body, i % 10 == 5 ? "sleep" : null, null, null))
                    .id();
        }
        return List.of(
                new Route("community", "/c/peers", TestServer.BROWSER),
                new Route("thread", "/p/" + thread, TestServer.BROWSER),
                new Route("actor", "/c/peers", TestServer.ACTIVITY_JSON),
                new Route("webfinger", "/.well-known/webfinger?resource=acct:peers@" + domain, "application/jrd+json"));
    }

    /** What one route got: counts by status, and the latencies of the answers. */
    record RouteResult(
            String name,
            Map<Integer, Long> statuses,
            long answers,
            long unacceptable,
            long lostConnections,
            double perSecond,
            double p50Millis,
            double p99Millis,
            double maxMillis,
            String firstUnacceptable) {

        /** Answered with neither a 2xx nor a 503 with Retry-After, or not answered at all. */
        long failures() {
            return unacceptable + lostConnections;
        }

        long busy() {
            return statuses.getOrDefault(503, 0L);
        }
    }

    /** The run: per route, and the wall-clock length it was measured over. */
    record Result(List<RouteResult> routes, int connections, double seconds) {
        long answers() {
            return routes.stream().mapToLong(RouteResult::answers).sum();
        }

        long failures() {
            return routes.stream().mapToLong(RouteResult::failures).sum();
        }
    }

    private static final class Tally {
        final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        final LongAdder unacceptable = new LongAdder();
        final LongAdder lost = new LongAdder();
        final AtomicReference<String> first = new AtomicReference<>();
        final List<long[]> latencies = new ArrayList<>();
    }

    /**
     * Opens {@code connections} connections to {@code address} (route i gets connections i, i + n, ...),
     * sends for {@code length}, and counts. {@code host} is the Host header (the instance's domain).
     */
    static Result run(InetSocketAddress address, String host, List<Route> routes, int connections, Duration length)
            throws InterruptedException {
        var requests = routes.stream()
                .map(r ->
                        RawHttpClient.request("GET", r.path(), Map.of("Host", host, "Accept", r.accept()), new byte[0]))
                .toList();
        var tallies = routes.stream().map(r -> new Tally()).toList();
        var stop = new AtomicBoolean();
        var connected = new CountDownLatch(connections);
        var go = new CountDownLatch(1);
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < connections; i++) {
            int route = i % routes.size();
            var tally = tallies.get(route);
            var request = requests.get(route);
            // Virtual threads: a thousand blocking sockets without a thousand platform stacks in the generator.
            threads.add(Thread.ofVirtual().start(() -> {
                var mine = new long[1024];
                int n = 0;
                try (var client = new RawHttpClient(address)) {
                    try {
                        client.connect();
                    } catch (IOException e) {
                        lost(tally, "could not connect: " + e);
                    }
                    connected.countDown();
                    go.await();
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        RawHttpClient.Answer answer;
                        try {
                            answer = client.send(request);
                        } catch (IOException e) {
                            lost(tally, e.toString());
                            Thread.sleep(10); // a refused connection must not become a busy loop
                            continue;
                        }
                        long took = System.nanoTime() - start;
                        tally.statuses
                                .computeIfAbsent(answer.status(), s -> new LongAdder())
                                .increment();
                        if (!acceptable(answer)) {
                            tally.unacceptable.increment();
                            tally.first.compareAndSet(
                                    null,
                                    answer.status() + " (Retry-After " + answer.retryAfter() + "): "
                                            + abbreviate(answer.body()));
                        }
                        if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                        mine[n++] = took;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                synchronized (tally.latencies) {
                    tally.latencies.add(Arrays.copyOf(mine, n));
                }
            }));
        }
        connected.await();
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep(length.toMillis());
        stop.set(true);
        // Requests in flight are answered and counted (a slow answer is what is being measured), so the
        // run lasts until the last of them; rates are over that whole time.
        for (var t : threads) t.join();
        long elapsed = System.nanoTime() - t0;
        var results = new ArrayList<RouteResult>();
        for (int r = 0; r < routes.size(); r++) {
            var tally = tallies.get(r);
            var all = tally.latencies.stream()
                    .flatMapToLong(Arrays::stream)
                    .sorted()
                    .toArray();
            var statuses = new TreeMap<Integer, Long>();
            tally.statuses.forEach((s, c) -> statuses.put(s, c.sum()));
            results.add(new RouteResult(
                    routes.get(r).name(),
                    statuses,
                    all.length,
                    tally.unacceptable.sum(),
                    tally.lost.sum(),
                    all.length / (elapsed / 1e9),
                    millis(all, 0.50),
                    millis(all, 0.99),
                    all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                    tally.first.get()));
        }
        return new Result(results, connections, elapsed / 1e9);
    }

    /** A success, or "come back in a moment" said properly: 503 with a Retry-After of whole seconds. */
    static boolean acceptable(RawHttpClient.Answer answer) {
        if (answer.status() >= 200 && answer.status() < 400) return true;
        if (answer.status() != 503 || answer.retryAfter() == null) return false;
        try {
            return Long.parseLong(answer.retryAfter().trim()) >= 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static void lost(Tally tally, String what) {
        tally.lost.increment();
        tally.first.compareAndSet(null, "no answer: " + what);
    }

    private static double millis(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))] / 1e6;
    }

    private static String abbreviate(String body) {
        var line = body.replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }

    /** One line per route, for the benchmark's output and a failing test's message. */
    static String describe(Result result) {
        var out = new StringBuilder();
        for (var r : result.routes()) {
            out.append(String.format(
                    "  %-10s %8.0f/s  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms  statuses %s  no answer %d%s%n",
                    r.name(),
                    r.perSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.maxMillis(),
                    r.statuses(),
                    r.lostConnections(),
                    r.firstUnacceptable() == null ? "" : "  first bad: " + r.firstUnacceptable()));
        }
        return out.toString();
    }
}
