package org.postern.api;

import java.util.Map;

/**
 * The daemon's counters at one moment. Counters are exact (never sampled), also when log lines are rate-limited.
 *
 * @param received    packets handed to the pipeline
 * @param accepted    packets accepted (a grant opened or extended, a command run, or test mode's decision)
 * @param refused     refusals by reason, only non-zero reasons, in pipeline order
 * @param grantsOpened grants opened (an extension of a live grant is not counted again)
 * @param grantsClosed grants closed: expired or revoked
 * @param grantsLive  grants open now
 * @param byCapture   packets received by capture source name
 * @since 1.3
 */
public record MetricsSnapshot(long received, long accepted, Map<RefusalReason, Long> refused, long grantsOpened,
        long grantsClosed, long grantsLive, Map<String, Long> byCapture) {

    public MetricsSnapshot {
        refused = Map.copyOf(refused);
        byCapture = Map.copyOf(byCapture);
    }

    /** Every refusal, whatever its reason. */
    public long refusedTotal() {
        return refused.values().stream().mapToLong(Long::longValue).sum();
    }
}
