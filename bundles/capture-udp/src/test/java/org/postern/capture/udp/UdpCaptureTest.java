package org.postern.capture.udp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.CaptureSource.State;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.Transport;

class UdpCaptureTest {

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private final PacketSink sink = received::add;
    private UdpCapture capture;

    @AfterEach
    void stop() {
        if (capture != null) {
            capture.stop();
        }
    }

    @Test
    void deliversEveryDatagramWithSourceAndBoundPort() throws Exception {
        capture = running(new UdpCapture("test", "127.0.0.1", 0, 1500, sink));
        int port = capture.localPort();
        assertTrue(port > 0);
        assertEquals("127.0.0.1:" + port, capture.describe());
        assertEquals("udp", capture.kind());
        assertEquals("test", capture.name());

        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 5; i++) {
                send(client, port, ("payload-" + i).getBytes(US_ASCII));
            }
            await(() -> received.size() == 5, "5 packets");
            for (int i = 0; i < 5; i++) {
                CapturedPacket p = received.get(i);
                assertArrayEquals(("payload-" + i).getBytes(US_ASCII), p.payload());
                assertEquals(InetAddress.getLoopbackAddress(), p.source());
                assertEquals(client.getLocalPort(), p.sourcePort());
                assertEquals(InetAddress.getLoopbackAddress(), p.destination()); // bound to 127.0.0.1
                assertEquals(port, p.destinationPort());
                assertEquals(Transport.UDP, p.transport());
                assertEquals("test", p.captureName());
            }
            assertEquals(5, capture.packetsDelivered());
        }
    }

    @Test
    void httpExtractionAppliesToDatagramsWhenConfigured() throws Exception {
        capture = running(new UdpCapture("web", "127.0.0.1", 0, 1500, sink,
                new org.postern.api.http.SpaOverHttp(true, false)));
        assertEquals("127.0.0.1:" + capture.localPort() + " http+any-agent", capture.describe());
        try (DatagramSocket client = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            send(client, capture.localPort(), "GET /a-b_c HTTP/1.0\r\nX-Forwarded-For: 10.0.0.9\r\n\r\n".getBytes(US_ASCII));
            send(client, capture.localPort(), "plain+data/".getBytes(US_ASCII));
            await(() -> received.size() == 2, "2 packets");
        }
        assertEquals("a+b/c", new String(received.get(0).payload(), US_ASCII));
        assertEquals(Transport.HTTP, received.get(0).transport());
        assertNull(received.get(0).forwardedFor(), "X-Forwarded-For is not honoured unless configured");
        assertEquals("plain+data/", new String(received.get(1).payload(), US_ASCII));
        assertEquals(Transport.UDP, received.get(1).transport());
    }

    @Test
    void oversizeDatagramArrivesCutToMaxPlusOne() throws Exception {
        capture = running(new UdpCapture("test", "127.0.0.1", 0, 100, sink));
        try (DatagramSocket client = new DatagramSocket()) {
            send(client, capture.localPort(), new byte[100]);
            send(client, capture.localPort(), new byte[3000]);
            await(() -> received.size() == 2, "2 packets");
        }
        assertEquals(100, received.get(0).payload().length);
        assertEquals(101, received.get(1).payload().length);
    }

    @Test
    void aFailingSinkDoesNotStopTheLoop() throws Exception {
        PacketSink flaky = p -> {
            if (p.payload()[0] == 'x') {
                throw new IllegalStateException("boom");
            }
            received.add(p);
        };
        capture = running(new UdpCapture("test", "127.0.0.1", 0, 1500, flaky));
        try (DatagramSocket client = new DatagramSocket()) {
            send(client, capture.localPort(), "x1".getBytes(US_ASCII));
            send(client, capture.localPort(), "x2".getBytes(US_ASCII));
            send(client, capture.localPort(), "ok".getBytes(US_ASCII));
            await(() -> received.size() == 1, "the good packet");
        }
        assertEquals("ok", new String(received.get(0).payload(), US_ASCII));
        assertEquals(State.RUNNING, capture.state());
        assertEquals(3, capture.packetsDelivered());
    }

    @Test
    void stopClosesTheSocketQuickly() throws Exception {
        capture = running(new UdpCapture("test", "127.0.0.1", 0, 1500, sink));
        int port = capture.localPort();
        long t0 = System.nanoTime();
        capture.stop();
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 1000, "stop took too long");
        assertEquals(State.STOPPED, capture.state());
        assertFalse(threadAlive("postern-capture-udp-test"));
        // the port is free again
        try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
            assertEquals(port, again.getLocalPort());
        }
        capture = null;
    }

    @Test
    void busyPortFailsThenRecoversWhenFreed() throws Exception {
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        int port = squatter.getLocalPort();
        capture = new UdpCapture("test", "127.0.0.1", port, 1500, sink);
        capture.start();
        await(() -> capture.state() == State.FAILED, "FAILED while the port is taken");
        squatter.close();
        await(() -> capture.state() == State.RUNNING, "RUNNING once the port is free");
        try (DatagramSocket client = new DatagramSocket()) {
            send(client, port, "late".getBytes(US_ASCII));
            await(() -> received.size() == 1, "a packet after recovery");
        }
    }

    @Test
    void ipv6WildcardAlsoReceivesIpv4() throws Exception {
        capture = running(new UdpCapture("dual", "::", 0, 1500, sink));
        assertEquals("[::]:" + capture.localPort(), capture.describe());
        try (DatagramSocket client = new DatagramSocket()) {
            send(client, capture.localPort(), "v4".getBytes(US_ASCII));
            await(() -> received.size() == 1, "an IPv4 packet on a dual-stack socket");
        }
        assertEquals(InetAddress.getByName("127.0.0.1"), received.get(0).source());
    }

    @Test
    void invalidConfigurationIsFailedNotThrown() {
        capture = new UdpCapture("bad", "0.0.0.0", 70000, 1500, sink);
        capture.start();
        assertEquals(State.FAILED, capture.state());
        assertEquals("udp", new UdpCapture(" ", "0.0.0.0", 1, 1, sink).name());
    }

    private static UdpCapture running(UdpCapture c) {
        c.start();
        await(() -> c.state() == State.RUNNING, "RUNNING");
        return c;
    }

    private static void send(DatagramSocket client, int port, byte[] data) throws Exception {
        client.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(), port));
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000); // poll interval
        }
    }
}
