package org.postern.api;

import java.util.List;

/**
 * How long the pipeline took to decide packets, as a cumulative-free bucket histogram: {@code counts.get(i)} packets
 * took at most {@code boundsMicros.get(i)} microseconds and more than the previous bound; the last count (one more
 * than there are bounds) holds the packets slower than every bound.
 *
 * @param boundsMicros upper bounds of the buckets in microseconds, ascending
 * @param counts       packets per bucket, {@code boundsMicros.size() + 1} of them
 * @param sumMicros    the total time of every counted packet, in microseconds
 * @since 1.4
 */
public record LatencyHistogram(List<Long> boundsMicros, List<Long> counts, long sumMicros) {

    public LatencyHistogram {
        boundsMicros = List.copyOf(boundsMicros);
        counts = List.copyOf(counts);
        if (counts.size() != boundsMicros.size() + 1) {
            throw new IllegalArgumentException("need " + (boundsMicros.size() + 1) + " counts, got " + counts.size());
        }
    }

    /** A histogram with no packet counted. */
    public static LatencyHistogram empty() {
        return new LatencyHistogram(List.of(), List.of(0L), 0);
    }

    /** Packets counted. */
    public long count() {
        return counts.stream().mapToLong(Long::longValue).sum();
    }
}
