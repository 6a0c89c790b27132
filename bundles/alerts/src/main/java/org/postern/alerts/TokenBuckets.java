package org.postern.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One token bucket per alert class ({@code REPLAY}, {@code REFUSAL/STANZA_TRIAL}, {@code GRANT_OPENED}, ...): each
 * class may send {@code burst} alerts at once and then one per {@code 60 / perMinute} seconds; what goes over is
 * counted, and the next alert of the class that passes carries the count ("N more suppressed"). So a flood of one
 * class neither becomes a mail bomb nor silences the other classes. At most {@value #MAX_CLASSES} classes are
 * tracked (the classes are a small fixed set; the bound keeps a bug from growing the map).
 */
final class TokenBuckets {

    static final int MAX_CLASSES = 64;

    private final double burst;
    private final double perNano;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>();

    private static final class Bucket {
        double tokens;
        long last;
        long suppressed;
    }

    /** The outcome for one alert: send it (with the count suppressed before it), or not. */
    record Verdict(boolean send, long suppressedBefore) {
    }

    TokenBuckets(int burst, int perMinute) {
        if (burst < 1 || perMinute < 1) {
            throw new IllegalArgumentException("burst and perMinute must be at least 1");
        }
        this.burst = burst;
        this.perNano = perMinute / 60e9;
    }

    synchronized Verdict take(String alertClass, long nowNanos) {
        Bucket b = buckets.get(alertClass);
        if (b == null) {
            if (buckets.size() >= MAX_CLASSES) {
                alertClass = "other";
                b = buckets.get(alertClass);
            }
            if (b == null) {
                b = new Bucket();
                b.tokens = burst;
                b.last = nowNanos;
                buckets.put(alertClass, b);
            }
        }
        b.tokens = Math.min(burst, b.tokens + (nowNanos - b.last) * perNano);
        b.last = nowNanos;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            long s = b.suppressed;
            b.suppressed = 0;
            return new Verdict(true, s);
        }
        b.suppressed++;
        return new Verdict(false, 0);
    }

    /** Suppressed counts not yet reported, by class; clears them (for a periodic summary). */
    synchronized Map<String, Long> drainSuppressed() {
        Map<String, Long> out = new TreeMap<>();
        buckets.forEach((k, b) -> {
            if (b.suppressed > 0) {
                out.put(k, b.suppressed);
                b.suppressed = 0;
            }
        });
        return out;
    }
}
