package org.postern.fko.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Test support shared through fko's test jar: SPA payloads wrapped into a pcap file that the real
 * {@code fwknopd --pcap-file} (and Postern's pcap-file capture) read.
 */
public final class SpaPcap {

    private SpaPcap() {
    }

    /** A classic pcap file (LINKTYPE_ETHERNET), one Ethernet/IPv4/UDP frame 10.200.0.1 -> 10.200.0.2:62201 per payload. */
    public static byte[] udpFrames(List<String> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer global = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        global.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.writeBytes(global.array());
        int ts = (int) (System.currentTimeMillis() / 1000);
        byte[] src = {10, (byte) 200, 0, 1};
        byte[] dst = {10, (byte) 200, 0, 2};
        for (int i = 0; i < payloads.size(); i++) {
            byte[] data = payloads.get(i).getBytes(StandardCharsets.US_ASCII);
            int udpLen = 8 + data.length;
            ByteBuffer udp = ByteBuffer.allocate(udpLen);
            udp.putShort((short) (40000 + i)).putShort((short) 62201).putShort((short) udpLen).putShort((short) 0)
                    .put(data);
            ByteBuffer pseudo = ByteBuffer.allocate(12 + udpLen);
            pseudo.put(src).put(dst).put((byte) 0).put((byte) 17).putShort((short) udpLen).put(udp.array());
            int sum = checksum(pseudo.array());
            udp.putShort(6, (short) (sum == 0 ? 0xffff : sum));
            ByteBuffer ip = ByteBuffer.allocate(20);
            ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen)).putShort((short) i)
                    .putShort((short) 0x4000).put((byte) 64).put((byte) 17).putShort((short) 0).put(src).put(dst);
            ip.putShort(10, (short) checksum(ip.array()));
            ByteBuffer frame = ByteBuffer.allocate(14 + 20 + udpLen);
            frame.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0}).put(ip.array()).put(udp.array());
            ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rec.putInt(ts).putInt(i).putInt(frame.capacity()).putInt(frame.capacity());
            out.writeBytes(rec.array());
            out.writeBytes(frame.array());
        }
        return out.toByteArray();
    }

    private static int checksum(byte[] b) {
        long sum = 0;
        for (int i = 0; i < b.length; i += 2) {
            int hi = b[i] & 0xff;
            int lo = i + 1 < b.length ? b[i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
