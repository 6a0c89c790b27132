package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * fwknopd.conf's capture keywords onto capture source configurations, packet aging with a pcap file, and
 * X-Forwarded-For in the policy step.
 */
class CaptureImportTest {

    @TempDir
    Path dir;

    private DaemonSettings settings(String conf, Map<String, String> overrides) throws Exception {
        Path file = dir.resolve("fwknopd.conf");
        Files.writeString(file, conf);
        return DaemonSettings.load(file, overrides);
    }

    private List<FwknopdImport.Target> captures(String conf) throws Exception {
        return FwknopdImport.captureTargets(settings(conf, Map.of()));
    }

    private static String describe(FwknopdImport.Target t) {
        return t.pid().substring("org.postern.capture.".length()) + "~" + t.instance() + " " + t.properties().get("name");
    }

    @Test
    void byDefaultOneLiveCaptureOnEth0() throws Exception {
        List<FwknopdImport.Target> t = captures("");
        assertEquals(List.of("pcap~fwknopd fwknopd"), t.stream().map(CaptureImportTest::describe).toList());
        assertEquals("eth0", t.get(0).properties().get("interfaceName"));
        assertEquals("udp port 62201", t.get(0).properties().get("filter"));
        assertEquals(false, t.get(0).properties().get("httpExtraction"));
        assertTrue(t.get(0).factory());
    }

    @Test
    void severalInterfacesGiveOneCaptureEach() throws Exception {
        List<FwknopdImport.Target> t = captures("PCAP_INTF veth1, veth2 ,veth1;\nPCAP_FILTER udp port 9;\n");
        assertEquals(List.of("pcap~fwknopd-veth1 fwknopd-veth1", "pcap~fwknopd-veth2 fwknopd-veth2"),
                t.stream().map(CaptureImportTest::describe).toList());
        assertEquals("veth2", t.get(1).properties().get("interfaceName"));
        assertEquals("udp port 9", t.get(1).properties().get("filter"));
        assertThrows(ConfigException.class, () -> captures("PCAP_INTF veth1,,veth2;\n"));
        // bin/fwknopd -i takes a list too
        List<FwknopdImport.Target> cli = FwknopdImport.captureTargets(settings("", Map.of("PCAP_INTF", "a,b")));
        assertEquals(2, cli.size());
    }

    @Test
    void theUdpServerReplacesEveryOtherCaptureAsInFwknopd() throws Exception {
        List<FwknopdImport.Target> t = captures("ENABLE_UDP_SERVER Y;\nUDPSERV_PORT 62202;\nENABLE_TCP_SERVER Y;\n"
                + "PCAP_FILE /tmp/x.pcap;\n");
        assertEquals(List.of("udp~fwknopd fwknopd"), t.stream().map(CaptureImportTest::describe).toList());
        assertEquals(62202, t.get(0).properties().get("port"));
    }

    @Test
    void theTcpServerComesBesideTheLiveCapture() throws Exception {
        List<FwknopdImport.Target> t = captures("ENABLE_TCP_SERVER Y;\nTCPSERV_PORT 62203;\n");
        assertEquals(List.of("tcp~fwknopd fwknopd", "pcap~fwknopd fwknopd"),
                t.stream().map(CaptureImportTest::describe).toList());
        assertEquals(62203, t.get(0).properties().get("port"));
        assertThrows(ConfigException.class, () -> captures("TCPSERV_PORT 0;\n"));
        assertThrows(ConfigException.class, () -> captures("TCPSERV_PORT http;\n"));
    }

    @Test
    void aPcapFileIsReadOnceInsteadOfSniffing() throws Exception {
        List<FwknopdImport.Target> t = captures("PCAP_FILE /var/log/spa.pcap;\nPCAP_FILTER udp;\nENABLE_TCP_SERVER Y;\n");
        assertEquals(List.of("tcp~fwknopd fwknopd", "pcapfile~fwknopd fwknopd"),
                t.stream().map(CaptureImportTest::describe).toList());
        assertEquals("/var/log/spa.pcap", t.get(1).properties().get("file"));
        assertEquals(false, t.get(1).properties().get("follow"));
        assertEquals("udp", t.get(1).properties().get("filter"));
        // --pcap-file
        List<FwknopdImport.Target> cli = FwknopdImport.captureTargets(settings("", Map.of("PCAP_FILE", "/x.pcap")));
        assertEquals("/x.pcap", cli.get(0).properties().get("file"));
    }

    @Test
    void spaOverHttpSettingsGoToEveryCapture() throws Exception {
        List<FwknopdImport.Target> t = captures("ENABLE_SPA_OVER_HTTP Y;\nALLOW_ANY_USER_AGENT Y;\n"
                + "ENABLE_X_FORWARDED_FOR Y;\nENABLE_TCP_SERVER Y;\nPCAP_INTF a,b;\n");
        assertEquals(3, t.size());
        for (FwknopdImport.Target target : t) {
            assertEquals(true, target.properties().get("httpExtraction"), target.pid());
            assertEquals(true, target.properties().get("allowAnyUserAgent"), target.pid());
            assertEquals(true, target.properties().get("forwardedFor"), target.pid());
        }
        assertFalse(settings("ENABLE_SPA_OVER_HTTP Y;\nENABLE_TCP_SERVER Y;\nENABLE_X_FORWARDED_FOR Y;\n"
                + "ALLOW_ANY_USER_AGENT Y;\nEXIT_AT_INTF_DOWN Y;\nPCAP_FILE /x;\n", Map.of()).notices().stream()
                .anyMatch(n -> n.contains("not supported")), "these keywords are honoured now");
    }

