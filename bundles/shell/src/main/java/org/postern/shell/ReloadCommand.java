package org.postern.shell;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.api.PolicyControl;
import org.postern.api.PolicyState;

@Command(scope = "spa", name = "reload", description = "Re-reads fwknopd.conf, access.conf and the native stanzas now;"
        + " live grants stay open, an error keeps the configuration in force")
@Service
public class ReloadCommand extends SpaCommand {

    @Reference(optional = true)
    PolicyControl control;

    @Override
    public Object execute() {
        if (control == null) {
            return absent("daemon (policy control)");
        }
        PolicyState s = control.reload();
        if (!s.ok()) {
            throw new IllegalStateException("reload refused, the last good configuration stays in force: "
                    + s.lastError());
        }
        out().println("reloaded: " + s.stanzas() + " access stanza(s) in force from " + String.join(", ", s.sources())
                + "; live grants kept");
        return null;
    }
}
