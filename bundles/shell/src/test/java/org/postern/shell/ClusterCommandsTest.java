package org.postern.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.ClusterGrants;
import org.postern.api.GatewayGrant;
import org.postern.api.PortSpec;

/** spa:grants --cluster and spa:revoke of another gateway's grant, against a fake ClusterGrants. */
class ClusterCommandsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private <C extends SpaCommand> C wire(C command) {
        command.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        command.noFormat = true;
        return command;
    }

    private static GatewayGrant grant(String gateway, String id) throws Exception {
        return new GatewayGrant(gateway, new AccessGrant(id, InetAddress.getByName("192.0.2.7"), null,
                PortSpec.parseList("tcp/22"), NOW.plusSeconds(20), "access.conf:1"));
    }

    private static final class Cluster implements ClusterGrants {
        final List<GatewayGrant> live = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        public String localGateway() {
            return "A";
        }

        public List<GatewayGrant> grants() {
            return List.copyOf(live);
        }

        public Optional<GatewayGrant> revoke(String gateway, String id) {
            asked.add(gateway + "/" + id);
            Optional<GatewayGrant> g = live.stream().filter(x -> x.qualifiedId().equals(gateway + "/" + id)).findFirst();
            g.ifPresent(live::remove);
            return g;
        }
    }

    @Test
    void grantsOfEveryGatewayWithQualifiedIds() throws Exception {
        Cluster cluster = new Cluster();
        cluster.live.add(grant("A", "1"));
        cluster.live.add(grant("B", "3"));
        GrantsCommand command = wire(new GrantsCommand());
        command.cluster = true;
        command.clusterGrants = cluster;
        command.execute();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("A/1") && out.contains("B/3"), out);
    }

    @Test
    void revokeOfAnotherGatewaysGrantGoesThroughTheCluster() throws Exception {
        Cluster cluster = new Cluster();
        cluster.live.add(grant("B", "3"));
        RevokeCommand command = wire(new RevokeCommand());
        command.clusterGrants = cluster;
        command.id = "B/3";
        command.execute();
        assertEquals(List.of("B/3"), cluster.asked);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("revoked B/3: 192.0.2.7 tcp/22"));
        command.id = "B/9";
        assertThrows(IllegalArgumentException.class, command::execute);
    }

    @Test
    void withoutTheClusterFeatureSaysSo() {
        GrantsCommand grants = wire(new GrantsCommand());
        grants.cluster = true;
        grants.execute();
        RevokeCommand revoke = wire(new RevokeCommand());
        revoke.id = "B/3";
        revoke.execute();
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.lines().filter(l -> l.equals("no cluster (feature postern-cluster) available")).count(), out);
    }
}
