package org.postern.shell;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.dto.ServiceReferenceDTO;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;

@Command(scope = "spa", name = "backends",
        description = "Lists the firewall backends, best ranked first, marks the one in force, and shows the rules each holds")
@Service
public class BackendsCommand extends SpaCommand {

    /** The server's component that holds the backend in force, and its reference. */
    static final String SLOT_COMPONENT = "org.postern.server.FirewallSlot";
    static final String SLOT_REFERENCE = "firewall";

    @Reference(optional = true)
    ServiceComponentRuntime runtime;

    @Override
    public Object execute() {
        long inForce = inForce();
        withServices(FirewallBackend.class, backends -> {
            if (backends.isEmpty()) {
                absent("firewall backend");
                return;
            }
            ShellTable table = table("Backend", "Ranking", "Service id", "In force");
            for (Registered<FirewallBackend> backend : backends) {
                table.addRow().addContent(backend.property(FirewallBackend.BACKEND_PROPERTY), backend.ranking(),
                        backend.serviceId(), backend.serviceId() == inForce ? "yes" : "");
            }
            print(table);
            if (inForce < 0) {
                out().println("no backend in force (no daemon running, or none matches firewall.target)");
            }
            for (Registered<FirewallBackend> backend : backends) {
                out().println();
                out().println("rules of " + backend.property(FirewallBackend.BACKEND_PROPERTY)
                        + (backend.serviceId() == inForce ? " (in force)" : "") + ":");
                try {
                    List<String> rules = backend.service().list();
                    if (rules.isEmpty()) {
                        out().println("    (none)");
                    }
                    for (String rule : rules) {
                        out().println("    " + rule);
                    }
                } catch (FirewallException | RuntimeException | LinkageError e) {
                    out().println("    " + failure(e));
                }
            }
        });
        return null;
    }

    /**
     * The service id of the backend the daemon uses: what DS bound to the server's {@value #SLOT_REFERENCE}
     * reference (honouring {@code firewall.target} and ranking), or -1 when nothing is bound or that cannot
     * be told. Tests override it.
     */
    protected long inForce() {
        if (runtime == null || bundleContext == null) {
            return -1;
        }
        Bundle[] bundles = Arrays.stream(bundleContext.getBundles())
                .filter(b -> "org.postern.server".equals(b.getSymbolicName())).toArray(Bundle[]::new);
        if (bundles.length == 0) {
            return -1;
        }
        for (ComponentDescriptionDTO description : runtime.getComponentDescriptionDTOs(bundles)) {
            if (!SLOT_COMPONENT.equals(description.name)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                for (SatisfiedReferenceDTO reference : configuration.satisfiedReferences) {
                    if (SLOT_REFERENCE.equals(reference.name) && reference.boundServices.length > 0) {
                        ServiceReferenceDTO bound = reference.boundServices[0];
                        return bound.id;
                    }
                }
            }
        }
        return -1;
    }
}
