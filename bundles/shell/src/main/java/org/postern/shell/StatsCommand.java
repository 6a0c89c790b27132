package org.postern.shell;

import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.DaemonMetrics;
import org.postern.api.LatencyHistogram;
import org.postern.api.MetricsSnapshot;
import org.postern.api.RefusalReason;

@Command(scope = "spa", name = "stats",
        description = "The daemon's counters since start: packets by capture source, accepted, refused by reason "
                + "(every reason, also those at zero), grants, and the pipeline's latency percentiles")
@Service
public class StatsCommand extends SpaCommand {

    @Reference(optional = true)
    DaemonMetrics metrics;

    @Override
    public Object execute() {
        if (metrics == null) {
            return absent("daemon (org.postern.server)");
        }
        MetricsSnapshot m = metrics.metrics();
        out().println("Packets received " + m.received() + ", accepted " + m.accepted() + ", refused "
                + m.refusedTotal());
        out().println("Grants opened " + m.grantsOpened() + ", closed " + m.grantsClosed() + " (revoked "
                + m.grantsRevoked() + "), live " + m.grantsLive());
        LatencyHistogram h = m.latency();
        if (h.count() > 0) {
            out().println("Pipeline latency: p50 " + micros(percentile(h, 0.50)) + ", p90 "
                    + micros(percentile(h, 0.90)) + ", p99 " + micros(percentile(h, 0.99)) + ", mean "
                    + (h.sumMicros() / h.count()) + " µs over " + h.count() + " packets");
        }
        ShellTable byCapture = table("Capture", "Packets");
        m.byCapture().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> byCapture.addRow().addContent(e.getKey(), e.getValue()));
        if (!m.byCapture().isEmpty()) {
            print(byCapture);
        }
        ShellTable refusals = table("Step", "Reason", "Count", "Meaning");
        for (RefusalReason r : RefusalReason.values()) {
            refusals.addRow().addContent(r.step(), r, m.refused().getOrDefault(r, 0L), r.description());
        }
        print(refusals);
        return null;
    }

    /**
     * The upper bound of the bucket holding the given fraction of packets (a bound, not an interpolation: the
     * histogram's resolution); {@code -1} when it lies beyond the last bound.
     */
    static long percentile(LatencyHistogram h, double fraction) {
        long total = h.count();
        long wanted = (long) Math.ceil(total * fraction);
        long seen = 0;
        List<Long> counts = h.counts();
        for (int i = 0; i < counts.size(); i++) {
            seen += counts.get(i);
            if (seen >= wanted) {
                return i < h.boundsMicros().size() ? h.boundsMicros().get(i) : -1;
            }
        }
        return -1;
    }

    static String micros(long us) {
        if (us < 0) {
            return "> 1 s";
        }
        return us < 1000 ? "≤ " + us + " µs" : "≤ " + (us / 1000.0) + " ms";
    }
}
