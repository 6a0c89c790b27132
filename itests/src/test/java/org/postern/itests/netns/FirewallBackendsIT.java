package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same SPA path through each runnable firewall backend, chosen with fwknopd.conf's FIREWALL_TYPE (and
 * FIREWALL_EXE): the real fwknop 2.6.10 client opens the protected service, a second knock extends the one
 * opening instead of stacking, and the service is closed again within 2 s of FW_ACCESS_TIMEOUT; a clean stop
 * leaves nothing of Postern in the firewall. The gateway's drop policy is made with the same tool the backend
 * uses (iptables-nft, iptables-legacy, or nft's inet filter input). IPv6 is covered per backend by the bundles'
 * contract tests (the fwknop client only speaks IPv4).
 */
class FirewallBackendsIT extends GatewaySupport {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iptables-nft", "iptables-legacy", "nftables"})
    void spaOpensReKnockExtendsTimeoutCloses(String kind) throws Exception {
        boolean nft = kind.equals("nftables");
        assumeTrue(Exec.installed(nft ? "nft" : kind), kind + " needed");
        bed.close();
        bed = nft ? NetnsTestbed.withNftablesPolicy().up() : new NetnsTestbed("/usr/sbin/" + kind).up();
        List<String> conf = nft ? List.of("FIREWALL_TYPE nftables", "FIREWALL_EXE /usr/sbin/nft") : List.of();
        Path dir = DaemonProcess.writeConfig(tempDir(kind), bed, true, conf, stanza());
        BooleanSupplier opened = nft ? () -> bed.nftElementFor(bed.clientIp, NetnsTestbed.SERVICE_PORT)
                : () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT);

        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.logText().contains("Firewall backend in force: "
                    + (nft ? "nftables" : "iptables"))), "backend not in force; log:\n" + d.logText());
            assertClosedByTimeout("before the SPA");

            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), opened), "nothing opened; log:\n" + d.logText());
            assertTrue(bed.serviceOpen(), kind + ": service still closed after the SPA");

            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            long knocked = System.nanoTime();
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> d.logText().contains("extended")),
                    "the second knock did not extend the grant; log:\n" + d.logText());
            assertEquals(1, openings(nft), "stacked instead of extended");

            long deadlineMs = (TIMEOUT + 2 + 1) * 1000L - (System.nanoTime() - knocked) / 1_000_000;
            assertTrue(Wait.until(Duration.ofMillis(deadlineMs), () -> !opened.getAsBoolean()),
                    kind + ": the opening outlived FW_ACCESS_TIMEOUT by more than 2 s; log:\n" + d.logText());
            assertClosedByTimeout("after FW_ACCESS_TIMEOUT");

            assertEquals(0, d.stop());
            if (nft) {
                String table = bed.srv("nft", "list", "table", "inet", "filter").out();
                assertFalse(table.contains("postern"), "objects left after a clean stop:\n" + table);
                assertTrue(table.contains("tcp dport " + NetnsTestbed.SERVICE_PORT + " drop"), "operator's rules gone:\n" + table);
            } else {
                assertEquals("", bed.rules("FWKNOP_INPUT"), "chain left after a clean stop");
            }
        }
    }

    /**
     * fwknop's command cycle: FIREWALL_TYPE cmd-cycle (the postern-firewall-cmdcycle feature added to the boot
     * features of a private copy of the distribution) runs the stanza's CMD_CYCLE_OPEN when the real client
     * knocks and its CMD_CYCLE_CLOSE after CMD_CYCLE_TIMER, here iptables-nft commands with $PROTO $SRC $PORT.
     */
    @org.junit.jupiter.api.Test
    void commandCycleStanzaOpensAndClosesThroughItsCommands() throws Exception {
        bed.close();
        bed = new NetnsTestbed(IPTABLES).up();
        Path root = tempDir("cmd-cycle");
        org.postern.itests.Distribution dist = org.postern.itests.Distribution.copyOf(assembly, root);
        Path features = dist.home.resolve("etc/org.apache.karaf.features.cfg");
        java.nio.file.Files.writeString(features, java.nio.file.Files.readString(features)
                .replaceFirst("(?m)^(featuresBoot\\s*=.*)$", "$1, postern-firewall-cmdcycle"));
        String rule = "-p $PROTO -s $SRC --dport $PORT -j ACCEPT";
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of("FIREWALL_TYPE cmd-cycle"),
                stanza("CMD_CYCLE_OPEN " + IPTABLES + " -w -I INPUT 1 " + rule,
                        "CMD_CYCLE_CLOSE " + IPTABLES + " -w -D INPUT " + rule, "CMD_CYCLE_TIMER " + TIMEOUT));
        BooleanSupplier opened = () -> bed.rules("INPUT").contains("-A INPUT -s " + bed.clientIp
                + "/32 -p tcp -m tcp --dport " + NetnsTestbed.SERVICE_PORT + " -j ACCEPT");
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.logText().contains("Firewall backend in force: cmd-cycle")),
                    "cmd-cycle not in force; log:\n" + d.logText());
            assertClosedByTimeout("before the SPA");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            long knocked = System.nanoTime();
            assertTrue(Wait.until(Duration.ofSeconds(5), opened), "CMD_CYCLE_OPEN did not run; log:\n" + d.logText());
            assertTrue(bed.serviceOpen(), "service still closed after CMD_CYCLE_OPEN");
            long deadlineMs = (TIMEOUT + 2 + 1) * 1000L - (System.nanoTime() - knocked) / 1_000_000;
            assertTrue(Wait.until(Duration.ofMillis(deadlineMs), () -> !opened.getAsBoolean()),
                    "CMD_CYCLE_CLOSE did not run within 2 s of CMD_CYCLE_TIMER; log:\n" + d.logText());
            assertClosedByTimeout("after CMD_CYCLE_TIMER");
            assertTrue(d.logText().contains("Ran command cycle close for " + bed.clientIp), d.logText());
            assertEquals(0, d.stop());
        }
    }

    private static long openings(boolean nft) {
        if (nft) {
            return bed.srv("nft", "list", "set", "inet", "filter", "postern_allow4").out().lines()
                    .filter(l -> l.contains(bed.clientIp + " . tcp")).count();
        }
        return bed.rules("FWKNOP_INPUT").lines().filter(l -> l.contains("-s " + bed.clientIp + "/32")).count();
    }
}
