package app.kindred.bench;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.config.Settings;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.storage.Sql;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 19's load runs: the read load (many connections on the community page, a thread of 200
 * comments, the actor document and WebFinger) and the inbound burst (signed activities from many
 * hosts as fast as they can be sent, refused ones retried after Retry-After). Not part of the test
 * build (UnderLoadTest is its CI-sized twin): run docs/bench/load.sh.
 *
 * <p>The servers are real {@code kindred serve} processes ({@link KindredProcess}) with the shipped
 * defaults (pool sizes, queue limits, rate limits), on one embedded PostgreSQL that this JVM starts
 * and seeds. With {@code bench.processes=2} everything runs once with one process and then again, on
 * a fresh database, with two processes behind a round-robin TCP proxy ({@link RoundRobinProxy}) in
 * this JVM. The load generator (and the proxy) share the machine's cores with the servers; their CPU
 * is reported apart from the servers' and PostgreSQL's.
 *
 * <p>A run FAILS (exit 1) if any answer is a 5xx other than 503 with Retry-After, a connection goes
 * unanswered, an activity is refused in any other way, or afterwards a note is missing or there twice.
 *
 * <p>System properties: bench.part (both | read | burst), bench.processes (1, or 2 for 1 then 2),
 * bench.connections (1024), bench.fewConnections (64), bench.seconds (60), bench.warmup (10 s at
 * the few connections, not reported), bench.activities (10000), bench.hosts (20),
 * bench.hostConnections (4 per host), bench.inboundHost (the inbound per-host limit; the shipped
 * default unless set), bench.serverHeap (768m), bench.serverClasspath (this JVM's, i.e. this
 * checkout's classes; another build's to measure a baseline).
 */
