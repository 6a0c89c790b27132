package org.postern.capture.tcp;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.CaptureSource.State;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.Transport;
import org.postern.api.http.SpaOverHttp;
import org.postern.capture.tcp.stream.StreamLimits;

class TcpCaptureTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private final PacketSink sink = received::add;
    private final List<Socket> sockets = new ArrayList<>();
    private TcpCapture capture;

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing only
            }
        }
        if (capture != null) {
            capture.stop();
        }
    }

    private TcpCapture start(StreamLimits limits, SpaOverHttp http) {
        capture = new TcpCapture("test", "127.0.0.1", 0, limits.maxBytes(), limits, sink, http);
        capture.start();
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        return capture;
    }

    private TcpCapture start() {
        return start(new StreamLimits(64, 8, 2000, 1500, 128), null);
    }

    /** What the fwknop client's -P tcp does: connect, send, close. */
    private Socket send(InetAddress from, byte[] data) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(LOOPBACK, capture.listener().localPort()), 5000);
        s.getOutputStream().write(data);
        s.close();
        return s;
    }

    /** A peer that connects and then says nothing (or little) and keeps the connection. */
    private Socket idle(InetAddress from, byte[] data) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(LOOPBACK, capture.listener().localPort()), 2000);
        s.getOutputStream().write(data);
        s.getOutputStream().flush();
        return s;
    }

    @Test
    void whatAConnectionSentIsOnePacketWhenThePeerCloses() throws Exception {
        start();
        assertEquals("127.0.0.1:" + capture.listener().localPort()
                + " max 64 connections (8 per source), 2000 ms, 1500 bytes", capture.describe());
        assertEquals("tcp", capture.kind());
        assertEquals("test", capture.name());
        byte[] spa = ("A".repeat(100) + "+/" + "b".repeat(100)).getBytes(US_ASCII);
        Socket s = send(LOOPBACK, spa);
        await(() -> received.size() == 1, "1 packet");
        CapturedPacket p = received.get(0);
        assertArrayEquals(spa, p.payload());
        assertEquals(LOOPBACK, p.source());
        assertEquals(s.getLocalPort(), p.sourcePort());
        assertEquals(LOOPBACK, p.destination());
        assertEquals(capture.listener().localPort(), p.destinationPort());
        assertEquals(Transport.TCP, p.transport());
        assertEquals("test", p.captureName());
        assertNull(p.forwardedFor());
        assertEquals(1, capture.packetsDelivered());
        await(() -> capture.listener().openConnections() == 0, "connection closed");
    }

    @Test
    void dataInManySegmentsIsReassembledAndAnEmptyConnectionDeliversNothing() throws Exception {
        start();
        Socket s = idle(LOOPBACK, "part1-".getBytes(US_ASCII));
        s.getOutputStream().write("part2-".getBytes(US_ASCII));
        s.getOutputStream().flush();
        s.getOutputStream().write("part3".getBytes(US_ASCII));
        s.shutdownOutput(); // half close, as a client that waits for nothing
        await(() -> received.size() == 1, "1 packet");
        assertEquals("part1-part2-part3", new String(received.get(0).payload(), US_ASCII));
        send(LOOPBACK, new byte[0]);
        await(() -> capture.listener().completed() == 2, "2 connections done");
        assertEquals(1, received.size());
    }

    @Test
    void anOversizedStreamIsCutAtTheLimitPlusOneAndTheSenderCutOff() throws Exception {
        start(new StreamLimits(64, 8, 2000, 1500, 128), null);
        Socket s = idle(LOOPBACK, new byte[0]);
        OutputStream out = s.getOutputStream();
        AtomicBoolean cutOff = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[8192];
            try {
                for (int i = 0; i < 2000; i++) { // 16 MB at most: the listener must cut it off long before
                    out.write(chunk);
                }
            } catch (IOException e) {
                cutOff.set(true);
            }
        });
        writer.start();
        await(() -> received.size() == 1, "the cut payload");
        writer.join(10_000);
        assertTrue(cutOff.get(), "the listener did not close an endless sender");
        assertEquals(1501, received.get(0).payload().length);
        assertEquals(1, capture.listener().overflowed());
    }

    @Test
    void aSlowPeerIsResetAtItsDeadlineAndDeliversNothing() throws Exception {
        start(new StreamLimits(64, 8, 300, 1500, 128), null);
        Socket s = idle(LOOPBACK, "slow".getBytes(US_ASCII));
        long t0 = System.nanoTime();
        await(() -> capture.listener().timedOut() == 1, "timed out");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 250 && ms < 2000, ms + " ms");
        assertTrue(closedByPeer(s), "the slow connection is still open");
        assertEquals(0, received.size());
        assertEquals(0, capture.listener().openConnections());
    }

    @Test
    void aFloodFromOneSourceOnlyDisplacesThatSource() throws Exception {
        start(new StreamLimits(16, 4, 10_000, 1500, 128), null);
        InetAddress other = InetAddress.getByName("127.0.0.3");
        InetAddress flooder = InetAddress.getByName("127.0.0.2");
        List<Socket> patient = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            patient.add(idle(other, ("patient-" + i).getBytes(US_ASCII)));
        }
        await(() -> capture.listener().accepted() == 3, "3 accepted");
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add(idle(flooder, "x".getBytes(US_ASCII)));
        }
        await(() -> capture.listener().accepted() == 43, "43 accepted");
        await(() -> capture.listener().evicted() == 36, "36 evicted");
        assertTrue(capture.listener().openConnections() <= 7);
        // the other source's connections were never touched: they finish normally
        for (Socket s : patient) {
            s.shutdownOutput();
        }
        await(() -> received.size() == 3, "the 3 patient connections");
        for (CapturedPacket p : received) {
            assertEquals(other, p.source());
            assertTrue(new String(p.payload(), US_ASCII).startsWith("patient-"));
        }
        // the flooder's first ones were reset to make room for its later ones
        assertTrue(closedByPeer(flood.get(0)));
    }

    @Test
    void aNewcomerIsHeardWhenTheListenerIsFull() throws Exception {
        start(new StreamLimits(8, 100, 10_000, 1500, 128), null);
        for (int i = 0; i < 30; i++) {
            idle(InetAddress.getByName("127.0.0." + (10 + i)), "idle".getBytes(US_ASCII));
        }
        await(() -> capture.listener().accepted() == 30, "30 accepted");
        assertTrue(capture.listener().openConnections() <= 8);
        send(InetAddress.getByName("127.0.0.99"), "valid".getBytes(US_ASCII));
        await(() -> received.size() == 1, "the newcomer's packet");
        assertEquals("valid", new String(received.get(0).payload(), US_ASCII));
    }

    @Test
    void validSendsGetThroughABoundedFloodOfSlowAndOversizedConnections() throws Exception {
        start(new StreamLimits(64, 8, 1000, 1500, 1024), null);
        InetAddress flooder = InetAddress.getByName("127.0.0.2");
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger floodConnections = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean oversize = t % 2 == 0;
            Thread th = new Thread(() -> {
                List<Socket> mine = new ArrayList<>();
                byte[] big = new byte[64 * 1024];
                for (int i = 0; i < 400 && flooding.get(); i++) {
                    Socket s = new Socket();
                    try {
                        s.bind(new InetSocketAddress(flooder, 0));
                        s.connect(new InetSocketAddress(LOOPBACK, capture.listener().localPort()), 1000);
                        floodConnections.incrementAndGet();
                        if (oversize) {
                            s.setSoTimeout(200);
                            s.getOutputStream().write(big);
                            s.close();
                        } else {
                            s.getOutputStream().write('x');
                            mine.add(s);
                            if (mine.size() > 100) { // bounded: a test must not run out of file descriptors
                                mine.remove(0).close();
                            }
                        }
                    } catch (IOException e) {
                        try {
                            s.close();
                        } catch (IOException e2) {
                            // closing only
                        }
                    }
                }
                for (Socket s : mine) {
                    try {
                        s.close();
                    } catch (IOException e) {
                        // closing only
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        try {
            await(() -> floodConnections.get() > 100, "the flood under way");
            for (int i = 0; i < 5; i++) {
                String valid = "valid-" + i;
                long t0 = System.nanoTime();
                send(flooder, valid.getBytes(US_ASCII));
                await(() -> received.stream().anyMatch(p -> new String(p.payload(), US_ASCII).equals(valid)),
                        valid);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5000, valid + " took " + ms + " ms");
            }
        } finally {
            flooding.set(false);
            for (Thread th : threads) {
                th.join(20_000);
            }
        }
        assertTrue(capture.listener().accepted() > 100);
        assertEquals(State.RUNNING, capture.state());
    }

    @Test
    void httpRequestsAreTurnedIntoSpaDataWhenConfigured() throws Exception {
        start(new StreamLimits(64, 8, 2000, 1500, 128), new SpaOverHttp(false, true));
        assertTrue(capture.describe().endsWith(" http+xff"), capture.describe());
        String wire = "A".repeat(100) + "+b/c";
        send(LOOPBACK, ("GET /" + wire.replace('+', '-').replace('/', '_') + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n"
                + "X-Forwarded-For: 192.0.2.44\r\nAccept: */*\r\nHost: h\r\nConnection: close\r\n\r\n").getBytes(US_ASCII));
        send(LOOPBACK, wire.getBytes(US_ASCII));
        await(() -> received.size() == 2, "2 packets");
        CapturedPacket http = received.stream().filter(p -> p.transport() == Transport.HTTP).findFirst().orElseThrow();
        assertEquals(wire, new String(http.payload(), US_ASCII));
        assertEquals(InetAddress.getByName("192.0.2.44"), http.forwardedFor());
        CapturedPacket raw = received.stream().filter(p -> p.transport() == Transport.TCP).findFirst().orElseThrow();
        assertEquals(wire, new String(raw.payload(), US_ASCII));
    }

    @Test
    void aFailingSinkDoesNotStopTheListener() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StreamLimits limits = new StreamLimits(64, 8, 2000, 1500, 128);
        capture = new TcpCapture("test", "127.0.0.1", 0, 1500, limits, p -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            received.add(p);
        }, null);
        capture.start();
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        send(LOOPBACK, "one".getBytes(US_ASCII));
        await(() -> calls.get() == 1, "first call");
        send(LOOPBACK, "two".getBytes(US_ASCII));
        await(() -> received.size() == 1, "second packet");
        assertEquals(2, capture.packetsDelivered());
    }

    @Test
    void stopClosesTheListenerQuicklyAndFreesThePort() throws Exception {
        start();
        int port = capture.listener().localPort();
        idle(LOOPBACK, "x".getBytes(US_ASCII));
        await(() -> capture.listener().openConnections() == 1, "1 open");
        long t0 = System.nanoTime();
        capture.stop();
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000);
        assertEquals(State.STOPPED, capture.state());
        try (ServerSocket again = new ServerSocket()) {
            again.setReuseAddress(true);
            again.bind(new InetSocketAddress(LOOPBACK, port));
        }
        capture = null;
    }

    @Test
    void aBusyPortIsFailedThenTakenOnceFree() throws Exception {
        ServerSocket blocker = new ServerSocket(0, 50, LOOPBACK);
        int port = blocker.getLocalPort();
        StreamLimits limits = new StreamLimits(64, 8, 2000, 1500, 128);
        capture = new TcpCapture("busy", "127.0.0.1", port, 1500, limits, sink, null);
        capture.start();
        await(() -> capture.state() == State.FAILED, "FAILED");
        blocker.close();
        await(() -> capture.state() == State.RUNNING, "RUNNING once free");
        assertEquals(port, capture.listener().localPort());
    }

    @Test
    void invalidSettingsAreFailedNotThrown() {
        capture = new TcpCapture("bad", "127.0.0.1", 70000, 1500, new StreamLimits(64, 8, 2000, 1500, 128), sink, null);
        capture.start();
        assertEquals(State.FAILED, capture.state());
        capture.stop();
        capture = new TcpCapture("bad", "127.0.0.1", 0, 1500, new StreamLimits(0, 8, 2000, 1500, 128), sink, null);
        capture.start();
        assertEquals(State.FAILED, capture.state());
        capture.stop();
        assertEquals(State.STOPPED, capture.state());
        capture = null;
    }

    /** Whether the listener closed or reset the connection (read sees EOF or a reset within a second). */
    private static boolean closedByPeer(Socket s) {
        try {
            s.setSoTimeout(1000);
            InputStream in = s.getInputStream();
            return in.read() < 0;
        } catch (SocketException e) {
            return true; // reset
        } catch (IOException e) {
            return false; // timed out: still open
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }
}
