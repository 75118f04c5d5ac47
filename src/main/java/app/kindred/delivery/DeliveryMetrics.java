package app.kindred.delivery;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Counters of delivery attempts by outcome, read by {@code app.kindred.metrics.Metrics}. */
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
}