public final class LoadBenchmark {
    private static final String PART = System.getProperty("bench.part", "both");
    private static final int PROCESSES = Integer.getInteger("bench.processes", 1);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 1024);
    private static final int FEW = Integer.getInteger("bench.fewConnections", 64);
    private static final int SECONDS = Integer.getInteger("bench.seconds", 60);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    private static final int ACTIVITIES = Integer.getInteger("bench.activities", 10_000);
    private static final int HOSTS = Integer.getInteger("bench.hosts", 20);
    private static final int HOST_CONNECTIONS = Integer.getInteger("bench.hostConnections", 4);
    private static final String INBOUND_HOST = System.getProperty("bench.inboundHost", "");
    private static final String HEAP = System.getProperty("bench.serverHeap", "768m");
    private static final String CLASSPATH =
            System.getProperty("bench.serverClasspath", System.getProperty("java.class.path"));
    private static final boolean STATEMENTS = Boolean.getBoolean("kindred.test.statementStats");

    /** One measured figure set, for the side-by-side summary. */
    private record Line(String what, String figures) {}

    private static final List<Line> summary = new ArrayList<>();
    private static boolean failed;

    public static void main(String[] args) throws Exception {
        System.out.printf(
                "machine: %d cores, %s %s, load %s; servers: kindred serve -Xmx%s, shipped defaults (pool %s,"
                        + " background pool %s, inbound_host %s)%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                load(),
                HEAP,
                shipped("database.pool_size"),
                shipped("database.background_pool_size"),
                INBOUND_HOST.isEmpty() ? shipped("limits.inbound_host") : INBOUND_HOST + " (bench.inboundHost)");
        try {
            run(1);
            if (PROCESSES >= 2) run(PROCESSES);
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
            System.exit(1);
        }
        System.out.println("\n== summary (servers' and PostgreSQL's CPU per unit of work; generator apart)");
        summary.forEach(l -> System.out.printf("%-44s %s%n", l.what(), l.figures()));
        System.out.println(
                failed
                        ? "RESULT FAILED: see the lines marked FAILED above"
                        : "RESULT passed: no 5xx but"
                                + " 503 with Retry-After, every connection answered, no activity lost or doubled");
        // The embedded PostgreSQL and the author servers would keep this JVM alive.
        System.exit(failed ? 1 : 0);
    }

    private static String shipped(String key) {
        return Settings.ALL.stream()
                .filter(s -> s.key().equals(key))
                .findFirst()
                .orElseThrow()
                .defaultValue();
    }

    private static void run(int processes) throws Exception {
        System.out.printf(
                "%n== %d process%s on one PostgreSQL%s%n",
                processes,
                processes == 1 ? "" : "es",
                processes == 1 ? "" : ", behind a round-robin TCP proxy in the benchmark JVM");
        var url = TestPostgres.newDatabase();
        var backends = new ArrayList<Integer>();
        for (int i = 0; i < processes; i++) backends.add(freePort());
        int front = processes == 1 ? backends.getFirst() : freePort();
        var domain = "127.0.0.1:" + front;
        var servers = new ArrayList<KindredProcess>();
        RoundRobinProxy proxy = null;
        var env = new HashMap<String, String>();
        env.put("KINDRED_DATABASE_URL", url);
        env.put("KINDRED_INSTANCE_DOMAIN", domain);
        env.put("KINDRED_INSTANCE_SCHEME", "http");
        env.put("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true");
        if (!INBOUND_HOST.isEmpty()) env.put("KINDRED_LIMITS_INBOUND_HOST", INBOUND_HOST);
        // The seeder writes 230 posts in a moment, which the posting limits are there to stop: it runs unlimited.
        try (var seeder = App.open(TestPostgres.configFor(url, Map.of("KINDRED_INSTANCE_DOMAIN", domain)))) {
            var routes = ReadLoad.seed(seeder, domain, 10, 30, 200);
            long communityId = seeder.communities().find("peers").orElseThrow().id();
            var groupUri = seeder.communities()
                    .find("peers")
                    .orElseThrow()
                    .actor()
                    .uri()
                    .toString();
            if (STATEMENTS) sql(seeder, "create extension if not exists pg_stat_statements");
            for (int i = 0; i < processes; i++) {
                var serverEnv = new HashMap<>(env);
                serverEnv.put(
                        "KINDRED_DATA_DIR",
                        Files.createTempDirectory("kindred-load").toString());
                var log = Path.of("target", "bench-load-" + processes + "p-" + (i + 1) + ".log");
                servers.add(KindredProcess.start(CLASSPATH, HEAP, serverEnv, backends.get(i), domain, log));
            }
            if (processes > 1) {
                proxy = new RoundRobinProxy(
                        front, servers.stream().map(KindredProcess::address).toList());
            }
            var address = new InetSocketAddress("127.0.0.1", front);
            if (!PART.equals("burst")) {
                ReadLoad.run(address, domain, routes, FEW, Duration.ofSeconds(WARMUP));
                for (int connections : List.of(CONNECTIONS, FEW)) {
                    var cost = Cost.start(seeder, servers);
                    var result = ReadLoad.run(address, domain, routes, connections, Duration.ofSeconds(SECONDS));
                    var spent = cost.stop();
                    long answers = result.answers();
                    boolean bad = result.failures() > 0;
                    failed |= bad;
                    System.out.printf(
                            "%sread, %d connections, %.0f s: %.0f answers/s; servers %.3f ms CPU per answer, PostgreSQL"
                                    + " %.3f ms, %.2f transactions%s; generator%s %.3f ms; load %s%n%s",
                            bad ? "FAILED " : "",
                            connections,
                            result.seconds(),
                            answers / result.seconds(),
                            spent.serversMillis() / (double) answers,
                            spent.postgresMillis() / (double) answers,
                            spent.transactions() / (double) answers,
                            spent.statements() < 0
                                    ? ""
                                    : String.format(", %.2f statements", spent.statements() / (double) answers),
                            processes > 1 ? " and proxy" : "",
                            spent.generatorMillis() / (double) answers,
                            load(),
                            ReadLoad.describe(result));
                    for (var r : result.routes()) {
                        summary.add(new Line(
                                String.format("read %dp %4d conns %-10s", processes, connections, r.name()),
                                String.format(
                                        "%7.0f/s  p50 %7.1f  p99 %7.1f ms  503s %d  bad %d",
                                        r.perSecond(), r.p50Millis(), r.p99Millis(), r.busy(), r.failures())));
                    }
                    summary.add(new Line(
                            String.format("read %dp %4d conns CPU per answer", processes, connections),
                            String.format(
                                    "servers %.3f ms + PostgreSQL %.3f ms, %.2f transactions (load %s)",
                                    spent.serversMillis() / (double) answers,
                                    spent.postgresMillis() / (double) answers,
                                    spent.transactions() / (double) answers,
                                    load())));
                }
            }
            if (!PART.equals("read")) burst(seeder, servers, address, domain, groupUri, communityId, processes);
        } finally {
            if (proxy != null) proxy.close();
            for (var s : servers) s.close();
            TestPostgres.dropDatabase(url);
        }
    }

    private static void burst(
            App seeder,
            List<KindredProcess> servers,
            InetSocketAddress address,
            String domain,
            String groupUri,
            long communityId,
            int processes)
            throws Exception {
        var authors = new ArrayList<InboundBenchmark.Author>();
        try {
            for (int i = 0; i < HOSTS; i++) {
                authors.add(InboundBenchmark.author(
                        "host" + i, i % 2 == 0 ? SignatureScheme.CAVAGE : SignatureScheme.RFC9421));
            }
            long signStart = System.nanoTime();
            var activities = InboundBurst.activities(
                    authors,
                    URI.create("http://" + domain + "/c/peers/inbox"),
                    groupUri,
                    ACTIVITIES,
                    new AtomicInteger());
            System.out.printf(
                    "burst: %d activities from %d hosts signed beforehand in %d ms; %d connections per host%n",
                    ACTIVITIES, HOSTS, (System.nanoTime() - signStart) / 1_000_000, HOST_CONNECTIONS);
            var cost = Cost.start(seeder, servers);
            long start = System.nanoTime();
            var sent = InboundBurst.send(address, activities, HOST_CONNECTIONS, Duration.ofMinutes(20));
            var drained = InboundBurst.drain(seeder.database(), communityId, activities, start, Duration.ofMinutes(10));
            var spent = cost.stop();
            boolean bad =
                    sent.failures() > 0 || drained.missing() > 0 || drained.duplicates() > 0 || drained.notDone() > 0;
            failed |= bad;
            System.out.printf(
                    "%sburst: first answers %s, all answers %s, %d sent again (longest Retry-After %d s), %d failures%s;"
                            + " last 202 after %.1f s (%.0f/s); all %d stored as posts after %.1f s (%.0f/s end to end);"
                            + " missing %d, twice %d, not done %d%s; servers %.3f ms CPU per activity, PostgreSQL %.3f ms,"
                            + " %.2f transactions%s; generator %.3f ms; load %s%n",
                    bad ? "FAILED " : "",
                    sent.firstAnswers(),
                    sent.allAnswers(),
                    sent.retries(),
                    sent.maxRetryAfterSeconds(),
                    sent.failures(),
                    sent.firstFailure() == null ? "" : " (first: " + sent.firstFailure() + ")",
                    sent.secondsToLast202(),
                    ACTIVITIES / sent.secondsToLast202(),
                    drained.posts(),
                    drained.secondsToDrain(),
                    drained.posts() / drained.secondsToDrain(),
                    drained.missing(),
                    drained.duplicates(),
                    drained.notDone(),
                    drained.lastError() == null ? "" : " (last error: " + drained.lastError() + ")",
                    spent.serversMillis() / (double) ACTIVITIES,
                    spent.postgresMillis() / (double) ACTIVITIES,
                    spent.transactions() / (double) ACTIVITIES,
                    spent.statements() < 0
                            ? ""
                            : String.format(", %.2f statements", spent.statements() / (double) ACTIVITIES),
                    spent.generatorMillis() / (double) ACTIVITIES,
                    load());
            summary.add(new Line(
                    String.format("burst %dp %d from %d hosts", processes, ACTIVITIES, HOSTS),
                    String.format(
                            "202s %.0f/s, drained in %.1f s (%.0f/s); 429 %d, 503 %d, resent %d; lost %d, twice %d;"
                                    + " CPU/activity servers %.2f + PostgreSQL %.2f ms",
                            ACTIVITIES / sent.secondsToLast202(),
                            drained.secondsToDrain(),
                            drained.posts() / drained.secondsToDrain(),
                            sent.allAnswers().getOrDefault(429, 0L),
                            sent.allAnswers().getOrDefault(503, 0L),
                            sent.retries(),
                            drained.missing(),
                            drained.duplicates(),
                            spent.serversMillis() / (double) ACTIVITIES,
                            spent.postgresMillis() / (double) ACTIVITIES)));
        } finally {
            for (var a : authors) a.server().stop(0);
        }
    }

    /** CPU and database work between two moments: the servers', PostgreSQL's, this JVM's, transactions, statements. */
    private record Spent(
            long serversMillis, long postgresMillis, long generatorMillis, long transactions, long statements) {}

    private record Cost(App db, List<KindredProcess> servers, long[] at) {
        static Cost start(App db, List<KindredProcess> servers) {
            if (STATEMENTS) sql(db, "select pg_stat_statements_reset()");
            return new Cost(db, servers, snapshot(db, servers));
        }

        Spent stop() {
            var now = snapshot(db, servers);
            long statements = STATEMENTS
                    ? db.database()
                            .read(
                                    c -> Sql.count(
                                            c,
                                            "select coalesce(sum(calls), 0) from pg_stat_statements"
                                                    + " where dbid = (select oid from pg_database where datname = current_database())"))
                    : -1;
            return new Spent(now[0] - at[0], now[1] - at[1], now[2] - at[2], now[3] - at[3], statements);
        }

        private static long[] snapshot(App db, List<KindredProcess> servers) {
            // pg_stat_database is updated when a backend's transaction ends; a short wait lets the counts settle.
            long transactions = db.database()
                    .read(
                            c -> Sql.count(
                                    c,
                                    "select xact_commit + xact_rollback from pg_stat_database where datname = current_database()"));
            return new long[] {
                servers.stream().mapToLong(KindredProcess::cpuMillis).sum(),
                CpuTime.postgresMillis(),
                CpuTime.jvmMillis(),
                transactions
            };
        }
    }

    private static void sql(App app, String sql) {
        app.database().transaction(c -> {
            try (var st = c.createStatement()) {
                st.execute(sql);
            }
            return null;
        });
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String load() {
        try {
            return String.join(
                    " ",
                    Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }
}
