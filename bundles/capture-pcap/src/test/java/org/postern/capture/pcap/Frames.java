package org.postern.capture.pcap;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds link, network and transport headers for decoder tests. Checksums are left at zero on purpose. */
final class Frames {

    static final byte[] MAC_A = {2, 0, 0, 0, 0, 1};
    static final byte[] MAC_B = {2, 0, 0, 0, 0, 2};

    private Frames() {
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] u32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] u32le(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static byte[] udp(int sport, int dport, byte[] payload) {
        return cat(u16(sport), u16(dport), u16(8 + payload.length), u16(0), payload);
    }

    static byte[] tcp(int sport, int dport, int optionBytes, byte[] payload) {
        int dataOffset = (20 + optionBytes) / 4;
        byte[] header = cat(u16(sport), u16(dport), u32(1), u32(0),
                new byte[] {(byte) (dataOffset << 4), 0x18}, u16(512), u16(0), u16(0));
        byte[] options = new byte[optionBytes];
        java.util.Arrays.fill(options, (byte) 1); // NOPs
        return cat(header, options, payload);
    }

    /** ICMP or ICMPv6 message: type, code, checksum 0, id 0, seq 0 (as fwknop's -P icmp sends). */
    static byte[] icmp(int type, byte[] payload) {
        return cat(new byte[] {(byte) type, 0}, u16(0), u16(0), u16(0), payload);
    }

    static byte[] ipv4(int protocol, String src, String dst, byte[] l4) {
        return ipv4(protocol, src, dst, 0, 0, l4);
    }

    static byte[] ipv4(int protocol, String src, String dst, int flagsFragment, int optionBytes, byte[] l4) {
        int ihl = (20 + optionBytes) / 4;
        byte[] header = cat(new byte[] {(byte) (0x40 | ihl), 0}, u16(ihl * 4 + l4.length), u16(0x1234),
                u16(flagsFragment), new byte[] {64, (byte) protocol}, u16(0), addr(src), addr(dst));
        return cat(header, new byte[optionBytes], l4);
    }

    static byte[] ipv6(int next, String src, String dst, byte[] rest) {
        return cat(new byte[] {0x60, 0, 0, 0}, u16(rest.length), new byte[] {(byte) next, 64}, addr(src), addr(dst),
                rest);
    }

    /** A generic IPv6 extension header (hop-by-hop, routing, destination options) of 8 * (1 + units) bytes. */
    static byte[] ext6(int next, int units) {
        byte[] h = new byte[8 * (1 + units)];
        h[0] = (byte) next;
        h[1] = (byte) units;
        return h;
    }

    static byte[] fragment6(int next, int offset, boolean more) {
        return cat(new byte[] {(byte) next, 0}, u16(offset << 3 | (more ? 1 : 0)), u32(0xabcdef));
    }

    static byte[] ethernet(int etherType, byte[] payload) {
        return cat(MAC_B, MAC_A, u16(etherType), payload);
    }

    static byte[] sll(int protocol, byte[] payload) {
        return cat(u16(0), u16(1), u16(6), MAC_A, new byte[2], u16(protocol), payload);
    }

    static byte[] sll2(int protocol, byte[] payload) {
        return cat(u16(protocol), u16(0), u32(3), u16(1), new byte[] {0, 6}, MAC_A, new byte[2], payload);
    }

    static byte[] padTo(byte[] frame, int length) {
        return frame.length >= length ? frame : java.util.Arrays.copyOf(frame, length);
    }
}
