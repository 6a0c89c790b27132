package org.postern.capture.pcap;

import java.io.EOFException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

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
    /** pcap_next_ex's two out-parameters, reused for every frame (only the capture thread reads). */
    private final PointerByReference header = new PointerByReference();
    private final PointerByReference data = new PointerByReference();

    private LibpcapFrameSource(PcapHandle handle, int linkType) {
        this.handle = handle;
        this.linkType = linkType;
    }

    /**
     * pcap4j's own entry points behind {@link PcapHandle#getNextRawPacketEx()}, reached directly: that method makes
     * two {@code PointerByReference} per frame (each a native malloc, a cleaner registration and a free on another
     * thread), a {@code java.sql.Timestamp} and boxed lengths in thread locals; under a flood of 150,000 frames/s
     * that was a quarter of the capture thread's time. Null when this pcap4j does not have them (then the public
     * method serves).
     */
    private static final class Direct {
        static final MethodHandle NEXT_EX;
        static final MethodHandle CAPLEN;
        static final MethodHandle POINTER;
        static final MethodHandle LOCK;

        static {
            MethodHandle next = null;
            MethodHandle caplen = null;
            MethodHandle pointer = null;
            MethodHandle lock = null;
            try {
                ClassLoader loader = PcapHandle.class.getClassLoader();
                Class<?> mappings = Class.forName("org.pcap4j.core.NativeMappings", true, loader);
                Class<?> pkthdr = Class.forName("org.pcap4j.core.NativeMappings$pcap_pkthdr", true, loader);
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                next = MethodHandles.privateLookupIn(mappings, lookup).findStatic(mappings, "pcap_next_ex",
                        MethodType.methodType(int.class, Pointer.class, PointerByReference.class,
                                PointerByReference.class));
                caplen = MethodHandles.privateLookupIn(pkthdr, lookup).findStatic(pkthdr, "getCaplen",
                        MethodType.methodType(int.class, Pointer.class));
                MethodHandles.Lookup handleLookup = MethodHandles.privateLookupIn(PcapHandle.class, lookup);
                pointer = handleLookup.findGetter(PcapHandle.class, "handle", Pointer.class);
                lock = handleLookup.findGetter(PcapHandle.class, "handleLock", ReentrantReadWriteLock.class);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                LOG.debug("pcap4j's pcap_next_ex is not reachable directly; using PcapHandle.getNextRawPacketEx", e);
                next = null;
            }
            NEXT_EX = next;
            CAPLEN = caplen;
            POINTER = pointer;
            LOCK = lock;
        }

        private Direct() {
        }
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
        if (Direct.NEXT_EX != null) {
            return nextFrameDirect();
        }
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

    /** As pcap4j's getNextRawPacketEx (the same read lock against a concurrent close), without its allocations. */
    private byte[] nextFrameDirect() throws CaptureFailure {
        try {
            Lock lock = ((ReentrantReadWriteLock) Direct.LOCK.invokeExact(handle)).readLock();
            if (!lock.tryLock()) {
                throw new CaptureFailure("the pcap handle is closed", null);
            }
            try {
                if (!handle.isOpen()) {
                    throw new CaptureFailure("the pcap handle is closed", null);
                }
                int rc = (int) Direct.NEXT_EX.invokeExact((Pointer) Direct.POINTER.invokeExact(handle), header, data);
                switch (rc) {
                    case 1: {
                        int caplen = (int) Direct.CAPLEN.invokeExact(header.getValue());
                        return data.getValue().getByteArray(0, caplen);
                    }
                    case 0: // read timeout
                    case -2: // pcap_breakloop from wakeUp()
                        return null;
                    default:
                        throw new CaptureFailure("pcap_next_ex: " + handle.getError(), null);
                }
            } finally {
                lock.unlock();
            }
        } catch (CaptureFailure | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new CaptureFailure(e.toString(), e);
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
