package org.postern.client.knock;

import java.nio.ByteOrder;
import java.util.Locale;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * Sends one hand-made IPv4 packet through {@code socket(AF_INET, SOCK_RAW, IPPROTO_RAW)} with
 * {@code IP_HDRINCL}, as fwknop does for {@code udpraw}, {@code tcpraw} and {@code icmp}: the kernel routes it
 * by its destination, fills in a zero source address, and leaves a spoofed one alone. Linux and macOS (BSD
 * socket layout); needs root or CAP_NET_RAW. The only class that touches JNA, so JNA is loaded for raw modes
 * only.
 */
final class RawSocket {

    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_IP = 0;
    private static final int IPPROTO_RAW = 255;
    private static final int EPERM = 1;
    private static final int EACCES = 13;

    /** The libc calls used, through JNA's interface mapping. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

        NativeLong sendto(int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength)
                throws LastErrorException;

        int close(int fd);
    }

    private RawSocket() {
    }

    /** Whether this platform wants BSD socket structures and host-order IP lengths (macOS, *BSD). */
    static boolean bsd() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return os.contains("mac") || os.contains("darwin") || os.contains("bsd");
    }

    /**
     * Sends {@code packet} (a full IPv4 packet) towards {@code destination}.
     *
     * @return the number of bytes the kernel took
     * @throws KnockException when raw sockets are not available, not permitted, or sending fails
     */
    static int send(byte[] packet, byte[] destination) throws KnockException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            throw new KnockException("raw packets (-P udpraw|tcpraw|icmp, -Q/--spoof-src) are not supported on Windows");
        }
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (LinkageError e) {
            throw new KnockException("raw packets need JNA and the C library: " + e.getMessage());
        }
        boolean bsd = bsd();
        int fd;
        try {
            fd = libc.socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EPERM || e.getErrorCode() == EACCES) {
                throw new KnockException("raw packets (-P udpraw|tcpraw|icmp, -Q/--spoof-src) need root or the"
                        + " CAP_NET_RAW capability: socket(AF_INET, SOCK_RAW, IPPROTO_RAW): permission denied");
            }
            throw new KnockException("could not open a raw socket: " + e.getMessage());
        }
        try {
            libc.setsockopt(fd, IPPROTO_IP, bsd ? 2 : 3, new int[] {1}, 4); // IP_HDRINCL
            byte[] sin = sockaddr(destination, bsd);
            NativeLong sent = libc.sendto(fd, packet, new NativeLong(packet.length), 0, sin, sin.length);
            return sent.intValue();
        } catch (LastErrorException e) {
            throw new KnockException("could not send the raw SPA packet: " + e.getMessage());
        } finally {
            libc.close(fd);
        }
    }

    /** A {@code struct sockaddr_in} for the destination (port 0: raw sockets carry no port). */
    static byte[] sockaddr(byte[] address, boolean bsd) {
        byte[] sin = new byte[16];
        if (bsd) {
            sin[0] = 16;
            sin[1] = AF_INET;
        } else if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
            sin[0] = AF_INET;
        } else {
            sin[1] = AF_INET;
        }
        System.arraycopy(address, 0, sin, 4, 4);
        return sin;
    }
}
