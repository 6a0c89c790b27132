package org.postern.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.KnockEvent;
import org.postern.api.Protocol;
import org.postern.api.SynSignature;

class KnockFrameTest {

    static byte[] ipv4(int proto, int ttl, boolean df, byte[] l4) {
        byte[] f = new byte[20 + l4.length];
        f[0] = 0x45;
        f[2] = (byte) (f.length >> 8);
        f[3] = (byte) f.length;
        f[6] = (byte) (df ? 0x40 : 0);
        f[8] = (byte) ttl;
        f[9] = (byte) proto;
        f[12] = 10;
        f[13] = 9;
        f[14] = 0;
        f[15] = 2;
        f[16] = 10;
        f[17] = 9;
        f[19] = 1;
        System.arraycopy(l4, 0, f, 20, l4.length);
        return f;
    }

    static byte[] tcpSyn(int dport, int window, int flags, byte[] options) {
        byte[] t = new byte[20 + options.length];
        t[0] = (byte) 0x9c;
        t[1] = 0x40;
        t[2] = (byte) (dport >> 8);
        t[3] = (byte) dport;
        t[12] = (byte) ((t.length / 4) << 4);
        t[13] = (byte) flags;
        t[14] = (byte) (window >> 8);
        t[15] = (byte) window;
        System.arraycopy(options, 0, t, 20, options.length);
        return t;
    }

    static byte[] ethernet(byte[] ip) {
        byte[] f = new byte[14 + ip.length];
        f[12] = 0x08;
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    @Test
    void ethernetTcpSyn() {
        byte[] opts = java.util.HexFormat.of().parseHex("020405B40402080A0001E2400000000001030300");
        KnockEvent e = KnockFrame.parse(ethernet(ipv4(6, 64, true, tcpSyn(61083, 5840, 0x02, opts))),
                KnockFrame.DLT_EN10MB, 7).orElseThrow();
        assertEquals("10.9.0.2", e.source().getHostAddress());
        assertEquals(61083, e.port());
        assertEquals(Protocol.TCP, e.protocol());
        assertEquals(new SynSignature(64, 5840, true, 60, List.of("M1460", "S", "T", "N", "W0")), e.syn());
        assertTrue(PassiveOsFingerprint.bundled(20).guess(e.syn()).contains("Linux:2.4::Linux 2.4/2.6"));
    }

    @Test
    void synAckAndFragmentsAreNotKnocks() {
        byte[] synAck = ethernet(ipv4(6, 64, true, tcpSyn(61083, 5840, 0x12, new byte[0])));
        assertTrue(KnockFrame.parse(synAck, KnockFrame.DLT_EN10MB, 0).isEmpty());
        byte[] frag = ipv4(17, 64, false, new byte[8]);
        frag[7] = 1;
        assertTrue(KnockFrame.parse(frag, KnockFrame.DLT_RAW, 0).isEmpty());
    }

    @Test
    void rawUdpAndCookedIcmp() {
        byte[] udp = {0x13, (byte) 0x88, (byte) 0xee, 0x49, 0, 9, 0, 0, 0};
        KnockEvent u = KnockFrame.parse(ipv4(17, 64, true, udp), KnockFrame.LINKTYPE_RAW, 0).orElseThrow();
        assertEquals(Protocol.UDP, u.protocol());
        assertEquals(61001, u.port());
        byte[] ip = ipv4(1, 64, true, new byte[] {8, 0, 0, 0, 0, 1, 0, 1});
        byte[] sll = new byte[16 + ip.length];
        sll[14] = 0x08;
        System.arraycopy(ip, 0, sll, 16, ip.length);
        KnockEvent i = KnockFrame.parse(sll, KnockFrame.DLT_LINUX_SLL, 0).orElseThrow();
        assertEquals(Protocol.ICMP, i.protocol());
    }
}
