package org.postern.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.postern.api.LatencyHistogram;
import org.postern.api.MetricsSnapshot;
import org.postern.api.RefusalReason;

/** Renders a {@link MetricsSnapshot} in the Prometheus text exposition format, version 0.0.4. */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {
    }

    /**
     * @param m             the counters
     * @param replayDigests digests in the replay cache, or -1 when unknown
     */
    static String render(MetricsSnapshot m, long replayDigests) {
        PrometheusText t = new PrometheusText();
        t.family("postern_packets_received_total", "counter", "Packets handed to the SPA pipeline, by capture source");
        Map<String, Long> byCapture = new TreeMap<>(m.byCapture());
        if (byCapture.isEmpty()) {
            t.sample("postern_packets_received_total", "", m.received());
        }
        byCapture.forEach((capture, n) -> t.sample("postern_packets_received_total", label("capture", capture), n));
        t.single("postern_packets_accepted_total", "counter",
                "Packets accepted: a grant opened or extended, or a command run", m.accepted());
        t.family("postern_packets_refused_total", "counter", "Packets refused, by pipeline step and reason");
        for (RefusalReason r : RefusalReason.values()) {
            t.sample("postern_packets_refused_total",
                    label("step", r.step().name()) + "," + label("reason", r.name()), m.refused().getOrDefault(r, 0L));
        }
        t.single("postern_grants_opened_total", "counter", "Grants opened (extensions not counted)", m.grantsOpened());
        t.single("postern_grants_closed_total", "counter", "Grants closed: expired or revoked", m.grantsClosed());
        t.single("postern_grants_revoked_total", "counter", "Grants closed early by spa:revoke or the cluster",
                m.grantsRevoked());
        t.single("postern_grants_live", "gauge", "Grants open now", m.grantsLive());
        if (replayDigests >= 0) {
            t.single("postern_replay_cache_digests", "gauge", "Digests held by the replay cache", replayDigests);
        }
        t.histogram("postern_pipeline_latency_seconds", "Time from a packet's hand-over to the pipeline's decision",
                m.latency());
        return t.out.toString();
    }

    private void family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void single(String name, String type, String help, long value) {
        family(name, type, help);
        sample(name, "", value);
    }

    private void sample(String name, String labels, long value) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(value).append('\n');
    }

    private void histogram(String name, String help, LatencyHistogram h) {
        family(name, "histogram", help);
        List<Long> bounds = h.boundsMicros();
        long cumulative = 0;
        for (int i = 0; i < bounds.size(); i++) {
            cumulative += h.counts().get(i);
            out.append(name).append("_bucket{le=\"").append(seconds(bounds.get(i))).append("\"} ").append(cumulative)
                    .append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(h.count()).append('\n');
        out.append(name).append("_sum ").append(seconds(h.sumMicros())).append('\n');
        out.append(name).append("_count ").append(h.count()).append('\n');
    }

    static String seconds(long micros) {
        return java.math.BigDecimal.valueOf(micros, 6).stripTrailingZeros().toPlainString();
    }

    /** A label pair with the value escaped as the format requires (backslash, double quote, line feed). */
    static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
