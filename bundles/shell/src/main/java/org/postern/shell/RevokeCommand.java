package org.postern.shell;

import java.util.Optional;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.postern.api.AccessGrant;
import org.postern.api.ClusterGrants;
import org.postern.api.GatewayGrant;
import org.postern.api.GrantRegistry;

@Command(scope = "spa", name = "revoke", description = "Closes a live grant now")
@Service
public class RevokeCommand extends SpaCommand {

    @Argument(index = 0, name = "id", description = "The grant id, as spa:grants shows it", required = true)
    @Completion(GrantIdCompleter.class)
    String id;

    @Reference(optional = true)
    GrantRegistry registry;

    @Reference(optional = true)
    ClusterGrants clusterGrants;

    @Override
    public Object execute() {
        int slash = id.lastIndexOf('/');
        if (slash > 0) {
            // <gateway>/<id> from spa:grants --cluster: the owning gateway closes it (postern-cluster)
            if (clusterGrants == null) {
                return absent("cluster (feature postern-cluster)");
            }
            Optional<GatewayGrant> g = clusterGrants.revoke(id.substring(0, slash), id.substring(slash + 1));
            if (g.isEmpty()) {
                throw new IllegalArgumentException("no live grant " + id + " in the cluster (or its gateway did not answer)");
            }
            AccessGrant grant = g.get().grant();
            out().println("revoked " + g.get().qualifiedId() + ": " + grant.source().getHostAddress() + " "
                    + GrantsCommand.ports(grant.ports()) + (grant.stanza().isEmpty() ? "" : " (" + grant.stanza() + ")"));
            return null;
        }
        if (registry == null) {
            return absent("grant registry");
        }
        Optional<AccessGrant> revoked = registry.revoke(id);
        if (revoked.isEmpty()) {
            throw new IllegalArgumentException("no live grant with id " + id);
        }
        AccessGrant grant = revoked.get();
        out().println("revoked " + grant.id() + ": " + grant.source().getHostAddress() + " "
                + GrantsCommand.ports(grant.ports()) + (grant.stanza().isEmpty() ? "" : " (" + grant.stanza() + ")"));
        return null;
    }
}
