package org.postern.capture.pcap.frame;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.postern.api.Transport;

/**
 * Finds the SPA candidate payload in a raw captured frame, as fwknopd's {@code process_packet} does, with IPv6
 * added: link layer, then IPv4 or IPv6, then the payload after a UDP header (8 bytes), a TCP header (its data
 * offset) or an ICMP/ICMPv6 header (8 bytes). Checksums are never looked at: the real client's raw modes send
 * zero or missing ones.
 *
 * <p>Link types are the values of {@code pcap_datalink()} (DLT_*) and of pcap file headers (LINKTYPE_*):
 * Ethernet with any number (up to {@value #MAX_LINK_HEADERS}) of 802.1Q / 802.1ad tags and 802.2 SNAP, Linux
 * cooked v1 and v2, BSD NULL and LOOP, and raw IP. Lengths come from the IP and UDP headers where they are
 * plausible, so Ethernet padding is not taken for payload; a frame cut short by the snap length yields what was
 * captured.
 *
 * <p>Shared by the live capture and the pcap file reader ({@code capture-pcapfile} embeds this package with
 * bnd's {@code -conditionalpackage}; it is exported by neither bundle).
 *
 * <p>Returns {@code null}, never throws, for anything else: other link or network protocols, IP fragments (no
 * reassembly, like fwknopd), other transports, truncated headers and empty payloads.
 */
public final class FrameDecoder {

    public static final int DLT_NULL = 0;
    public static final int DLT_EN10MB = 1;
    public static final int DLT_RAW = 12;
    public static final int DLT_RAW_OPENBSD = 14;
    public static final int LINKTYPE_RAW = 101;
    public static final int DLT_LOOP = 108;
    public static final int DLT_LINUX_SLL = 113;
    public static final int DLT_IPV4 = 228;
    public static final int DLT_IPV6 = 229;
    public static final int DLT_LINUX_SLL2 = 276;

    public static final int MAX_LINK_HEADERS = 8;
    public static final int MAX_IPV6_EXTENSIONS = 8;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_OLD = 0x9100;
    private static final int MAX_8023_LENGTH = 1500;

    private static final int PROTO_ICMP = 1;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_ICMPV6 = 58;

    private FrameDecoder() {
    }

    /** Whether frames of this link type can be decoded. */
    public static boolean supports(int linkType) {
        return switch (linkType) {
            case DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW, DLT_LOOP, DLT_LINUX_SLL, DLT_IPV4,
                    DLT_IPV6, DLT_LINUX_SLL2 -> true;
            default -> false;
        };
    }

    public static DecodedFrame decode(int linkType, byte[] frame) {
        return frame == null ? null : decode(linkType, frame, frame.length);
    }

    /** Decodes the first {@code length} bytes of {@code frame}. */
    public static DecodedFrame decode(int linkType, byte[] frame, int length) {
        if (frame == null || length < 0 || length > frame.length) {
            return null;
        }
        return switch (linkType) {
            case DLT_EN10MB -> length < 14 ? null : etherType(frame, u16(frame, 12), 14, length);
            case DLT_LINUX_SLL -> length < 16 ? null : etherType(frame, u16(frame, 14), 16, length);
            case DLT_LINUX_SLL2 -> length < 20 ? null : etherType(frame, u16(frame, 0), 20, length);
            // The 4-byte address family is host order (NULL) or network order (LOOP), and AF_INET6 differs
            // between systems: the IP version nibble is the reliable guide.
            case DLT_NULL, DLT_LOOP -> length < 4 ? null : ip(frame, 4, length);
            case DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW -> ip(frame, 0, length);
            case DLT_IPV4 -> ipv4(frame, 0, length);
            case DLT_IPV6 -> ipv6(frame, 0, length);
            default -> null;
        };
    }

