package org.postern.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.KnockEvent;
import org.postern.api.Protocol;
import org.postern.api.SynSignature;

class IptablesLogLineTest {

    static final String LINUX_SYN = "Nov 28 20:00:01 gw kernel: [ 1234.567890] DROP IN=veth0 OUT= "
            + "MAC=aa:bb:cc:dd:ee:ff:11:22:33:44:55:66:08:00 SRC=10.9.0.2 DST=10.9.0.1 LEN=60 TOS=0x00 PREC=0x00 "
            + "TTL=64 ID=4242 DF PROTO=TCP SPT=40000 DPT=61083 WINDOW=5840 RES=0x00 SYN URGP=0 "
            + "OPT (020405B40402080A0001E2400000000001030300) ";
    static final String WINDOWS_SYN = "Nov 28 20:00:02 gw kernel: DROP IN=eth0 OUT= SRC=10.9.0.4 DST=10.9.0.1 "
            + "LEN=48 TOS=0x00 PREC=0x00 TTL=121 ID=1 DF PROTO=TCP SPT=1025 DPT=1001 WINDOW=65535 RES=0x00 SYN URGP=0 "
            + "OPT (020405B401010402) ";
    static final String UDP = "Nov 28 20:00:03 gw kernel: DROP IN=eth0 OUT= SRC=10.9.0.2 DST=10.9.0.1 LEN=29 "
            + "TOS=0x00 PREC=0x00 TTL=64 ID=7 DF PROTO=UDP SPT=5000 DPT=61097 LEN=9 ";
    static final String ICMP = "Nov 28 20:00:04 gw kernel: DROP IN=eth0 OUT= SRC=10.9.0.2 DST=10.9.0.1 LEN=84 "
            + "TOS=0x00 PREC=0x00 TTL=64 ID=8 DF PROTO=ICMP TYPE=8 CODE=0 ID=77 SEQ=1 ";

    @Test
    void tcpSynWithOptionsCarriesItsSignature() {
        KnockEvent e = IptablesLogLine.parse(LINUX_SYN, 42).orElseThrow();
        assertEquals("10.9.0.2", e.source().getHostAddress());
        assertEquals(61083, e.port());
        assertEquals(Protocol.TCP, e.protocol());
        assertEquals(42, e.epochMillis());
        SynSignature s = e.signature().orElseThrow();
        assertEquals(new SynSignature(64, 5840, true, 60, List.of("M1460", "S", "T", "N", "W0")), s);
    }

    @Test
    void fingerprintsAllowOneStackAndNotTheOther() {
        PassiveOsFingerprint pf = PassiveOsFingerprint.bundled(20);
        var linux = pf.guess(IptablesLogLine.parse(LINUX_SYN, 0).orElseThrow().syn());
        var windows = pf.guess(IptablesLogLine.parse(WINDOWS_SYN, 0).orElseThrow().syn());
        assertTrue(linux.contains("Linux:2.4::Linux 2.4/2.6"), linux::toString);
        assertTrue(windows.contains("Windows:XP::Windows XP/2000"), windows::toString);
        assertFalse(windows.stream().anyMatch(o -> o.startsWith("Linux")), windows::toString);
        // TTL beyond MAX_HOPS from the signature's TTL matches nothing
        SynSignature far = new SynSignature(40, 5840, true, 60, List.of("M1460", "S", "T", "N", "W0"));
        assertTrue(pf.guess(far).isEmpty());
    }

    @Test
    void udpAndIcmpLines() {
        KnockEvent u = IptablesLogLine.parse(UDP, 1).orElseThrow();
        assertEquals(Protocol.UDP, u.protocol());
        assertEquals(61097, u.port());
        assertNull(u.syn());
        KnockEvent i = IptablesLogLine.parse(ICMP, 1).orElseThrow();
        assertEquals(Protocol.ICMP, i.protocol());
        assertEquals(0, i.port());
    }

    @Test
    void otherLinesAreIgnored() {
        assertTrue(IptablesLogLine.parse("Nov 28 sshd[1]: Accepted publickey for root", 1).isEmpty());
        assertTrue(IptablesLogLine.parse(LINUX_SYN.replace("kernel:", "user:"), 1).isEmpty());
        assertTrue(IptablesLogLine.parse(LINUX_SYN.replace("DPT=61083", "DPT=99999"), 1).isEmpty());
    }
}
