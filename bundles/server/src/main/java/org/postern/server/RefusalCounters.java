package org.postern.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.postern.api.RefusalReason;

/** Packets received, granted and refused by reason, since the daemon started. */
final class RefusalCounters {

    private final LongAdder received = new LongAdder();
    private final LongAdder granted = new LongAdder();
    private final EnumMap<RefusalReason, LongAdder> refused = new EnumMap<>(RefusalReason.class);

    RefusalCounters() {
        for (RefusalReason r : RefusalReason.values()) {
            refused.put(r, new LongAdder());
        }
    }

    void received() {
        received.increment();
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
