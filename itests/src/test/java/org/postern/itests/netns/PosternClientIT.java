package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Postern's client against the real fwknopd 2.6.10, and against Postern's own daemon. */
class PosternClientIT extends GatewaySupport {

    @Test
    void posternClientOpensRealFwknopd() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("real-fwknopd"), bed, false, List.of(), stanza());
        try (DaemonProcess d = DaemonProcess.fwknopd(dir, bed, false).start("Starting fwknopd main event loop",
                Duration.ofSeconds(30))) {
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> !bed.rules("FWKNOP_INPUT").isEmpty()),
                    "fwknopd made no FWKNOP_INPUT chain:\n" + d.logText());
            assertClosedByTimeout("before the SPA");
            Exec.Result r = posternClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT));
            assertTrue(r.ok(), r.out());
            assertTrue(ruleAppears(), "fwknopd opened nothing for Postern's packet; log:\n" + d.logText());
            assertTrue(bed.serviceOpen(), "service closed although fwknopd added a rule");
            assertTrue(d.logText().contains("Added access rule to FWKNOP_INPUT for " + bed.clientIp), d.logText());
            assertTrue(ruleGone(TIMEOUT + 5), "fwknopd did not expire the rule");
        }
    }

    @Test
    void posternClientOpensPosternDaemon() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("postern-postern"), bed, true, List.of(), stanza());
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true).start("Capture source udp:fwknopd running",
                Duration.ofSeconds(60))) {
            assertClosedByTimeout("before the SPA");
            Exec.Result r = posternClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT));
            assertTrue(r.ok(), r.out());
            assertTrue(ruleAppears(), "no rule; log:\n" + d.logText());
            assertTrue(bed.serviceOpen());
            assertTrue(ruleGone(TIMEOUT + 5));
            assertEquals(0, d.stop());
        }
    }
}
