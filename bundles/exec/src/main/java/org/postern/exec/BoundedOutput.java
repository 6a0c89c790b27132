package org.postern.exec;

import java.io.OutputStream;
import java.util.Arrays;

/** Keeps the first {@code limit} bytes written to it and counts (but drops) the rest. Thread-safe. */
final class BoundedOutput extends OutputStream {

    private final int limit;
    private byte[] buffer = new byte[256];
    private int size;
    private long total;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    @Override
    public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        total += len;
        int keep = Math.min(len, limit - size);
        if (keep <= 0) {
            return;
        }
        if (size + keep > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(size + keep, buffer.length * 2)));
        }
        System.arraycopy(b, off, buffer, size, keep);
        size += keep;
    }

    synchronized String text() {
        return ProcessCommandExecutor.decode(Arrays.copyOf(buffer, size));
    }

    synchronized boolean truncated() {
        return total > size;
    }

    synchronized long total() {
        return total;
    }
}
