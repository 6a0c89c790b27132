package org.postern.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.postern.api.RefusalReason;

/**
 * Packets received (also by capture source), accepted and refused by reason, since the daemon started. Exact:
 * every packet is counted, whatever the log's rate limit lets through. Survives configuration reloads.
 */
final class RefusalCounters {

    /** Beyond this many capture names, packets count under "other" (names come from configuration, not packets). */
    static final int MAX_CAPTURES = 256;

    private final LongAdder received = new LongAdder();
    private final LongAdder granted = new LongAdder();
    private final EnumMap<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);
    private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> byCapture =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Upper bounds of the latency buckets, microseconds: 50 us to 1 s, then everything slower. */
    static final long[] LATENCY_BOUNDS_MICROS = {50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000,
        100_000, 250_000, 1_000_000};

    private final LongAdder[] latency = new LongAdder[LATENCY_BOUNDS_MICROS.length + 1];
    private final LongAdder latencySumMicros = new LongAdder();

    RefusalCounters() {
        for (int i = 0; i < latency.length; i++) {
            latency[i] = new LongAdder();
        }
        for (RefusalReason r : RefusalReason.values()) {
            refused.put(r, new LongAdder());
        }
    }

    void received() {
        received.increment();
    }

    /** A packet from the named capture source. */
    void received(String capture) {
        received.increment();
        String name = capture == null ? "" : capture;
        LongAdder n = byCapture.get(name);
        if (n == null) {
            n = byCapture.size() < MAX_CAPTURES ? byCapture.computeIfAbsent(name, k -> new LongAdder())
                    : byCapture.computeIfAbsent("other", k -> new LongAdder());
        }
        n.increment();
    }

    /** Packets by capture source name. */
    Map<String, Long> byCapture() {
        Map<String, Long> out = new java.util.TreeMap<>();
        byCapture.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One packet decided in {@code nanos}. */
    void decided(long nanos) {
        long micros = nanos / 1_000;
        int i = 0;
        while (i < LATENCY_BOUNDS_MICROS.length && micros > LATENCY_BOUNDS_MICROS[i]) {
            i++;
        }
        latency[i].increment();
        latencySumMicros.add(micros);
    }

    org.postern.api.LatencyHistogram latency() {
        java.util.List<Long> bounds = new java.util.ArrayList<>();
        for (long b : LATENCY_BOUNDS_MICROS) {
            bounds.add(b);
        }
        java.util.List<Long> counts = new java.util.ArrayList<>();
        for (LongAdder a : latency) {
            counts.add(a.sum());
        }
        return new org.postern.api.LatencyHistogram(bounds, counts, latencySumMicros.sum());
    }

    void granted() {
        granted.increment();
    }

    void refused(RefusalReason r) {
        refused.get(r).increment();
    }

    long receivedCount() {
        return received.sum();
    }

    long grantedCount() {
        return granted.sum();
    }

    long refusedCount(RefusalReason r) {
        return refused.get(r).sum();
    }

    /** Reasons with a non-zero count. */
    Map<RefusalReason, Long> refusals() {
        Map<RefusalReason, Long> out = new EnumMap<>(RefusalReason.class);
        refused.forEach((r, n) -> {
            if (n.sum() > 0) {
                out.put(r, n.sum());
            }
        });
        return out;
    }
}
