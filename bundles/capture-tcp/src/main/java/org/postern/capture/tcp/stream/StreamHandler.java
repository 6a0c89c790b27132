package org.postern.capture.tcp.stream;

import java.net.InetSocketAddress;

/**
 * What a {@link BoundedStreamListener} does with the bytes of one connection. Called on the listener's single
 * thread, so it must return quickly and need not be thread-safe against itself.
 */
@FunctionalInterface
public interface StreamHandler {

    /**
     * Everything received so far on one connection, after each read that brought something (or ended the
     * stream).
     *
     * @param remote      the peer
     * @param local       the local end the peer connected to
     * @param data        the bytes received; only the first {@code length} are valid; do not keep the array
     * @param length      how many bytes were received
     * @param endOfStream the peer closed its side: nothing more will come
     * @param full        {@code length} reached the limit plus one byte: nothing more will be read
     * @return {@code null} to read on (ignored when {@code endOfStream} or {@code full}: the connection ends
     *         then anyway), or the bytes to send back before the connection is closed (empty: just close)
     */
    byte[] received(InetSocketAddress remote, InetSocketAddress local, byte[] data, int length, boolean endOfStream,
            boolean full);
}
