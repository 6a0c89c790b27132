package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Changing the firewall backend of a running daemon moves its live grants: the daemon runs on iptables
 * (fwknopd.conf's default), a grant is live, the operator adds an nftables backend configuration (hooked into
 * iptables-nft's INPUT chain, where the drop is) and then points {@code firewall.target} at it, both as
 * etc/*.cfg files: the grant is applied through nftables and removed from FWKNOP_INPUT, the service stays
 * open, and it closes at the grant's original expiry. {@code spa:backends} shows which backend is in force.
 */
class BackendSwapIT extends GatewaySupport {

    private static final int LONG_TIMEOUT = 25;

    @Test
    void retargetingTheFirewallChoiceMovesTheLiveGrant() throws Exception {
        assumeTrue(Exec.installed("nft"), "nft needed");
        Path root = tempDir("swap");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of(),
                stanza("FW_ACCESS_TIMEOUT " + LONG_TIMEOUT));
        String client = bed.clientIp;
        int port = NetnsTestbed.SERVICE_PORT;
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            Instant knocked = Instant.now();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + port)).ok());
            assertTrue(ruleAppears(), "no iptables rule; log:\n" + d.logText());

            Files.writeString(dist.home.resolve("etc/org.postern.firewall.nftables.cfg"),
                    "hookChain = ip filter INPUT\n");
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.logText().contains("nftables backend ready")),
                    "the nftables backend did not start; log:\n" + d.logText());
            String before = shell(dist.home, "spa:backends --no-format");
            assertTrue(before.lines().anyMatch(l -> l.startsWith("iptables") && l.trim().endsWith("yes")), before);
            assertTrue(bed.ruleFor("FWKNOP_INPUT", client, port), "a second backend alone must not move anything");

            Files.writeString(dist.home.resolve("etc/org.postern.firewall.cfg"), "firewall.target = (backend=nftables)\n");
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.logText().contains(
                    "Moved 1 live grant(s) from firewall backend iptables to nftables")), "no move; log:\n" + d.logText());
            assertTrue(bed.nftElementFor("ip", "filter", client, port), "the grant is not in nftables");
            assertFalse(bed.ruleFor("FWKNOP_INPUT", client, port), "the grant stayed in iptables:\n" + bed.rules("FWKNOP_INPUT"));
            assertTrue(bed.serviceOpen(), "the service closed during the move");

            String after = shell(dist.home, "spa:backends --no-format");
            assertTrue(after.lines().anyMatch(l -> l.startsWith("nftables") && l.trim().endsWith("yes")), after);
            assertTrue(after.contains("rules of nftables (in force):") && after.contains(client + " . 6 . " + port), after);

            Instant expiry = knocked.plusSeconds(LONG_TIMEOUT);
            assertTrue(Wait.until(Duration.between(Instant.now(), expiry.plusSeconds(2)),
                    () -> !bed.nftElementFor("ip", "filter", client, port)),
                    "the moved grant outlived its expiry by more than 2 s; log:\n" + d.logText());
            assertClosedByTimeout("after the moved grant expired");
            assertEquals(0, d.stop());
        }
    }
}
