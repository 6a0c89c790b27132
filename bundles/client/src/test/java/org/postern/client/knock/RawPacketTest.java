package org.postern.client.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** fwknop's raw packet shapes, field by field, and one udpraw packet through the kernel on loopback. */
class RawPacketTest {

    private static final byte[] SRC = {10, 9, 9, 9};
    private static final byte[] DST = {10, (byte) 200, 0, 2};
    private static final String DATA = "8abcDEF+/xyz";

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | b[off + 1] & 0xff;
    }

    private static void assertIpHeader(byte[] p, int proto, int transportHeader) {
        assertEquals(0x45, p[0] & 0xff);
        assertEquals(0, p[1]);
        assertEquals(20 + transportHeader + DATA.length(), u16(p, 2));
        assertEquals(0x1234, u16(p, 4));
        assertEquals(0, u16(p, 6), "no fragment bits");
        assertEquals(255, p[8] & 0xff, "TTL 255");
        assertEquals(proto, p[9]);
        assertEquals(0, RawPacket.checksum(p, 0, 20), "IP header checksum");
        assertEquals("10.9.9.9", (p[12] & 0xff) + "." + (p[13] & 0xff) + "." + (p[14] & 0xff) + "." + (p[15] & 0xff));
        assertEquals(DATA, new String(p, 20 + transportHeader, DATA.length(), StandardCharsets.US_ASCII));
    }

    @Test
    void udpRawHasNoChecksum() {
        byte[] p = RawPacket.build(KnockTransport.UDP_RAW, SRC, DST, 40000, 62201, 0, 0, 0x1234, 7, DATA, false);
        assertIpHeader(p, 17, 8);
        assertEquals(40000, u16(p, 20));
        assertEquals(62201, u16(p, 22));
        assertEquals(8 + DATA.length(), u16(p, 24));
        assertEquals(0, u16(p, 26), "fwknop sends udpraw without a UDP checksum");
    }

    @Test
    void tcpRawIsASynWithSequenceOneAndWindow32767() {
        byte[] p = RawPacket.build(KnockTransport.TCP_RAW, SRC, DST, 40000, 62201, 0, 0, 0x1234, 7, DATA, false);
        assertIpHeader(p, 6, 20);
        assertEquals(62201, u16(p, 22));
        assertEquals(1, u16(p, 24) << 16 | u16(p, 26), "seq 1");
        assertEquals(0, u16(p, 28) << 16 | u16(p, 30), "ack 0");
        assertEquals(0x50, p[32] & 0xff, "data offset 5");
        assertEquals(0x02, p[33], "SYN only");
        assertEquals(32767, u16(p, 34));
        assertEquals(0, u16(p, 36), "checksum 0, as fwknop");
    }

    @Test
    void icmpCarriesTypeCodeAndAValidChecksum() {
        byte[] reply = RawPacket.build(KnockTransport.ICMP, SRC, DST, 0, 0, 0, 0, 0x1234, 0x4321, DATA, false);
        assertIpHeader(reply, 1, 8);
        assertEquals(0, reply[20]);
        assertEquals(0, u16(reply, 24), "echo reply: id 0");
        assertEquals(0, u16(reply, 26), "echo reply: seq 0");
        assertEquals(0, RawPacket.checksum(reply, 20, reply.length - 20), "ICMP checksum");

        byte[] request = RawPacket.build(KnockTransport.ICMP, SRC, DST, 0, 0, 8, 0, 0x1234, 0x4321, DATA, false);
        assertEquals(8, request[20]);
        assertEquals(0x4321, u16(request, 24), "echo request: random id");
        assertEquals(1, u16(request, 26), "echo request: seq 1");
        assertEquals(0, RawPacket.checksum(request, 20, request.length - 20));

        byte[] other = RawPacket.build(KnockTransport.ICMP, SRC, DST, 0, 0, 13, 5, 0x1234, 0x4321, DATA, false);
        assertEquals(13, other[20]);
        assertEquals(5, other[21]);
    }

    @Test
    void bsdKernelsGetTheLengthInHostOrder() {
        byte[] p = RawPacket.build(KnockTransport.UDP_RAW, SRC, DST, 1, 2, 0, 0, 1, 1, DATA, true);
        int total = 20 + 8 + DATA.length();
        assertEquals(total, java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
                ? (p[2] & 0xff | (p[3] & 0xff) << 8) : u16(p, 2));
    }

    @Test
    void udpRawReachesASocketOnLoopbackWhenPrivileged() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5_000);
            KnockTarget target = new KnockTarget("127.0.0.1", server.getLocalPort(), KnockTransport.UDP_RAW, null,
                    null, 0, null, 0, 0);
            int sent;
            try {
                sent = KnockSender.send(DATA, target);
            } catch (KnockException e) {
                assertTrue(e.getMessage().contains("need root or the CAP_NET_RAW capability")
                        || e.getMessage().contains("JNA"), e.getMessage());
                return;
            }
            assertEquals(20 + 8 + DATA.length(), sent);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            server.receive(p);
            assertEquals(DATA, new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII));
            assertTrue(p.getPort() >= KnockOptions.MIN_RANDOM_PORT, "random high source port " + p.getPort());
        }
    }
}
