package app.kindred.bench;

import app.kindred.App;
import app.kindred.TestPostgres;
import app.kindred.config.Settings;
import app.kindred.member.Role;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 19's abuse run at full size, with the limits as shipped: {@code bench.attempts} (1,000) wrong
 * passwords against one account from one client, then from {@code bench.clients} (50) clients told
 * apart by X-Forwarded-For (server.client_address_header), sent by {@code bench.senders} (32) threads
 * at once. During each flood the owner signs in from their own client every second (following a 503's
 * Retry-After, as an app would) and {@code /healthz} is read every 100 ms. Reported: answers by status,
 * passwords actually hashed (401s), the owner's sign-ins (tries and time, never a 401 or 429), the health
 * endpoint's p50/max, and CPU per attempt. Not part of the test build: docs/bench/abuse.sh; the CI-sized
 * check is web.AbuseTest.
 */
public final class AbuseBenchmark {
    private static final int ATTEMPTS = Integer.getInteger("bench.attempts", 1000);
    private static final int CLIENTS = Integer.getInteger("bench.clients", 50);
    private static final int SENDERS = Integer.getInteger("bench.senders", 32);
    private static final String PASSWORD = "a calm long passphrase";

    public static void main(String[] args) throws Exception {
        int code = 0;
        var url = TestPostgres.newDatabase();
        int port = freePort();
        var env = new HashMap<String, String>();
        env.put("KINDRED_INSTANCE_DOMAIN", "127.0.0.1:" + port);
        env.put("KINDRED_SERVER_CLIENT_ADDRESS_HEADER", "X-Forwarded-For");
        for (var s : Settings.ALL) if (s.key().startsWith("limits.")) env.put(s.environmentName(), s.defaultValue());
        Javalin web = null;
        try (var app = App.open(TestPostgres.configFor(url, env))) {
            web = app.web().start("127.0.0.1", port);
            var address = new InetSocketAddress("127.0.0.1", port);
            System.out.printf(
                    "abuse: %d wrong passwords, %d senders at once, limits as shipped; %d cores, load %s%n",
                    ATTEMPTS, SENDERS, Runtime.getRuntime().availableProcessors(), load());
            app.members().create("owner1", PASSWORD, Role.MEMBER);
            app.members().create("owner2", PASSWORD, Role.MEMBER);
            boolean ok = flood(address, "owner1", 1);
            ok &= flood(address, "owner2", CLIENTS);
            System.out.println(ok ? "RESULT abuse: owner never locked out" : "RESULT abuse: FAILED");
            code = ok ? 0 : 1;
        } catch (Throwable t) {
            System.out.println("FAILED: " + t);
            t.printStackTrace(System.out);
            code = 1;
        } finally {
            if (web != null) web.stop();
            TestPostgres.dropDatabase(url);
        }
        System.exit(code);
    }

    private static byte[] signIn(InetSocketAddress address, String client, String user, String password) {
        var body = ("{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        return RawHttpClient.request(
                "POST",
                "/api/v1/auth/login",
                Map.of(
                        "Host",
                        address.getHostString() + ":" + address.getPort(),
                        "Content-Type",
                        "application/json",
                        "X-Forwarded-For",
                        client),
                body);
    }

    private static boolean flood(InetSocketAddress address, String owner, int clients) throws Exception {
        var statuses = new ConcurrentHashMap<Integer, LongAdder>();
        var next = new AtomicInteger();
        var done = new AtomicBoolean();
        long jvm = CpuTime.jvmMillis(), pg = CpuTime.postgresMillis(), start = System.nanoTime();
        var senders = new ArrayList<Thread>();
        for (int t = 0; t < SENDERS; t++) {
            senders.add(Thread.ofPlatform().start(() -> {
                try (var client = new RawHttpClient(address)) {
                    for (int i; (i = next.getAndIncrement()) < ATTEMPTS; ) {
                        var from = clients == 1 ? "198.51.100.7" : "198.51.101." + (1 + i % clients);
                        int status;
                        try {
                            status = client.send(signIn(address, from, owner, "guess " + i))
                                    .status();
                        } catch (IOException e) {
                            status = -1;
                        }
                        statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                    }
                }
            }));
        }
        // The owner, every second during the flood, from their own connection.
        var ownerTries = new ArrayList<String>();
        var ownerOk = new AtomicBoolean(true);
        var ownerThread = Thread.ofPlatform().start(() -> {
            try (var client = new RawHttpClient(address)) {
                while (!done.get()) {
                    long began = System.nanoTime();
                    int tries = 0, status;
                    do {
                        tries++;
                        var answer = client.send(signIn(address, "192.0.2.10", owner, PASSWORD));
                        status = answer.status();
                        if (status == 503) Thread.sleep(3000);
                    } while (status == 503 && tries < 10 && !done.get());
                    if (status != 200 && status != 503) ownerOk.set(false);
                    synchronized (ownerTries) {
                        ownerTries.add(status + " after " + tries + " tries, " + (System.nanoTime() - began) / 1_000_000
                                + " ms");
                    }
                    Thread.sleep(1000);
                }
            } catch (Exception e) {
                ownerOk.set(false);
            }
        });
        var health = new ArrayList<Long>();
        var healthThread = Thread.ofPlatform().start(() -> {
            var request = RawHttpClient.request(
                    "GET", "/healthz", Map.of("Host", address.getHostString() + ":" + address.getPort()), new byte[0]);
            try (var client = new RawHttpClient(address)) {
                while (!done.get()) {
                    long began = System.nanoTime();
                    client.send(request);
                    synchronized (health) {
                        health.add((System.nanoTime() - began) / 1_000_000);
                    }
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                synchronized (health) {
                    health.add(Long.MAX_VALUE);
                }
            }
        });
        for (var s : senders) s.join();
        long millis = (System.nanoTime() - start) / 1_000_000;
        done.set(true);
        ownerThread.join();
        healthThread.join();
        long jvmUsed = CpuTime.jvmMillis() - jvm, pgUsed = CpuTime.postgresMillis() - pg;
        var sorted = new TreeMap<Integer, Long>();
        statuses.forEach((k, v) -> sorted.put(k, v.sum()));
        var h = health.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(h);
        System.out.printf(
                "%n== %d clients against %s: %d attempts in %d ms; answers %s; passwords hashed (401) %d%n",
                clients, owner, ATTEMPTS, millis, sorted, sorted.getOrDefault(401, 0L));
        System.out.printf(
                "CPU per attempt: this JVM %.2f ms (load generator included), PostgreSQL %.2f ms; load %s%n",
                (double) jvmUsed / ATTEMPTS, (double) pgUsed / ATTEMPTS, load());
        System.out.printf(
                "/healthz during: %d reads, p50 %d ms, max %d ms%n",
                h.length, h.length == 0 ? 0 : h[h.length / 2], h.length == 0 ? 0 : h[h.length - 1]);
        System.out.println("owner's sign-ins during: " + ownerTries);
        boolean ok = ownerOk.get()
                && ownerTries.stream().anyMatch(s -> s.startsWith("200"))
                && !sorted.containsKey(500)
                && !sorted.containsKey(-1);
        List<Integer> allowed = List.of(401, 429, 503);
        ok &= sorted.keySet().stream().allMatch(allowed::contains);
        return ok;
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
