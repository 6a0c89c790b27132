package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postern.itests.Distribution;

/**
 * Every transport the real fwknop 2.6.10 client offers reaches the Postern capture source made for it, in one
 * gateway running them all: libpcap on the veth ({@code -P udp}, {@code udpraw}, {@code tcpraw}, {@code icmp},
 * the raw ones from a spoofed source of the testbed's subnet, and {@code -P http} sniffed on its way to a web
 * server), the TCP listener of {@code ENABLE_TCP_SERVER} ({@code -P tcp}) and the HTTP listener
 * ({@code -P http}). Each SPA asks for a port of its own, so each opening proves its own path. Then the TCP and
 * HTTP listeners, under a bounded flood of slow and oversized connections from the client's own address, still
 * let a valid SPA through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaptureTransportsIT extends GatewaySupport {

    static final int TCP_PORT = 62202;
    static final int HTTP_PORT = 62203;
    static final int WEB_PORT = 80;

    static Path root;
    static Distribution dist;
    static DaemonProcess daemon;

    @BeforeAll
    static void gateway() throws Exception {
        root = tempDir("transports");
        dist = Distribution.copyOf(assembly, root);
        Files.writeString(dist.home.resolve("etc/org.postern.capture.http-web.cfg"),
                "name = web\nport = " + HTTP_PORT + "\n");
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false, List.of(
                "PCAP_FILTER udp dst port " + NetnsTestbed.SPA_PORT + " or tcp dst port " + NetnsTestbed.SPA_PORT
                        + " or tcp dst port " + WEB_PORT + " or icmp",
                "ENABLE_SPA_OVER_HTTP Y", "ENABLE_TCP_SERVER Y", "TCPSERV_PORT " + TCP_PORT), stanza());
        for (int port : List.of(TCP_PORT, HTTP_PORT, WEB_PORT)) {
            bed.acceptTcp(port);
        }
        // a web server the sniffed HTTP requests go to (fwknop's way of SPA over HTTP)
        bed.background(bed.serverNs, root.resolve("web.log"), List.of("nc", "-dlk", bed.serverIp,
                Integer.toString(WEB_PORT)));
        daemon = DaemonProcess.postern(dist.home, dir, bed, false)
                .start("Capture source pcap:fwknopd running", Duration.ofSeconds(90));
        assertTrue(Wait.until(Duration.ofSeconds(30), () -> daemon.logText().contains("Capture source tcp:fwknopd running")
                && daemon.logText().contains("Capture source http:web running")), daemon.logText());
    }

    @AfterAll
    static void stopGateway() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /** An address of the testbed's subnet that no interface has. */
    static String spoofed() {
        return bed.clientIp.substring(0, bed.clientIp.lastIndexOf('.')) + ".77";
    }

    private static void knock(String what, int servicePort, String... args) {
        List<String> a = new ArrayList<>(keys());
        a.addAll(List.of(args));
        a.addAll(List.of("-A", "tcp/" + servicePort));
        Exec.Result r = realClient(a.toArray(String[]::new));
        assertTrue(r.ok(), what + ": the client failed: " + r.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, servicePort)),
                what + " opened nothing; log:\n" + tail(daemon.logText()));
    }

    @Test
    @Order(1)
    void everyTransportOfTheRealClientReachesItsSource() {
        knock("-P udp (pcap)", 3001, "-P", "udp");
        knock("-P udpraw --spoof-src (pcap)", 3002, "-P", "udpraw", "--spoof-src", spoofed());
        knock("-P tcpraw --spoof-src (pcap)", 3003, "-P", "tcpraw", "--spoof-src", spoofed());
        knock("-P icmp --spoof-src (pcap)", 3004, "-P", "icmp", "--spoof-src", spoofed());
        knock("-P icmp (pcap)", 3005, "-P", "icmp");
        knock("-P tcp (TCP listener)", 3006, "-P", "tcp", "-p", Integer.toString(TCP_PORT));
        knock("-P http (HTTP listener)", 3007, "-P", "http", "-p", Integer.toString(HTTP_PORT));
        knock("-P http (sniffed on its way to a web server)", 3008, "-P", "http", "-p", Integer.toString(WEB_PORT));
        String log = daemon.logText();
        assertTrue(log.contains("SPA packet from " + spoofed() + " accepted"), "the spoofed source was not seen:\n"
                + tail(log));
        assertTrue(daemon.count("accepted by stanza") >= 8, tail(log));
        // and the operator sees which source took which
        String captures = shell(dist.home, "spa:captures");
        System.out.println(captures);
        assertTrue(packets(captures, "pcap") >= 6, captures);
        assertTrue(packets(captures, "tcp") >= 1, captures);
        assertTrue(packets(captures, "http") >= 1, captures);
    }

    /** The packet count in the spa:captures row of the given kind. */
    static long packets(String captures, String kind) {
        for (String line : captures.lines().toList()) {
            String[] cells = line.split("\\|");
            if (cells.length == 5 && cells[1].strip().equals(kind)) {
                return Long.parseLong(cells[4].strip());
            }
        }
        return -1;
    }

    @Test
    @Order(2)
    void tcpAndHttpListenersLetAValidSpaThroughAFloodOfSlowAndOversizedConnections() throws Exception {
        Path tcpLog = root.resolve("flood-tcp.log");
        Path httpLog = root.resolve("flood-http.log");
        Process tcp = bed.background(bed.clientNs, tcpLog, java(Flooder.class, bed.serverIp,
                Integer.toString(TCP_PORT), "tcp", "2", "2", "15"));
        Process http = bed.background(bed.clientNs, httpLog, java(Flooder.class, bed.serverIp,
                Integer.toString(HTTP_PORT), "http", "2", "2", "15"));
        try {
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> read(tcpLog).contains("flooding")
                    && read(httpLog).contains("flooding")), "the floods did not start");
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                knock("-P tcp under a flood", 3011 + i, "-P", "tcp", "-p", Integer.toString(TCP_PORT));
                long tcpMs = (System.nanoTime() - t0) / 1_000_000;
                t0 = System.nanoTime();
                knock("-P http under a flood", 3021 + i, "-P", "http", "-p", Integer.toString(HTTP_PORT));
                long httpMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.println("under the flood: -P tcp opened in " + tcpMs + " ms, -P http in " + httpMs + " ms");
            }
        } finally {
            assertTrue(tcp.waitFor(40, java.util.concurrent.TimeUnit.SECONDS), "tcp flood did not end");
            assertTrue(http.waitFor(40, java.util.concurrent.TimeUnit.SECONDS), "http flood did not end");
        }
        System.out.println("tcp flood: " + last(read(tcpLog)) + "\nhttp flood: " + last(read(httpLog)));
        assertTrue(read(tcpLog).contains("done: ") && read(httpLog).contains("done: "));
        // both listeners are still there, and still serve
        knock("-P tcp after the flood", 3031, "-P", "tcp", "-p", Integer.toString(TCP_PORT));
        knock("-P http after the flood", 3032, "-P", "http", "-p", Integer.toString(HTTP_PORT));
        daemon.stop();
        String log = daemon.logText();
        for (String l : log.lines().filter(l -> l.contains("Capture source tcp:fwknopd stopped")
                || l.contains("Capture source http:web stopped")).toList()) {
            System.out.println(l.substring(l.indexOf("Capture source")));
        }
    }

    static List<String> java(Class<?> main, String... args) {
        List<String> a = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx96m",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        a.addAll(List.of(args));
        return a;
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static String last(String text) {
        List<String> lines = text.lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }
}
