package org.postern.client.knock;

import java.nio.charset.StandardCharsets;

/**
 * The IPv4 packets of fwknop's raw modes, byte for byte as the 2.6.10 client builds them ({@code spa_comm.c}):
 * a 20-byte IPv4 header (TOS 0, no fragment bits, TTL 255, the given IP id, source 0.0.0.0 unless spoofed, so
 * the kernel puts the host's address in), then
 * <ul>
 * <li>{@code udpraw}: an 8-byte UDP header with checksum 0 (no checksum);</li>
 * <li>{@code tcpraw}: a 20-byte TCP header, SYN only, sequence number 1, window 32767, checksum 0;</li>
 * <li>{@code icmp}: an 8-byte ICMP header with the given type and code and a correct checksum; echo requests
 * (type 8, code 0) carry a random id and sequence number 1, every other type id 0 and sequence 0;</li>
 * </ul>
 * then the SPA payload. The IP header checksum is computed (Linux recomputes it anyway). Plain Java, stateless.
 */
public final class RawPacket {

    /** IP TTL of every raw SPA packet (fwknop's RAW_SPA_TTL). */
    public static final int TTL = 255;
    /** TCP window of a {@code tcpraw} packet. */
    public static final int TCP_WINDOW = 32767;

    static final int IP_HEADER = 20;
    static final int PROTO_ICMP = 1;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;

    private RawPacket() {
    }

    /**
     * Builds one packet.
     *
     * @param transport   {@link KnockTransport#UDP_RAW}, {@link KnockTransport#TCP_RAW} or {@link KnockTransport#ICMP}
     * @param source      the 4-byte source address; all zero lets the kernel fill in the host's own
     * @param destination the 4-byte destination address
     * @param sourcePort  UDP/TCP source port
     * @param destPort    UDP/TCP destination port
     * @param icmpType    ICMP type (icmp only)
     * @param icmpCode    ICMP code (icmp only)
     * @param ipId        the IP identification field
     * @param echoId      the ICMP echo identifier (used for echo requests only)
     * @param payload     the SPA wire data
     * @param bsdLengths  write the IP total length and fragment field in host byte order, as the BSD and macOS
     *                    kernels want for {@code IP_HDRINCL} (Linux takes network order)
     */
    public static byte[] build(KnockTransport transport, byte[] source, byte[] destination, int sourcePort,
            int destPort, int icmpType, int icmpCode, int ipId, int echoId, String payload, boolean bsdLengths) {
        byte[] data = payload.getBytes(StandardCharsets.US_ASCII);
        int transportHeader = switch (transport) {
            case UDP_RAW, ICMP -> 8;
            case TCP_RAW -> 20;
            default -> throw new IllegalArgumentException(transport + " is not a raw transport");
        };
        int total = IP_HEADER + transportHeader + data.length;
        if (total > 65535) {
            throw new IllegalArgumentException("packet too large: " + total);
        }
        byte[] p = new byte[total];
        p[0] = 0x45;
        if (bsdLengths && java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
            p[2] = (byte) total;
            p[3] = (byte) (total >>> 8);
        } else {
            put16(p, 2, total);
        }
        put16(p, 4, ipId);
        p[8] = (byte) TTL;
        p[9] = (byte) switch (transport) {
            case UDP_RAW -> PROTO_UDP;
            case TCP_RAW -> PROTO_TCP;
            default -> PROTO_ICMP;
        };
        System.arraycopy(source, 0, p, 12, 4);
        System.arraycopy(destination, 0, p, 16, 4);
        int t = IP_HEADER;
        switch (transport) {
            case UDP_RAW -> {
                put16(p, t, sourcePort);
                put16(p, t + 2, destPort);
                put16(p, t + 4, 8 + data.length);
            }
            case TCP_RAW -> {
                put16(p, t, sourcePort);
                put16(p, t + 2, destPort);
                put32(p, t + 4, 1);
                p[t + 12] = 5 << 4;
                p[t + 13] = 0x02;
                put16(p, t + 14, TCP_WINDOW);
            }
            default -> {
                p[t] = (byte) icmpType;
                p[t + 1] = (byte) icmpCode;
                if (icmpType == 8 && icmpCode == 0) {
                    put16(p, t + 4, echoId);
                    put16(p, t + 6, 1);
                }
            }
        }
        System.arraycopy(data, 0, p, t + transportHeader, data.length);
        if (transport == KnockTransport.ICMP) {
            put16(p, t + 2, checksum(p, t, total - t));
        }
        if (!bsdLengths) {
            put16(p, 10, checksum(p, 0, IP_HEADER));
        }
        return p;
    }

    /** The Internet checksum (RFC 1071) of {@code len} bytes from {@code off}. */
    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        int i = off;
        for (; len > 1; len -= 2, i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (len == 1) {
            sum += (b[i] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        put16(b, off, v >>> 16);
        put16(b, off + 2, v);
    }
}
