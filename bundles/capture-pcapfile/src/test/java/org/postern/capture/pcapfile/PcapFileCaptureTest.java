package org.postern.capture.pcapfile;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.postern.capture.pcapfile.PcapWriter.LINKTYPE_ETHERNET;
import static org.postern.capture.pcapfile.PcapWriter.LINKTYPE_RAW;
import static org.postern.capture.pcapfile.PcapWriter.append;
import static org.postern.capture.pcapfile.PcapWriter.ethernet;
import static org.postern.capture.pcapfile.PcapWriter.header;
import static org.postern.capture.pcapfile.PcapWriter.ipv4Tcp;
import static org.postern.capture.pcapfile.PcapWriter.ipv4Udp;
import static org.postern.capture.pcapfile.PcapWriter.record;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.CaptureSource.State;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.Transport;
import org.postern.api.http.SpaOverHttp;

class PcapFileCaptureTest {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @TempDir
    Path dir;

    private final List<CapturedPacket> received = new CopyOnWriteArrayList<>();
    private final PacketSink sink = received::add;
    private PcapFileCapture capture;

    @AfterEach
    void stop() {
        if (capture != null) {
            capture.stop();
        }
    }

    private PcapFileCapture start(Path file, boolean follow, boolean fromStart, String filter, SpaOverHttp http) {
        capture = new PcapFileCapture("file", file.toString(), follow, fromStart, filter, 20, http, sink,
                BpfRecordFilter::compile);
        capture.start();
        return capture;
    }

    private static byte[] udp(int i) throws IOException {
        return ipv4Udp("10.0.0.1", 40000 + i, "10.0.0.2", 62201, ("payload-" + i).getBytes(US_ASCII));
    }

    private List<String> payloads() {
        return received.stream().map(p -> new String(p.payload(), US_ASCII)).toList();
    }

    @Test
    void aFinishedFileOfRealClientPacketsIsReadOnceToItsEnd() throws Exception {
        Path file = dir.resolve("vectors.pcap");
        try (InputStream in = getClass().getResourceAsStream("/vectors/all-vectors.pcap")) {
            Files.copy(in, file);
        }
        start(file, false, false, "", null);
        await(() -> capture.finished(), "finished");
        await(() -> capture.state() == State.STOPPED, "STOPPED");
        List<Path> spa = spaFiles();
        assertEquals(spa.size(), received.size());
        for (int i = 0; i < spa.size(); i++) {
            CapturedPacket p = received.get(i);
            assertArrayEquals(payload(spa.get(i)), p.payload(), spa.get(i).toString());
            assertEquals(InetAddress.getByName("10.200.0.1"), p.source());
            assertEquals(40000 + i, p.sourcePort());
            assertEquals(InetAddress.getByName("10.200.0.2"), p.destination());
            assertEquals(62201, p.destinationPort());
            assertEquals(Transport.UDP, p.transport());
            assertEquals("file", p.captureName());
        }
        assertEquals(spa.size(), capture.recordsRead());
        assertEquals(file + " (no filter) read (" + spa.size() + " records)", capture.describe());
        assertEquals("pcapfile", capture.kind());
    }

