package org.postern.capture.pcapfile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * The records of a classic pcap file (the format libpcap, tcpdump {@code -w} and ulogd's pcap writer produce),
 * read with positional reads so that a file still being written is read exactly as far as it is complete: a
 * record cut short at the end of the file is not consumed, and {@link #next()} returns it once the writer has
 * finished it. Microsecond and nanosecond files in either byte order; pcapng is refused.
 *
 * <p>Not thread-safe: one capture thread reads it.
 */
final class PcapRecords implements Closeable {

    static final int HEADER_BYTES = 24;
    static final int RECORD_HEADER_BYTES = 16;
    /** Larger records are taken for a corrupt file (libpcap's own limit for most link types). */
    static final int MAX_RECORD_BYTES = 262_144;

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    private static final int MAGIC_PCAPNG = 0x0a0d0d0a;

    /** One captured frame. */
    record Record(Instant time, int originalLength, byte[] data) {
    }

    private final Path path;
    private final FileChannel channel;
    private final Object fileKey;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(RECORD_HEADER_BYTES);
    private ByteOrder order;
    private boolean nanos;
    private int linkType = -1;
    private int snapLength;
    private long position;

    private PcapRecords(Path path, FileChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
    }

    static PcapRecords open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            return new PcapRecords(path, channel, key);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether the file header has been read. */
    boolean hasHeader() {
        return linkType >= 0;
    }

    /**
     * Reads the file header; false while fewer than {@value #HEADER_BYTES} bytes exist.
     *
     * @throws PcapFormatException not a classic pcap file
     */
    boolean readHeader() throws IOException, PcapFormatException {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        if (!readFully(b, 0)) {
            return false;
        }
        b.flip();
        b.order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt(0);
        if (magic == MAGIC_PCAPNG) {
            throw new PcapFormatException(path + " is a pcapng file; only classic pcap is read (convert it with "
                    + "'editcap -F pcap', or write it with 'tcpdump -w' / ulogd's pcap writer)");
        }
        if (magic == MAGIC_MICROS || magic == MAGIC_NANOS) {
            order = ByteOrder.BIG_ENDIAN;
        } else if (Integer.reverseBytes(magic) == MAGIC_MICROS || Integer.reverseBytes(magic) == MAGIC_NANOS) {
            order = ByteOrder.LITTLE_ENDIAN;
            magic = Integer.reverseBytes(magic);
        } else {
            throw new PcapFormatException(path + " is not a pcap file (magic " + String.format("%08x", magic) + ")");
        }
        nanos = magic == MAGIC_NANOS;
        b.order(order);
        snapLength = b.getInt(16);
        linkType = b.getInt(20) & 0xffff; // the upper bits may carry FCS information
        position = HEADER_BYTES;
        return true;
    }

    /**
     * The next complete record, or {@code null} when the file ends here for now (nothing more, or a record not
     * yet completely written).
     *
     * @throws PcapFormatException a record header that makes no sense: the file is corrupt
     */
    Record next() throws IOException, PcapFormatException {
        recordHeader.clear();
        if (!readFully(recordHeader, position)) {
            return null;
        }
        recordHeader.flip();
        recordHeader.order(order);
        long seconds = recordHeader.getInt(0) & 0xffffffffL;
        long fraction = recordHeader.getInt(4) & 0xffffffffL;
        int included = recordHeader.getInt(8);
        int original = recordHeader.getInt(12);
        if (included < 0 || included > MAX_RECORD_BYTES || fraction >= (nanos ? 1_000_000_000L : 1_000_000L)) {
            throw new PcapFormatException(path + ": corrupt record header at byte " + position + " (length "
                    + Integer.toUnsignedString(included) + ")");
        }
        ByteBuffer data = ByteBuffer.allocate(included);
        if (!readFully(data, position + RECORD_HEADER_BYTES)) {
            return null;
        }
        position += RECORD_HEADER_BYTES + included;
        Instant time = Instant.ofEpochSecond(seconds, nanos ? fraction : fraction * 1000);
        return new Record(time, original, data.array());
    }

    /** Fills {@code b} from {@code at}; false (and nothing consumed) when the file is shorter. */
    private boolean readFully(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n <= 0) {
                return false;
            }
            p += n;
        }
        return true;
    }

    int linkType() {
        return linkType;
    }

    int snapLength() {
        return snapLength;
    }

    /** Bytes consumed so far (the header and every complete record read). */
    long position() {
        return position;
    }

    /** The size of the open file now (it may have been renamed or unlinked meanwhile). */
    long size() throws IOException {
        return channel.size();
    }

    /** The identity of the open file (device and inode on Unix), to tell when the path names another file. */
    Object fileKey() {
        return fileKey;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** The file is not a classic pcap file, or it is corrupt. */
    static final class PcapFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        PcapFormatException(String message) {
            super(message);
        }
    }
}
