package app.kindred.bench;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.LocalKeys;
import app.kindred.actor.RemoteActorData;
import app.kindred.delivery.StubInboxes;
import app.kindred.federation.signature.RequestSigner;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.federation.signature.SigningKey;
import app.kindred.follow.FollowStore;
import app.kindred.member.Role;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Issue 19's soak: one instance under steady mixed load for {@code bench.minutes} (30), sampled every
 * {@code bench.sampleSeconds} (60); fails when what should stay flat grows. Not part of the test
 * build: run docs/bench/soak.sh, which also fails on any ERROR line in the instance's log.
 *
 * <p>One App with its web server and all its workers on the embedded PostgreSQL, pools at their
 * default sizes. Its community {@code peers} has followers on {@code bench.fastHosts} (4) stub hosts
 * that answer at once and one slow stub host that takes 100 to {@code bench.slowMs} (400) ms per
 * POST, so every post is delivered to five hosts, one of them slow. At fixed rates, each on its own
 * kept-alive connection (a loop that falls behind when the server is slow rather than piling up):
 * page and API reads ({@code bench.reads}/s, 30: the community page and a 50-comment thread page
 * signed out, the community's thread list and the community's actor document), threads started
 * through the API ({@code bench.threadsPerMinute}, 12) and comments on them ({@code bench.comments}/s,
 * 1), and signed inbound Create{Note}s from remote authors ({@code bench.inbound}/s, 3; half
 * cavage RSA, half RFC 9421 Ed25519, signed just before sending).
 *
 * <p>Each sample: heap used after a full GC, live platform threads of this JVM (the load generator's
 * are a fixed number), both pools' active and idle connections, the database's sessions in
 * {@code pg_stat_activity}, and the queues (inbound pending, deliveries queued or in flight,
 * fan-outs not yet expanded). Verdict: the mean of the last third of the samples against the first
 * third (the very first sample, taken while the JIT and caches warm, is left out), with a least-squares
 * slope per minute beside it; any answer other than the expected 2xx also fails the run.
 */
public final class SoakBenchmark {
    private static final int MINUTES = Integer.getInteger("bench.minutes", 30);
    private static final int SAMPLE_SECONDS = Integer.getInteger("bench.sampleSeconds", 60);
    private static final double READS = Double.parseDouble(System.getProperty("bench.reads", "30"));
    private static final double THREADS_PER_MINUTE =
            Double.parseDouble(System.getProperty("bench.threadsPerMinute", "12"));
    private static final double COMMENTS = Double.parseDouble(System.getProperty("bench.comments", "1"));
    private static final double INBOUND = Double.parseDouble(System.getProperty("bench.inbound", "3"));
    private static final int FAST_HOSTS = Integer.getInteger("bench.fastHosts", 4);
    private static final int SLOW_MS = Integer.getInteger("bench.slowMs", 400);
    private static final int AUTHORS = 4;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");
    private static final String PASSWORD = "a calm long passphrase";

    private record Author(URI uri, String keyId, SigningKey key, SignatureScheme scheme, HttpServer server) {}

    /** One minute's figures; megabytes for the heap. */
    record Sample(
            double minute,
            double heapMb,
            int threads,
            int poolActive,
            int poolIdle,
            int backgroundActive,
            int backgroundIdle,
            long pgSessions,
            long inboundPending,
            long deliveriesWaiting,
            long fanouts,
            long requests,
            long unexpected) {}

    /** Answers by load kind: expected ones, and the others (the first of which is kept to say why). */
    private static final Map<String, LongAdder> OK = new ConcurrentHashMap<>();

    private static final Map<String, LongAdder> UNEXPECTED = new ConcurrentHashMap<>();
    private static final Map<String, String> FIRST_UNEXPECTED = new ConcurrentHashMap<>();

    public static void main(String[] args) {
        int code;
        try {
            code = run() ? 0 : 1;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
            code = 1;
        }
        // Stub, author and web servers, the pools and the embedded PostgreSQL keep the JVM alive otherwise.
        System.exit(code);
    }

