package app.kindred.delivery;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of delivery attempts by outcome, for the metrics endpoint. */
public final class DeliveryMetrics {
    public enum Outcome {
        DELIVERED,
        RETRIED,
        FAILED,
        GONE,
        GIVEN_UP,
        PARKED
    }

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

    public DeliveryMetrics() {
        for (var o : Outcome.values()) counts.put(o, new LongAdder());
    }

    void count(Outcome outcome) {
        counts.get(outcome).increment();
    }

    public long get(Outcome outcome) {
        return counts.get(outcome).sum();
    }

    /** Prometheus text exposition. */
    public String exposition() {
        var sb = new StringBuilder("# HELP kindred_deliveries_total Delivery attempts by outcome.\n")
                .append("# TYPE kindred_deliveries_total counter\n");
        for (var o : Outcome.values()) {
            sb.append("kindred_deliveries_total{outcome=\"")
                    .append(o.name().toLowerCase())
                    .append("\"} ")
                    .append(get(o))
                    .append('\n');
        }
        return sb.toString();
    }
}
