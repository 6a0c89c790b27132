package org.postern.shell;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.postern.api.AccessGrant;
import org.postern.api.GrantRegistry;

/** Completes the ids of the live grants. */
@Service
public class GrantIdCompleter implements Completer {

    @Reference(optional = true)
    GrantRegistry registry;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter ids = new StringsCompleter();
        if (registry != null) {
            for (AccessGrant grant : registry.grants()) {
                ids.getStrings().add(grant.id());
            }
        }
        return ids.complete(session, commandLine, candidates);
    }
}
