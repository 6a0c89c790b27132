package org.postern.capture.pcap;

import org.postern.capture.pcap.frame.FrameDecoder;
/** One open capture handle, read by a single thread (the capture loop), then closed by it. */
interface FrameSource extends AutoCloseable {

    /** The link type of the frames (a DLT_* value, see {@link FrameDecoder}). */
    int linkType();

    /** The next frame's captured bytes, or {@code null} when the read timeout passed without one. */
    byte[] nextFrame() throws CaptureFailure;

    /**
     * Makes a blocked {@link #nextFrame()} return soon; called from another thread on stop (libpcap 1.10 keeps
     * polling past the read timeout in blocking mode, so the timeout alone does not end a read). Never throws.
     */
    void wakeUp();

    /** Releases the handle; never throws. */
    @Override
    void close();

    /** Opens a fresh handle: at start and after every failure. */
    @FunctionalInterface
    interface Opener {
        FrameSource open() throws CaptureFailure;
    }
}
