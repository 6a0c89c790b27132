package org.postern.capture.pcap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postern.capture.pcap.Frames.ethernet;
import static org.postern.capture.pcap.Frames.ipv4;
import static org.postern.capture.pcap.Frames.udp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.CaptureSource.State;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.Transport;
import org.postern.capture.pcap.frame.FrameDecoder;

/** The capture loop's life cycle against a scripted frame source: no libpcap, no root. */
class PcapCaptureTest {

    private static final PcapSettings SETTINGS = new PcapSettings("test", "veth0", "udp port 62201", false, false,
            1500, 0);

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private final PacketSink sink = received::add;
    private PcapCapture capture;

    @AfterEach
    void stop() {
        if (capture != null) {
            capture.stop();
        }
    }

    /** Plays frames and failures from a queue; returns null after a short read timeout like libpcap. */
    static final class ScriptedSource implements FrameSource {
        final BlockingQueue<Object> script = new LinkedBlockingQueue<>();
        volatile boolean closed;
        volatile boolean woken;

        @Override
        public int linkType() {
            return FrameDecoder.DLT_EN10MB;
        }

        @Override
        public byte[] nextFrame() throws CaptureFailure {
            Object next;
            try {
                next = script.poll(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (next instanceof CaptureFailure f) {
                throw f;
            }
            if (next instanceof RuntimeException r) {
                throw r;
            }
            return (byte[]) next;
        }

        @Override
        public void wakeUp() {
            woken = true;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static byte[] frame(String payload) {
        return ethernet(0x0800, ipv4(17, "192.0.2.7", "192.0.2.1", udp(41000, 62201, payload.getBytes(US_ASCII))));
    }

    @Test
    void decodesAndDeliversFramesAndCountsTheRest() throws Exception {
        ScriptedSource source = new ScriptedSource();
        capture = running(new PcapCapture(SETTINGS, sink, () -> source));
        source.script.add(frame("first"));
        source.script.add(ethernet(0x0806, new byte[28])); // ARP: ignored
        source.script.add(frame("second"));
        await(() -> received.size() == 2, "2 packets");

        CapturedPacket p = received.get(0);
        assertArrayEquals("first".getBytes(US_ASCII), p.payload());
        assertEquals(InetAddress.getByName("192.0.2.7"), p.source());
        assertEquals(41000, p.sourcePort());
        assertEquals(InetAddress.getByName("192.0.2.1"), p.destination());
        assertEquals(62201, p.destinationPort());
        assertEquals(Transport.UDP, p.transport());
        assertEquals("test", p.captureName());
        assertEquals(2, capture.packetsDelivered());
        assertEquals(1, capture.framesIgnored());
        assertEquals("pcap", capture.kind());
        assertEquals("test", capture.name());
        assertEquals("veth0 'udp port 62201' inbound", capture.describe());
    }

    @Test
    void httpExtractionTurnsSniffedRequestsIntoSpaDataAndLeavesTheRestAlone() throws Exception {
        String wire = "A".repeat(60) + "+b/c" + "D".repeat(90);
        String request = "GET /" + wire.replace('+', '-').replace('/', '_') + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n"
                + "X-Forwarded-For: 198.51.100.9\r\nAccept: */*\r\nHost: 192.0.2.1\r\nConnection: close\r\n\r\n";
        PcapSettings http = new PcapSettings("web", "veth0", "tcp dst port 80", false, false, 1500, 0,
                new org.postern.api.http.SpaOverHttp(false, true));
        ScriptedSource source = new ScriptedSource();
        capture = running(new PcapCapture(http, sink, () -> source));
        source.script.add(ethernet(0x0800, ipv4(6, "192.0.2.7", "192.0.2.1",
                Frames.tcp(41000, 80, 12, request.getBytes(US_ASCII)))));
        source.script.add(frame(wire)); // plain SPA over UDP beside it: unchanged
        source.script.add(ethernet(0x0800, ipv4(6, "192.0.2.7", "192.0.2.1",
                Frames.tcp(41001, 80, 0, request.replace("Fwknop", "curl").getBytes(US_ASCII)))));
        await(() -> received.size() == 3, "3 packets");

        CapturedPacket p = received.get(0);
        assertEquals(wire, new String(p.payload(), US_ASCII));
        assertEquals(Transport.HTTP, p.transport());
        assertEquals(InetAddress.getByName("198.51.100.9"), p.forwardedFor());
        assertEquals(InetAddress.getByName("192.0.2.7"), p.source());
        assertEquals(80, p.destinationPort());
        assertEquals(wire, new String(received.get(1).payload(), US_ASCII));
        assertEquals(Transport.UDP, received.get(1).transport());
        assertNull(received.get(1).forwardedFor());
        // not from the fwknop client: passed on as it came, for the pipeline to refuse
        assertEquals(Transport.TCP, received.get(2).transport());
        assertTrue(new String(received.get(2).payload(), US_ASCII).startsWith("GET /"));
        assertEquals("veth0 'tcp dst port 80' inbound http+xff", capture.describe());
    }

    @Test
    void withoutHttpExtractionARequestIsJustATcpPayload() throws Exception {
        String request = "GET /abc HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n\r\n";
        ScriptedSource source = new ScriptedSource();
        capture = running(new PcapCapture(SETTINGS, sink, () -> source));
        source.script.add(ethernet(0x0800, ipv4(6, "192.0.2.7", "192.0.2.1",
                Frames.tcp(41000, 80, 0, request.getBytes(US_ASCII)))));
        await(() -> received.size() == 1, "1 packet");
        assertEquals(request, new String(received.get(0).payload(), US_ASCII));
        assertEquals(Transport.TCP, received.get(0).transport());
    }

    @Test
    void missingInterfaceIsFailedThenRetriedUntilItAppears() {
        AtomicInteger attempts = new AtomicInteger();
        ScriptedSource source = new ScriptedSource();
        capture = new PcapCapture(SETTINGS, sink, () -> {
            if (attempts.incrementAndGet() < 3) {
                throw CaptureFailure.interfaceMissing("veth0");
            }
            return source;
        });
        capture.start();
        await(() -> capture.state() == State.FAILED, "FAILED while the interface is missing");
        await(() -> capture.state() == State.RUNNING, "RUNNING once it appears");
        assertEquals(3, attempts.get());
        source.script.add(frame("hello"));
        await(() -> received.size() == 1, "a packet");
    }

    @Test
    void aReadFailureClosesAndReopensTheHandle() {
        List<ScriptedSource> sources = new CopyOnWriteArrayList<>();
        capture = running(new PcapCapture(SETTINGS, sink, () -> {
            ScriptedSource s = new ScriptedSource();
            sources.add(s);
            return s;
        }));
        sources.get(0).script.add(frame("before"));
        sources.get(0).script.add(new CaptureFailure("The interface went down", null));
        await(() -> sources.size() == 2 && capture.state() == State.RUNNING, "reopened");
        assertTrue(sources.get(0).closed, "the failed handle is closed");
        sources.get(1).script.add(frame("after"));
        await(() -> received.size() == 2, "packets before and after");
        assertEquals(2, capture.handlesOpened());
    }

    @Test
    void aRuntimeExceptionWhileReadingAlsoReopens() {
        List<ScriptedSource> sources = new CopyOnWriteArrayList<>();
        capture = running(new PcapCapture(SETTINGS, sink, () -> {
            ScriptedSource s = new ScriptedSource();
            sources.add(s);
            return s;
        }));
        sources.get(0).script.add(new IllegalStateException("pcap4j bug"));
        await(() -> sources.size() == 2 && capture.state() == State.RUNNING, "reopened");
    }

    @Test
    void aMissingLibpcapIsFailedNotThrownAndStopStaysQuick() {
        AtomicInteger attempts = new AtomicInteger();
        capture = new PcapCapture(SETTINGS, sink, () -> {
            attempts.incrementAndGet();
            throw new UnsatisfiedLinkError("Unable to load library 'pcap'");
        });
        capture.start();
        await(() -> capture.state() == State.FAILED, "FAILED");
        long t0 = System.nanoTime();
        capture.stop();
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 1000, "stop interrupts the retry wait");
        assertEquals(State.STOPPED, capture.state());
        assertEquals(1, attempts.get());
        capture = null;
    }

    @Test
    void aFailingSinkDoesNotStopTheLoop() {
        ScriptedSource source = new ScriptedSource();
        PacketSink flaky = p -> {
            if (p.payload()[0] == 'x') {
                throw new IllegalStateException("boom");
            }
            received.add(p);
        };
        capture = running(new PcapCapture(SETTINGS, flaky, () -> source));
        source.script.add(frame("x1"));
        source.script.add(frame("x2"));
        source.script.add(frame("ok"));
        await(() -> received.size() == 1, "the good packet");
        assertEquals(State.RUNNING, capture.state());
        assertEquals(3, capture.packetsDelivered());
    }

    @Test
    void stopEndsTheThreadWithinASecondAndClosesTheHandle() {
        ScriptedSource source = new ScriptedSource();
        capture = running(new PcapCapture(SETTINGS, sink, () -> source));
        long t0 = System.nanoTime();
        capture.stop();
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 1000, "stop took too long");
        assertEquals(State.STOPPED, capture.state());
        assertTrue(source.closed);
        assertTrue(source.woken, "a blocked read is broken");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("postern-capture-pcap-test") && t.isAlive()));
        capture = null;
    }

    @Test
    void invalidSettingsAreFailedWithoutAThread() {
        AtomicInteger attempts = new AtomicInteger();
        capture = new PcapCapture(new PcapSettings("bad", " ", "", false, false, 1500, 0), sink, () -> {
            attempts.incrementAndGet();
            return new ScriptedSource();
        });
        capture.start();
        assertEquals(State.FAILED, capture.state());
        assertEquals(0, attempts.get());
        assertNotNull(new PcapSettings("x", "eth0", "", false, false, 10, 0).problem(), "snap length too small");
        assertNull(SETTINGS.problem());
    }

    @Test
    void describeShowsDirectionAndPromiscuity() {
        assertEquals("any (no filter) any-direction promiscuous",
                new PcapSettings(null, "any", null, true, true, 1500, 0).describe());
        assertEquals("pcap", new PcapSettings(null, "any", null, true, true, 1500, 0).name());
    }

    private static PcapCapture running(PcapCapture c) {
        c.start();
        await(() -> c.state() == State.RUNNING, "RUNNING");
        return c;
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