    private static boolean run() throws Exception {
        System.out.printf(
                "soak: %d min, a sample every %d s; reads %.0f/s, threads %.0f/min, comments %.1f/s, inbound %.1f/s;"
                        + " followers on %d fast hosts and 1 slow (100-%d ms); %d cores, max heap %d MB, load %s%n",
                MINUTES,
                SAMPLE_SECONDS,
                READS,
                THREADS_PER_MINUTE,
                COMMENTS,
                INBOUND,
                FAST_HOSTS,
                SLOW_MS,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                load());
        var url = TestPostgres.newDatabase();
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        // The pools at their shipped sizes (TestPostgres makes them small for unit tests).
        env.put("KINDRED_DATABASE_POOL_SIZE", "10");
        env.put("KINDRED_DATABASE_BACKGROUND_POOL_SIZE", "8");
        var authors = new ArrayList<Author>();
        Javalin web = null;
        var stop = new AtomicBoolean();
        var loaders = new ArrayList<Thread>();
        try (var fast = new StubInboxes(FAST_HOSTS, StubInboxes.Settings.immediate());
                var slow = new StubInboxes(
                        1, new StubInboxes.Settings(Duration.ofMillis(100), Duration.ofMillis(SLOW_MS), Set.of()));
                var app = App.open(TestPostgres.configFor(url, env))) {
            for (int i = 0; i < AUTHORS; i++)
                authors.add(author("author" + i, i % 2 == 0 ? SignatureScheme.CAVAGE : SignatureScheme.RFC9421));
            var seeded = seed(app, fast, slow);
            web = app.web().start("127.0.0.1", port);
            app.startWorkers();
            var address = new InetSocketAddress("127.0.0.1", port);
            var host = "127.0.0.1:" + port;
            var token = app.sessions().logIn("poster", PASSWORD, "soak").token();

            // Reads: four targets in turn on two connections.
            var html = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
            var reads = List.of(
                    get(host, "/c/peers", html),
                    get(host, "/p/" + seeded.thread(), html),
                    get(host, "/api/v1/communities/" + seeded.community() + "/threads", "application/json"),
                    get(host, "/c/peers", "application/activity+json"));
            for (int c = 0; c < 2; c++) {
                loaders.add(paced(
                        "reads-" + c,
                        READS / 2,
                        stop,
                        address,
                        n -> reads.get((int) (n % reads.size())),
                        status -> status == 200,
                        "read"));
            }
            // Threads through the API; comments go to the newest of them.
            var newest = new AtomicLong(seeded.thread());
            loaders.add(paced(
                    "threads",
                    THREADS_PER_MINUTE / 60,
                    stop,
                    address,
                    n -> post(
                            host,
                            "/api/v1/communities/" + seeded.community() + "/threads",
                            token,
                            "{\"title\": \"Soak thread " + n + "\", \"body\": \"How was today? Number " + n + ".\"}"),
                    status -> status == 201,
                    "thread",
                    body -> {
                        var m = ID.matcher(body);
                        if (m.find()) newest.set(Long.parseLong(m.group(1)));
                    }));
            loaders.add(paced(
                    "comments",
                    COMMENTS,
                    stop,
                    address,
                    n -> post(
                            host,
                            "/api/v1/posts/" + newest.get() + "/comments",
                            token,
                            "{\"body\": \"Thank you for saying so, number " + n + ".\"}"),
                    status -> status == 201,
                    "comment"));
            // Inbound: signed as it is sent, so the Date header is always fresh.
            var inbox = URI.create("http://" + host + "/c/peers/inbox");
            var signer = new RequestSigner(Clock.systemUTC());
            loaders.add(paced(
                    "inbound",
                    INBOUND,
                    stop,
                    address,
                    n -> createNote(signer, authors.get((int) (n % AUTHORS)), inbox, seeded.groupUri(), n),
                    status -> status == 202,
                    "inbound"));

            var samples = new ArrayList<Sample>();
            long start = System.nanoTime();
            int count = Math.max(1, MINUTES * 60 / SAMPLE_SECONDS);
            for (int i = 1; i <= count; i++) {
                long due = start + Duration.ofSeconds((long) i * SAMPLE_SECONDS).toNanos();
                while (System.nanoTime() < due) Thread.sleep(Math.max(1, (due - System.nanoTime()) / 1_000_000));
                // The stubs remember every activity id they saw (for duplicate checks elsewhere): the
                // load generator's memory, not the instance's, so it is dropped before each sample.
                fast.resetCounts();
                slow.resetCounts();
                var sample = sample(app, (System.nanoTime() - start) / 60e9);
                samples.add(sample);
                System.out.printf(
                        "min %5.1f  heap %6.1f MB  threads %3d  pool %d/%d  background %d/%d (active/idle)"
                                + "  pg sessions %2d  inbound pending %4d  deliveries waiting %5d  fan-outs %3d"
                                + "  answers %7d (unexpected %d)  load %s%n",
                        sample.minute(),
                        sample.heapMb(),
                        sample.threads(),
                        sample.poolActive(),
                        sample.poolIdle(),
                        sample.backgroundActive(),
                        sample.backgroundIdle(),
                        sample.pgSessions(),
                        sample.inboundPending(),
                        sample.deliveriesWaiting(),
                        sample.fanouts(),
                        sample.requests(),
                        sample.unexpected(),
                        load());
            }
            stop.set(true);
            for (var loader : loaders) loader.join(10_000);
            System.out.printf(
                    "answers as expected: %s; unexpected: %s %s%n", totals(OK), totals(UNEXPECTED), FIRST_UNEXPECTED);
            System.out.printf(
                    "stub hosts: slow one received %d POSTs in the last sample period, fast ones %d%n",
                    slow.posts(), fast.posts());
            return verdict(samples);
        } finally {
            stop.set(true);
            if (web != null) web.stop();
            for (var a : authors) a.server().stop(0);
            TestPostgres.dropDatabase(url);
        }
    }

