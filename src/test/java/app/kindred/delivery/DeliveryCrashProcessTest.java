package app.kindred.delivery;

import static app.kindred.Eventually.eventually;
import static org.junit.jupiter.api.Assertions.*;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.actor.ActorType;
import app.kindred.actor.RemoteActorData;
import app.kindred.member.Role;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queue's promises with the real jar as separate processes: a process killed mid-delivery
 * loses nothing (claims expire and are taken again, duplicates allowed), SIGTERM puts in-flight
 * work back, and two processes on one database share the work without sending anything twice.
 */
class DeliveryCrashProcessTest {
    private static final Pattern DELIVERED_METRIC =
            Pattern.compile("kindred_deliveries_total\\{outcome=\"delivered\"} (\\d+)");

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private StubInboxes stubs;
    private String url;
    private Connection db;
    private String domain;
    private Actor sender;
    private final List<Actor> recipients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (var p : processes) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (db != null) db.close();
        if (stubs != null) stubs.close();
    }

    /** Hosts answering after the given delays, a fresh database, a local sender and one remote reader per host. */
    private void prepare(int hosts, Duration minDelay, Duration maxDelay, int kindredPort) throws Exception {
        stubs = new StubInboxes(hosts, new StubInboxes.Settings(minDelay, maxDelay, Set.of()));
        url = TestPostgres.newDatabase();
        domain = "127.0.0.1:" + kindredPort;
        try (var app = open()) {
            sender = app.members()
                    .create("sender", "a long password", Role.MEMBER)
                    .actor();
            for (int i = 0; i < hosts; i++) {
                var uri = URI.create("http://" + stubs.host(i) + "/users/reader");
                var data = new RemoteActorData(
                        uri,
                        ActorType.PERSON,
                        "reader",
                        "reader",
                        stubs.inbox(i),
                        null,
                        null,
                        null,
                        uri + "#main-key",
                        null,
                        null,
                        null);
                recipients.add(app.database().transaction(c -> new ActorStore(app.ids()).upsertRemote(c, data)));
            }
        }
        db = DriverManager.getConnection(url);
    }

    /** An App in this JVM that runs no workers: it only writes to the queue, as a web request would. */
    private App open() {
        return App.open(TestPostgres.configFor(url, Map.of("KINDRED_INSTANCE_DOMAIN", domain)));
    }

    /** Queues each activity to every host; returns every expected "host activity" pair. */
    private Set<String> enqueue(int activities) {
        var expected = new HashSet<String>();
        try (var app = open()) {
            for (int a = 0; a < activities; a++) {
                var id = sender.uri() + "/activities/" + a;
                var object = sender.uri() + "/notes/" + a;
                var body = "{\"@context\":\"https://www.w3.org/ns/activitystreams\",\"id\":\"" + id
                        + "\",\"type\":\"Create\",\"actor\":\"" + sender.uri() + "\",\"object\":\"" + object + "\"}";
                app.database().transaction(c -> app.outbox().enqueue(c, sender, id, object, body, recipients));
                for (int i = 0; i < stubs.size(); i++) expected.add(stubs.host(i) + " " + id);
            }
        }
        return expected;
    }

    private Process serve(int port, String logName, Map<String, String> extra) throws IOException {
        var command = List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                Path.of(System.getProperty("kindred.jar", "target/kindred.jar"))
                        .toAbsolutePath()
                        .toString(),
                "serve");
        var pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()));
        var env = pb.environment();
        env.put("KINDRED_DATABASE_URL", url);
        env.put("KINDRED_SERVER_PORT", String.valueOf(port));
        env.put("KINDRED_INSTANCE_DOMAIN", domain);
        env.put("KINDRED_INSTANCE_SCHEME", "http");
        env.put("KINDRED_FEDERATION_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("KINDRED_DELIVERY_POLL_INTERVAL", "50ms");
        env.put("KINDRED_DELIVERY_TIME_SCALE", "0.001");
        // The lease on a claim is three timeouts, so a killed process's claims come back after 6 s.
        env.put("KINDRED_DELIVERY_TIMEOUT", "2s");
        env.putAll(extra);
        var process = pb.start();
        processes.add(process);
        return process;
    }

    private Map<String, Long> states() throws SQLException {
        var counts = new HashMap<String, Long>(
                Map.of("queued", 0L, "in_flight", 0L, "delivered", 0L, "failed", 0L, "parked", 0L));
        try (var st = db.createStatement();
                var rs = st.executeQuery("select state, count(*) from delivery group by state")) {
            while (rs.next()) counts.put(rs.getString(1), rs.getLong(2));
        }
        return counts;
    }

    private long delivered() throws SQLException {
        return states().get("delivered");
    }

    /** Polls (briefly) until the predicate on the delivered count holds, or fails after the bound. */
    private void awaitDelivered(long atLeast, Duration within, Process process, String log) throws Exception {
        var deadline = Instant.now().plus(within);
        while (delivered() < atLeast) {
            assertTrue(process.isAlive(), "the server died; log:\n" + Files.readString(dir.resolve(log)));
            assertTrue(
                    Instant.now().isBefore(deadline),
                    "fewer than " + atLeast + " delivered within " + within + ": " + states() + "; log:\n"
                            + Files.readString(dir.resolve(log)));
            Thread.sleep(10);
        }
    }

    private static Map<String, String> with(Map<String, String> settings, String key, String value) {
        var all = new HashMap<>(settings);
        all.put(key, value);
        return all;
    }

    private long deliveredMetric(int port) throws Exception {
        var body = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        var m = DELIVERED_METRIC.matcher(body);
        assertTrue(m.find(), body);
        return Long.parseLong(m.group(1));
    }

    private static void awaitHealthy(int port, Process process) throws Exception {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        // Generous: a loaded two-core machine can take long to start a JVM and its database.
        eventually(Duration.ofSeconds(90), () -> {
            assertTrue(process.isAlive(), "the server exited");
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode());
        });
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aKilledProcessLosesNothingAndARestartFinishesTheQueue() throws Exception {
        int port = freePort();
        prepare(30, Duration.ofMillis(50), Duration.ofMillis(150), port);
        var expected = enqueue(20);
        assertEquals(600, expected.size());
        // Few workers, so the 600 take seconds and the kill lands mid-queue.
        // A long timeout: a delivery that times out on a loaded machine is retried, and that duplicate
        // would say nothing about shutdown.
        var settings = Map.of("KINDRED_DELIVERY_WORKERS", "8", "KINDRED_DELIVERY_TIMEOUT", "15s");
        var first = serve(port, "first.log", settings);
        awaitDelivered(100, Duration.ofSeconds(60), first, "first.log");
        first.destroyForcibly(); // SIGKILL: no shutdown hook, claims stay in_flight
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));

        var atKill = states();
        System.out.println("after the kill: " + atKill + ", stub POSTs so far " + stubs.posts());
        assertTrue(atKill.get("delivered") < 600, atKill.toString());
        assertTrue(atKill.get("in_flight") + atKill.get("queued") > 0, atKill.toString());
        assertTrue(atKill.get("in_flight") > 0, "the killed process held claims: " + atKill);

        var second = serve(port, "second.log", settings);
        // Unfinished claims come back once their lease (6 s) runs out.
        awaitDelivered(600, Duration.ofSeconds(90), second, "second.log");
        assertEquals(Map.of("queued", 0L, "in_flight", 0L, "delivered", 600L, "failed", 0L, "parked", 0L), states());
        assertEquals(expected, stubs.pairs(), "every host got every activity, and nothing else");
        assertEquals(0, stubs.unsigned());
        System.out.println("crash: " + stubs.posts() + " POSTs for 600 deliveries, " + stubs.duplicates()
                + " duplicates (allowed: at least once)");
        assertTrue(
                stubs.duplicates() <= atKill.get("in_flight"),
                "only deliveries in flight at the kill may arrive twice: " + stubs.duplicates() + " > " + atKill);
    }

    @Test
    void sigtermPutsInFlightWorkBackAndARestartFinishesIt() throws Exception {
        int port = freePort();
        prepare(30, Duration.ofMillis(200), Duration.ofMillis(400), port);
        var expected = enqueue(20);
        // A long timeout: a delivery that times out on a loaded machine is retried, and that duplicate
        // would say nothing about shutdown.
        var settings = Map.of("KINDRED_DELIVERY_WORKERS", "8", "KINDRED_DELIVERY_TIMEOUT", "15s");
        var first = serve(port, "first.log", settings);
        awaitDelivered(50, Duration.ofSeconds(60), first, "first.log");
        long signalled = System.nanoTime();
        first.destroy(); // SIGTERM: the shutdown hook runs
        assertTrue(first.waitFor(30, TimeUnit.SECONDS), "exits within 30 s of SIGTERM");
        System.out.println("SIGTERM to exit: "
                + Duration.ofNanos(System.nanoTime() - signalled).toMillis() + " ms");

        var afterStop = states();
        System.out.println("after SIGTERM: " + afterStop);
        assertEquals(0L, afterStop.get("in_flight"), "nothing left claimed: " + afterStop);
        assertTrue(afterStop.get("queued") > 0, "the test stopped it mid-queue: " + afterStop);
        assertEquals(afterStop.get("delivered"), (long) stubs.pairs().size(), "what the table calls delivered arrived");
        assertTrue(Files.readString(dir.resolve("first.log")).contains("Javalin has stopped"));

        var second = serve(port, "second.log", settings);
        // Nothing waits for a lease: put-back work is due at once.
        awaitDelivered(600, Duration.ofSeconds(60), second, "second.log");
        assertEquals(expected, stubs.pairs());
        assertEquals(0, stubs.duplicates(), "a clean shutdown sends nothing twice");
    }

    @Test
    void twoProcessesOnOneDatabaseDeliverEachActivityOnce() throws Exception {
        int portA = freePort(), portB = freePort();
        prepare(30, Duration.ofMillis(20), Duration.ofMillis(60), portA);
        // A lease longer than any delivery on a loaded machine: a claim taken twice would be a real fault.
        var settings = Map.of("KINDRED_DELIVERY_WORKERS", "8", "KINDRED_DELIVERY_TIMEOUT", "15s");
        // Each process's counts come from its own metrics port, apart from the site's.
        int metricsA = freePort(), metricsB = freePort();
        var a = serve(portA, "a.log", with(settings, "KINDRED_METRICS_PORT", String.valueOf(metricsA)));
        var b = serve(portB, "b.log", with(settings, "KINDRED_METRICS_PORT", String.valueOf(metricsB)));
        awaitHealthy(portA, a);
        awaitHealthy(portB, b);
        // The queue is filled once both processes listen, so both are woken by the same NOTIFY.
        var expected = enqueue(10);
        assertEquals(300, expected.size());
        awaitDelivered(300, Duration.ofSeconds(60), a, "a.log");
        assertEquals(Map.of("queued", 0L, "in_flight", 0L, "delivered", 300L, "failed", 0L, "parked", 0L), states());
        try (var st = db.createStatement();
                var rs = st.executeQuery("select max(attempts), min(attempts) from delivery")) {
            rs.next();
            assertEquals(1, rs.getInt(1), "no delivery was claimed twice");
            assertEquals(1, rs.getInt(2));
        }
        assertEquals(expected, stubs.pairs());
        assertEquals(0, stubs.duplicates(), "no host got an activity twice");
        long byA = deliveredMetric(metricsA), byB = deliveredMetric(metricsB);
        System.out.println("two processes: A delivered " + byA + ", B delivered " + byB);
        assertEquals(300, byA + byB, "each delivery counted by exactly one process");
        assertTrue(byA > 0 && byB > 0, "both processes took a share: " + byA + " and " + byB);
    }
}
