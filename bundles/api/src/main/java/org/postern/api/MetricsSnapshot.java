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
 * @param grantsRevoked grants closed before their expiry by {@code spa:revoke} or the cluster (part of grantsClosed)
 *                    (since 1.4)
 * @param latency     how long the pipeline took per packet, from hand-over to decision (since 1.4)
 * @since 1.3
 */
public record MetricsSnapshot(long received, long accepted, Map<RefusalReason, Long> refused, long grantsOpened,
        long grantsClosed, long grantsLive, Map<String, Long> byCapture, long grantsRevoked, LatencyHistogram latency) {

    public MetricsSnapshot {
        refused = Map.copyOf(refused);
        byCapture = Map.copyOf(byCapture);
        latency = latency == null ? LatencyHistogram.empty() : latency;
    }

    /** A snapshot without revocation count and latencies (the 1.3 form). */
    public MetricsSnapshot(long received, long accepted, Map<RefusalReason, Long> refused, long grantsOpened,
            long grantsClosed, long grantsLive, Map<String, Long> byCapture) {
        this(received, accepted, refused, grantsOpened, grantsClosed, grantsLive, byCapture, 0, null);
    }

    /** Every refusal, whatever its reason. */
    public long refusedTotal() {
        return refused.values().stream().mapToLong(Long::longValue).sum();
    }
}
