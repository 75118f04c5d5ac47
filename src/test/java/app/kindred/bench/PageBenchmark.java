package app.kindred.bench;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 14's page speed: the thread page with 200 comments, a community page, and beside them the
 * JSON API's route for the same thread, by the same tool in the same run. Not part of the test build:
 * run docs/bench/pages.sh.
 *
 * <p>One App with its web server on the embedded PostgreSQL, no workers. The thread is the one
 * {@code ThreadPageSizeTest} measures: 200 comments of about 80 characters by ten members, a third of
 * them replies, one in ten behind a content warning; the community has 30 threads (its page lists 20).
 * Targets: the thread and community pages signed out (what most of a thread's readers are: kept
 * briefly for them since issue 14's speed work, see web.pages.SignedOutPages) and signed in (rendered
 * for the member every time: the cost of the page itself), and the API's thread route. Each of {@code bench.clients} client threads keeps one
 * connection and sends the same request, pre-built, as soon as the last answer is read (a closed
 * loop); every answer must be a 200 of the expected size. The load generator runs in the same JVM on
 * the same two cores, so its cost is inside the figures, and said in the output (CPU per request).
 *
 * <p>Per round and target: {@code bench.seconds} of load; the first {@code bench.warmups} rounds are
 * thrown away. Targets alternate within a round, so all three meet the same machine state.
 *
 * <p>System properties: bench.clients (64), bench.seconds (10), bench.warmups (2), bench.rounds (3),
 * bench.pool (16, database connections), bench.only (a target name: thread, thread-in, community, comm-in or api).
 */
public final class PageBenchmark {
    private static final int CLIENTS = Integer.getInteger("bench.clients", 64);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int WARMUPS = Integer.getInteger("bench.warmups", 2);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final String POOL = System.getProperty("bench.pool", "16");
    private static final String ONLY = System.getProperty("bench.only", "");
    // Statements per page (pg_stat_statements, loaded unless -Dbench.statements=false): the per-member queries
    // of a signed-in page show here, where CPU time alone does not say what they are.
    private static final boolean STATEMENTS = Boolean.parseBoolean(System.getProperty("bench.statements", "true"));

    /** {@code cookie}: null for a signed-out reader, else the session cookie of a signed-in one. */
    private record Target(String name, String path, String accept, String cookie) {}

    private record Round(
            long requests,
            double perSecond,
            double p50,
            double p95,
            double p99,
            double max,
            int bytes,
            long errors,
            double jvmMsPerRequest,
            double pgMsPerRequest,
            double statementsPerRequest) {}

