package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Two daemons from ONE unpacked distribution, at once, each in its own gateway namespace with its own run
 * directory: both start, both grant, neither disturbs the other.
 */
class TwoGatewaysIT extends GatewaySupport {

    @Test
    void twoDaemonsFromOneDistribution() throws Exception {
        try (NetnsTestbed second = new NetnsTestbed(IPTABLES).up()) {
            Path dirA = DaemonProcess.writeConfig(tempDir("gw-a"), bed, true, List.of(), stanza());
            Path dirB = DaemonProcess.writeConfig(tempDir("gw-b"), second, false, List.of(), stanza());
            try (DaemonProcess a = DaemonProcess.postern(assembly, dirA, bed, true);
                    DaemonProcess b = DaemonProcess.postern(assembly, dirB, second, false)) {
                a.start("Capture source udp:fwknopd running", Duration.ofSeconds(90));
                b.start("Capture source pcap:fwknopd running", Duration.ofSeconds(90));
                assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
                List<String> knockB = new java.util.ArrayList<>(List.of("fwknop", "--no-rc-file", "--no-save-args",
                        "-D", second.serverIp, "-a", second.clientIp, "-A", "tcp/" + NetnsTestbed.SERVICE_PORT));
                knockB.addAll(keys());
                assertTrue(second.cli(knockB).ok());
                assertTrue(ruleAppears(), "gateway A opened nothing:\n" + a.logText());
                assertTrue(Wait.until(Duration.ofSeconds(5),
                        () -> second.ruleFor("FWKNOP_INPUT", second.clientIp, NetnsTestbed.SERVICE_PORT)),
                        "gateway B opened nothing:\n" + b.logText());
                assertTrue(bed.serviceOpen() && second.serviceOpen(), "a service stayed closed");
                assertEquals(0, a.stop());
                assertTrue(b.alive(), "stopping A stopped B");
                assertEquals(0, b.stop());
            }
        }
    }
}
