package org.postern.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.postern.api.Transport;
import org.postern.capture.pcap.frame.DecodedFrame;
import org.postern.capture.pcap.frame.FrameDecoder;

/** The real fwknop 2.6.10 vectors, as Ethernet frames in a pcap file, decode to exactly their payloads. */
class InteropVectorsPcapTest {

    @Test
    void everyVectorFrameDecodesToItsPayload() throws Exception {
        PcapFileReader pcap;
        try (InputStream in = getClass().getResourceAsStream("/vectors/all-vectors.pcap")) {
            assertNotNull(in, "all-vectors.pcap on the test class path");
            pcap = PcapFileReader.read(in);
        }
        assertEquals(FrameDecoder.DLT_EN10MB, pcap.linkType);
        List<Path> spaFiles = spaFiles();
        assertEquals(spaFiles.size(), pcap.records.size(), "one frame per vector");

        InetAddress client = InetAddress.getByName("10.200.0.1");
        InetAddress server = InetAddress.getByName("10.200.0.2");
        for (int i = 0; i < spaFiles.size(); i++) {
            byte[] expected = payload(spaFiles.get(i));
            DecodedFrame f = FrameDecoder.decode(pcap.linkType, pcap.records.get(i).data());
            String id = spaFiles.get(i).getFileName().toString();
            assertNotNull(f, id);
            assertArrayEquals(expected, f.payload(), id);
            assertEquals(client, f.source(), id);
            assertEquals(40000 + i, f.sourcePort(), id);
            assertEquals(server, f.destination(), id);
            assertEquals(62201, f.destinationPort(), id);
            assertEquals(Transport.UDP, f.transport(), id);
        }
    }

    private List<Path> spaFiles() throws URISyntaxException, IOException {
        Path dir = Path.of(getClass().getResource("/vectors/all-vectors.pcap").toURI()).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".spa")).sorted().toList();
        }
    }

    /** The .spa file is the payload plus a trailing newline. */
    private static byte[] payload(Path spa) throws IOException {
        byte[] b = Files.readAllBytes(spa);
        int n = b.length;
        while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
            n--;
        }
        return Arrays.copyOf(b, n);
    }
}