    public static void main(String[] args) throws Exception {
        System.out.printf(
                "clients %d, %d s per round and target, %d warm-up rounds, %d measured, pool %s%n",
                CLIENTS, SECONDS, WARMUPS, ROUNDS, POOL);
        if (STATEMENTS) System.setProperty("kindred.test.statementStats", "true");
        var url = TestPostgres.newDatabase();
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_DATABASE_POOL_SIZE", POOL);
        env.putAll(TestPostgres.UNLIMITED);
        Javalin web = null;
        try (var app = App.open(TestPostgres.configFor(url, env))) {
            long thread = seed(app);
            web = app.web().start("127.0.0.1", port);
            if (STATEMENTS) statements(app, "create extension if not exists pg_stat_statements");
            var html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
            // A signed-in reader's page is rendered for them every time: the cost of the page itself.
            var member = "kindred_session="
                    + app.sessions()
                            .logIn("member1", "a calm long passphrase", "bench")
                            .token();
            var targets = new ArrayList<Target>(List.of(
                    new Target("thread", "/p/" + thread, html, null),
                    new Target("thread-in", "/p/" + thread, html, member),
                    new Target("community", "/c/peers", html, null),
                    new Target("comm-in", "/c/peers", html, member),
                    new Target("api", "/api/v1/threads/" + thread, "application/json", null)));
            if (!ONLY.isEmpty()) targets.removeIf(t -> !t.name().equals(ONLY));
            var address = new InetSocketAddress("127.0.0.1", port);
            var results = new HashMap<String, List<Round>>();
            for (int r = 1 - WARMUPS; r <= ROUNDS; r++) {
                for (var target : targets) {
                    var round = run(app, address, target);
                    System.out.printf(
                            "%s %-9s %7.0f/s  p50 %6.1f  p95 %6.1f  p99 %6.1f  max %6.1f ms  %6d bytes  %d errors  CPU/request: JVM %.2f ms + PostgreSQL %.2f ms  statements/request %.2f  (load %s)%n",
                            r <= 0 ? "warm-up " : "round " + r + " ",
                            target.name(),
                            round.perSecond(),
                            round.p50(),
                            round.p95(),
                            round.p99(),
                            round.max(),
                            round.bytes(),
                            round.errors(),
                            round.jvmMsPerRequest(),
                            round.pgMsPerRequest(),
                            round.statementsPerRequest(),
                            load());
                    if (STATEMENTS && r == ROUNDS) printStatements(app, round.requests());
                    if (r > 0)
                        results.computeIfAbsent(target.name(), k -> new ArrayList<>())
                                .add(round);
                }
            }
            System.out.println("== medians of the measured rounds");
            for (var target : targets) {
                var rounds = results.get(target.name());
                System.out.printf(
                        "%-9s %7.0f/s (rounds %s)  p99 %.1f ms (rounds %s)  %d bytes%n",
                        target.name(),
                        median(rounds.stream().mapToDouble(Round::perSecond).toArray()),
                        rounds.stream()
                                .map(x -> String.format("%.0f", x.perSecond()))
                                .toList(),
                        median(rounds.stream().mapToDouble(Round::p99).toArray()),
                        rounds.stream().map(x -> String.format("%.1f", x.p99())).toList(),
                        rounds.getFirst().bytes());
            }
        } finally {
            if (web != null) web.stop();
            TestPostgres.dropDatabase(url);
        }
        // The embedded PostgreSQL and the pools leave threads that would keep this JVM alive.
        System.exit(0);
    }

    /** The thread of ThreadPageSizeTest, and 29 more threads so the community page has a full page. */
    private static long seed(App app) {
        app.members().create("alice", "a calm long passphrase", Role.ADMIN);
        for (int i = 0; i < 10; i++) app.members().create("member" + i, "a calm long passphrase", Role.MEMBER);
        var community = app.communities().create("peers", "Peer support", "A calm place.", "alice");
        var alice = app.members().find("alice").orElseThrow();
        for (int i = 0; i < 29; i++) {
            app.threads()
                    .startThread(
                            alice,
                            community.id(),
                            new ThreadService.Draft(
                                    "Thread " + i, "Something to talk about, number " + i + ".", null, null, "en"));
        }
        long id = app.threads()
                .startThread(
                        alice,
                        community.id(),
                        new ThreadService.Draft(
                                "How are you, really?", "Say how your week went, if you like.", null, null, "en"))
                .id();
        long previous = id;
        for (int i = 0; i < 200; i++) {
            var author = app.members().find("member" + (i % 10)).orElseThrow();
            long parent = i % 3 == 2 ? previous : id;
            var body = "Comment " + i + ": a mixed week. I slept better, walked twice. Thank you for listening.";
            previous = app.threads()
                    .comment(
                            author,
                            parent,
                            new ThreadService.Draft(null, body, i % 10 == 5 ? "sleep" : null, null, null))
                    .id();
        }
        return id;
    }

