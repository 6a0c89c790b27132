package org.postern.capture.pcap;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postern.capture.pcap.Frames.cat;
import static org.postern.capture.pcap.Frames.ethernet;
import static org.postern.capture.pcap.Frames.ext6;
import static org.postern.capture.pcap.Frames.fragment6;
import static org.postern.capture.pcap.Frames.icmp;
import static org.postern.capture.pcap.Frames.ipv4;
import static org.postern.capture.pcap.Frames.ipv6;
import static org.postern.capture.pcap.Frames.sll;
import static org.postern.capture.pcap.Frames.sll2;
import static org.postern.capture.pcap.Frames.tcp;
import static org.postern.capture.pcap.Frames.u16;
import static org.postern.capture.pcap.Frames.u32;
import static org.postern.capture.pcap.Frames.u32le;
import static org.postern.capture.pcap.Frames.udp;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_EN10MB;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_IPV4;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_IPV6;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_LINUX_SLL;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_LINUX_SLL2;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_LOOP;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_NULL;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_RAW;
import static org.postern.capture.pcap.frame.FrameDecoder.DLT_RAW_OPENBSD;
import static org.postern.capture.pcap.frame.FrameDecoder.LINKTYPE_RAW;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.Transport;
import org.postern.capture.pcap.frame.DecodedFrame;
import org.postern.capture.pcap.frame.FrameDecoder;

class FrameDecoderTest {

    private static final byte[] SPA = "8Xj1GYyv9qPNvM+ExampleSpaPayloadThatIsLongEnoughToLookReal0123456789".getBytes(US_ASCII);
    private static final int UDP = 17;
    private static final int TCP = 6;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;

    private static byte[] udp4() {
        return ipv4(UDP, "192.0.2.10", "198.51.100.1", udp(40001, 62201, SPA));
    }

    private static byte[] udp6() {
        return ipv6(UDP, "2001:db8::10", "2001:db8::1", udp(40001, 62201, SPA));
    }

    private static void assertUdp4(DecodedFrame f) throws Exception {
        assertNotNull(f, "decoded");
        assertEquals(InetAddress.getByName("192.0.2.10"), f.source());
        assertEquals(InetAddress.getByName("198.51.100.1"), f.destination());
        assertInstanceOf(Inet4Address.class, f.source());
        assertEquals(40001, f.sourcePort());
        assertEquals(62201, f.destinationPort());
        assertEquals(Transport.UDP, f.transport());
        assertArrayEquals(SPA, f.payload());
    }

    private static void assertUdp6(DecodedFrame f) throws Exception {
        assertNotNull(f, "decoded");
        assertEquals(InetAddress.getByName("2001:db8::10"), f.source());
        assertEquals(InetAddress.getByName("2001:db8::1"), f.destination());
        assertInstanceOf(Inet6Address.class, f.destination());
        assertEquals(40001, f.sourcePort());
        assertEquals(62201, f.destinationPort());
        assertEquals(Transport.UDP, f.transport());
        assertArrayEquals(SPA, f.payload());
    }

    // ---- link layers