    private static DecodedFrame etherType(byte[] f, int type, int p, int end) {
        for (int headers = 0; headers < MAX_LINK_HEADERS; headers++) {
            if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
                if (end - p < 4) {
                    return null;
                }
                type = u16(f, p + 2);
                p += 4;
            } else if (type <= MAX_8023_LENGTH) {
                // 802.3 length (or the cooked header's LLC marker): only 802.2 LLC + SNAP carries an EtherType
                if (end - p < 8 || (f[p] & 0xff) != 0xAA || (f[p + 1] & 0xff) != 0xAA || f[p + 2] != 0x03) {
                    return null;
                }
                type = u16(f, p + 6);
                p += 8;
            } else if (type == ETHERTYPE_IPV4) {
                return ipv4(f, p, end);
            } else if (type == ETHERTYPE_IPV6) {
                return ipv6(f, p, end);
            } else {
                return null;
            }
        }
        return null;
    }

    private static DecodedFrame ip(byte[] f, int p, int end) {
        if (end - p < 1) {
            return null;
        }
        return switch ((f[p] & 0xff) >>> 4) {
            case 4 -> ipv4(f, p, end);
            case 6 -> ipv6(f, p, end);
            default -> null;
        };
    }

    private static DecodedFrame ipv4(byte[] f, int p, int end) {
        if (end - p < 20 || (f[p] & 0xff) >>> 4 != 4) {
            return null;
        }
        int headerLength = (f[p] & 0x0f) * 4;
        if (headerLength < 20 || end - p < headerLength) {
            return null;
        }
        int totalLength = u16(f, p + 2);
        if (totalLength != 0 && totalLength < headerLength) {
            return null;
        }
        // 0 is what a capture of a TSO-offloaded outgoing packet shows; beyond the capture means truncated
        int ipEnd = totalLength != 0 && p + totalLength < end ? p + totalLength : end;
        if ((u16(f, p + 6) & 0x3fff) != 0) {
            return null; // a fragment: more-fragments set or a non-zero offset
        }
        InetAddress source = address(f, p + 12, 4);
        InetAddress destination = address(f, p + 16, 4);
        return transport(f[p + 9] & 0xff, false, f, p + headerLength, ipEnd, source, destination);
    }

    private static DecodedFrame ipv6(byte[] f, int p, int end) {
        if (end - p < 40 || (f[p] & 0xff) >>> 4 != 6) {
            return null;
        }
        int payloadLength = u16(f, p + 4);
        int ipEnd = payloadLength != 0 && p + 40 + payloadLength < end ? p + 40 + payloadLength : end;
        int next = f[p + 6] & 0xff;
        InetAddress source = address(f, p + 8, 16);
        InetAddress destination = address(f, p + 24, 16);
        int q = p + 40;
        for (int i = 0; i <= MAX_IPV6_EXTENSIONS; i++) {
            switch (next) {
                case 0, 43, 60, 135, 139, 140 -> { // hop-by-hop, routing, destination options, mobility, HIP, shim6
                    if (ipEnd - q < 8) {
                        return null;
                    }
                    next = f[q] & 0xff;
                    q += ((f[q + 1] & 0xff) + 1) * 8;
                }
                case 44 -> { // fragment: only an atomic fragment (offset 0, no more fragments) is whole
                    if (ipEnd - q < 8 || (u16(f, q + 2) & 0xfff9) != 0) {
                        return null;
                    }
                    next = f[q] & 0xff;
                    q += 8;
                }
                case 51 -> { // authentication header
                    if (ipEnd - q < 8) {
                        return null;
                    }
                    next = f[q] & 0xff;
                    q += ((f[q + 1] & 0xff) + 2) * 4;
                }
                default -> {
                    return transport(next, true, f, q, ipEnd, source, destination);
                }
            }
            if (q > ipEnd) {
                return null;
            }
        }
        return null;
    }

    private static DecodedFrame transport(int protocol, boolean v6, byte[] f, int q, int end, InetAddress source,
            InetAddress destination) {
        switch (protocol) {
            case PROTO_UDP -> {
                if (end - q < 8) {
                    return null;
                }
                int udpLength = u16(f, q + 4);
                int payloadEnd = udpLength >= 8 && q + udpLength <= end ? q + udpLength : end;
                return frame(source, u16(f, q), destination, u16(f, q + 2), Transport.UDP, f, q + 8, payloadEnd);
            }
            case PROTO_TCP -> {
                if (end - q < 20) {
                    return null;
                }
                int dataOffset = ((f[q + 12] & 0xff) >>> 4) * 4;
                if (dataOffset < 20 || end - q < dataOffset) {
                    return null;
                }
                return frame(source, u16(f, q), destination, u16(f, q + 2), Transport.TCP, f, q + dataOffset, end);
            }
            case PROTO_ICMP, PROTO_ICMPV6 -> {
                if ((protocol == PROTO_ICMPV6) != v6 || end - q < 8) {
                    return null;
                }
                return frame(source, 0, destination, 0, Transport.ICMP, f, q + 8, end);
            }
            default -> {
                return null;
            }
        }
    }

    private static DecodedFrame frame(InetAddress source, int sourcePort, InetAddress destination,
            int destinationPort, Transport transport, byte[] f, int from, int to) {
        if (to <= from) {
            return null;
        }
        return new DecodedFrame(source, sourcePort, destination, destinationPort, transport,
                Arrays.copyOfRange(f, from, to));
    }

    private static InetAddress address(byte[] f, int p, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(f, p, p + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static int u16(byte[] f, int p) {
        return (f[p] & 0xff) << 8 | (f[p + 1] & 0xff);
    }
}
