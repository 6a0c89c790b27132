package org.postern.capture.pcapfile;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes classic pcap files for the tests, in either byte order and precision, record by record. */
final class PcapWriter {

    static final int LINKTYPE_ETHERNET = 1;
    static final int LINKTYPE_RAW = 101;

    private PcapWriter() {
    }

    static byte[] header(ByteOrder order, boolean nanos, int linkType) {
        ByteBuffer b = ByteBuffer.allocate(24).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4);
        b.putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(linkType);
        return b.array();
    }

    static byte[] record(ByteOrder order, long seconds, long fraction, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(16 + frame.length).order(order);
        b.putInt((int) seconds).putInt((int) fraction).putInt(frame.length).putInt(frame.length).put(frame);
        return b.array();
    }

    static void append(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** IPv4 + UDP with zero checksums, as the fwknop client's udpraw sends them. */
    static byte[] ipv4Udp(String src, int sport, String dst, int dport, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (28 + payload.length)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 17).putShort((short) 0)
                .put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport).putShort((short) (8 + payload.length)).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    /** IPv4 + TCP (20-byte header) carrying {@code payload}. */
    static byte[] ipv4Tcp(String src, int sport, String dst, int dport, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(40 + payload.length);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 1)
                .putShort((short) 0).put((byte) 64).put((byte) 6).putShort((short) 0)
                .put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress());
        b.putShort((short) sport).putShort((short) dport).putInt(1).putInt(0).put((byte) 0x50).put((byte) 0x18)
                .putShort((short) 65535).putShort((short) 0).putShort((short) 0);
        b.put(payload);
        return b.array();
    }

    static byte[] ethernet(byte[] ip) {
        ByteBuffer b = ByteBuffer.allocate(14 + ip.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800).put(ip);
        return b.array();
    }
}
