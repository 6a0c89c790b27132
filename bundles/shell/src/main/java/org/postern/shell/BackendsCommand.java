package org.postern.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;

@Command(scope = "spa", name = "backends",
        description = "Lists the firewall backends, best ranked first, with the rules each holds")
@Service
public class BackendsCommand extends SpaCommand {

    @Override
    public Object execute() {
        withServices(FirewallBackend.class, backends -> {
            if (backends.isEmpty()) {
                absent("firewall backend");
                return;
            }
            ShellTable table = table("Backend", "Ranking", "Service id");
            for (Registered<FirewallBackend> backend : backends) {
                table.addRow().addContent(backend.property(FirewallBackend.BACKEND_PROPERTY), backend.ranking(),
                        backend.serviceId());
            }
            print(table);
            for (Registered<FirewallBackend> backend : backends) {
                out().println();
                out().println("rules of " + backend.property(FirewallBackend.BACKEND_PROPERTY) + ":");
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
}