    @Test
    void ethernetIpv4UdpWithZeroChecksums() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_EN10MB, ethernet(0x0800, udp4())));
    }

    @Test
    void ethernetIpv6Udp() throws Exception {
        assertUdp6(FrameDecoder.decode(DLT_EN10MB, ethernet(0x86DD, udp6())));
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] tiny = "abc".getBytes(US_ASCII);
        byte[] frame = Frames.padTo(ethernet(0x0800, ipv4(UDP, "192.0.2.10", "198.51.100.1", udp(1, 2, tiny))), 60);
        assertEquals(60, frame.length);
        assertArrayEquals(tiny, FrameDecoder.decode(DLT_EN10MB, frame).payload());
    }

    @Test
    void ethernetTrailerAfterIpv6IsNotPayload() throws Exception {
        byte[] frame = cat(ethernet(0x86DD, udp6()), new byte[] {9, 9, 9, 9}); // e.g. an FCS
        assertUdp6(FrameDecoder.decode(DLT_EN10MB, frame));
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8100, 0x88A8, 0x9100})
    void singleVlanTag(int tpid) throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_EN10MB, ethernet(tpid, cat(u16(42), u16(0x0800), udp4()))));
    }

    @Test
    void stackedVlanTags() throws Exception {
        byte[] frame = ethernet(0x88A8, cat(u16(100), u16(0x8100), u16(200), u16(0x86DD), udp6()));
        assertUdp6(FrameDecoder.decode(DLT_EN10MB, frame));
    }

    @Test
    void tooManyVlanTagsAreRefused() {
        byte[] inner = cat(u16(1), u16(0x0800), udp4());
        for (int i = 0; i < FrameDecoder.MAX_LINK_HEADERS; i++) {
            inner = cat(u16(1), u16(0x8100), inner);
        }
        assertNull(FrameDecoder.decode(DLT_EN10MB, ethernet(0x8100, inner)));
    }

    @Test
    void ieee8023WithLlcSnap() throws Exception {
        byte[] ip = udp4();
        byte[] snap = cat(new byte[] {(byte) 0xAA, (byte) 0xAA, 0x03, 0, 0, 0}, u16(0x0800), ip);
        assertUdp4(FrameDecoder.decode(DLT_EN10MB, ethernet(snap.length, snap)));
    }

    @Test
    void ieee8023WithoutSnapIsRefused() {
        byte[] llc = cat(new byte[] {0x42, 0x42, 0x03}, new byte[40]); // spanning tree
        assertNull(FrameDecoder.decode(DLT_EN10MB, ethernet(llc.length, llc)));
    }

    @Test
    void linuxCooked() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_LINUX_SLL, sll(0x0800, udp4())));
        assertUdp6(FrameDecoder.decode(DLT_LINUX_SLL, sll(0x86DD, udp6())));
        assertUdp4(FrameDecoder.decode(DLT_LINUX_SLL, sll(0x8100, cat(u16(7), u16(0x0800), udp4()))));
    }

    @Test
    void linuxCookedV2() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_LINUX_SLL2, sll2(0x0800, udp4())));
        assertUdp6(FrameDecoder.decode(DLT_LINUX_SLL2, sll2(0x86DD, udp6())));
    }

    @Test
    void bsdNullAndLoopInEitherByteOrderAndAnyInet6Family() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_NULL, cat(u32le(2), udp4())));
        assertUdp4(FrameDecoder.decode(DLT_NULL, cat(u32(2), udp4())));
        assertUdp4(FrameDecoder.decode(DLT_LOOP, cat(u32(2), udp4())));
        for (int af6 : new int[] {10, 24, 28, 30}) {
            assertUdp6(FrameDecoder.decode(DLT_NULL, cat(u32le(af6), udp6())));
            assertUdp6(FrameDecoder.decode(DLT_LOOP, cat(u32(af6), udp6())));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {DLT_RAW, DLT_RAW_OPENBSD, LINKTYPE_RAW})
    void rawIp(int linkType) throws Exception {
        assertUdp4(FrameDecoder.decode(linkType, udp4()));
        assertUdp6(FrameDecoder.decode(linkType, udp6()));
    }

    @Test
    void versionSpecificRawLinkTypes() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_IPV4, udp4()));
        assertUdp6(FrameDecoder.decode(DLT_IPV6, udp6()));
        assertNull(FrameDecoder.decode(DLT_IPV4, udp6()));
        assertNull(FrameDecoder.decode(DLT_IPV6, udp4()));
    }

    @Test
    void unsupportedLinkTypesAndEtherTypes() {
        assertFalse(FrameDecoder.supports(105)); // 802.11
        assertTrue(FrameDecoder.supports(DLT_LINUX_SLL2));
        assertNull(FrameDecoder.decode(105, udp4()));
        assertNull(FrameDecoder.decode(DLT_EN10MB, ethernet(0x0806, new byte[28]))); // ARP
        assertNull(FrameDecoder.decode(DLT_EN10MB, ethernet(0x0800, udp6()))); // wrong version behind IPv4 type
    }

    // ---- network layers

    @Test
    void ipv4WithOptions() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", 0, 8,
                udp(40001, 62201, SPA))));
    }

    @Test
    void ipv4DontFragmentIsWholeButFragmentsAreRefused() throws Exception {
        assertUdp4(FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", 0x4000, 0,
                udp(40001, 62201, SPA))));
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", 0x2000, 0,
                udp(40001, 62201, SPA))), "first fragment");
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", 0x0010, 0, SPA)),
                "later fragment");
    }

    @Test
    void ipv4TotalLengthZeroMeansWhatWasCaptured() throws Exception {
        byte[] ip = udp4();
        ip[2] = 0;
        ip[3] = 0;
        assertUdp4(FrameDecoder.decode(DLT_RAW, ip));
    }

    @Test
    void ipv4BadHeaderLengthsAreRefused() {
        byte[] ip = udp4();
        ip[0] = 0x44; // IHL 16 bytes
        assertNull(FrameDecoder.decode(DLT_RAW, ip));
        ip = udp4();
        ip[2] = 0;
        ip[3] = 10; // total length shorter than its header
        assertNull(FrameDecoder.decode(DLT_RAW, ip));
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() throws Exception {
        byte[] rest = cat(ext6(43, 0), ext6(44, 1), fragment6(60, 0, false), ext6(UDP, 0), udp(40001, 62201, SPA));
        assertUdp6(FrameDecoder.decode(DLT_RAW, ipv6(0, "2001:db8::10", "2001:db8::1", rest)));
    }

    @Test
    void ipv6AuthenticationHeaderIsSkipped() throws Exception {
        byte[] ah = new byte[24]; // (4 + 2) * 4
        ah[0] = UDP;
        ah[1] = 4;
        assertUdp6(FrameDecoder.decode(DLT_RAW, ipv6(51, "2001:db8::10", "2001:db8::1",
                cat(ah, udp(40001, 62201, SPA)))));
    }

    @Test
    void ipv6FragmentsAreRefused() {
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(44, "2001:db8::10", "2001:db8::1",
                cat(fragment6(UDP, 0, true), udp(40001, 62201, SPA)))));
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(44, "2001:db8::10", "2001:db8::1",
                cat(fragment6(UDP, 100, false), SPA))));
    }

    @Test
    void ipv6ExtensionChainIsBounded() {
        byte[] rest = udp(1, 2, SPA);
        int next = UDP;
        for (int i = 0; i < FrameDecoder.MAX_IPV6_EXTENSIONS + 1; i++) {
            rest = cat(ext6(next, 0), rest);
            next = 60;
        }
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(next, "2001:db8::10", "2001:db8::1", rest)));
    }

    @Test
    void ipv6NoNextHeaderAndEspAreRefused() {
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(59, "::1", "::1", SPA)));
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(50, "::1", "::1", SPA)));
    }

    // ---- transports

    @Test
    void tcpPayloadStartsAfterTheDataOffset() throws Exception {
        for (int options : new int[] {0, 12, 40}) {
            DecodedFrame f = FrameDecoder.decode(DLT_EN10MB, ethernet(0x0800,
                    ipv4(TCP, "192.0.2.10", "198.51.100.1", tcp(40001, 62201, options, SPA))));
            assertNotNull(f);
            assertEquals(Transport.TCP, f.transport());
            assertEquals(40001, f.sourcePort());
            assertEquals(62201, f.destinationPort());
            assertArrayEquals(SPA, f.payload());
        }
        DecodedFrame f6 = FrameDecoder.decode(DLT_RAW, ipv6(TCP, "2001:db8::10", "2001:db8::1",
                tcp(40001, 62201, 20, SPA)));
        assertEquals(Transport.TCP, f6.transport());
        assertArrayEquals(SPA, f6.payload());
    }

    @Test
    void tcpWithoutPayloadOrWithBadOffsetIsRefused() {
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(TCP, "192.0.2.10", "198.51.100.1",
                tcp(40001, 62201, 0, new byte[0]))), "SYN without data");
        byte[] segment = tcp(40001, 62201, 0, SPA);
        segment[12] = 0x40; // data offset 16 bytes
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(TCP, "192.0.2.10", "198.51.100.1", segment)));
        segment[12] = (byte) 0xF0; // 60 bytes, more than the 40 there are
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(TCP, "192.0.2.10", "198.51.100.1", Arrays.copyOf(segment, 40))));
    }

    @Test
    void icmpEchoReplyWithZeroIdAndSequence() throws Exception {
        DecodedFrame f = FrameDecoder.decode(DLT_EN10MB, ethernet(0x0800,
                ipv4(ICMP, "192.0.2.10", "198.51.100.1", icmp(0, SPA))));
        assertNotNull(f);
        assertEquals(Transport.ICMP, f.transport());
        assertEquals(0, f.sourcePort());
        assertEquals(0, f.destinationPort());
        assertEquals(InetAddress.getByName("198.51.100.1"), f.destination());
        assertArrayEquals(SPA, f.payload());
    }

    @Test
    void icmpv6() throws Exception {
        DecodedFrame f = FrameDecoder.decode(DLT_RAW, ipv6(ICMPV6, "2001:db8::10", "2001:db8::1", icmp(129, SPA)));
        assertEquals(Transport.ICMP, f.transport());
        assertArrayEquals(SPA, f.payload());
        assertNull(FrameDecoder.decode(DLT_RAW, ipv6(ICMP, "2001:db8::10", "2001:db8::1", icmp(0, SPA))));
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(ICMPV6, "192.0.2.10", "198.51.100.1", icmp(129, SPA))));
    }

    @Test
    void otherTransportsAndEmptyPayloadsAreRefused() {
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(47, "192.0.2.10", "198.51.100.1", new byte[40]))); // GRE
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", udp(1, 2, new byte[0]))));
        assertNull(FrameDecoder.decode(DLT_RAW, ipv4(ICMP, "192.0.2.10", "198.51.100.1", icmp(8, new byte[0]))));
    }

    @Test
    void udpLengthBeyondTheCaptureOrBelowEightMeansWhatWasCaptured() {
        byte[] segment = udp(40001, 62201, SPA);
        segment[4] = (byte) 0xff;
        segment[5] = (byte) 0xff;
        assertArrayEquals(SPA, FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", segment))
                .payload());
        segment[4] = 0;
        segment[5] = 3;
        assertArrayEquals(SPA, FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", segment))
                .payload());
    }

    @Test
    void udpLengthShorterThanTheDatagramTrimsIt() {
        byte[] segment = udp(40001, 62201, SPA);
        segment[5] = (byte) (8 + 10);
        segment[4] = 0;
        assertArrayEquals(Arrays.copyOf(SPA, 10),
                FrameDecoder.decode(DLT_RAW, ipv4(UDP, "192.0.2.10", "198.51.100.1", segment)).payload());
    }

    @Test
    void snapLengthTruncationYieldsWhatWasCaptured() {
        byte[] frame = ethernet(0x0800, udp4());
        int cut = 14 + 20 + 8 + 30;
        DecodedFrame f = FrameDecoder.decode(DLT_EN10MB, frame, cut);
        assertArrayEquals(Arrays.copyOf(SPA, 30), f.payload());
        assertArrayEquals(Arrays.copyOf(SPA, 30), FrameDecoder.decode(DLT_EN10MB, Arrays.copyOf(frame, cut))
                .payload());
    }

    // ---- robustness

    @Test
    void everyPrefixOfEveryValidFrameDecodesWithoutThrowing() {
        List<Object[]> frames = validFrames();
        for (Object[] lf : frames) {
            int linkType = (Integer) lf[0];
            byte[] frame = (byte[]) lf[1];
            assertNotNull(FrameDecoder.decode(linkType, frame), "the whole frame decodes");
            for (int n = 0; n <= frame.length; n++) {
                DecodedFrame f = FrameDecoder.decode(linkType, frame, n);
                if (f != null) {
                    assertTrue(f.payload().length > 0);
                }
            }
        }
    }

    @Test
    void randomBytesAndMutationsNeverThrow() {
        Random random = new Random(62201);
        int[] linkTypes = {DLT_NULL, DLT_EN10MB, DLT_RAW, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_IPV4, DLT_IPV6};
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(120)];
            random.nextBytes(junk);
            FrameDecoder.decode(linkTypes[random.nextInt(linkTypes.length)], junk);
        }
        List<Object[]> frames = validFrames();
        for (int i = 0; i < 50_000; i++) {
            Object[] lf = frames.get(random.nextInt(frames.size()));
            byte[] frame = ((byte[]) lf[1]).clone();
            for (int k = 0; k < 1 + random.nextInt(4); k++) {
                frame[random.nextInt(Math.min(frame.length, 80))] = (byte) random.nextInt(256);
            }
            FrameDecoder.decode((Integer) lf[0], frame, random.nextInt(frame.length + 1));
        }
        assertNull(FrameDecoder.decode(DLT_EN10MB, null));
        assertNull(FrameDecoder.decode(DLT_EN10MB, new byte[10], 11));
    }

    private static List<Object[]> validFrames() {
        List<Object[]> frames = new ArrayList<>();
        frames.add(new Object[] {DLT_EN10MB, ethernet(0x0800, udp4())});
        frames.add(new Object[] {DLT_EN10MB, ethernet(0x8100, cat(u16(5), u16(0x86DD), udp6()))});
        frames.add(new Object[] {DLT_EN10MB, ethernet(0x0800, ipv4(TCP, "192.0.2.10", "198.51.100.1",
                0, 4, tcp(1, 2, 12, SPA)))});
        frames.add(new Object[] {DLT_LINUX_SLL, sll(0x0800, ipv4(ICMP, "192.0.2.10", "198.51.100.1", icmp(0, SPA)))});
        frames.add(new Object[] {DLT_LINUX_SLL2, sll2(0x86DD, ipv6(0, "2001:db8::10", "2001:db8::1",
                cat(ext6(44, 0), fragment6(ICMPV6, 0, false), icmp(128, SPA))))});
        frames.add(new Object[] {DLT_NULL, cat(u32le(2), udp4())});
        frames.add(new Object[] {DLT_RAW, udp6()});
        return frames;
    }
}
