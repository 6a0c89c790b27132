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
 * What fwknopd cannot do (upstream #312, #161, #299): sniff two interfaces at once ({@code PCAP_INTF} as a list),
 * and live through {@code ip link set down} / {@code up} of a sniffed interface with no restart, while a UDP
 * source on the other link goes on working; then through the interface's deletion and re-creation.
 */
class MultiInterfaceIT extends GatewaySupport {

    static final int UDP_PORT = 62202;

    @Test
    void twoInterfacesAtOnceAndALinkDownAndUpWithoutARestart() throws Exception {
        NetnsTestbed.Link second = bed.addLink();
        Path root = tempDir("multi");
        Distribution dist = Distribution.copyOf(assembly, root);
        Files.writeString(dist.home.resolve("etc/org.postern.capture.udp-side.cfg"),
                "name = side\nport = " + UDP_PORT + "\n");
        bed.acceptUdp(UDP_PORT);
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false,
                List.of("PCAP_INTF " + bed.serverIf + "," + second.serverIf()), stanza());
        String firstRunning = "Capture source pcap:fwknopd-" + bed.serverIf + " running";
        String secondRunning = "Capture source pcap:fwknopd-" + second.serverIf() + " running";
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, false)
                .start(secondRunning, Duration.ofSeconds(90))) {
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> d.logText().contains(firstRunning)
                    && d.logText().contains("Capture source udp:side running")), d.logText());
            String pid = Files.readString(dir.resolve("fwknopd.pid")).strip();

            // two live interfaces at once, both accepted
            knock(bed.serverIp, bed.clientIp, 4001, d);
            knock(second.serverIp(), second.clientIp(), 4002, d);

            // the second link goes down: the UDP source and the first interface go on
            assertTrue(bed.srv("ip", "link", "set", second.serverIf(), "down").ok());
            long t0 = System.nanoTime();
            knock(bed.serverIp, bed.clientIp, 4003, d, "-p", Integer.toString(UDP_PORT));
            knock(bed.serverIp, bed.clientIp, 4004, d);
            // an SPA over the down link does not arrive (and gives the link a few seconds down)
            bed.cli(List.of("fwknop", "--no-rc-file", "--no-save-args", "-D", second.serverIp(), "-a", second.clientIp(),
                    "--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64, "-A", "tcp/4009"));
            assertFalse(Wait.until(Duration.ofSeconds(3), () -> bed.ruleFor("FWKNOP_INPUT", second.clientIp(), 4009)),
                    "an SPA crossed a link that is down");
            assertTrue(bed.srv("ip", "link", "set", second.serverIf(), "up").ok());
            long downMs = (System.nanoTime() - t0) / 1_000_000;
            // the link carries packets again: both ends up (the client's end follows through the kernel's link
            // watch) and the neighbour resolved; a datagram sent before that is lost on the wire, not by Postern
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> bed.cli("ping", "-c", "1", "-W", "1",
                    second.serverIp()).ok()), "the second link did not come back");

            // and comes back: SPA over it works again, same daemon, no restart
            t0 = System.nanoTime();
            knock(second.serverIp(), second.clientIp(), 4005, d);
            long backMs = (System.nanoTime() - t0) / 1_000_000;

            // harder: the interface is deleted and made again; the capture reopens it by itself
            long before = d.count(secondRunning);
            bed.recreate(second);
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> d.count(secondRunning) > before
                    && bed.cli("ping", "-c", "1", "-W", "1", second.serverIp()).ok()), "no reopen after re-creation:\n"
                    + CaptureTransportsIT.tail(d.logText()));
            knock(second.serverIp(), second.clientIp(), 4006, d);
            knock(bed.serverIp, bed.clientIp, 4007, d, "-p", Integer.toString(UDP_PORT));

            assertEquals(pid, Files.readString(dir.resolve("fwknopd.pid")).strip(), "the daemon was restarted");
            assertTrue(d.alive());
            assertEquals(1, d.count("Postern fwknopd ready"), "the daemon was restarted");
            assertEquals(1, d.count(firstRunning), "the first interface's capture was disturbed");
            System.out.println("link down for " + downMs + " ms; SPA over the link after it came back opened in "
                    + backMs + " ms; capture on it opened " + d.count(secondRunning) + " time(s) in all, failures logged: "
                    + d.count("Capture source pcap:fwknopd-" + second.serverIf() + " failed"));
        }
    }

    /** The real client from the client namespace to {@code server}, letting in {@code client}; the rule must appear. */
    private static void knock(String server, String client, int servicePort, DaemonProcess d, String... extra) {
        List<String> a = new ArrayList<>(List.of("fwknop", "--no-rc-file", "--no-save-args", "-D", server, "-a", client));
        a.addAll(keys());
        a.addAll(List.of(extra));
        a.addAll(List.of("-A", "tcp/" + servicePort));
        Exec.Result r = bed.cli(a);
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", client, servicePort)),
                "SPA to " + server + " for tcp/" + servicePort + " opened nothing; log:\n"
                        + CaptureTransportsIT.tail(d.logText()));
    }
}