    @Test
    void packetAgingIsOffForAPcapFileUnlessFwknopdConfSetsIt() throws Exception {
        assertTrue(settings("", Map.of()).packetAging());
        assertFalse(settings("ENABLE_SPA_PACKET_AGING N;\n", Map.of()).packetAging());
        assertFalse(settings("PCAP_FILE /x.pcap;\n", Map.of()).packetAging());
        assertFalse(settings("", Map.of("PCAP_FILE", "/x.pcap")).packetAging());
        assertTrue(settings("PCAP_FILE /x.pcap;\nENABLE_SPA_PACKET_AGING Y;\n", Map.of()).packetAging());
    }

    // --- X-Forwarded-For in the policy step ---

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HMAC = "hmac-key-for-tests-hmac-key-for-tests".getBytes(StandardCharsets.US_ASCII);
    static final long NOW = 1_800_000_000L;

    private final List<String> fw = new ArrayList<>();
    private final RijndaelCipher cipher = new RijndaelCipher();
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    private final FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            fw.add("grant " + g.source().getHostAddress() + " " + g.ports());
        }

        public void revoke(AccessGrant g) {
            fw.add("revoke " + g.source().getHostAddress() + " " + g.ports());
        }

        public List<String> list() {
            return fw;
        }

        public void flush() {
        }
    };

    private Pipeline pipeline(String extra) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY_BASE64 " + Base64.getEncoder().encodeToString(KEY)
                + "\nHMAC_KEY_BASE64 " + Base64.getEncoder().encodeToString(HMAC) + "\nFW_ACCESS_TIMEOUT 5\n" + extra);
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        return new Pipeline(new PolicySet(new AccessConfParser().parse(access), true, 120, false),
                new DigestFile(null), new StanzaTrial(t -> cipher), new LiveGrants(slot, clock), new RefusalCounters(),
                clock);
    }

    private String wire(String allowIp) throws SpaException {
        return SpaWire.seal(new SpaMessageBuilder().username("alice").timestamp(NOW).allowIp(allowIp)
                .access("tcp/2222").build(), cipher, new RijndaelKey(KEY, EncryptionMode.CBC),
                new HmacKey(HMAC, HmacType.SHA256));
    }

    private static CapturedPacket viaProxy(String wire, String forwardedFor) throws Exception {
        return new CapturedPacket(wire.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("10.200.0.9"), 40000,
                InetAddress.getByName("10.200.0.2"), 80, Transport.HTTP, Instant.now(), "http",
                forwardedFor == null ? null : InetAddress.getByName(forwardedFor));
    }

    @Test
    void forwardedForIsLetInForASourceRequest() throws Exception {
        pipeline("").process(viaProxy(wire("0.0.0.0"), "198.51.100.7"));
        assertEquals(List.of("grant 198.51.100.7 [tcp/2222]"), fw);
    }

    @Test
    void withoutForwardedForTheConnectionsPeerIsLetIn() throws Exception {
        pipeline("").process(viaProxy(wire("0.0.0.0"), null));
        assertEquals(List.of("grant 10.200.0.9 [tcp/2222]"), fw);
    }

    @Test
    void anExplicitAllowAddressWinsOverForwardedFor() throws Exception {
        pipeline("").process(viaProxy(wire("10.1.2.3"), "198.51.100.7"));
        assertEquals(List.of("grant 10.1.2.3 [tcp/2222]"), fw);
    }

    @Test
    void requireSourceAddressRefusesASourceRequestEvenWithForwardedFor() throws Exception {
        Pipeline p = pipeline("REQUIRE_SOURCE_ADDRESS Y\n");
        CapturedPacket c = viaProxy(wire("0.0.0.0"), "198.51.100.7");
        assertEquals(RefusalReason.SOURCE_ADDRESS_REQUIRED, assertThrows(SpaException.class, () -> p.process(c))
                .reason());
        assertTrue(fw.isEmpty());
    }

    @Test
    void stanzasAreMatchedAgainstThePacketSourceNotForwardedFor() throws Exception {
        Path access = dir.resolve("access2.conf");
        Files.writeString(access, "SOURCE 198.51.100.0/24\nKEY_BASE64 " + Base64.getEncoder().encodeToString(KEY)
                + "\nHMAC_KEY_BASE64 " + Base64.getEncoder().encodeToString(HMAC) + "\n");
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        Pipeline restricted = new Pipeline(new PolicySet(new AccessConfParser().parse(access), true, 120, false),
                new DigestFile(null), new StanzaTrial(t -> cipher), new LiveGrants(slot, clock), new RefusalCounters(),
                clock);
        CapturedPacket c = viaProxy(wire("0.0.0.0"), "198.51.100.7");
        assertEquals(RefusalReason.NO_STANZA_FOR_SOURCE, assertThrows(SpaException.class, () -> restricted.process(c))
                .reason());
    }
}