    private record Seeded(long community, long thread, String groupUri) {}

    /** The community, its remote followers (one per stub host), a member who posts and a 50-comment thread. */
    private static Seeded seed(App app, StubInboxes fast, StubInboxes slow) {
        app.members().create("mod", PASSWORD, Role.MEMBER);
        app.members().create("poster", PASSWORD, Role.MEMBER);
        var community = app.communities().create("peers", "Peers", "A calm place.", "mod");
        long groupId = community.actor().id();
        var hosts = new ArrayList<URI>();
        for (int i = 0; i < fast.size(); i++) hosts.add(fast.inbox(i));
        hosts.add(slow.inbox(0));
        app.database().transaction(c -> {
            var store = new ActorStore(app.ids());
            var follows = new FollowStore();
            for (var inbox : hosts) {
                var uri = URI.create("http://" + inbox.getRawAuthority() + "/users/reader");
                var actor = store.upsertRemote(
                        c,
                        new RemoteActorData(
                                uri,
                                ActorType.PERSON,
                                "reader",
                                "reader",
                                URI.create(uri + "/inbox"),
                                inbox,
                                null,
                                null,
                                uri + "#main-key",
                                null,
                                null,
                                null));
                follows.upsert(c, actor.id(), groupId, FollowStore.State.ACCEPTED, uri + "/follows/1");
            }
            return null;
        });
        var mod = app.members().find("mod").orElseThrow();
        long thread = app.threads()
                .startThread(
                        mod,
                        community.id(),
                        new ThreadService.Draft("How are you, really?", "Say how your week went.", null, null, "en"))
                .id();
        var poster = app.members().find("poster").orElseThrow();
        for (int i = 0; i < 50; i++) {
            app.threads()
                    .comment(
                            i % 2 == 0 ? poster : mod,
                            thread,
                            new ThreadService.Draft(null, "A mixed week, number " + i + ".", null, null, null));
        }
        return new Seeded(community.id(), thread, community.actor().uri().toString());
    }

