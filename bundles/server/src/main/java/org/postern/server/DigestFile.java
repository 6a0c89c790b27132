package org.postern.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.postern.api.RefusalReason;
import org.postern.api.ReplayCache;
import org.postern.api.ReplayRecord;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay cache, durable in fwknop's {@code digest.cache} format: a header line, then one line per
 * accepted packet {@code <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>}. A digest is on
 * disk (forced) before {@link #addIfAbsent} returns true, so a crash never loses an accepted digest. An
 * existing fwknop digest.cache is read as is. Without persistence it holds digests in memory only.
 */
final class DigestFile implements ReplayCache, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DigestFile.class);
    static final String HEADER = "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n";

    private final Set<String> digests = ConcurrentHashMap.newKeySet();
    private final Path file;
    private FileChannel channel;

    /** A cache backed by {@code file}, or memory-only when {@code file} is null. */
    DigestFile(Path file) throws IOException {
        this(file, false);
    }

    /**
     * A cache backed by {@code file}, or memory-only when {@code file} is null (ENABLE_DIGEST_PERSISTENCE N).
     * With {@code rotate} (fwknopd's {@code --rotate-digest-cache}) an existing file is first renamed to
     * {@code <file>-old} and a new, empty cache starts.
     */
    DigestFile(Path file, boolean rotate) throws IOException {
        this.file = file;
        if (file == null) {
            LOG.info("Replay cache in memory only (ENABLE_DIGEST_PERSISTENCE N)");
            return;
        }
        if (rotate && Files.exists(file)) {
            moveAside(file);
        }
        open(true);
    }

    private static Path moveAside(Path file) throws IOException {
        Path old = file.resolveSibling(file.getFileName() + "-old");
        Files.move(file, old, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(file);
        LOG.info("Replay cache {} rotated to {}", file, old);
        return old;
    }

    /** Opens the file for appending: loads its digests when {@code load}, creates it with its header when absent. */
    private void open(boolean load) throws IOException {
        if (load && Files.exists(file)) {
            int n = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                int sp = t.indexOf(' ');
                digests.add(sp < 0 ? t : t.substring(0, sp));
                n++;
            }
            LOG.info("Replay cache {}: {} digests loaded", file, n);
        } else {
            Path dir = file.toAbsolutePath().getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            try (FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                ByteBuffer buf = ByteBuffer.wrap(HEADER.getBytes(StandardCharsets.ISO_8859_1));
                while (buf.hasRemaining()) {
                    c.write(buf);
                }
                c.force(true);
            }
            syncDirectory(file);
            LOG.info("Replay cache {}: new file", file);
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        long size = channel.size();
        if (size > 0) {
            // a line cut short by a crash must not swallow the next digest
            ByteBuffer last = ByteBuffer.allocate(1);
            try (FileChannel r = FileChannel.open(file, StandardOpenOption.READ)) {
                r.read(last, size - 1);
            }
            if (last.get(0) != '\n') {
                channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
                channel.force(false);
            }
        }
    }

    /** Makes a file's creation or renaming durable: fsync of its directory (best effort where not possible). */
    private static void syncDirectory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("fsync of directory {}: {}", dir, e.toString());
        }
    }

    /**
     * Rotates the file while the daemon runs (fwknopd's --rotate-digest-cache does it at start only): the file is
     * moved to {@code <file>-old} and a new one started. The digests held in memory stay, so nothing accepted
     * before becomes replayable until the next start; from then on packet aging refuses old packets anyway.
     */
    synchronized Path rotate() throws IOException {
        if (file == null) {
            throw new IOException("the replay cache is in memory only (ENABLE_DIGEST_PERSISTENCE N): nothing to rotate");
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        Path old = moveAside(file);
        open(false);
        return old;
    }

    /**
     * The line recorded with a digest, read back from the file (an operator's lookup, not on the packet path);
     * a digest known only in memory (read from a rotated file, or no persistence) has a record of unknowns.
     */
    java.util.Optional<ReplayRecord> lookup(String digest) {
        if (!digests.contains(digest)) {
            return java.util.Optional.empty();
        }
        if (file != null) {
            try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
                java.util.Optional<ReplayRecord> r = lines.map(String::strip)
                        .filter(l -> l.startsWith(digest + ' ') || l.equals(digest))
                        .map(DigestFile::parse).findFirst();
                if (r.isPresent()) {
                    return r;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.warn("Reading replay cache {}: {}", file, e.toString());
            }
        }
        return java.util.Optional.of(new ReplayRecord(0, "", 0, "", 0, 0));
    }

    private static ReplayRecord parse(String line) {
        String[] f = line.split(" +");
        try {
            return new ReplayRecord(Integer.parseInt(f[1]), f[2], Integer.parseInt(f[3]), f[4], Integer.parseInt(f[5]),
                    Long.parseLong(f[6]));
        } catch (RuntimeException e) {
            return new ReplayRecord(0, "", 0, "", 0, 0); // a line of an older format: the digest alone
        }
    }

    /** The file, or null when the cache is in memory only. */
    Path file() {
        return file;
    }

    @Override
    public boolean contains(String digest) {
        return digests.contains(digest);
    }

    @Override
    public boolean addIfAbsent(String digest, ReplayRecord r) throws SpaException {
        return addIfAbsent(digest, r, true);
    }

    /**
     * As {@link #addIfAbsent(String, ReplayRecord)}; with {@code force} false the line is written but its fsync is
     * left to the next {@link #force()} (group commit: the grant thread makes a batch's digests durable with one
     * fsync before it applies the batch's grants).
     */
    boolean addIfAbsent(String digest, ReplayRecord r, boolean force) throws SpaException {
        if (!digests.add(digest)) {
            return false;
        }
        if (channel == null) {
            return true;
        }
        String line = digest + ' ' + r.protocol() + ' ' + r.sourceAddress() + ' ' + r.sourcePort() + ' '
                + r.destinationAddress() + ' ' + r.destinationPort() + ' ' + r.epochSeconds() + '\n';
        long start = -1;
        try {
            synchronized (this) {
                start = channel.size();
                ByteBuffer buf = ByteBuffer.wrap(line.getBytes(StandardCharsets.ISO_8859_1));
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
                if (force) {
                    channel.force(false);
                } else {
                    unforced = true;
                }
            }
            return true;
        } catch (IOException e) {
            // the digest stays known in memory, so this packet and its replays are still refused
            LOG.error("Replay cache {} cannot be written: {}", file, e.toString());
            dropPartialLine(start);
            throw new SpaException(RefusalReason.REPLAY_CACHE_UNAVAILABLE, "digest file not writable: " + e.getMessage());
        }
    }

    /** Guarded by this: lines written since the last fsync. */
    private boolean unforced;

    /** Makes every digest line written so far durable: one fsync for all of them (nothing to do when none waits). */
    synchronized void force() throws SpaException {
        if (!unforced || channel == null) {
            return;
        }
        try {
            channel.force(false);
            unforced = false;
        } catch (IOException e) {
            // the digests stay known in memory, so their packets and replays are still refused
            LOG.error("Replay cache {} cannot be written: {}", file, e.toString());
            throw new SpaException(RefusalReason.REPLAY_CACHE_UNAVAILABLE, "digest file not writable: " + e.getMessage());
        }
    }

    /** A short write (disk full) must not leave a fragment the next digest line would be glued to. */
    private synchronized void dropPartialLine(long start) {
        if (start < 0 || channel == null) {
            return;
        }
        try {
            if (channel.size() > start) {
                channel.truncate(start);
            }
        } catch (IOException e) {
            LOG.warn("Replay cache {}: cannot drop a partly written line: {}", file, e.toString());
        }
    }

    @Override
    public int size() {
        return digests.size();
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("Closing replay cache {}: {}", file, e.toString());
            }
            channel = null;
        }
    }
}
