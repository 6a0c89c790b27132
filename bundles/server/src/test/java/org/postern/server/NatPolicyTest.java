package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.NatAccess;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/** NAT access through the pipeline: fwknopd's refusal conditions and the NatAccess handed to the backend. */
class NatPolicyTest {

    static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    final List<AccessGrant> granted = new ArrayList<>();
    final RijndaelCipher cipher = new RijndaelCipher();
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    final FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            granted.add(g);
        }

        public void revoke(AccessGrant g) {
        }

        public List<String> list() {
            return List.of();
        }

        public void flush() {
        }
    };

    Pipeline pipeline(String extra, NatPolicy nat) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, PipelineTest.stanza(extra));
        List<AccessStanza> stanzas = new AccessConfParser().natEnabled(nat.any()).parse(access);
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        return new Pipeline(new PolicySet(stanzas, true, 120, false, nat), new DigestFile(null),
                new StanzaTrial(t -> cipher), new LiveGrants(slot, clock), new RefusalCounters(), clock);
    }

    String wire(SpaMessageBuilder b) throws SpaException {
        return SpaWire.seal(b.username("alice").timestamp(NOW).allowIp("10.200.0.1").build(), cipher,
                new RijndaelKey(PipelineTest.KEY, EncryptionMode.CBC), new HmacKey(PipelineTest.HMAC, HmacType.SHA256));
    }

    static NatPolicy policy(boolean forwarding, boolean local, boolean snat, String translate) {
        return new NatPolicy(forwarding, local, snat, translate, false);
    }

    @Test
    void natAccessNeedsForwardingAndLocalNatNeedsLocalNat() throws Exception {
        String nat = wire(new SpaMessageBuilder().access("tcp/6000").natAccess("10.201.0.2,2222"));
        String local = wire(new SpaMessageBuilder().access("tcp/6000").localNat("10.200.0.2,2222"));
        Pipeline off = pipeline("", NatPolicy.OFF);
        SpaException e = assertThrows(SpaException.class, () -> off.process(PipelineTest.captured(nat)));
        assertEquals(RefusalReason.NAT_NOT_ALLOWED, e.reason());
        assertTrue(e.getMessage().contains("requested NAT access, but is not enabled/supported"), e.getMessage());
        Pipeline forwardingOnly = pipeline("", policy(true, false, false, null));
        assertEquals(RefusalReason.NAT_NOT_ALLOWED,
                assertThrows(SpaException.class, () -> forwardingOnly.process(PipelineTest.captured(local))).reason());
        assertTrue(granted.isEmpty());
    }

    @Test
    void forwardedNatCarriesTargetAndFirstPort() throws Exception {
        Pipeline p = pipeline("", policy(true, false, false, null));
        AccessGrant g = p.process(PipelineTest.captured(
                wire(new SpaMessageBuilder().access("tcp/6000").natAccess("10.201.0.2,2222"))));
        NatAccess n = g.nat();
        assertEquals(NatAccess.Kind.FORWARD, n.kind());
        assertEquals(InetAddress.getByName("10.201.0.2"), n.address());
        assertEquals(2222, n.port());
        assertTrue(n.dnat());
        assertFalse(n.sourceNat());
        assertEquals("10.201.0.2", g.request().natAddress());
        assertEquals(2222, g.request().natPort());
    }

    @Test
    void localNat() throws Exception {
        Pipeline p = pipeline("", policy(false, true, false, null));
        AccessGrant g = p.process(PipelineTest.captured(
                wire(new SpaMessageBuilder().access("tcp/5555").localNat("10.200.0.2,2222"))));
        assertEquals(NatAccess.Kind.LOCAL, g.nat().kind());
        assertEquals(2222, g.nat().port());
    }

    @Test
    void hostNameTargetNeedsNatDns() throws Exception {
        Pipeline p = pipeline("", policy(true, false, false, null));
        SpaException e = assertThrows(SpaException.class, () -> p.process(PipelineTest.captured(
                wire(new SpaMessageBuilder().access("tcp/6000").natAccess("internal.example,2222")))));
        assertEquals(RefusalReason.NAT_TARGET_INVALID, e.reason());
    }

    @Test
    void snatChoicesFollowFwknop() throws Exception {
        String plain = "FORCE_NAT 10.201.0.2 2222\n";
        // ENABLE_IPT_SNAT with SNAT_TRANSLATE_IP: SNAT to it
        assertEquals(InetAddress.getByName("10.201.0.1"),
                natOf(plain, policy(true, false, true, "10.201.0.1")).snatAddress());
        // ENABLE_IPT_SNAT without: MASQUERADE
        assertTrue(natOf(plain, policy(true, false, true, null)).masquerade());
        // none: no source NAT
        assertFalse(natOf(plain, policy(true, false, false, null)).sourceNat());
        // FORCE_SNAT wins over SNAT_TRANSLATE_IP; FORCE_MASQUERADE over SNAT_TRANSLATE_IP
        assertEquals(InetAddress.getByName("10.201.0.9"),
                natOf(plain + "FORCE_SNAT 10.201.0.9\n", policy(true, false, true, "10.201.0.1")).snatAddress());
        assertTrue(natOf(plain + "FORCE_MASQUERADE Y\n", policy(true, false, false, "10.201.0.1")).masquerade());
        NatAccess n = natOf(plain + "DISABLE_DNAT Y\n", policy(true, false, false, null));
        assertFalse(n.dnat());
    }

    @Test
    void forceNatAppliesToPlainAccessAndForwardAllImpliesIt() throws Exception {
        NatAccess n = natOf("FORCE_NAT 10.201.0.2 2222\n", policy(true, false, false, null));
        assertEquals(NatAccess.Kind.FORWARD, n.kind());
        assertEquals(InetAddress.getByName("10.201.0.2"), n.address());
        NatAccess all = natOf("FORWARD_ALL Y\nFORCE_MASQUERADE Y\n", policy(true, false, false, null));
        assertTrue(all.forwardAll());
        assertEquals(InetAddress.getByName("0.0.0.0"), all.address());
        assertEquals(0, all.port());
        assertTrue(all.masquerade());
        // FORWARD_ALL alone does not make plain access a NAT grant
        granted.clear();
        Pipeline p = pipeline("FORWARD_ALL Y\n", policy(true, false, false, null));
        assertNull(p.process(PipelineTest.captured(wire(new SpaMessageBuilder().access("tcp/22")))).nat());
    }

    @Test
    void natKeywordsNeedNatEnabled() throws Exception {
        Path access = dir.resolve("a.conf");
        Files.writeString(access, PipelineTest.stanza("FORCE_NAT 10.201.0.2 2222\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        assertTrue(e.getMessage().contains("requires either ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT"), e.getMessage());
        Files.writeString(access, PipelineTest.stanza("FORCE_SNAT 10.201.0.9\n"));
        e = assertThrows(ConfigException.class, () -> new AccessConfParser().natEnabled(true).parse(access));
        assertTrue(e.getMessage().contains("requires either FORCE_NAT or FORWARD_ALL"), e.getMessage());
        Files.writeString(access, PipelineTest.stanza("FORCE_NAT 10.201.0.2\n"));
        assertThrows(ConfigException.class, () -> new AccessConfParser().natEnabled(true).parse(access));
        AccessConfParser ok = new AccessConfParser().natEnabled(true);
        Files.writeString(access, PipelineTest.stanza("FORCE_NAT 10.201.0.2 2222\nFORCE_SNAT 10.201.0.9\n"));
        ok.parse(access);
        assertTrue(ok.notices().stream().noneMatch(n -> n.contains("FORCE_")), ok.notices().toString());
    }

    @Test
    void fwknopdConfNatKeysReachPolicyAndIptablesConfig() throws Exception {
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, "ENABLE_IPT_FORWARDING Y;\nENABLE_IPT_SNAT Y;\nSNAT_TRANSLATE_IP 10.201.0.1;\n"
                + "ENABLE_IPT_OUTPUT Y;\n");
        DaemonSettings s = DaemonSettings.load(conf, Map.of());
        assertTrue(s.notices().isEmpty(), s.notices().toString());
        assertEquals(new NatPolicy(true, false, true, "10.201.0.1", true), NatPolicy.from(s));
        var props = FwknopdImport.firewallTarget(s).orElseThrow().properties();
        assertEquals(true, props.get("forwarding"));
        assertEquals(true, props.get("output"));
        assertEquals("DNAT, nat, PREROUTING, 1, FWKNOP_PREROUTING, 1", props.get("dnatAccess"));
    }

    private NatAccess natOf(String extra, NatPolicy policy) throws Exception {
        granted.clear();
        Pipeline p = pipeline(extra, policy);
        AccessGrant g = p.process(PipelineTest.captured(wire(new SpaMessageBuilder().access("tcp/6000"))));
        return g.nat();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
