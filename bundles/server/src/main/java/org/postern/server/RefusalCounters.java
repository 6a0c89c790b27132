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

    RefusalCounters() {
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