    @Test
    void recordTimesAreTheReceivedTimesInEitherByteOrderAndPrecision() throws Exception {
        for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, LE)) {
            for (boolean nanos : List.of(false, true)) {
                received.clear();
                Path file = dir.resolve("t-" + order + nanos + ".pcap");
                append(file, header(order, nanos, LINKTYPE_RAW));
                append(file, record(order, 1_700_000_000L, nanos ? 123_456_789 : 123_456, udp(0)));
                append(file, record(order, 1_700_000_001L, 0, udp(1)));
                start(file, false, false, "", null);
                await(() -> capture.finished(), "finished");
                assertEquals(List.of("payload-0", "payload-1"), payloads(), order + " " + nanos);
                assertEquals(Instant.ofEpochSecond(1_700_000_000L, nanos ? 123_456_789 : 123_456_000),
                        received.get(0).received());
                capture.stop();
            }
        }
    }

    @Test
    void theBpfFilterIsAppliedAsFwknopdDoes() throws Exception {
        assumeTrue(libpcap(), "libpcap0.8 is needed for BPF filters");
        Path file = dir.resolve("mixed.pcap");
        append(file, header(LE, false, LINKTYPE_ETHERNET));
        append(file, record(LE, 1, 0, ethernet(udp(0))));
        append(file, record(LE, 2, 0, ethernet(ipv4Udp("10.0.0.1", 5000, "10.0.0.2", 53, "dns".getBytes(US_ASCII)))));
        append(file, record(LE, 3, 0, ethernet(ipv4Tcp("10.0.0.1", 5001, "10.0.0.2", 62201, "tcp".getBytes(US_ASCII)))));
        append(file, record(LE, 4, 0, ethernet(udp(1))));
        start(file, false, false, "udp port 62201", null);
        await(() -> capture.finished(), "finished");
        assertEquals(List.of("payload-0", "payload-1"), payloads());
        assertEquals(2, capture.recordsFiltered());
        assertEquals(file + " 'udp port 62201' read (4 records)", capture.describe());
        capture.stop();

        received.clear();
        Path raw = dir.resolve("raw.pcap"); // ulogd writes LINKTYPE_RAW (101): compiled for DLT_RAW
        append(raw, header(LE, false, LINKTYPE_RAW));
        append(raw, record(LE, 1, 0, udp(0)));
        append(raw, record(LE, 1, 0, ipv4Tcp("10.0.0.1", 5001, "10.0.0.2", 62201, "tcp".getBytes(US_ASCII))));
        start(raw, false, false, "tcp dst port 62201", null);
        await(() -> capture.finished(), "finished");
        assertEquals(List.of("tcp"), payloads());
    }

    @Test
    void aFilterThatDoesNotCompileIsFailed() throws Exception {
        assumeTrue(libpcap(), "libpcap0.8 is needed for BPF filters");
        Path file = dir.resolve("x.pcap");
        append(file, header(LE, false, LINKTYPE_ETHERNET));
        start(file, false, false, "udp port banana", null);
        await(() -> capture.state() == State.FAILED, "FAILED");
    }

    @Test
    void notAPcapFileAndPcapngAreFailed() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "these are not the packets you are looking for");
        start(text, false, false, "", null);
        await(() -> capture.state() == State.FAILED, "FAILED");
        capture.stop();
        Path ng = dir.resolve("x.pcapng");
        Files.write(ng, new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, -1, -1, -1,
            -1, -1, -1, -1, -1, 28, 0, 0, 0});
        start(ng, false, false, "", null);
        await(() -> capture.state() == State.FAILED, "FAILED");
        capture.stop();
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[0]);
        start(empty, false, false, "", null);
        await(() -> capture.state() == State.FAILED, "FAILED");
    }

    @Test
    void anIncompleteLastRecordOfAFinishedFileIsLeftOut() throws Exception {
        Path file = dir.resolve("cut.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        append(file, record(LE, 1, 0, udp(0)));
        byte[] last = record(LE, 2, 0, udp(1));
        append(file, Arrays.copyOf(last, last.length - 5));
        start(file, false, false, "", null);
        await(() -> capture.finished(), "finished");
        assertEquals(List.of("payload-0"), payloads());
    }

    @Test
    void aGrowingFileIsFollowedAsItIsWrittenEvenRecordByHalfRecord() throws Exception {
        Path file = dir.resolve("growing.pcap");
        start(file, true, false, "", null);
        await(() -> capture.state() == State.FAILED, "FAILED while the file is missing");
        byte[] head = header(LE, false, LINKTYPE_RAW);
        append(file, Arrays.copyOf(head, 10));
        append(file, Arrays.copyOfRange(head, 10, 24));
        await(() -> capture.state() == State.RUNNING, "RUNNING once the header is there");
        append(file, record(LE, 1, 0, udp(0)));
        await(() -> received.size() == 1, "first record");
        byte[] r = record(LE, 2, 0, udp(1));
        append(file, Arrays.copyOf(r, 20));
        await(() -> capture.recordsRead() == 1, "still one record");
        assertEquals(1, received.size(), "half a record is not a record");
        append(file, Arrays.copyOfRange(r, 20, r.length));
        await(() -> received.size() == 2, "second record once complete");
        assertEquals(List.of("payload-0", "payload-1"), payloads());
        assertEquals(file + " (no filter) follow", capture.describe());
    }

    @Test
    void followingSkipsWhatWasThereUnlessFromStart() throws Exception {
        Path file = dir.resolve("old.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        append(file, record(LE, 1, 0, udp(0)));
        append(file, record(LE, 2, 0, udp(1)));
        start(file, true, false, "", null);
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        append(file, record(LE, 3, 0, udp(2)));
        await(() -> received.size() == 1, "the new record");
        assertEquals(List.of("payload-2"), payloads());
        capture.stop();

        received.clear();
        start(file, true, true, "", null);
        await(() -> received.size() == 3, "all three");
        assertEquals(List.of("payload-0", "payload-1", "payload-2"), payloads());
    }

    @Test
    void aRotatedFileIsReadToItsEndAndTheNewOneFromItsStart() throws Exception {
        Path file = dir.resolve("ulogd.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        start(file, true, false, "", null);
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        append(file, record(LE, 1, 0, udp(0)));
        await(() -> received.size() == 1, "first");

        // logrotate: the writer's file is renamed, the writer still appends to it, then re-creates the path
        Path old = dir.resolve("ulogd.pcap.1");
        Files.move(file, old, StandardCopyOption.ATOMIC_MOVE);
        append(old, record(LE, 2, 0, udp(1)));
        await(() -> received.size() == 2, "the renamed file is still read");
        Path fresh = dir.resolve("ulogd.pcap.new");
        append(fresh, header(LE, false, LINKTYPE_RAW));
        append(fresh, record(LE, 3, 0, udp(2)));
        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
        await(() -> received.size() == 3, "the new file from its start");
        append(file, record(LE, 4, 0, udp(3)));
        await(() -> received.size() == 4, "and on");
        assertEquals(List.of("payload-0", "payload-1", "payload-2", "payload-3"), payloads());
        assertEquals(2, capture.filesOpened());
        assertEquals(State.RUNNING, capture.state());
    }

    @Test
    void aFileTruncatedInPlaceIsReadAgainFromItsStart() throws Exception {
        Path file = dir.resolve("trunc.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        start(file, true, false, "", null);
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        append(file, record(LE, 1, 0, udp(0)));
        append(file, record(LE, 1, 0, udp(1)));
        await(() -> received.size() == 2, "two");
        Files.write(file, header(LE, false, LINKTYPE_RAW)); // truncate and start over (copytruncate)
        append(file, record(LE, 2, 0, udp(2)));
        await(() -> received.size() == 3, "the rewritten file");
        assertEquals("payload-2", payloads().get(2));
    }

    @Test
    void aCorruptFollowedFileWaitsForANewOne() throws Exception {
        Path file = dir.resolve("bad.pcap");
        Files.writeString(file, "x".repeat(100));
        start(file, true, false, "", null);
        await(() -> capture.state() == State.FAILED, "FAILED");
        Path fresh = dir.resolve("good.pcap");
        append(fresh, header(LE, false, LINKTYPE_RAW));
        append(fresh, record(LE, 1, 0, udp(0)));
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(() -> received.size() == 1, "the new file");
        assertEquals(State.RUNNING, capture.state());
    }

    @Test
    void recordedHttpRequestsGiveTheirSpaData() throws Exception {
        Path file = dir.resolve("http.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        String request = "GET /abc-def_ghi HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nX-Forwarded-For: 10.7.7.7\r\n\r\n";
        append(file, record(LE, 1, 0, ipv4Tcp("10.0.0.1", 5001, "10.0.0.2", 80, request.getBytes(US_ASCII))));
        start(file, false, false, "", new SpaOverHttp(false, true));
        await(() -> capture.finished(), "finished");
        assertEquals(List.of("abc+def/ghi"), payloads());
        assertEquals(Transport.HTTP, received.get(0).transport());
        assertEquals(InetAddress.getByName("10.7.7.7"), received.get(0).forwardedFor());
    }

    @Test
    void invalidSettingsAreFailedAndStopIsQuick() throws Exception {
        start(dir.resolve("x"), true, false, "", null);
        capture.stop();
        capture = new PcapFileCapture("f", " ", false, false, "", 20, null, sink, BpfRecordFilter::compile);
        capture.start();
        assertEquals(State.FAILED, capture.state());
        capture.stop();
        capture = new PcapFileCapture("f", "/x", false, false, "", 5, null, sink, BpfRecordFilter::compile);
        capture.start();
        assertEquals(State.FAILED, capture.state());

        Path file = dir.resolve("idle.pcap");
        append(file, header(LE, false, LINKTYPE_RAW));
        start(file, true, false, "", null);
        await(() -> capture.state() == State.RUNNING, "RUNNING");
        long t0 = System.nanoTime();
        capture.stop();
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000);
        assertEquals(State.STOPPED, capture.state());
    }

    private static boolean libpcap() {
        try {
            BpfRecordFilter.compile("udp", LINKTYPE_ETHERNET, 1500).close();
            return true;
        } catch (RecordFilter.FilterException | LinkageError e) {
            return false;
        }
    }

    private List<Path> spaFiles() throws URISyntaxException, IOException {
        Path d = Path.of(getClass().getResource("/vectors/all-vectors.pcap").toURI()).getParent();
        try (Stream<Path> files = Files.list(d)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".spa")).sorted().toList();
        }
    }

    private static byte[] payload(Path spa) throws IOException {
        byte[] b = Files.readAllBytes(spa);
        int n = b.length;
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
            n--;
        }
        return Arrays.copyOf(b, n);
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
