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

@Command(scope = "spa", name = "status",
        description = "Shows every DS component of the Postern bundles and its state; the last line sums up")
@Service
public class StatusCommand extends SpaCommand {

    static final String BUNDLE_PREFIX = "org.postern.";

    @Reference(optional = true)
    ServiceComponentRuntime runtime;

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
        report(all);
        return null;
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
