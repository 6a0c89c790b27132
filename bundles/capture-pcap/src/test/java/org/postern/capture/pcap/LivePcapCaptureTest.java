package org.postern.capture.pcap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.core.Pcaps;
import org.postern.api.CaptureSource.State;
import org.postern.api.CapturedPacket;
import org.postern.api.Transport;

/** Real libpcap on the loopback interface. Skipped unless running as root with libpcap installed. */
class LivePcapCaptureTest {

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private PcapCapture capture;

    @BeforeAll
    static void requireRootAndLibpcap() throws Exception {
        assumeTrue(isRoot(), "live capture needs root");
        String version;
        try {
            version = Pcaps.libVersion();
        } catch (LinkageError e) {
            version = null;
        }
        assumeTrue(version != null, "libpcap is not installed");
        assumeTrue(NetworkInterface.getByName("lo") != null, "no lo interface");
    }

    private static boolean isRoot() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        return Files.readAllLines(status).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
    }

    @AfterEach
    void stop() {
        if (capture != null) {
            capture.stop();
        }
    }

    @Test
    void capturesDatagramsSentToLoopbackOnce() throws Exception {
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        capture = new PcapCapture(new PcapSettings("live", "lo", "udp port " + port, false, false, 1500, 0),
                received::add);
        capture.start();
        PcapCaptureTest.await(() -> capture.state() == State.RUNNING, "RUNNING on lo");

        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            for (int i = 0; i < 3; i++) {
                byte[] data = ("spa-" + i).getBytes(US_ASCII);
                client.send(new DatagramPacket(data, data.length, loopback, port));
            }
            byte[] end = "end".getBytes(US_ASCII);
            client.send(new DatagramPacket(end, end.length, loopback, port));
            PcapCaptureTest.await(() -> received.stream().anyMatch(p -> new String(p.payload(), US_ASCII)
                    .equals("end")), "the last datagram");

            assertEquals(4, received.size(), "each datagram exactly once (inbound only)");
            for (int i = 0; i < 3; i++) {
                CapturedPacket p = received.get(i);
                assertArrayEquals(("spa-" + i).getBytes(US_ASCII), p.payload());
                assertEquals(loopback, p.source());
                assertEquals(client.getLocalPort(), p.sourcePort());
                assertEquals(loopback, p.destination());
                assertEquals(port, p.destinationPort());
                assertEquals(Transport.UDP, p.transport());
                assertEquals("live", p.captureName());
            }
        }
        assertEquals(4, capture.packetsDelivered());
    }

    @Test
    void capturesIpv6OnLoopback() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        DatagramSocket client;
        try {
            client = new DatagramSocket(new InetSocketAddress(loopback6, 0));
        } catch (java.net.SocketException e) {
            assumeTrue(false, "no IPv6 on lo: " + e.getMessage());
            return;
        }
        int port = ThreadLocalRandom.current().nextInt(20000, 60000);
        capture = new PcapCapture(new PcapSettings("live6", "lo", "udp port " + port, false, false, 1500, 0),
                received::add);
        capture.start();
        PcapCaptureTest.await(() -> capture.state() == State.RUNNING, "RUNNING on lo");
        try (client) {
            byte[] data = "spa-v6".getBytes(US_ASCII);
            client.send(new DatagramPacket(data, data.length, loopback6, port));
            PcapCaptureTest.await(() -> !received.isEmpty(), "the IPv6 datagram");
            CapturedPacket p = received.get(0);
            assertArrayEquals(data, p.payload());
            assertEquals(loopback6, p.source());
            assertEquals(loopback6, p.destination());
            assertEquals(port, p.destinationPort());
        }
    }

    @Test
    void aMissingInterfaceIsFailedAndStopIsQuick() {
        capture = new PcapCapture(new PcapSettings("ghost", "postern-nope0", "udp", false, false, 1500, 0),
                received::add);
        capture.start();
        PcapCaptureTest.await(() -> capture.state() == State.FAILED, "FAILED");
        capture.stop();
        assertEquals(State.STOPPED, capture.state());
        capture = null;
    }

    @Test
    void aBadFilterIsFailedNotThrown() {
        capture = new PcapCapture(new PcapSettings("badfilter", "lo", "udp port banana", false, false, 1500, 0),
                received::add);
        capture.start();
        PcapCaptureTest.await(() -> capture.state() == State.FAILED, "FAILED");
    }
}
