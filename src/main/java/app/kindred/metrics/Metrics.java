package app.kindred.metrics;

import app.kindred.delivery.DeliveryMetrics;
import app.kindred.ratelimit.RateLimits;
import app.kindred.storage.Database;
import app.kindred.storage.Sql;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an admin's Prometheus scrapes: requests by route template and status with a latency
 * histogram, the database pools, the inbound queue and the delivery queue, per-host backoff,
 * rate-limit refusals and the JVM. Counters live where the work is (deliveries, limits, pools);
 * this class only reads them, so no feature depends on Micrometer.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Metrics.class);
    /** The queues are counted in the database; a scrape every few seconds must not become load of its own. */
    private static final Duration QUEUE_SNAPSHOT_LIFE = Duration.ofSeconds(2);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Database database;
    private final Clock clock;
    private volatile Queues queues = new Queues(0, 0, 0, 0, 0, Instant.EPOCH);

    /** The queues as last counted. */
    private record Queues(
            long inboundPending,
            double inboundOldestSeconds,
            long deliveriesWaiting,
            long hostsBackingOff,
            long hostsUnavailable,
            Instant at) {}

    public Metrics(Database database, RateLimits limits, DeliveryMetrics deliveries, Clock clock) {
        this.database = database;
        this.clock = clock;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        pool("kindred-db", database);
        if (database.background() != database) pool("kindred-db-background", database.background());
        if (database.turns() != database) pool("kindred-db-turns", database.turns());
        for (var outcome : DeliveryMetrics.Outcome.values()) {
            FunctionCounter.builder("kindred.deliveries", deliveries, d -> d.get(outcome))
                    .description("Delivery attempts by outcome")
                    .tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        for (var limit : RateLimits.Limit.values()) {
            FunctionCounter.builder("kindred.rate_limit.refusals", limits, l -> l.refusals(limit))
                    .description("Requests refused with 429 by a rate limit")
                    .tag("limit", limit.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        queueGauge("kindred.inbound.pending", "Inbound activities waiting to be processed", q -> q.inboundPending);
        queueGauge(
                "kindred.inbound.oldest.age.seconds",
                "Age of the oldest inbound activity still waiting",
                q -> q.inboundOldestSeconds);
        queueGauge("kindred.deliveries.waiting", "Deliveries queued or in flight", q -> q.deliveriesWaiting);
        queueGauge(
                "kindred.hosts.backing_off",
                "Remote hosts we are failing to reach and retry with backoff",
                q -> q.hostsBackingOff);
        queueGauge("kindred.hosts.unavailable", "Remote hosts marked unavailable", q -> q.hostsUnavailable);
    }

    private void pool(String name, Database db) {
        Gauge.builder("kindred.db.connections.active", db, d -> d.poolState().active())
                .tag("pool", name)
                .description("Connections in use")
                .register(registry);
        Gauge.builder("kindred.db.connections.idle", db, d -> d.poolState().idle())
                .tag("pool", name)
                .register(registry);
        Gauge.builder("kindred.db.connections.max", db, d -> d.poolState().max())
                .tag("pool", name)
                .register(registry);
        Gauge.builder("kindred.db.connections.waiting", db, d -> d.poolState().waiting())
                .tag("pool", name)
                .description("Requests waiting for a connection now")
                .register(registry);
        FunctionCounter.builder(
                        "kindred.db.connections.timeouts",
                        db,
                        d -> d.poolState().timedOutWaits())
                .tag("pool", name)
                .description("Waits for a connection that ran out of time (answered 503)")
                .register(registry);
        FunctionCounter.builder("kindred.db.connections.taken", db, Database::connectionsTaken)
                .tag("pool", name)
                .description("Connections handed out for reads and transactions")
                .register(registry);
    }

    private void queueGauge(String name, String description, ToDoubleFunction<Queues> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.queues()))
                .description(description)
                .register(registry);
    }

    private Queues queues() {
        var current = queues;
        var now = clock.instant();
        if (Duration.between(current.at(), now).compareTo(QUEUE_SNAPSHOT_LIFE) < 0) return current;
        try {
            current = database.background()
                    .read(c -> Sql.one(
                                    c,
                                    """
                            select (select count(*) from inbound_activity where state = 'pending'),
                                   (select coalesce(extract(epoch from now() - min(received_at)), 0)
                                      from inbound_activity where state = 'pending'),
                                   (select count(*) from delivery where state in ('queued', 'in_flight')),
                                   (select count(*) from host_health where failing_since is not null),
                                   (select count(*) from host_health where unavailable)""",
                                    rs -> new Queues(
                                            rs.getLong(1),
                                            rs.getDouble(2),
                                            rs.getLong(3),
                                            rs.getLong(4),
                                            rs.getLong(5),
                                            now))
                            .orElseThrow());
            queues = current;
        } catch (RuntimeException e) {
            // A busy database must not fail the scrape: the last counts stand, and the pool gauges say why.
            log.debug("queue counts not refreshed: {}", e.toString());
        }
        return current;
    }

    /** One request, by its route template (never the address itself: ids and names stay out of the labels). */
    public void request(String method, String route, int status, Duration took) {
        Timer.builder("kindred.http.requests")
                .description("HTTP requests by route template and status")
                .tags("method", method, "route", route, "status", String.valueOf(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)
                .record(took);
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
