package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The running daemon exposes nothing but its configured capture source: every other listening socket in the
 * gateway namespace (Karaf's SSH 8101, JMX RMI 1099/44444, HTTP 8181, the control socket) is bound to loopback,
 * and none of those ports answers from the client namespace.
 */
class ListeningPortsIT extends GatewaySupport {

    @Test
    void onlyTheCaptureSourceListensBeyondLoopback() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("ports"), bed, true, List.of(), stanza());
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            boolean sawCapture = false;
            String ss = bed.srv("ss", "-H", "-ltnup").out();
            System.out.println("ListeningPortsIT ss -ltnup in the gateway:\n" + ss);
            for (String line : ss.lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    continue;
                }
                String proto = f[0];
                String local = f[4];
                String addr = local.substring(0, local.lastIndexOf(':'));
                String port = local.substring(local.lastIndexOf(':') + 1);
                boolean loopback = addr.startsWith("127.") || addr.equals("[::1]") || addr.startsWith("[::ffff:127.");
                boolean capture = proto.equals("udp") && port.equals(Integer.toString(NetnsTestbed.SPA_PORT));
                boolean testService = port.equals(Integer.toString(NetnsTestbed.SERVICE_PORT)) && !line.contains("java");
                sawCapture |= capture && line.contains("java");
                assertTrue(loopback || capture || testService, "listens beyond loopback: " + line);
            }
            assertTrue(sawCapture, "the daemon's udp/" + NetnsTestbed.SPA_PORT + " socket not seen: ss sees nothing");
            for (int port : new int[] {8101, 1099, 44444, 8181}) {
                assertFalse(bed.cli("nc", "-z", "-w", "1", bed.serverIp, Integer.toString(port)).ok(),
                        "port " + port + " answers from the client namespace");
            }
            assertTrue(d.alive());
        }
    }
}
