package org.postern.capture.pcap;

import java.io.EOFException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.Pcaps;
import org.postern.capture.pcap.frame.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live libpcap handle through pcap4j: immediate mode (no kernel batching, so no added latency) and a short
 * read timeout; a stop also breaks a blocked read with {@code pcap_breakloop}, which libpcap 1.10 needs. Only raw bytes are read; pcap4j's packet factory is never used on
 * this path. Every call runs with the thread context class loader set to the pcap4j bundle's, because pcap4j
 * finds its factories through {@link java.util.ServiceLoader}.
 */
final class LibpcapFrameSource implements FrameSource {

    static final int READ_TIMEOUT_MILLIS = 20;

    private static final Logger LOG = LoggerFactory.getLogger(LibpcapFrameSource.class);
    private static final Pattern PSEUDO_DEVICE = Pattern.compile(
            "any|nflog(:\\d+)?|nfqueue(:\\d+)?|usbmon\\d*|bluetooth(-monitor)?\\d*|dbus-(system|session)|rpcaps?://.*");

    private final PcapHandle handle;
    private final int linkType;

    private LibpcapFrameSource(PcapHandle handle, int linkType) {
        this.handle = handle;
        this.linkType = linkType;
    }

    static FrameSource open(PcapSettings settings) throws CaptureFailure {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Pcaps.class.getClassLoader());
        try {
            // Checked first because a failed pcap_activate inside pcap4j's builder leaks the pcap_t.
            if (!exists(settings.interfaceName())) {
                throw CaptureFailure.interfaceMissing(settings.interfaceName());
            }
            PcapHandle handle = new PcapHandle.Builder(settings.interfaceName())
                    .snaplen(settings.snapLength())
                    .promiscuousMode(settings.promiscuous() ? PromiscuousMode.PROMISCUOUS
                            : PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(READ_TIMEOUT_MILLIS)
                    .bufferSize(settings.bufferBytes())
                    .immediateMode(true)
                    .build();
            try {
                if (!settings.anyDirection()) {
                    try {
                        handle.setDirection(PcapDirection.IN);
                    } catch (PcapNativeException e) {
                        LOG.warn("Capture source pcap:{}: cannot restrict {} to inbound packets ({}); capturing both "
                                + "directions", settings.name(), settings.interfaceName(), e.getMessage());
                    }
                }
                if (!settings.filter().isEmpty()) {
                    handle.setFilter(settings.filter(), BpfCompileMode.OPTIMIZE);
                }
                int linkType = handle.getDlt().value();
                if (!FrameDecoder.supports(linkType)) {
                    throw new CaptureFailure("unsupported link type " + linkType + " on " + settings.interfaceName(),
                            null);
                }
                return new LibpcapFrameSource(handle, linkType);
            } catch (PcapNativeException | NotOpenException | CaptureFailure | RuntimeException e) {
                handle.close();
                throw e;
            }
        } catch (PcapNativeException | NotOpenException e) {
            throw new CaptureFailure(settings.interfaceName() + ": " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * A kernel interface, or one of libpcap's pseudo-devices ({@code any}, {@code nflog}, {@code nfqueue},
     * {@code usbmonN}, ...). Not asked of libpcap itself: pcap_findalldevs is slow and pcap4j logs every call.
     */
    static boolean exists(String interfaceName) {
        if (PSEUDO_DEVICE.matcher(interfaceName).matches()) {
            return true;
        }
        try {
            return NetworkInterface.getByName(interfaceName) != null;
        } catch (SocketException e) {
            LOG.debug("NetworkInterface lookup of {} failed", interfaceName, e);
            return true; // let libpcap decide
        }
    }

    @Override
    public int linkType() {
        return linkType;
    }

    @Override
    public byte[] nextFrame() throws CaptureFailure {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Pcaps.class.getClassLoader());
        try {
            return handle.getNextRawPacketEx();
        } catch (TimeoutException e) {
            return null;
        } catch (EOFException e) {
            return null; // pcap_breakloop from wakeUp()
        } catch (PcapNativeException | NotOpenException e) {
            throw new CaptureFailure(e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void wakeUp() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // already closed by the capture thread: nothing to wake
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("pcap_breakloop failed", e);
        }
    }

    @Override
    public void close() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Pcaps.class.getClassLoader());
        try {
            handle.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("closing the pcap handle failed", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
