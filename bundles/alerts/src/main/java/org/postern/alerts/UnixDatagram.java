package org.postern.alerts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * A Unix domain datagram socket (what {@code /dev/log} is): the JDK opens Unix domain sockets for streams only, so
 * this calls libc's socket/sendto/bind/recv through JNA. Linux and the BSDs share the calls; only the layout of
 * {@code sockaddr_un} differs (a length byte on the BSDs and macOS).
 */
final class UnixDatagram implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = Platform.isLinux() ? 2 : 2;
    static final int MSG_DONTWAIT = Platform.isLinux() ? 0x40 : 0x80;
    private static final int PATH_MAX = 104; // the smallest sun_path (BSD); Linux has 108

    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        int sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) throws LastErrorException;

        int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

        int recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static volatile LibC libc;

    private final int fd;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    private static LibC libc() throws IOException {
        LibC l = libc;
        if (l == null) {
            try {
                l = Native.load("c", LibC.class);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                throw new IOException("cannot load libc through JNA: " + e.getMessage(), e);
            }
            libc = l;
        }
        return l;
    }

    /** An unbound socket for sending. */
    static UnixDatagram open() throws IOException {
        try {
            return new UnixDatagram(libc().socket(AF_UNIX, SOCK_DGRAM, 0));
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM): errno " + e.getErrorCode(), e);
        }
    }

    /** A socket bound to {@code path}, for receiving (tests; a local syslog daemon owns /dev/log). */
    static UnixDatagram bind(String path) throws IOException {
        UnixDatagram s = open();
        byte[] addr = address(path);
        try {
            libc().bind(s.fd, addr, addr.length);
        } catch (LastErrorException e) {
            s.close();
            throw new IOException("bind " + path + ": errno " + e.getErrorCode(), e);
        }
        return s;
    }

    void send(String path, byte[] data) throws IOException {
        byte[] addr = address(path);
        try {
            libc().sendto(fd, data, data.length, 0, addr, addr.length);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    /** One datagram, or null when none is waiting (non-blocking). */
    byte[] receiveNow(int max) throws IOException {
        byte[] buf = new byte[max];
        try {
            int n = libc().recv(fd, buf, buf.length, MSG_DONTWAIT);
            return java.util.Arrays.copyOf(buf, n);
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 11 || e.getErrorCode() == 35) { // EAGAIN (Linux, BSD)
                return null;
            }
            throw new IOException("recv: errno " + e.getErrorCode(), e);
        }
    }

    static byte[] address(String path) throws IOException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= PATH_MAX) {
            throw new IOException("socket path longer than " + (PATH_MAX - 1) + " bytes: " + path);
        }
        byte[] a = new byte[2 + p.length + 1];
        if (Platform.isLinux() || Platform.isWindows()) {
            a[0] = (byte) AF_UNIX; // sa_family_t, little-endian short on the platforms that matter here
            a[1] = 0;
        } else {
            a[0] = (byte) a.length; // sun_len
            a[1] = (byte) AF_UNIX;
        }
        System.arraycopy(p, 0, a, 2, p.length);
        return a;
    }

    @Override
    public void close() {
        try {
            libc().close(fd);
        } catch (IOException | LastErrorException e) {
            // nothing left to do
        }
    }
}