    private static Sample sample(App app, double minute) {
        System.gc();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        var pool = app.database().poolState();
        var background = app.database().background().poolState();
        var counts = app.database()
                .background()
                .read(c -> Sql.one(
                                c, """
                        select (select count(*) from pg_stat_activity where datname = current_database()),
                               (select count(*) from inbound_activity where state = 'pending'),
                               (select count(*) from delivery where state in ('queued', 'in_flight')),
                               (select count(*) from delivery_fanout)""", rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)})
                        .orElseThrow());
        return new Sample(
                minute,
                heap,
                threads,
                pool.active(),
                pool.idle(),
                background.active(),
                background.idle(),
                counts[0],
                counts[1],
                counts[2],
                counts[3],
                OK.values().stream().mapToLong(LongAdder::sum).sum(),
                UNEXPECTED.values().stream().mapToLong(LongAdder::sum).sum());
    }

    /**
     * Last third against first third (the first sample left out), with allowances for noise: a
     * resource that leaks grows past them in half an hour; one that is flat stays inside.
     */
    static boolean verdict(List<Sample> all) {
        var samples = all.size() > 3 ? all.subList(1, all.size()) : all;
        int third = Math.max(1, samples.size() / 3);
        var first = samples.subList(0, third);
        var last = samples.subList(samples.size() - third, samples.size());
        boolean ok = true;
        System.out.printf(
                "%n== verdict: first third (%d samples) against last third (%d)%n", first.size(), last.size());
        ok &= check("heap after GC (MB)", first, last, samples, Sample::heapMb, f -> f * 1.2 + 16);
        ok &= check("live threads", first, last, samples, s -> s.threads(), f -> f + 4);
        ok &= check("pool active", first, last, samples, s -> s.poolActive(), f -> f + 2);
        ok &= check("pool open (active + idle)", first, last, samples, s -> s.poolActive() + s.poolIdle(), f -> f + 2);
        ok &= check(
                "background pool open",
                first,
                last,
                samples,
                s -> s.backgroundActive() + s.backgroundIdle(),
                f -> f + 2);
        ok &= check("pg_stat_activity sessions", first, last, samples, s -> s.pgSessions(), f -> f + 2);
        ok &= check("inbound pending", first, last, samples, s -> s.inboundPending(), f -> f * 1.5 + 20);
        ok &= check("deliveries waiting", first, last, samples, s -> s.deliveriesWaiting(), f -> f * 1.5 + 50);
        ok &= check("fan-outs waiting", first, last, samples, s -> s.fanouts(), f -> f * 1.5 + 10);
        long unexpected = all.getLast().unexpected();
        System.out.printf("%-28s %d  %s%n", "unexpected answers", unexpected, unexpected == 0 ? "ok" : "GREW");
        ok &= unexpected == 0;
        System.out.println(ok ? "RESULT soak: flat" : "RESULT soak: FAILED");
        return ok;
    }

    private static boolean check(
            String name,
            List<Sample> first,
            List<Sample> last,
            List<Sample> all,
            ToDoubleFunction<Sample> value,
            java.util.function.DoubleUnaryOperator allowance) {
        double a = first.stream().mapToDouble(value).average().orElse(0);
        double b = last.stream().mapToDouble(value).average().orElse(0);
        double limit = allowance.applyAsDouble(a);
        boolean ok = b <= limit;
        System.out.printf(
                "%-28s first %9.1f  last %9.1f  (allowed %9.1f)  slope %+8.2f/min  %s%n",
                name, a, b, limit, slope(all, value), ok ? "ok" : "GREW");
        return ok;
    }

    /** Least-squares slope of the value against the sample's minute. */
    static double slope(List<Sample> samples, ToDoubleFunction<Sample> value) {
        int n = samples.size();
        if (n < 2) return 0;
        double mx = samples.stream().mapToDouble(Sample::minute).average().orElse(0);
        double my = samples.stream().mapToDouble(value).average().orElse(0);
        double num = 0, den = 0;
        for (var s : samples) {
            num += (s.minute() - mx) * (value.applyAsDouble(s) - my);
            den += (s.minute() - mx) * (s.minute() - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private interface RequestFor {
        byte[] build(long n) throws Exception;
    }

    private interface Expected {
        boolean ok(int status);
    }

    private static Thread paced(
            String name,
            double perSecond,
            AtomicBoolean stop,
            InetSocketAddress address,
            RequestFor request,
            Expected expected,
            String kind) {
        return paced(name, perSecond, stop, address, request, expected, kind, body -> {});
    }

    /**
     * Sends {@code perSecond} requests on one kept-alive connection, on a schedule; when the server
     * is slower than the schedule the loop falls behind rather than opening more connections.
     */
    private static Thread paced(
            String name,
            double perSecond,
            AtomicBoolean stop,
            InetSocketAddress address,
            RequestFor request,
            Expected expected,
            String kind,
            java.util.function.Consumer<String> onBody) {
        long interval = (long) (1e9 / perSecond);
        var ok = OK.computeIfAbsent(kind, k -> new LongAdder());
        var unexpected = UNEXPECTED.computeIfAbsent(kind, k -> new LongAdder());
        return Thread.ofPlatform().name("soak-" + name).daemon().start(() -> {
            long next = System.nanoTime();
            try (var client = new RawHttpClient(address)) {
                for (long n = 0; !stop.get(); n++) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    next = Math.max(next + interval, System.nanoTime() - interval);
                    try {
                        var answer = client.send(request.build(n));
                        if (expected.ok(answer.status())) {
                            ok.increment();
                            onBody.accept(answer.body());
                        } else {
                            unexpected.increment();
                            FIRST_UNEXPECTED.putIfAbsent(
                                    kind,
                                    answer.status() + " "
                                            + answer.body()
                                                    .substring(
                                                            0,
                                                            Math.min(
                                                                    300,
                                                                    answer.body()
                                                                            .length())));
                        }
                    } catch (IOException e) {
                        unexpected.increment();
                        FIRST_UNEXPECTED.putIfAbsent(kind, e.toString());
                    }
                }
            } catch (Exception e) {
                if (!stop.get()) {
                    unexpected.increment();
                    FIRST_UNEXPECTED.putIfAbsent(kind, e.toString());
                }
            }
        });
    }

    private static byte[] get(String host, String path, String accept) {
        return RawHttpClient.request("GET", path, Map.of("Host", host, "Accept", accept), new byte[0]);
    }

    private static byte[] post(String host, String path, String token, String json) {
        return RawHttpClient.request(
                "POST",
                path,
                Map.of(
                        "Host",
                        host,
                        "Content-Type",
                        "application/json",
                        "Accept",
                        "application/json",
                        "Authorization",
                        "Bearer " + token),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static final AtomicInteger NOTES = new AtomicInteger();

    private static byte[] createNote(RequestSigner signer, Author a, URI inbox, String groupUri, long n) {
        int seq = NOTES.incrementAndGet();
        var body = """
                {"@context": ["https://www.w3.org/ns/activitystreams"], "id": "%1$s/activities/%2$d",
                 "type": "Create", "actor": "%1$s", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                 "cc": ["%3$s"], "audience": "%3$s",
                 "object": {"id": "%1$s/notes/%2$d", "type": "Note", "attributedTo": "%1$s",
                            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%3$s"],
                            "audience": "%3$s", "published": "2026-12-07T00:00:00Z",
                            "content": "<p>A note from elsewhere, number %2$d.</p>"}}""".formatted(a.uri(), seq, groupUri).getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, List<String>>();
        headers.put("Content-Type", List.of("application/activity+json"));
        var sent = new LinkedHashMap<String, String>();
        sent.put("Host", inbox.getRawAuthority());
        sent.put("Content-Type", "application/activity+json");
        signer.sign("POST", inbox, headers, body, a.keyId(), a.key(), a.scheme())
                .forEach((name, value) -> {
                    if (!name.equalsIgnoreCase("Host")) sent.put(name, value);
                });
        return RawHttpClient.request("POST", inbox.getRawPath(), sent, body);
    }

    /** A remote actor on its own small HTTP server that serves its document (both public keys). */
    private static Author author(String name, SignatureScheme scheme) throws IOException {
        var keys = LocalKeys.generate(RANDOM);
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        int port = server.getAddress().getPort();
        var id = "http://127.0.0.1:" + port + "/users/" + name;
        var json = """
                {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
                              "https://w3id.org/security/data-integrity/v1"],
                 "id": "%1$s", "type": "Person", "preferredUsername": "%2$s",
                 "inbox": "%1$s/inbox", "outbox": "%1$s/outbox", "followers": "%1$s/followers",
                 "endpoints": {"sharedInbox": "http://127.0.0.1:%5$d/inbox"},
                 "publicKey": {"id": "%1$s#main-key", "owner": "%1$s", "publicKeyPem": "%3$s"},
                 "assertionMethod": [{"id": "%1$s#ed25519", "type": "Multikey", "controller": "%1$s",
                                      "publicKeyMultibase": "%4$s"}]}""".formatted(id, name, keys.rsaPublicPem().replace("\n", "\\n"), keys.ed25519Multibase(), port)
                .getBytes(StandardCharsets.UTF_8);
        server.createContext("/users/" + name, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/activity+json");
            exchange.sendResponseHeaders(200, json.length);
            try (var out = exchange.getResponseBody()) {
                out.write(json);
            }
        });
        server.start();
        SigningKey key = scheme == SignatureScheme.CAVAGE
                ? SigningKey.fromPem(keys.rsaPrivatePem())
                : new SigningKey.Ed25519SigningKey(new Ed25519PrivateKeyParameters(keys.ed25519Private(), 0));
        var keyId = scheme == SignatureScheme.CAVAGE ? id + "#main-key" : id + "#ed25519";
        return new Author(URI.create(id), keyId, key, scheme, server);
    }

    private static String totals(Map<String, LongAdder> counts) {
        var out = new LinkedHashMap<String, Long>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out.toString();
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String load() {
        try {
            var parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
