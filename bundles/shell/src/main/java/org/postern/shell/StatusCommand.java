package org.postern.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.postern.api.DaemonMetrics;
import org.postern.api.MetricsSnapshot;
import org.postern.api.PolicyControl;
import org.postern.api.PolicyState;

@Command(scope = "spa", name = "status",
        description = "Shows the configuration in force, the daemon's counters and every DS component of the Postern "
                + "bundles with its state; the last line sums up")
@Service
public class StatusCommand extends SpaCommand {

    static final String BUNDLE_PREFIX = "org.postern.";

    @Reference(optional = true)
    ServiceComponentRuntime runtime;

    @Reference(optional = true)
    PolicyControl control;

    @Reference(optional = true)
    DaemonMetrics metrics;

    @Override
    public Object execute() {
        if (runtime == null) {
            return absent("service component runtime");
        }
        Bundle[] bundles = Arrays.stream(bundleContext.getBundles())
                .filter(b -> b.getSymbolicName() != null && b.getSymbolicName().startsWith(BUNDLE_PREFIX))
                .toArray(Bundle[]::new);
        List<ComponentHealth> all = new ArrayList<>();
        if (bundles.length > 0) {
            for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs(bundles)) {
                all.addAll(ComponentHealth.of(description.bundle.symbolicName, description,
                        runtime.isComponentEnabled(description), runtime.getComponentConfigurationDTOs(description)));
            }
        }
        daemon();
        report(all);
        return null;
    }

    /** The configuration in force, the last reload's outcome and the counters, when the daemon runs. */
    void daemon() {
        if (control != null) {
            PolicyState s = control.state();
            out().println("Configuration: " + s.stanzas() + " access stanza(s) from " + String.join(", ", s.sources())
                    + ", in force since " + s.loadedAt() + "; reloads " + s.reloads() + ", refused " + s.failures());
            if (!s.ok()) {
                out().println("Last reload refused at " + s.lastErrorAt() + " (the configuration above stays in force): "
                        + s.lastError());
            }
        } else {
            out().println("Configuration: no daemon running (see the components below)");
        }
        if (metrics == null) {
            return;
        }
        MetricsSnapshot m = metrics.metrics();
        out().println("Packets: received " + m.received() + ", accepted " + m.accepted() + ", refused "
                + m.refusedTotal() + "; grants opened " + m.grantsOpened() + ", closed " + m.grantsClosed() + ", live "
                + m.grantsLive());
        if (!m.refused().isEmpty() || !m.byCapture().isEmpty()) {
            ShellTable counters = table("Counter", "Count");
            m.refused().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> counters.addRow().addContent("refused " + e.getKey().step() + "/" + e.getKey(),
                            e.getValue()));
            m.byCapture().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> counters.addRow().addContent("capture " + e.getKey(), e.getValue()));
            print(counters);
        }
    }

    void report(List<ComponentHealth> all) {
        List<ComponentHealth> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(ComponentHealth::bundle).thenComparing(ComponentHealth::component));
        ShellTable table = table("Bundle", "Component", "State", "Detail");
        for (ComponentHealth health : sorted) {
            table.addRow().addContent(health.bundle(), health.component(), health.state(), health.detail());
        }
        if (!sorted.isEmpty()) {
            print(table);
        }
        out().println(ComponentHealth.summary(sorted));
    }
}
