package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real fwknop 2.6.10 client against Postern's daemon, in UDP-server mode (-U) and sniffing the veth
 * with pcap: closed before, open after, closed again after FW_ACCESS_TIMEOUT; the same packet replayed,
 * also after a restart, is refused as a replay and opens nothing.
 */
class FwknopClientToPosternIT extends GatewaySupport {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"udp", "pcap"})
    void realClientOpensAndTheGrantExpires(String mode) throws Exception {
        boolean udp = mode.equals("udp");
        Path dir = DaemonProcess.writeConfig(tempDir(mode), bed, udp, List.of(), stanza());
        String running = "Capture source " + mode + ":fwknopd running";
        Path pkt = dir.resolve("knock.spa");
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, udp).start(running, Duration.ofSeconds(60))) {
            assertClosedByTimeout("before the SPA");

            Exec.Result r = realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--save-packet",
                    pkt.toString()));
            assertTrue(r.ok(), r.out());
            assertTrue(ruleAppears(), "no FWKNOP_INPUT rule after the SPA; log:\n" + d.logText());
            assertTrue(bed.serviceOpen(), "service still closed after the SPA");
            assertTrue(d.logText().contains("accepted by stanza"), d.logText());

            assertTrue(ruleGone(TIMEOUT + 5), "rule outlived FW_ACCESS_TIMEOUT:\n" + bed.rules("FWKNOP_INPUT"));
            assertClosedByTimeout("after FW_ACCESS_TIMEOUT");

            long before = d.count("REPLAY");
            bed.sendUdp(pkt, NetnsTestbed.SPA_PORT);
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> d.count("REPLAY") > before),
                    "replay not refused; log:\n" + d.logText());
            assertTrue(d.logText().contains("Replay detected from source IP: " + bed.clientIp));
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "replay opened the port");

            assertEquals(0, d.stop(), "SIGTERM must end bin/fwknopd -f with status 0");
            assertEquals("", bed.rules("FWKNOP_INPUT"), "FLUSH_IPT_AT_EXIT left the chain");
        }
        // the replay cache is durable: after a restart the same packet is still a replay
        String digest = Files.readString(dir.resolve("digest.cache"));
        assertTrue(digest.lines().count() >= 2, digest);
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, udp).start(running, Duration.ofSeconds(60))) {
            long before = d.count("Replay detected");
            bed.sendUdp(pkt, NetnsTestbed.SPA_PORT);
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> d.count("Replay detected") > before),
                    "replay after restart not refused; log:\n" + d.logText());
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));
        }
    }
}
