package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Capture sources come and go in the running daemon and nothing else notices: with four sources running (libpcap
 * and the TCP listener from fwknopd.conf, a UDP socket and an HTTP listener from their own .cfg files) and a live
 * grant, the TCP source's bundle is removed ({@code bundle:uninstall}) and added again
 * ({@code feature:install -r postern-capture-tcp}), and the UDP source's .cfg is edited to another port. The other
 * sources are never restarted, the grant stays, and {@code spa:captures} shows each step.
 */
class CaptureHotSwapIT extends GatewaySupport {

    static final int TCP_PORT = 62202;
    static final int HTTP_PORT = 62203;
    static final int UDP_PORT = 62204;
    static final int UDP_PORT_NEW = 62205;

    @Test
    void removeReAddAndReconfigureOneSourceWhileTheOthersAndTheGrantsStay() throws Exception {
        Path root = tempDir("hotswap");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path udpCfg = dist.home.resolve("etc/org.postern.capture.udp-side.cfg");
        Files.writeString(udpCfg, "name = side\nport = " + UDP_PORT + "\n");
        Files.writeString(dist.home.resolve("etc/org.postern.capture.http-web.cfg"), "name = web\nport = " + HTTP_PORT
                + "\n");
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false,
                List.of("ENABLE_TCP_SERVER Y", "TCPSERV_PORT " + TCP_PORT), stanza());
        bed.acceptTcp(TCP_PORT);
        bed.acceptTcp(HTTP_PORT);
        bed.acceptUdp(UDP_PORT);
        bed.acceptUdp(UDP_PORT_NEW);
        Path home = dist.home;
        try (DaemonProcess d = DaemonProcess.postern(home, dir, bed, false)
                .start("Capture source pcap:fwknopd running", Duration.ofSeconds(90))) {
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> shell(home, "spa:status").contains("components")),
                    "no shell in the gateway");
            String captures = shell(home, "spa:captures");
            for (String kind : List.of("pcap", "tcp", "udp", "http")) {
                assertEquals("RUNNING", state(captures, kind), kind + "\n" + captures);
            }

            // a live grant, for two minutes
            knock(2222, "-f", "120");
            String grantRow = grantRow(shell(home, "spa:grants"));
            assertTrue(grantRow.contains("tcp/2222"), grantRow);

            // remove the TCP source's bundle: it is gone, and only it
            shell(home, "bundle:uninstall org.postern.capture.tcp");
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> state(shell(home, "spa:captures"), "tcp") == null),
                    "the TCP source is still listed");
            assertFalse(bed.cli("nc", "-z", "-w", "2", bed.serverIp, Integer.toString(TCP_PORT)).ok(),
                    "something still listens on tcp/" + TCP_PORT);
            captures = shell(home, "spa:captures");
            for (String kind : List.of("pcap", "udp", "http")) {
                assertEquals("RUNNING", state(captures, kind), kind + "\n" + captures);
            }
            knock(6001, "-P", "udp", "-p", Integer.toString(UDP_PORT));

            // add it again through its feature: it comes back with its configuration
            String installed = shell(home, "feature:install -r postern-capture-tcp");
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.count("Capture source tcp:fwknopd running") == 2),
                    installed + "\n" + CaptureTransportsIT.tail(d.logText()));
            assertEquals("RUNNING", state(shell(home, "spa:captures"), "tcp"));
            knock(6002, "-P", "tcp", "-p", Integer.toString(TCP_PORT));

            // edit the UDP source's .cfg: it moves to the new port
            Files.writeString(udpCfg, "name = side\nport = " + UDP_PORT_NEW + "\n");
            assertTrue(Wait.until(Duration.ofSeconds(20),
                    () -> d.logText().contains("Capture source udp:side running: 0.0.0.0:" + UDP_PORT_NEW)),
                    CaptureTransportsIT.tail(d.logText()));
            knock(6003, "-P", "udp", "-p", Integer.toString(UDP_PORT_NEW));
            knock(6004, "-P", "http", "-p", Integer.toString(HTTP_PORT));

            // nothing else was touched: one start each, the same daemon, the grant as it was
            assertEquals(1, d.count("Capture source pcap:fwknopd running"), "the pcap source was restarted");
            assertEquals(1, d.count("Capture source http:web running"), "the HTTP source was restarted");
            assertEquals(1, d.count("Postern fwknopd ready"), "the daemon was restarted");
            assertEquals(grantRow, grantRow(shell(home, "spa:grants")), "the live grant changed");
            assertTrue(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "the grant's rule is gone");
            assertTrue(bed.serviceOpen(), "the granted service is closed");
            System.out.println(shell(home, "spa:captures"));
        }
    }

    private static void knock(int port, String... extra) {
        List<String> a = new ArrayList<>(keys());
        a.addAll(List.of(extra));
        a.addAll(List.of("-A", "tcp/" + port));
        Exec.Result r = realClient(a.toArray(String[]::new));
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, port)),
                "SPA " + String.join(" ", extra) + " for tcp/" + port + " opened nothing");
    }

    /** The State cell of the spa:captures row of {@code kind}, or null when there is none. */
    static String state(String captures, String kind) {
        for (String line : captures.lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length == 5 && cells[1].strip().equals(kind)) {
                return cells[3].strip();
            }
        }
        return null;
    }

    /** The spa:grants row of the grant for the protected service, without its last cell (seconds left). */
    private static String grantRow(String grants) {
        return grants.lines().filter(l -> l.contains(bed.clientIp) && l.contains("tcp/" + NetnsTestbed.SERVICE_PORT))
                .map(l -> l.substring(0, l.lastIndexOf('|'))).findFirst().orElse("(none in:\n" + grants + ")");
    }
}
