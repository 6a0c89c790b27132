package org.postern.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.postern.api.AccessGrant;
import org.postern.api.ClusterGrants;
import org.postern.api.GatewayGrant;
import org.postern.api.GrantRegistry;
import org.postern.api.PortSpec;

@Command(scope = "spa", name = "grants", description = "Lists the live grants: who may reach which ports, until when")
@Service
public class GrantsCommand extends SpaCommand {

    @Reference(optional = true)
    GrantRegistry registry;

    @Option(name = "--cluster", description = "The live grants of every gateway of the cluster (postern-cluster); "
            + "ids are <gateway>/<id>, as spa:revoke takes them")
    boolean cluster;

    @Reference(optional = true)
    ClusterGrants clusterGrants;

    @Override
    public Object execute() {
        if (cluster) {
            return clusterTable();
        }
        if (registry == null) {
            return absent("grant registry");
        }
        List<AccessGrant> grants = registry.grants();
        Instant now = clock.instant();
        ShellTable table = table("Id", "Source", "Ports", "Stanza", "Seconds left");
        table.emptyTableText("no live grants");
        for (AccessGrant grant : grants) {
            table.addRow().addContent(grant.id(), grant.source().getHostAddress(), ports(grant.ports()),
                    grant.stanza(), secondsLeft(now, grant.expiresAt()));
        }
        print(table);
        return null;
    }

    private Object clusterTable() {
        if (clusterGrants == null) {
            return absent("cluster (feature postern-cluster)");
        }
        Instant now = clock.instant();
        ShellTable table = table("Id", "Gateway", "Source", "Ports", "Stanza", "Seconds left");
        table.emptyTableText("no live grants in the cluster");
        for (GatewayGrant g : clusterGrants.grants()) {
            AccessGrant grant = g.grant();
            table.addRow().addContent(g.qualifiedId(), g.gateway(), grant.source().getHostAddress(),
                    ports(grant.ports()), grant.stanza(), secondsLeft(now, grant.expiresAt()));
        }
        print(table);
        return null;
    }

    static String ports(List<PortSpec> ports) {
        return ports.stream().map(PortSpec::toString).collect(Collectors.joining(","));
    }

    static long secondsLeft(Instant now, Instant expiresAt) {
        return Math.max(0L, Duration.between(now, expiresAt).toSeconds());
    }
}
