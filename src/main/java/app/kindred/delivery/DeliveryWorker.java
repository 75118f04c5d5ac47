package app.kindred.delivery;

import app.kindred.actor.Actor;
import app.kindred.actor.ActorStore;
import app.kindred.federation.signature.SignatureScheme;
import app.kindred.remote.RequestSigning;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries. One dispatcher claims due work from PostgreSQL (woken by NOTIFY, or by
 * polling when notifications are lost), and each delivery runs on its own virtual thread. A cap per
 * host keeps a slow or dead host from taking every slot, so healthy hosts never wait behind it.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);
    private static final Duration GATHER = Duration.ofMillis(5);
    /** Fan-outs expanded per cycle: enough to keep the queue fed, few enough to keep each transaction short. */
    private static final int FANOUT_BATCH = 16;

    public record Settings(int workers, int perHost, Duration pollInterval, Duration lease, Duration probeInterval) {}

    private final Database db;
    private final DeliveryStore store;
    private final Outbox outbox;
    private final HostHealth health;
    private final InboxPoster poster;
    private final RetrySchedule schedule;
    private final DeliveryMetrics metrics;
    private final ActorStore actors;
    private final BiFunction<Actor, SignatureScheme, RequestSigning> signing;
    private final Settings settings;
    private final Predicate<String> federates;
    private final Clock clock;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final String workerId = "worker-" + UUID.randomUUID();
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>();
    private final Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
    private final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, Actor> signers = new ConcurrentHashMap<>();
    private volatile boolean running;
    private long lastProbeCheck = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private Thread dispatcher;
    private Thread listener;

    public DeliveryWorker(
            Database db,
            DeliveryStore store,
            Outbox outbox,
            HostHealth health,
            InboxPoster poster,
            RetrySchedule schedule,
            DeliveryMetrics metrics,
            ActorStore actors,
            BiFunction<Actor, SignatureScheme, RequestSigning> signing,
            Settings settings,
            Predicate<String> federates,
            Clock clock) {
        this.db = db;
        this.store = store;
        this.outbox = outbox;
        this.health = health;
        this.poster = poster;
        this.schedule = schedule;
        this.metrics = metrics;
        this.actors = actors;
        this.signing = signing;
        this.settings = settings;
        this.federates = federates;
        this.clock = clock;
    }

    public synchronized void start() {
        if (running) return;
        running = true;
        dispatcher = Thread.ofPlatform().name("delivery-dispatcher").daemon().start(this::dispatch);
        listener = Thread.ofPlatform().name("delivery-listener").daemon().start(this::listen);
    }

    /** Wakes the dispatcher now, e.g. after this process queued something. */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void dispatch() {
        int batch = Math.max(1, settings.workers() / 16);
        while (running) {
            try {
                int free = settings.workers() - inFlight.size();
                if (free > 0 && free < batch && !inFlight.isEmpty()) {
                    // Slots free up one finished delivery at a time; a claim query per slot would cost the
                    // database more than the deliveries. A few milliseconds gathers them into one claim.
                    Thread.sleep(GATHER.toMillis());
                    free = settings.workers() - inFlight.size();
                }
                // Fan-outs become deliveries first, so they take their turn in the claim below.
                int expanded = db.transaction(c -> outbox.expandFanouts(c, FANOUT_BATCH));
                int claimed = free > 0 ? claimAndStart(free) : 0;
                if (expanded < FANOUT_BATCH && (claimed == 0 || inFlight.size() >= settings.workers())) {
                    wakeups.poll(settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeups.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("delivery dispatcher: {}", e.getMessage());
                sleepQuietly(settings.pollInterval());
            }
        }
    }

    private int claimAndStart(int free) {
        Map<String, Integer> used = new HashMap<>();
        perHost.forEach((host, count) -> {
            if (count.get() > 0) used.put(host, count.get());
        });
        var claimed = db.transaction(
                c -> store.claim(c, workerId, free, settings.perHost(), used, inFlight.keySet(), settings.lease()));
        for (var delivery : claimed) {
            var count = perHost.computeIfAbsent(delivery.host(), h -> new AtomicInteger());
            count.incrementAndGet();
            inFlight.put(delivery.id(), delivery.id());
            Thread.ofVirtual().name("delivery-" + delivery.id()).start(() -> {
                try {
                    deliver(delivery);
                } catch (RuntimeException e) {
                    // Its outcome could not be written (no connection came free, or the process is stopping and its
                    // pools are closed): the claim stays until its lease ends and then it is tried again, so this is
                    // a line in the log, not a stack trace on a thread nobody watches.
                    if (running)
                        log.warn(
                                "delivery {} to {}: its outcome could not be written ({}); it is tried again when its"
                                        + " lease ends",
                                delivery.id(),
                                delivery.host(),
                                e.getMessage());
                    else log.debug("delivery {} ended after this worker stopped: {}", delivery.id(), e.getMessage());
                } finally {
                    count.decrementAndGet();
                    inFlight.remove(delivery.id());
                    wake();
                }
            });
        }
        if (System.nanoTime() - lastProbeCheck >= settings.pollInterval().toNanos()) {
            lastProbeCheck = System.nanoTime();
            probeUnavailableHosts();
        }
        return claimed.size();
    }

    private void deliver(DeliveryStore.Claimed d) {
        if (!running) {
            db.transaction(c -> {
                store.release(c, d.id());
                return null;
            });
            return;
        }
        if (!federates.test(d.host())) {
            boolean held = db.transaction(
                    c -> store.failed(c, d, workerId, 0, "not sent: this instance does not federate with " + d.host()));
            if (held) metrics.count(DeliveryMetrics.Outcome.FAILED);
            return;
        }
        var signer = signers.computeIfAbsent(
                d.signerId(), id -> db.read(c -> actors.findById(c, id)).orElseThrow());
        InboxPoster.Outcome outcome;
        try {
            outcome = poster.post(
                    d.inbox(), d.body().getBytes(StandardCharsets.UTF_8), scheme -> signing.apply(signer, scheme));
        } catch (RuntimeException e) {
            outcome = new InboxPoster.Retry(0, "could not send: " + e, Optional.empty());
        }
        var now = clock.instant();
        var result = outcome;
        db.transaction(c -> {
            if (!stillHeld(c, d)) return null;
            switch (result) {
                case InboxPoster.Delivered ok -> {
                    store.delivered(c, d, workerId, ok.status());
                    health.alive(c, d.host());
                    metrics.count(DeliveryMetrics.Outcome.DELIVERED);
                }
                case InboxPoster.Failed failed -> {
                    store.failed(c, d, workerId, failed.status(), failed.error());
                    if (failed.gone()) {
                        store.markGone(c, d.inbox());
                        metrics.count(DeliveryMetrics.Outcome.GONE);
                    } else {
                        metrics.count(DeliveryMetrics.Outcome.FAILED);
                    }
                }
                case InboxPoster.Retry retry -> {
                    if (schedule.exhausted(d.queuedAt(), now)) {
                        store.failed(
                                c,
                                d,
                                workerId,
                                retry.status(),
                                "given up after " + d.attempts() + " attempts: " + retry.error());
                        metrics.count(DeliveryMetrics.Outcome.GIVEN_UP);
                    } else {
                        var delay = retry.retryAfter()
                                .map(schedule::scale)
                                .orElseGet(() -> schedule.delayAfter(d.attempts(), random));
                        store.retryAt(c, d, workerId, now.plus(delay), retry.status(), retry.error());
                        metrics.count(DeliveryMetrics.Outcome.RETRIED);
                    }
                    if (health.failed(c, d.host(), retry.error(), now, schedule.scale(settings.probeInterval()))) {
                        log.warn(
                                "host {} is now marked unavailable; its deliveries are parked until it answers again",
                                d.host());
                        metrics.count(DeliveryMetrics.Outcome.PARKED);
                    }
                }
            }
            return null;
        });
    }

    /**
     * Whether this attempt still holds its claim, locking the row until the outcome is written. A claim
     * whose lease ran out while we sent may have been taken by another process: its outcome, not ours,
     * is the one that counts (the remote may get the activity twice, which at-least-once delivery allows).
     */
    private boolean stillHeld(Connection c, DeliveryStore.Claimed d) throws SQLException {
        boolean held = store.holds(c, d, workerId);
        if (!held)
            log.warn(
                    "delivery {} to {} outlived its lease and was claimed again; its outcome is dropped",
                    d.id(),
                    d.host());
        return held;
    }

    /** Unavailable hosts are probed now and then; an answer is a sign of life that releases their deliveries. */
    private void probeUnavailableHosts() {
        var due = db.read(c -> Sql.list(
                c,
                "select host from host_health where unavailable and next_probe_at <= now() limit 10",
                rs -> rs.getString(1)));
        for (var host : due) {
            var sample = db.read(c -> Sql.one(
                    c,
                    "select inbox from delivery where host = ? and state = 'parked' order by id limit 1",
                    rs -> URI.create(rs.getString(1)),
                    host));
            db.transaction(c -> Sql.update(
                    c,
                    "update host_health set next_probe_at = ? where host = ?",
                    clock.instant().plus(schedule.scale(settings.probeInterval())),
                    host));
            if (sample.isEmpty()) continue;
            Thread.ofVirtual().name("probe-" + host).start(() -> {
                // A probe is a GET of the host's NodeInfo: cheap for them, and any answer proves they are up.
                var nodeinfo = URI.create(sample.get().getScheme() + "://" + host + "/.well-known/nodeinfo");
                if (poster.probe(nodeinfo)) {
                    int released = db.transaction(c -> health.alive(c, host));
                    log.info("host {} answers again; released {} parked deliveries", host, released);
                    wake();
                }
            });
        }
    }

    private void listen() {
        while (running) {
            try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties())) {
                try (var st = connection.createStatement()) {
                    st.execute("listen " + Outbox.CHANNEL);
                }
                var pg = connection.unwrap(PGConnection.class);
                while (running) {
                    var notifications =
                            pg.getNotifications((int) settings.pollInterval().toMillis());
                    if (notifications != null && notifications.length > 0) wake();
                }
            } catch (SQLException e) {
                if (running) {
                    log.debug("delivery listener lost its connection ({}); polling meanwhile", e.getMessage());
                    sleepQuietly(settings.pollInterval());
                }
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int inFlight() {
        return inFlight.size();
    }

    /**
     * Stops claiming, lets in-flight deliveries finish within the grace period, and puts back any that
     * did not, so nothing claimed is dropped.
     */
    @Override
    public synchronized void close() {
        if (!running) return;
        running = false;
        wake();
        try {
            // The dispatcher first: a claim it commits after we looked at inFlight would stay claimed until its lease
            // ran out.
            if (dispatcher != null) dispatcher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!inFlight.isEmpty() && System.nanoTime() < deadline) sleepQuietly(Duration.ofMillis(20));
        for (var id : inFlight.keySet()) {
            db.transaction(c -> {
                store.release(c, id);
                return null;
            });
        }
        try {
            if (listener != null) listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
