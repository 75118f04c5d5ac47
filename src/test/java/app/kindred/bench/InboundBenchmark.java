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
import app.kindred.refusal.TryLater;
import app.kindred.storage.Sql;
import app.kindred.thread.ThreadService;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * Issue #6's benchmark: inbound signed Create{Note} activities into one community with 100 follower
 * instances, and the lag of a post from one instance to another. Not part of the test build: run
 * docs/bench/inbound.sh.
 *
 * <p><b>Throughput</b>: one App with its web server on the embedded PostgreSQL, the inbound processor
 * running and the delivery worker paused (bench.deliver=true starts it too). Community {@code peers}
 * has 100 remote followers, each on its own stub host (127.0.0.1 port) with its own shared inbox,
 * inserted directly. A few remote authors, each on its own small JDK HTTP server that serves its
 * actor document (RSA #main-key and an Ed25519 Multikey), so the key directory fetches each key once.
 * Requests are signed before the clock starts (half cavage RSA-2048, half RFC 9421 Ed25519 by
 * default) and written, byte for byte, on kept-alive connections by a pool of client threads (a load
 * generator's own costs are not the server's). Measured: 202s per second, and
 * "accepted end to end" per second: the post stored and both announces (with 100 deliveries each)
 * enqueued, counted in {@code post} and {@code outbound_activity}.
 *
 * <p><b>Lag</b>: two instances alpha and beta (one App and web server each, each its own database),
 * beta's member follows alpha's community; alpha's member starts threads at a fixed rate and a
 * poller reads beta's {@code post} table every 5 ms, recording when each uri appears. Lag is
 * measured from the post's scheduled time (not from when the call began, so a stalled poster does not hide delay).
 *
 * <p>System properties: bench.part (both | throughput | lag), bench.followers (100), bench.authors (8),
 * bench.scheme (mixed | rsa | ed25519), bench.activities (5000 per round), bench.warmups (3 rounds of) bench.warmup (5000),
 * bench.rounds (3), bench.clients (16), bench.pool (16), bench.deliver (false), bench.lagRate (100),
 * bench.lagSeconds (20), bench.lagRuns (3), bench.lagPoll (50ms).
 */
public final class InboundBenchmark {
    private static final String PART = System.getProperty("bench.part", "both");
    private static final int FOLLOWERS = Integer.getInteger("bench.followers", 100);
    private static final int AUTHORS = Integer.getInteger("bench.authors", 8);
    private static final String SCHEME = System.getProperty("bench.scheme", "mixed");
    private static final int ACTIVITIES = Integer.getInteger("bench.activities", 5000);
    private static final int WARMUP = Integer.getInteger("bench.warmup", 5000);
    // The JIT was still speeding the JVM up by a fifth from the first to the third 5,000-activity round.
    private static final int WARMUPS = Integer.getInteger("bench.warmups", 3);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    private static final String POOL = System.getProperty("bench.pool", "16");
    // Empty: the shipped federation.inbound_concurrency.
    private static final String INBOUND_CONCURRENCY = System.getProperty("bench.inboundConcurrency", "");
    private static final boolean DELIVER = Boolean.getBoolean("bench.deliver");
    private static final int LAG_RATE = Integer.getInteger("bench.lagRate", 100);
    private static final int LAG_SECONDS = Integer.getInteger("bench.lagSeconds", 20);
    private static final int LAG_RUNS = Integer.getInteger("bench.lagRuns", 3);
    private static final String LAG_POLL = System.getProperty("bench.lagPoll", "50ms");
    // -Dkindred.test.statementStats=true: PostgreSQL's per-statement figures for the last round.
    private static final boolean STATEMENTS = Boolean.getBoolean("kindred.test.statementStats");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String CONTENT = "<p>" + "Benchmark note with some text in it. ".repeat(12) + "</p>";

    public static void main(String[] args) throws Exception {
        System.out.printf(
                "machine: %d cores (%s), %s %s, max heap %d MB, load %s%n",
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"),
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20,
                loadAverage());
        try {
            if (!PART.equals("lag")) throughput();
            if (!PART.equals("throughput")) lag();
        } catch (Throwable t) {
            // Stub, key and web servers keep the JVM alive otherwise.
            System.out.println("FAILED: " + t);
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------------------------------ throughput

    record Author(URI uri, String keyId, SigningKey key, SignatureScheme scheme, HttpServer server) {}

    private record Round(
            int n,
            long to202Millis,
            long toAcceptedMillis,
            double per202,
            double accepted,
            double steady,
            long jvmCpuMillis,
            long postgresCpuMillis,
            long refused,
            long failed) {}

    /** Checkpoints started so far (PostgreSQL 17 and later). */
    private static long checkpoints(App app) {
        return app.database().read(c -> Sql.count(c, "select num_timed + num_requested from pg_stat_checkpointer"));
    }

    /** Autovacuum and autoanalyze runs so far, all tables. */
    private static long maintenance(App app) {
        return app.database()
                .read(c -> Sql.count(
                        c, "select coalesce(sum(autovacuum_count + autoanalyze_count), 0) from pg_stat_user_tables"));
    }

    private static void throughput() throws Exception {
        System.out.printf(
                "%n== throughput: %d follower hosts, %d authors (%s), %d clients, pool %s,"
                        + " delivery %s, %d x %d warm-up + %d x %d activities%n",
                FOLLOWERS,
                AUTHORS,
                SCHEME,
                CLIENTS,
                POOL,
                DELIVER ? "RUNNING (workers 64, per_host 4)" : "PAUSED (worker not started)",
                WARMUPS,
                WARMUP,
                ROUNDS,
                ACTIVITIES);
        var url = TestPostgres.newDatabase();
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_DATABASE_POOL_SIZE", POOL);
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", "50ms");
        if (!INBOUND_CONCURRENCY.isEmpty()) env.put("KINDRED_FEDERATION_INBOUND_CONCURRENCY", INBOUND_CONCURRENCY);
        var authors = new ArrayList<Author>();
        Javalin web = null;
        try (var stubs = new StubInboxes(FOLLOWERS, StubInboxes.Settings.immediate());
                var app = App.open(TestPostgres.configFor(url, env))) {
            for (int i = 0; i < AUTHORS; i++) {
                var scheme = switch (SCHEME) {
                    case "rsa" -> SignatureScheme.CAVAGE;
                    case "ed25519" -> SignatureScheme.RFC9421;
                    default -> i % 2 == 0 ? SignatureScheme.CAVAGE : SignatureScheme.RFC9421;
                };
                authors.add(author("author" + i, scheme));
            }
            app.members().create("mod", "a long password", Role.MEMBER);
            var community = app.communities().create("peers", "Peers", "", "mod");
            long groupId = community.actor().id();
            long communityId = community.id();
            app.database().transaction(c -> {
                var store = new ActorStore(app.ids());
                var follows = new FollowStore();
                for (int i = 0; i < FOLLOWERS; i++) {
                    var uri = URI.create("http://" + stubs.host(i) + "/users/reader");
                    var actor = store.upsertRemote(
                            c,
                            new RemoteActorData(
                                    uri,
                                    ActorType.PERSON,
                                    "reader",
                                    "reader",
                                    URI.create(uri + "/inbox"),
                                    stubs.inbox(i),
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
            web = app.web().start("127.0.0.1", port);
            System.out.printf(
                    "inbound processor concurrency %d%n", app.inboundProcessor().concurrency());
            if (DELIVER) app.startWorkers();
            else app.inboundProcessor().start();

            var inbox = URI.create("http://127.0.0.1:" + port + "/c/peers/inbox");
            var groupUri = community.actor().uri().toString();
            var server = new java.net.InetSocketAddress("127.0.0.1", port);
            var rounds = new ArrayList<Round>();
            var expansions = new ArrayList<Double>();
            var turnMillisPerActivity = new ArrayList<Double>();
            var counter = new AtomicInteger();
            for (int r = 1 - WARMUPS; r <= ROUNDS; r++) {
                int n = r <= 0 ? WARMUP : ACTIVITIES;
                long signStart = System.nanoTime();
                var requests = presign(authors, inbox, groupUri, n, counter);
                long signMillis =
                        Duration.ofNanos(System.nanoTime() - signStart).toMillis();
                boolean statements = STATEMENTS && r > 0;
                if (statements)
                    app.database().transaction(c -> {
                        try (var st = c.createStatement()) {
                            st.execute("create extension if not exists pg_stat_statements");
                            st.execute("select pg_stat_statements_reset()");
                        }
                        return null;
                    });
                var turnsBefore = app.inboundProcessor().turns();
                long maintenanceBefore = maintenance(app), checkpointsBefore = checkpoints(app);
                var round = sendRound(app, server, requests, communityId, groupId);
                var turns = app.inboundProcessor().turns().since(turnsBefore);
                System.out.printf(
                        "  autovacuum or autoanalyze runs that ended during the round: %d; checkpoints: %d%n",
                        maintenance(app) - maintenanceBefore, checkpoints(app) - checkpointsBefore);
                if (statements) printStatements(app, n);
                System.out.printf(
                        "%s round %d: %d activities (signed beforehand in %d ms): all 202 after %d ms (%.0f/s);"
                                + " all accepted end to end after %d ms (%.0f/s; %.0f/s between 10%% and 90%%);"
                                + " CPU this JVM %d ms, PostgreSQL %d ms; refused %d, failed in processing %d; load %s%n",
                        r <= 0 ? "warm-up" : "measured",
                        r,
                        n,
                        signMillis,
                        round.to202Millis(),
                        round.per202(),
                        round.toAcceptedMillis(),
                        round.accepted(),
                        round.steady(),
                        round.jvmCpuMillis(),
                        round.postgresCpuMillis(),
                        round.refused(),
                        round.failed(),
                        loadAverage());
                // The serial part: the community's changes are applied one turn at a time (CommunityBatches).
                System.out.printf(
                        "  community turns: %d for %d activities (%.1f per turn); %.3f ms per activity in turns"
                                + " (lock, changes, commit), %d ms in all: %.0f%% of the time to all accepted;"
                                + " %d turns done again after a failure; per activity %.3f ms starting turns"
                                + " (connection, lock, marking rows), %.3f ms in the changes, %.3f ms committing; of the turns' time"
                                + " %.3f ms per activity was their own CPU%n",
                        turns.turns(),
                        turns.changes(),
                        turns.turns() == 0 ? 0.0 : (double) turns.changes() / turns.turns(),
                        turns.changes() == 0 ? 0.0 : turns.nanos() / 1e6 / turns.changes(),
                        turns.nanos() / 1_000_000,
                        100.0 * turns.nanos() / 1e6 / round.toAcceptedMillis(),
                        turns.redone(),
                        turns.changes() == 0 ? 0.0 : turns.startNanos() / 1e6 / turns.changes(),
                        turns.changes() == 0 ? 0.0 : turns.changeNanos() / 1e6 / turns.changes(),
                        turns.changes() == 0
                                ? 0.0
                                : (turns.nanos() - turns.startNanos() - turns.changeNanos()) / 1e6 / turns.changes(),
                        turns.changes() == 0 ? 0.0 : turns.cpuNanos() / 1e6 / turns.changes());
                if (r > 0) {
                    rounds.add(round);
                    turnMillisPerActivity.add(turns.changes() == 0 ? 0.0 : turns.nanos() / 1e6 / turns.changes());
                }
                if (!DELIVER) {
                    // Delivery is paused: each announce waits as one fan-out row. The deferred work is
                    // measured too: the fan-outs are expanded here (as the delivery worker would) and the
                    // deliveries checked, then dropped, so every round starts alike.
                    long fanouts = app.database().read(c -> Sql.count(c, "select count(*) from delivery_fanout"));
                    if (fanouts != 2L * n)
                        throw new IllegalStateException("expected " + 2L * n + " fan-outs, found " + fanouts);
                    long pgBefore = CpuTime.postgresMillis(), expandStart = System.nanoTime();
                    while (app.database().transaction(c -> app.outbox().expandFanouts(c, 16)) > 0) {
                        // until none is left
                    }
                    long expandMillis = Math.max(
                            1, Duration.ofNanos(System.nanoTime() - expandStart).toMillis());
                    long pgMillis = CpuTime.postgresMillis() - pgBefore;
                    long deliveries = app.database().read(c -> Sql.count(c, "select count(*) from delivery"));
                    if (deliveries != 2L * n * FOLLOWERS) {
                        throw new IllegalStateException(
                                "expected " + 2L * n * FOLLOWERS + " queued deliveries, found " + deliveries);
                    }
                    System.out.printf(
                            "  then expanding the %d fan-outs into %d deliveries took %d ms (%.0f fan-outs/s,"
                                    + " %.0f deliveries/s; PostgreSQL CPU %d ms)%n",
                            fanouts,
                            deliveries,
                            expandMillis,
                            fanouts * 1000.0 / expandMillis,
                            deliveries * 1000.0 / expandMillis,
                            pgMillis);
                    if (r > 0) expansions.add((double) deliveries * 1000.0 / expandMillis);
                    // The activities stay (a running instance keeps them too): emptied each round, the table
                    // was planned for as empty, and the fan-out rows' foreign-key checks against it then scanned it
                    // whole for the rest of a round (its announces 7 times slower, the round's PostgreSQL CPU
                    // doubled, in one round of three at random).
                    app.database().transaction(c -> Sql.update(c, "truncate delivery, delivery_fanout"));
                }
                // What a round leaves behind is done here, between rounds, so that it does not land inside the next
                // measured round by chance: the vacuum its inserts call for (post, with its full-text index's pending
                // list, and inbound_activity), and a checkpoint. The expansion above writes a million rows and
                // truncates them, several hundred MB of WAL, so a checkpoint for max_wal_size would otherwise start
                // in the next round, and a round that met one spent twice the PostgreSQL CPU (its writes then log
                // whole pages). Each round starts right after a checkpoint, as alike as rounds can be.
                try (var c = DriverManager.getConnection(
                                app.database().jdbcUrl(), app.database().jdbcProperties());
                        var st = c.createStatement()) {
                    st.execute("vacuum (analyze) post, inbound_activity, outbound_activity");
                    st.execute("checkpoint");
                }
            }
            long fetched = authors.stream()
                    .mapToLong(a -> keyFetches
                            .getOrDefault(a.uri().getPort(), new LongAdder())
                            .sum())
                    .sum();
            System.out.printf("actor/key documents fetched: %d for %d authors%n", fetched, AUTHORS);
            if (DELIVER) System.out.printf("stub hosts received %d POSTs%n", stubs.posts());
            double per202 = median(rounds, Round::per202), accepted = median(rounds, Round::accepted);
            double steady = median(rounds, Round::steady);
            double cpu = median(rounds, x -> (double) (x.jvmCpuMillis() + x.postgresCpuMillis()) / x.n());
            System.out.printf(
                    "%nRESULT throughput (median of %d rounds of %d): 202s %.0f/s; accepted end to end (post stored,"
                            + " 2 announces x %d deliveries enqueued) %.0f/s, %.0f/s in steady state (10%%-90%%);"
                            + " median time to all accepted %d ms%n",
                    rounds.size(), ACTIVITIES, per202, FOLLOWERS, accepted, steady, (long)
                            median(rounds, x -> x.toAcceptedMillis()));
            System.out.printf(
                    "RESULT CPU per accepted activity: this JVM %.2f ms (HTTP client included), PostgreSQL %.2f ms;"
                            + " %d cores allow at most %.0f/s%n",
                    median(rounds, x -> (double) x.jvmCpuMillis() / x.n()),
                    median(rounds, x -> (double) x.postgresCpuMillis() / x.n()),
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors() * 1000 / cpu);
            var turnSorted = turnMillisPerActivity.stream().sorted().toList();
            System.out.printf(
                    "RESULT serial part (the community's turns: lock, changes, commit), median: %.3f ms per activity,"
                            + " so one community can take at most %.0f/s%n",
                    turnSorted.get(turnSorted.size() / 2), 1000 / turnSorted.get(turnSorted.size() / 2));
            System.out.printf("RESULT target >= 1000 accepted/s: %s%n", accepted >= 1000 ? "met" : "MISSED");
            if (!expansions.isEmpty()) {
                var sorted = expansions.stream().sorted().toList();
                System.out.printf(
                        "RESULT fan-out expansion afterwards (delivery worker's share, median): %.0f deliveries/s%n",
                        sorted.get(sorted.size() / 2));
            }
        } finally {
            if (web != null) web.stop();
            for (var a : authors) a.server().stop(0);
        }
        TestPostgres.dropDatabase(url);
    }

    private static final Map<Integer, LongAdder> keyFetches = new ConcurrentHashMap<>();

    /** A remote actor on its own small HTTP server that serves its document (both public keys). */
    static Author author(String name, SignatureScheme scheme) throws IOException {
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
        var fetches = keyFetches.computeIfAbsent(port, p -> new LongAdder());
        server.createContext("/users/" + name, exchange -> {
            fetches.increment();
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

    /** Builds and signs n Create{Note} POSTs, authors in turn, on all cores, before any is sent. */
    static List<byte[]> presign(List<Author> authors, URI inbox, String groupUri, int n, AtomicInteger counter)
            throws InterruptedException {
        var requests = new byte[n][];
        int first = counter.getAndAdd(n);
        var signer = new RequestSigner(Clock.systemUTC());
        int threads = Runtime.getRuntime().availableProcessors();
        var list = new ArrayList<Thread>();
        for (int t = 0; t < threads; t++) {
            int from = t;
            list.add(Thread.ofPlatform().start(() -> {
                for (int i = from; i < n; i += threads) {
                    var a = authors.get((first + i) % authors.size());
                    int seq = first + i;
                    var body = """
                            {"@context": ["https://www.w3.org/ns/activitystreams"], "id": "%1$s/activities/%2$d",
                             "type": "Create", "actor": "%1$s", "to": ["https://www.w3.org/ns/activitystreams#Public"],
                             "cc": ["%3$s"], "audience": "%3$s",
                             "object": {"id": "%1$s/notes/%2$d", "type": "Note", "attributedTo": "%1$s",
                                        "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["%3$s"],
                                        "audience": "%3$s", "published": "2026-11-25T00:00:00Z",
                                        "content": "%4$s Number %2$d."}}""".formatted(a.uri(), seq, groupUri, CONTENT).getBytes(StandardCharsets.UTF_8);
                    var headers = new LinkedHashMap<String, List<String>>();
                    headers.put("Content-Type", List.of("application/activity+json"));
                    var sent = new LinkedHashMap<String, String>();
                    sent.put("Host", inbox.getRawAuthority());
                    sent.put("Content-Type", "application/activity+json");
                    signer.sign("POST", inbox, headers, body, a.keyId(), a.key(), a.scheme())
                            .forEach((name, value) -> {
                                if (!name.equalsIgnoreCase("Host")) sent.put(name, value);
                            });
                    requests[i] = RawHttpClient.request("POST", inbox.getRawPath(), sent, body);
                }
            }));
        }
        for (var thread : list) thread.join();
        return Arrays.asList(requests);
    }

    private static Round sendRound(
            App app, java.net.InetSocketAddress server, List<byte[]> requests, long communityId, long groupId)
            throws Exception {
        int n = requests.size();
        long basePost = app.database().read(c -> Sql.count(c, "select coalesce(max(id), 0) from post"));
        long baseOutbound =
                app.database().read(c -> Sql.count(c, "select coalesce(max(id), 0) from outbound_activity"));
        long baseInbound = app.database().read(c -> Sql.count(c, "select coalesce(max(id), 0) from inbound_activity"));
        long postSeq = sequence(app, "post_id_seq"), outboundSeq = sequence(app, "outbound_activity_id_seq");
        var next = new AtomicInteger();
        var answered = new LongAdder();
        var refused = new LongAdder();
        var firstRefusal = new java.util.concurrent.atomic.AtomicReference<String>();
        long jvmCpu = CpuTime.jvmMillis(), pgCpu = CpuTime.postgresMillis();
        long start = System.nanoTime();
        var lastAnswer = new java.util.concurrent.atomic.AtomicLong();
        var senders = new ArrayList<Thread>();
        for (int t = 0; t < CLIENTS; t++) {
            senders.add(Thread.ofPlatform().name("client-" + t).start(() -> {
                try (var client = new RawHttpClient(server)) {
                    for (int i; (i = next.getAndIncrement()) < n; ) {
                        try {
                            var answer = client.send(requests.get(i));
                            if (answer.status() == 202) answered.increment();
                            else {
                                refused.increment();
                                firstRefusal.compareAndSet(null, answer.status() + " " + answer.body());
                            }
                        } catch (IOException e) {
                            refused.increment();
                            firstRefusal.compareAndSet(null, e.toString());
                        }
                        lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
                    }
                }
            }));
        }
        // The poll is the benchmark's own load on PostgreSQL, so it reads the id sequences (no scan) every
        // 20 ms; when they say the round is through, and once a second in case ids were wasted, it counts
        // the committed rows, which decide.
        long at10 = 0, at90 = 0, done, polls = 0, posts = 0, announces = 0;
        while (true) {
            long postsTaken = sequence(app, "post_id_seq") - postSeq;
            long announcesTaken = sequence(app, "outbound_activity_id_seq") - outboundSeq;
            long now = System.nanoTime();
            long accepted = Math.min(postsTaken, announcesTaken / 2);
            if (at10 == 0 && accepted >= n / 10) at10 = now;
            if (at90 == 0 && accepted >= n * 9L / 10) at90 = now;
            if (accepted >= n || polls % 50 == 49) {
                posts = app.database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from post where id > ? and community_id = ?",
                                basePost,
                                communityId));
                announces = app.database()
                        .read(c -> Sql.count(
                                c,
                                "select count(*) from outbound_activity where id > ? and actor_id = ?",
                                baseOutbound,
                                groupId));
                if (posts >= n && announces >= 2L * n) {
                    done = System.nanoTime();
                    break;
                }
            }
            if (Duration.ofNanos(now - start).toSeconds() > 600) {
                var states = app.database()
                        .read(c -> Sql.list(
                                c,
                                "select state || ' ' || count(*) from inbound_activity where id > ? group by state",
                                rs -> rs.getString(1),
                                baseInbound));
                throw new IllegalStateException("round did not finish: ids taken for " + postsTaken + " posts and "
                        + announcesTaken + " announces of " + n + "; inbound rows by state: " + states);
            }
            long failed = ++polls % 50 != 0
                    ? 0
                    : app.database()
                            .read(c -> Sql.count(
                                    c,
                                    "select count(*) from inbound_activity where id > ? and state <> 'pending' and state <> 'done'",
                                    baseInbound));
            if (failed > 0 || refused.sum() > 0) {
                var error = app.database()
                        .read(c -> Sql.one(
                                c,
                                "select last_error from inbound_activity where id > ? and last_error is not null limit 1",
                                rs -> rs.getString(1),
                                baseInbound));
                throw new IllegalStateException("activities refused (" + refused.sum() + ", first: "
                        + firstRefusal.get() + ") or failed (" + failed + ", " + error.orElse("") + ")");
            }
            Thread.sleep(20);
        }
        for (var s : senders) s.join();
        long jvm = CpuTime.jvmMillis() - jvmCpu, pg = CpuTime.postgresMillis() - pgCpu;
        long failed = app.database()
                .read(c -> Sql.count(
                        c, "select count(*) from inbound_activity where id > ? and state <> 'done'", baseInbound));
        long to202 = Duration.ofNanos(lastAnswer.get() - start).toMillis();
        long toAccepted = Duration.ofNanos(done - start).toMillis();
        double steady = (n * 0.8) / ((at90 - at10) / 1e9);
        System.out.printf(
                "  accepted: 10%% after %d ms, 90%% after %d ms, all after %d ms; last 202 after %d ms%n",
                Duration.ofNanos(at10 - start).toMillis(),
                Duration.ofNanos(at90 - start).toMillis(),
                Duration.ofNanos(done - start).toMillis(),
                Duration.ofNanos(lastAnswer.get() - start).toMillis());
        return new Round(
                n,
                to202,
                toAccepted,
                answered.sum() * 1000.0 / to202,
                n * 1000.0 / toAccepted,
                steady,
                jvm,
                pg,
                refused.sum(),
                failed);
    }

    /** How far a sequence has gone (ids taken, committed or not). */
    private static long sequence(App app, String name) {
        return app.database()
                .read(c -> Sql.count(c, "select case when is_called then last_value else 0 end from " + name));
    }

    /** The statements of the round just sent, by total time, per accepted activity. */
    private static void printStatements(App app, int n) {
        System.out.printf(
                "  statements of this round (pg_stat_statements; calls and ms per activity, rows per call):%n");
        app.database()
                .read(c -> Sql.list(c, """
                with s as (
                    select calls, total_exec_time, rows,
                           regexp_replace(regexp_replace(regexp_replace(query, '\\s+', ' ', 'g'), '\\$[0-9]+', '$', 'g'),
                                          '(\\(\\$::text, \\$::text, \\$::text, \\$::boolean, \\$\\)(, )?)+', '(...) ', 'g') as q0
                    from pg_stat_statements
                    where dbid = (select oid from pg_database where datname = current_database())),
                -- A turn's posts too: one insert with as many rows as it has posts.
                t as (select calls, total_exec_time, rows,
                             regexp_replace(q0, '(\\((\\$, )+\\$::jsonb\\)(, )?)+', '(...) ', 'g') as q from s)
                -- A turn's announces are one statement whose VALUES list has as many rows as it has posts: one line.
                select sum(calls), sum(total_exec_time), sum(rows), q from t group by q
                order by 2 desc limit 40""", rs -> {
                    System.out.printf(
                            "  %6.2f calls %6.3f ms %5.1f rows  %s%n",
                            rs.getLong(1) / (double) n,
                            rs.getDouble(2) / n,
                            rs.getLong(3) / Math.max(1.0, rs.getLong(1)),
                            abbreviate(rs.getString(4)));
                    return null;
                }));
    }

    private static String abbreviate(String query) {
        return query.length() <= 150 ? query : query.substring(0, 150) + "...";
    }

    // ------------------------------------------------------------------------------------------ lag

    private record Instance(App app, Javalin web, String domain, String url) {}

    private static Instance instance(String name) {
        int port = freePort();
        var url = TestPostgres.newDatabase();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_INSTANCE_NAME", name);
        env.put("KINDRED_DATABASE_POOL_SIZE", POOL);
        env.put("KINDRED_DELIVERY_TIME_SCALE", "1");
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", LAG_POLL);
        var app = App.open(TestPostgres.configFor(url, env));
        var web = app.web().start("127.0.0.1", port);
        app.startWorkers();
        return new Instance(app, web, "127.0.0.1:" + port, url);
    }

    private record LagRun(int posts, long p50, long p95, long p99, long max, double achievedRate, double cpuPerPost) {}

    private static void lag() throws Exception {
        System.out.printf(
                "%n== lag: alpha -> beta, %d posts/s for %d s, %d runs after a 5 s warm-up; pool %s, poll interval %s,"
                        + " time scale 1, delivery workers 64, per_host 4, inbound concurrency 16; beta polled every 5 ms%n",
                LAG_RATE, LAG_SECONDS, LAG_RUNS, POOL, LAG_POLL);
        var alpha = instance("alpha");
        var beta = instance("beta");
        try {
            alpha.app().members().create("alice", "a long password", Role.MEMBER);
            var community = alpha.app().communities().create("peers", "Peers", "", "alice");
            var alice = alpha.app().members().find("alice").orElseThrow();
            var bob = beta.app().members().create("bob", "a long password", Role.MEMBER);
            beta.app().follows().follow(bob, "!peers@" + alpha.domain());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (beta.app().follows().subscriptions(bob).getFirst().state() != FollowStore.State.ACCEPTED) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("beta's follow was not accepted");
                Thread.sleep(10);
            }
            var seen = new ConcurrentHashMap<String, Long>();
            var polling = new java.util.concurrent.atomic.AtomicBoolean(true);
            // Polled by uri, not by "id above the last seen": ids are taken before commit, so they commit out of order.
            var pending = ConcurrentHashMap.<String>newKeySet();
            var poller = Thread.ofPlatform().name("beta-poller").start(() -> {
                while (polling.get()) {
                    if (!pending.isEmpty()) {
                        var wanted = pending.toArray(String[]::new);
                        var rows = beta.app()
                                .database()
                                .read(c -> Sql.list(
                                        c,
                                        "select uri from post where uri = any(?)",
                                        rs -> rs.getString(1),
                                        c.createArrayOf("text", wanted)));
                        long now = System.nanoTime();
                        for (var uri : rows) {
                            seen.putIfAbsent(uri, now);
                            pending.remove(uri);
                        }
                    }
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
            });
            var runs = new ArrayList<LagRun>();
            for (int r = 0; r <= LAG_RUNS; r++) {
                int seconds = r == 0 ? 5 : LAG_SECONDS;
                var run = postAndMeasure(alpha, alice, community.id(), seconds, seen, pending, r);
                System.out.printf(
                        "%s run %d: %d posts at %.1f/s; lag p50 %d ms, p95 %d ms, p99 %d ms, max %d ms;"
                                + " CPU per post (alpha, beta and PostgreSQL) %.2f ms; load %s%n",
                        r == 0
                                ? "warm-up (" + warmupRetries.sum() + " posts answered busy and sent again)"
                                : "measured",
                        r,
                        run.posts(),
                        run.achievedRate(),
                        run.p50(),
                        run.p95(),
                        run.p99(),
                        run.max(),
                        run.cpuPerPost(),
                        loadAverage());
                if (r > 0) runs.add(run);
            }
            polling.set(false);
            poller.join();
            System.out.printf(
                    "%nRESULT lag at %d posts/s (median of %d runs of %d s): p50 %.0f ms, p95 %.0f ms, p99 %.0f ms,"
                            + " max %.0f ms (worst run's max %d ms)%n",
                    LAG_RATE,
                    runs.size(),
                    LAG_SECONDS,
                    median(runs, LagRun::p50),
                    median(runs, LagRun::p95),
                    median(runs, LagRun::p99),
                    median(runs, LagRun::max),
                    runs.stream().mapToLong(LagRun::max).max().orElse(0));
            double cpu = median(runs, LagRun::cpuPerPost);
            System.out.printf(
                    "RESULT CPU per post, alpha to beta (both JVMs' work and PostgreSQL): %.2f ms, so %d/s needs %.2f"
                            + " of %d cores%n",
                    cpu, LAG_RATE, cpu * LAG_RATE / 1000, Runtime.getRuntime().availableProcessors());
            System.out.printf(
                    "RESULT target p99 < 1 s at %d/s: %s%n",
                    LAG_RATE, median(runs, LagRun::p99) < 1000 ? "met" : "MISSED");
        } finally {
            beta.web().stop();
            alpha.web().stop();
            beta.app().close();
            alpha.app().close();
        }
        TestPostgres.dropDatabase(alpha.url());
        TestPostgres.dropDatabase(beta.url());
    }

    /** Starts threads on alpha at the set rate (each on its own virtual thread at its scheduled time) and waits for all on beta. */
    // Posts of the lag part's warm-up answered "busy" and sent again.
    private static final LongAdder warmupRetries = new LongAdder();

    private static LagRun postAndMeasure(
            Instance alpha,
            app.kindred.member.Member alice,
            long communityId,
            int seconds,
            Map<String, Long> seen,
            java.util.Set<String> pending,
            int run)
            throws Exception {
        int n = LAG_RATE * seconds;
        long interval = 1_000_000_000L / LAG_RATE;
        var scheduled = new ConcurrentHashMap<String, Long>();
        var errors = new LongAdder();
        var posting = Executors.newVirtualThreadPerTaskExecutor();
        long jvmCpu = CpuTime.jvmMillis(), pgCpu = CpuTime.postgresMillis();
        long start = System.nanoTime() + Duration.ofMillis(50).toNanos();
        for (int i = 0; i < n; i++) {
            long at = start + i * interval;
            LockSupport.parkNanos(at - System.nanoTime());
            int seq = i;
            posting.submit(() -> {
                while (true) {
                    try {
                        var post = alpha.app()
                                .threads()
                                .startThread(
                                        alice,
                                        communityId,
                                        new ThreadService.Draft(
                                                "Run " + run + " post " + seq,
                                                "Lag benchmark post " + seq + " of run " + run + ".",
                                                null,
                                                null,
                                                "en"));
                        scheduled.put(post.uri().toString(), at);
                        pending.add(post.uri().toString());
                        return;
                    } catch (TryLater busy) {
                        if (run > 0) {
                            errors.increment();
                            if (errors.sum() == 1) busy.printStackTrace();
                            return;
                        }
                        // In the warm-up (a cold JVM) a post may be answered "busy"; sent again after the
                        // Retry-After, as a client would. Any in a measured run counts as failed.
                        warmupRetries.increment();
                        LockSupport.parkNanos(busy.retryAfter().toNanos());
                    } catch (RuntimeException e) {
                        errors.increment();
                        if (errors.sum() == 1) e.printStackTrace();
                        return;
                    }
                }
            });
        }
        posting.shutdown();
        posting.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        double achieved = n / ((System.nanoTime() - start) / 1e9);
        if (errors.sum() > 0) throw new IllegalStateException(errors.sum() + " posts failed on alpha");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!seen.keySet().containsAll(scheduled.keySet())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("posts missing on beta after 120 s: "
                        + scheduled.keySet().stream()
                                .filter(u -> !seen.containsKey(u))
                                .count());
            }
            Thread.sleep(20);
        }
        double cpu = (double) (CpuTime.jvmMillis() - jvmCpu + CpuTime.postgresMillis() - pgCpu) / n;
        var lags = scheduled.entrySet().stream()
                .mapToLong(e -> (seen.get(e.getKey()) - e.getValue()) / 1_000_000)
                .sorted()
                .toArray();
        return new LagRun(
                n,
                percentile(lags, 50),
                percentile(lags, 95),
                percentile(lags, 99),
                lags[lags.length - 1],
                achieved,
                cpu);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static <T> double median(List<T> values, java.util.function.ToDoubleFunction<T> f) {
        var sorted = values.stream().mapToDouble(f).sorted().toArray();
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static int freePort() {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static String loadAverage() {
        try {
            var parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
