package org.postern.capture.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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

class HttpCaptureTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String WIRE = "8/Gr9W+v2kQn3Sd0Lh6yT7Dk/VbJ+aA0qJmv1t2QZ7b8Rk3W+JfEo9lq0ZcC1m8y4tUqvl1Qe0bYb7u/RZJm0"
            + "Y+q3P2Vw/7Xo5gJ+l0W6rGkDqS2vQJ3Cq1y+Tz8aL0kZp4fH/9rNw2e6uJxB1vO+5tK3sI7c0dM";
    private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private final PacketSink sink = received::add;
    private final List<Socket> sockets = new ArrayList<>();
    private HttpCapture capture;

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

    /** fwknop 2.6.10's -P http request. */
    static String clientRequest(String wire) {
        return "GET /" + wire.replace('+', '-').replace('/', '_') + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n"
                + "Accept: */*\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    }

    private HttpCapture start(StreamLimits limits, SpaOverHttp http, int replyStatus) {
        capture = new HttpCapture("web", "127.0.0.1", 0, limits, sink, http, replyStatus);
        capture.start();
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        return capture;
    }

    private HttpCapture start() {
        return start(new StreamLimits(64, 8, 2000, 8192, 128), new SpaOverHttp(false, false), 404);
    }

    private Socket connect(InetAddress from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress(LOOPBACK, capture.listener().localPort()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Sends a request and returns the answer (everything until the server closes). */
    private String exchange(InetAddress from, String request) throws IOException {
        Socket s = connect(from);
        s.getOutputStream().write(request.getBytes(US_ASCII));
        return readAll(s);
    }

    private static String readAll(Socket s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] b = new byte[1024];
        try {
            for (int n; (n = in.read(b)) > 0;) {
                out.write(b, 0, n);
            }
        } catch (SocketException e) {
            // reset after the answer
        }
        return out.toString(US_ASCII);
    }

    @Test
    void theClientsRequestIsDeliveredAsSpaDataAndAnswered() throws Exception {
        start();
        assertEquals("127.0.0.1:" + capture.listener().localPort()
                + " max 64 connections (8 per source), 2000 ms, 8192 bytes", capture.describe());
        assertEquals("http", capture.kind());
        assertEquals(NOT_FOUND, exchange(LOOPBACK, clientRequest(WIRE)));
        await(() -> received.size() == 1, "1 packet");
        CapturedPacket p = received.get(0);
        assertEquals(WIRE, new String(p.payload(), US_ASCII));
        assertEquals(Transport.HTTP, p.transport());
        assertEquals(LOOPBACK, p.source());
        assertEquals(LOOPBACK, p.destination());
        assertEquals(capture.listener().localPort(), p.destinationPort());
        assertEquals("web", p.captureName());
        assertNull(p.forwardedFor());
        assertEquals(1, capture.packetsDelivered());
    }

    @Test
    void everyRequestGetsTheSameAnswerSpaOrNot() throws Exception {
        start();
        String spa = exchange(LOOPBACK, clientRequest(WIRE));
        String curl = exchange(LOOPBACK, clientRequest(WIRE).replace("Fwknop/2.6.10", "curl/8.0"));
        String post = exchange(LOOPBACK, clientRequest(WIRE).replace("GET", "POST"));
        String root = exchange(LOOPBACK, "GET / HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n\r\n");
        String junk = exchange(LOOPBACK, "\u0016\u0003\u0001garbage\r\n\r\n");
        for (String answer : List.of(spa, curl, post, root, junk)) {
            assertEquals(NOT_FOUND, answer);
        }
        await(() -> capture.requestsIgnored() == 4, "4 ignored");
        assertEquals(1, received.size());
    }

    @Test
    void anyUserAgentAndForwardedForWhenConfigured() throws Exception {
        start(new StreamLimits(64, 8, 2000, 8192, 128), new SpaOverHttp(true, true), 404);
        assertTrue(capture.describe().endsWith(" any-agent xff"), capture.describe());
        exchange(LOOPBACK, clientRequest(WIRE).replace("Fwknop/2.6.10", "curl/8.0")
                .replace("Host:", "X-Forwarded-For: 198.51.100.20, 10.0.0.1\r\nHost:"));
        await(() -> received.size() == 1, "1 packet");
        assertEquals(InetAddress.getByName("198.51.100.20"), received.get(0).forwardedFor());
        assertEquals(LOOPBACK, received.get(0).source());
        exchange(LOOPBACK, clientRequest(WIRE).replace("Host:", "X-Forwarded-For: not-an-ip\r\nHost:"));
        await(() -> received.size() == 2, "2 packets");
        assertNull(received.get(1).forwardedFor());
    }

    @Test
    void forwardedForIsIgnoredUnlessConfigured() throws Exception {
        start();
        exchange(LOOPBACK, clientRequest(WIRE).replace("Host:", "X-Forwarded-For: 198.51.100.20\r\nHost:"));
        await(() -> received.size() == 1, "1 packet");
        assertNull(received.get(0).forwardedFor());
    }

    @Test
    void aRequestInPiecesIsReadUntilItsHeadIsComplete() throws Exception {
        start();
        Socket s = connect(LOOPBACK);
        String request = clientRequest(WIRE);
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < request.length(); i += 37) {
            out.write(request.substring(i, Math.min(request.length(), i + 37)).getBytes(US_ASCII));
            out.flush();
        }
        assertEquals(NOT_FOUND, readAll(s));
        assertEquals(WIRE, new String(received.get(0).payload(), US_ASCII));
    }

    @Test
    void aRequestWithoutBlankLineCountsWhenThePeerCloses() throws Exception {
        start();
        Socket s = connect(LOOPBACK);
        s.getOutputStream().write(("GET /" + WIRE.replace('+', '-').replace('/', '_')
                + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n").getBytes(US_ASCII));
        s.shutdownOutput();
        assertEquals(NOT_FOUND, readAll(s));
        assertEquals(1, received.size());
    }

    @Test
    void anOversizedHeadIsAnsweredAndDropped() throws Exception {
        start(new StreamLimits(64, 8, 2000, 1024, 128), new SpaOverHttp(false, false), 404);
        Socket s = connect(LOOPBACK);
        String big = "GET /" + "A".repeat(5000) + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n\r\n";
        try {
            s.getOutputStream().write(big.getBytes(US_ASCII));
        } catch (IOException e) {
            // cut off while writing: fine
        }
        String answer = readAll(s);
        assertTrue(answer.isEmpty() || answer.equals(NOT_FOUND), answer);
        await(() -> capture.listener().overflowed() == 1, "overflow counted");
        assertEquals(0, received.size());
        assertEquals(1, capture.requestsIgnored());
    }

    @Test
    void aSlowlorisIsResetAtItsDeadline() throws Exception {
        start(new StreamLimits(64, 8, 300, 8192, 128), new SpaOverHttp(false, false), 404);
        Socket s = connect(LOOPBACK);
        s.getOutputStream().write("GET /abc HTTP/1.0\r\nUser-Agent: Fwk".getBytes(US_ASCII));
        await(() -> capture.listener().timedOut() == 1, "timed out");
        s.setSoTimeout(1000);
        try {
            assertTrue(s.getInputStream().read() < 0, "no answer to a request never finished");
        } catch (SocketException e) {
            // reset: as expected
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the slow connection is still open");
        }
        assertEquals(0, received.size());
    }

    @Test
    void validRequestsGetThroughABoundedFloodOfSlowAndOversizedConnections() throws Exception {
        start(new StreamLimits(64, 8, 1000, 8192, 1024), new SpaOverHttp(false, false), 404);
        InetAddress flooder = InetAddress.getByName("127.0.0.2");
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicInteger floodConnections = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean oversize = t % 2 == 0;
            Thread th = new Thread(() -> {
                List<Socket> mine = new ArrayList<>();
                byte[] big = ("GET /" + "A".repeat(64 * 1024)).getBytes(US_ASCII);
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
                            s.getOutputStream().write("GET /".getBytes(US_ASCII));
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
                String wire = WIRE + "A".repeat(i + 1);
                long t0 = System.nanoTime();
                Socket s = new Socket();
                s.bind(new InetSocketAddress(flooder, 0));
                s.connect(new InetSocketAddress(LOOPBACK, capture.listener().localPort()), 5000);
                s.getOutputStream().write(clientRequest(wire).getBytes(US_ASCII));
                s.close(); // as the fwknop client: it does not wait for the answer
                await(() -> received.stream().anyMatch(p -> new String(p.payload(), US_ASCII).equals(wire)), wire);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 5000, "request " + i + " took " + ms + " ms");
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
    void replyStatusZeroClosesWithoutAnswer() throws Exception {
        start(new StreamLimits(64, 8, 2000, 8192, 128), new SpaOverHttp(false, false), 0);
        assertEquals("", exchange(LOOPBACK, clientRequest(WIRE)));
        await(() -> received.size() == 1, "1 packet");
    }

    @Test
    void answersAndInvalidStatus() {
        assertEquals("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                new String(HttpCapture.answer(204), US_ASCII));
        assertEquals("HTTP/1.1 418 Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                new String(HttpCapture.answer(418), US_ASCII));
        assertEquals(0, HttpCapture.answer(0).length);
        capture = new HttpCapture("bad", "127.0.0.1", 0, new StreamLimits(64, 8, 2000, 8192, 128), sink,
                new SpaOverHttp(false, false), 42);
        capture.start();
        assertEquals(State.FAILED, capture.state());
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
