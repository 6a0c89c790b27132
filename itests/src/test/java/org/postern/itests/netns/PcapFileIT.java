package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * SPA packets of the real fwknop 2.6.10 client recorded by tcpdump: read offline by {@code bin/fwknopd
 * --pcap-file} (packet aging off, as fwknopd does, so a packet ten minutes old still opens), and followed live as
 * {@code tcpdump -U -w} writes them, across a rotation of the file.
 */
class PcapFileIT extends GatewaySupport {

    @Test
    void aRecordingOfRealClientPacketsIsProcessedOffline() throws Exception {
        Path root = tempDir("pcapfile");
        Path recording = root.resolve("spa.pcap");
        Process tcpdump = tcpdump(root, recording, 1);
        knock(5001);
        knock(5002, "--time-offset-minus", "10m");
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> records(recording) == 2), "tcpdump recorded "
                + records(recording) + " packets");
        stop(tcpdump);
        assertEquals(2, records(recording));
        assertTrue(!bed.ruleFor("FWKNOP_INPUT", bed.clientIp, 5001), "nothing read the packets yet");

        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false, List.of(), stanza());
        // fwknopd turns aging off for a pcap file only when fwknopd.conf does not set ENABLE_SPA_PACKET_AGING
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, Files.readString(conf).replace("ENABLE_SPA_PACKET_AGING Y;\n", ""));
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, false, "--pcap-file", recording.toString())
                .start("Capture source pcapfile:fwknopd finished", Duration.ofSeconds(90))) {
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, 5001)
                    && bed.ruleFor("FWKNOP_INPUT", bed.clientIp, 5002)), d.logText());
            assertTrue(d.logText().contains("SPA packet aging is off"), d.logText());
            assertTrue(d.logText().contains("2 records, 2 packets delivered"), d.logText());
            assertTrue(d.alive(), "the daemon goes on after the file, as fwknopd does");
        }
    }

    @Test
    void aGrowingRecordingIsFollowedAcrossARotation() throws Exception {
        Path root = tempDir("pcapfollow");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path live = root.resolve("live.pcap");
        Files.writeString(dist.home.resolve("etc/org.postern.capture.pcapfile-ulog.cfg"), "name = ulog\nfile = " + live
                + "\nfollow = true\nfilter = udp dst port " + NetnsTestbed.SPA_PORT + "\npollMillis = 100\n");
        // the live capture fwknopd.conf asks for is pointed where nothing comes: the file is the only way in
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false, List.of("PCAP_INTF lo",
                "PCAP_FILTER udp port 9"), stanza());
        Process first = tcpdump(root, live, 1);
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, false)
                .start("Capture source pcapfile:ulog running", Duration.ofSeconds(90))) {
            knock(5101);
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, 5101)),
                    "the followed file gave nothing; log:\n" + CaptureTransportsIT.tail(d.logText()));

            // rotation: the writer stops, its file is renamed, a new writer starts a new file at the same path
            stop(first);
            Files.move(live, root.resolve("live.pcap.1"));
            Process second = tcpdump(root, live, 2);
            try {
                long t0 = System.nanoTime();
                knock(5102);
                assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, 5102)),
                        "nothing from the new file; log:\n" + CaptureTransportsIT.tail(d.logText()));
                System.out.println("after the rotation the SPA opened in " + (System.nanoTime() - t0) / 1_000_000
                        + " ms");
                assertTrue(d.logText().contains("was rotated"), d.logText());
                assertEquals(1, d.count("Capture source pcapfile:ulog running"), "the source was restarted");
            } finally {
                stop(second);
            }
        }
    }

    /** The real client asks for {@code port} for 60 s (longer than the test needs). */
    private static void knock(int port, String... extra) {
        List<String> a = new ArrayList<>(keys());
        a.addAll(List.of("-f", "60", "-A", "tcp/" + port));
        a.addAll(List.of(extra));
        Exec.Result r = realClient(a.toArray(String[]::new));
        assertTrue(r.ok(), r.out());
    }

    /** tcpdump in the gateway, packet-buffered ({@code -U}), once it listens ({@code n}-th run into the same log). */
    private static Process tcpdump(Path root, Path file, int n) {
        Path log = root.resolve("tcpdump.log");
        Process p = bed.background(bed.serverNs, log, List.of("tcpdump", "-i", bed.serverIf, "-U", "-n", "-w",
                file.toString(), "udp dst port " + NetnsTestbed.SPA_PORT));
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> CaptureTransportsIT.read(log).split("listening on", -1).length
                > n), "tcpdump did not start: " + CaptureTransportsIT.read(log));
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: tcpdump flushes and closes its file
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** The number of complete records in a classic pcap file (-1 while it has no header). */
    static int records(Path file) {
        try {
            if (!Files.exists(file)) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            if (b.remaining() < 24) {
                return -1;
            }
            b.order(b.getInt(0) == 0xa1b2c3d4 || b.getInt(0) == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            int n = 0;
            int p = 24;
            while (p + 16 <= b.limit()) {
                int length = b.getInt(p + 8);
                if (length < 0 || p + 16 + length > b.limit()) {
                    break;
                }
                p += 16 + length;
                n++;
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }
}
