package org.postern.capture.pcap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a classic libpcap file (either byte order, micro- or nanosecond magic) into memory. Tests only. */
final class PcapFileReader {

    record Record(long seconds, long fraction, int originalLength, byte[] data) {
    }

    final int linkType;
    final int snapLength;
    final List<Record> records;

    private PcapFileReader(int linkType, int snapLength, List<Record> records) {
        this.linkType = linkType;
        this.snapLength = snapLength;
        this.records = records;
    }

    static PcapFileReader read(InputStream in) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(in.readAllBytes());
        if (b.remaining() < 24) {
            throw new IOException("not a pcap file: too short");
        }
        int magic = b.order(ByteOrder.BIG_ENDIAN).getInt(0);
        if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
            b.order(ByteOrder.LITTLE_ENDIAN);
        } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
            throw new IOException("not a pcap file: magic " + Integer.toHexString(magic));
        }
        int snapLength = b.getInt(16);
        int linkType = b.getInt(20) & 0x0fffffff; // upper bits: FCS length flags
        List<Record> records = new ArrayList<>();
        int p = 24;
        while (b.limit() - p >= 16) {
            long seconds = Integer.toUnsignedLong(b.getInt(p));
            long fraction = Integer.toUnsignedLong(b.getInt(p + 4));
            int included = b.getInt(p + 8);
            int original = b.getInt(p + 12);
            if (included < 0 || b.limit() - p - 16 < included) {
                throw new IOException("truncated record at offset " + p);
            }
            records.add(new Record(seconds, fraction, original, Arrays.copyOfRange(b.array(), p + 16,
                    p + 16 + included)));
            p += 16 + included;
        }
        if (p != b.limit()) {
            throw new IOException("trailing bytes after the last record");
        }
        return new PcapFileReader(linkType, snapLength, List.copyOf(records));
    }
}
