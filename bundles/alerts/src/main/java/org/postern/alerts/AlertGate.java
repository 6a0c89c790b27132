package org.postern.alerts;

import java.util.Map;
import java.util.function.LongSupplier;

import org.postern.api.Alert;

/** What a sink lets through: the kinds it is configured for, at the rate of its token buckets. */
final class AlertGate {

    private final AlertFilter filter;
    private final TokenBuckets buckets;
    private final LongSupplier nanos;

    AlertGate(AlertFilter filter, TokenBuckets buckets, LongSupplier nanos) {
        this.filter = filter;
        this.buckets = buckets;
        this.nanos = nanos;
    }

    /** The text to send for {@code a} (with the count suppressed before it), or null when it is not to be sent. */
    String pass(Alert a) {
        if (!filter.accepts(a)) {
            return null;
        }
        TokenBuckets.Verdict v = buckets.take(a.alertClass(), nanos.getAsLong());
        if (!v.send()) {
            return null;
        }
        return a.message() + (v.suppressedBefore() > 0 ? " (" + v.suppressedBefore() + " more " + a.alertClass()
                + " alert(s) suppressed before this one)" : "");
    }

    /** One line per class with alerts suppressed since the last drain, e.g. {@code 118 more REPLAY alert(s) ...}. */
    java.util.List<String> summary() {
        Map<String, Long> s = buckets.drainSuppressed();
        return s.entrySet().stream().map(e -> e.getValue() + " more " + e.getKey()
                + " alert(s) suppressed by the rate limit").toList();
    }
}
