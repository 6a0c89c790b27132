package org.postern.knock;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

import org.postern.api.KnockEvent;
import org.postern.api.Protocol;
import org.postern.api.SynSignature;

/**
 * A captured frame as a knock: Ethernet (with one 802.1Q tag), Linux cooked (SLL) or raw IPv4, carrying a TCP
 * SYN (without ACK), a UDP datagram or an ICMP echo request. TCP SYNs carry their {@link SynSignature}.
 */
final class KnockFrame {

    /** pcap link types handled. */
    static final int DLT_EN10MB = 1;
    static final int DLT_RAW = 12;
    static final int DLT_LINUX_SLL = 113;
    static final int LINKTYPE_RAW = 101;
    static final int LINKTYPE_IPV4 = 228;

    private KnockFrame() {
    }

    static Optional<KnockEvent> parse(byte[] f, int linkType, long epochMillis) {
        int ip;
        switch (linkType) {
            case DLT_EN10MB -> {
                if (f.length < 14) {
                    return Optional.empty();
                }
                int type = u16(f, 12);
                ip = 14;
                if (type == 0x8100 && f.length >= 18) {
                    type = u16(f, 16);
                    ip = 18;
                }
                if (type != 0x0800) {
                    return Optional.empty();
                }
            }
            case DLT_LINUX_SLL -> {
                if (f.length < 16 || u16(f, 14) != 0x0800) {
                    return Optional.empty();
                }
                ip = 16;
            }
            case DLT_RAW, LINKTYPE_RAW, LINKTYPE_IPV4 -> ip = 0;
            default -> {
                return Optional.empty();
            }
        }
        if (f.length < ip + 20 || (f[ip] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int ihl = (f[ip] & 0x0f) * 4;
        int total = u16(f, ip + 2);
        if (ihl < 20 || f.length < ip + ihl || (u16(f, ip + 6) & 0x1fff) != 0) {
            return Optional.empty(); // not a first fragment
        }
        boolean df = (f[ip + 6] & 0x40) != 0;
        int ttl = f[ip + 8] & 0xff;
        int proto = f[ip + 9] & 0xff;
        InetAddress source;
        try {
            source = InetAddress.getByAddress(new byte[] {f[ip + 12], f[ip + 13], f[ip + 14], f[ip + 15]});
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        int l4 = ip + ihl;
        switch (proto) {
            case 6 -> {
                if (f.length < l4 + 20) {
                    return Optional.empty();
                }
                int flags = f[l4 + 13] & 0xff;
                if ((flags & 0x02) == 0 || (flags & 0x10) != 0) {
                    return Optional.empty(); // a knock is a SYN, not a SYN/ACK or data
                }
                int dataOff = ((f[l4 + 12] & 0xf0) >> 4) * 4;
                int optEnd = Math.min(f.length, l4 + Math.max(20, dataOff));
                List<String> opts = PassiveOsFingerprint.decodeOptions(f, l4 + 20, optEnd);
                SynSignature syn = new SynSignature(ttl, u16(f, l4 + 14), df, total, opts);
                return Optional.of(new KnockEvent(source, u16(f, l4 + 2), Protocol.TCP, epochMillis, syn));
            }
            case 17 -> {
                if (f.length < l4 + 8) {
                    return Optional.empty();
                }
                return Optional.of(new KnockEvent(source, u16(f, l4 + 2), Protocol.UDP, epochMillis));
            }
            case 1 -> {
                if (f.length < l4 + 1 || (f[l4] & 0xff) != 8) {
                    return Optional.empty();
                }
                return Optional.of(new KnockEvent(source, 0, Protocol.ICMP, epochMillis));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