    private static Round run(App app, InetSocketAddress address, Target target) throws Exception {
        var headers = new HashMap<String, String>(
                Map.of("Host", address.getHostString() + ":" + address.getPort(), "Accept", target.accept()));
        if (target.cookie() != null) headers.put("Cookie", target.cookie());
        var request = RawHttpClient.request("GET", target.path(), headers, new byte[0]);
        var stop = new AtomicBoolean();
        var ready = new CountDownLatch(CLIENTS);
        var go = new CountDownLatch(1);
        var latencies = new long[CLIENTS][];
        var counts = new int[CLIENTS];
        var errors = new long[CLIENTS];
        var sizes = new int[CLIENTS];
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < CLIENTS; i++) {
            int me = i;
            threads.add(Thread.ofPlatform().start(() -> {
                var mine = new long[1 << 16];
                int n = 0;
                try (var client = new RawHttpClient(address)) {
                    client.send(request); // connect before the clock starts
                    ready.countDown();
                    go.await();
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        RawHttpClient.Answer answer;
                        try {
                            answer = client.send(request);
                        } catch (IOException e) {
                            errors[me]++;
                            continue;
                        }
                        long took = System.nanoTime() - start;
                        if (answer.status() != 200) errors[me]++;
                        // The size as sent: decoding 60 KB into a String and encoding it again cost the load generator,
                        // which shares the two cores with the server, about a tenth of the machine (perf14b).
                        else sizes[me] = answer.bytes().length;
                        if (n == mine.length) mine = Arrays.copyOf(mine, n * 2);
                        mine[n++] = took;
                    }
                } catch (Exception e) {
                    errors[me]++;
                    ready.countDown();
                }
                latencies[me] = Arrays.copyOf(mine, n);
                counts[me] = n;
            }));
        }
        ready.await();
        if (STATEMENTS) statements(app, "select pg_stat_statements_reset()");
        long jvm0 = CpuTime.jvmMillis(), pg0 = CpuTime.postgresMillis();
        long t0 = System.nanoTime();
        go.countDown();
        Thread.sleep(SECONDS * 1000L);
        stop.set(true);
        for (var t : threads) t.join();
        long elapsed = System.nanoTime() - t0;
        long jvm = CpuTime.jvmMillis() - jvm0, pg = CpuTime.postgresMillis() - pg0;
        long statements = STATEMENTS ? statementCalls(app) : 0;
        long total = Arrays.stream(counts).sum();
        var all = new long[(int) total];
        int k = 0;
        for (var l : latencies) {
            System.arraycopy(l, 0, all, k, l.length);
            k += l.length;
        }
        Arrays.sort(all);
        return new Round(
                total,
                total / (elapsed / 1e9),
                ms(all, 0.50),
                ms(all, 0.95),
                ms(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6,
                Arrays.stream(sizes).max().orElse(0),
                Arrays.stream(errors).sum(),
                total == 0 ? 0 : (double) jvm / total,
                total == 0 ? 0 : (double) pg / total,
                total == 0 ? 0 : (double) statements / total);
    }

    private static void statements(App app, String sql) {
        app.database().transaction(c -> {
            try (var st = c.createStatement()) {
                st.execute(sql);
            }
            return null;
        });
    }

    /** Statements this database ran since the last reset, less the reset itself. */
    private static long statementCalls(App app) {
        return app.database().read(c -> Sql.list(c, """
                select coalesce(sum(calls), 0) from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                  and query not like '%pg_stat_statements%'""", rs -> rs.getLong(1))).getFirst();
    }

    /** The last round's statements for one target, most called first: calls per request and what each is. */
    private static void printStatements(App app, long requests) {
        app.database()
                .read(c -> Sql.list(c, """
                select calls, total_exec_time, regexp_replace(query, '\\s+', ' ', 'g') from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database())
                  and query not like '%pg_stat_statements%'
                order by calls desc limit 20""", rs -> {
                    var q = rs.getString(3);
                    System.out.printf(
                            "      %5.2f calls %6.3f ms  %s%n",
                            rs.getLong(1) / (double) Math.max(1, requests),
                            rs.getDouble(2) / Math.max(1, requests),
                            q.length() <= 140 ? q : q.substring(0, 140) + "...");
                    return null;
                }));
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    private static double median(double[] values) {
        var v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).substring(0, 14).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
