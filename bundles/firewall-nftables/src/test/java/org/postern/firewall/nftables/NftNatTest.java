package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.GrantRequest;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;

/** Golden text of the nftables NAT objects and elements. */
class NftNatTest {

    private static final NftNat NAT = NftNat.hookedInto("postern_nat", ChainRef.parse("inet filter forward"));

    private static AccessGrant grant(NatAccess nat) throws Exception {
        return new AccessGrant("g", InetAddress.getByName("10.9.8.7"), null, PortSpec.parseList("tcp/6000"),
                Instant.ofEpochSecond(1_700_000_030L), "s",
                new GrantRequest(InetAddress.getByName("10.9.8.7"), 0, 0, 30, null, 0, null, nat));
    }

    private static NatAccess nat(NatAccess.Kind kind, String snat, boolean masq, boolean all) throws Exception {
        return new NatAccess(kind, InetAddress.getByName("192.168.1.5"), 22, true, all,
                snat == null ? null : InetAddress.getByName(snat), masq);
    }

    @Test
    void setupMakesMapsInOwnTableAndForwardSetsBesideTheOperatorsChain() {
        String setup = NAT.setup();
        assertTrue(setup.contains("add map ip postern_nat dnat4 { type ipv4_addr . inet_proto . inet_service : "
                + "ipv4_addr . inet_service; flags timeout; }"), setup);
        assertTrue(setup.contains("add rule ip postern_nat prerouting dnat ip to ip saddr . meta l4proto . th dport map @dnat4"), setup);
        assertTrue(setup.contains("add rule ip postern_nat postrouting ip daddr . meta l4proto . th dport @masq4 masquerade"), setup);
        assertTrue(setup.contains("add rule inet filter postern_forward ip saddr . meta l4proto . th dport @postern_fwd4 accept"), setup);
        assertEquals("insert rule inet filter forward jump postern_forward comment \"postern\"", NAT.insertJump());
    }

    @Test
    void forwardedNatWithSnat() throws Exception {
        List<NftNat.Element> e = NAT.elements(grant(nat(NatAccess.Kind.FORWARD, "192.168.1.1", false, false)));
        assertEquals(List.of(
                new NftNat.Element("inet filter postern_fwd4", "10.9.8.7 . 6 . 22", null),
                new NftNat.Element("ip postern_nat dnat4", "10.9.8.7 . 6 . 6000", "192.168.1.5 . 22"),
                new NftNat.Element("ip postern_nat snat4", "192.168.1.5 . 6 . 22", "192.168.1.1")), e);
        assertEquals("add element inet filter postern_fwd4 { 10.9.8.7 . 6 . 22 }; "
                + "delete element inet filter postern_fwd4 { 10.9.8.7 . 6 . 22 }; "
                + "add element inet filter postern_fwd4 { 10.9.8.7 . 6 . 22 timeout 30000ms comment \"_exp_1700000030\" }",
                NftNat.add(e.subList(0, 1), 30_000, 1_700_000_030L));
        assertEquals("add element ip postern_nat dnat4 { 10.9.8.7 . 6 . 6000 timeout 30000ms comment \"_exp_1700000030\""
                + " : 192.168.1.5 . 22 }", NftNat.add(e.subList(1, 2), 30_000, 1_700_000_030L).split("; ")[2]);
    }

    @Test
    void localNatHasNoForwardElementAndMasqueradeAndForwardAll() throws Exception {
        assertEquals(List.of(new NftNat.Element("ip postern_nat dnat4", "10.9.8.7 . 6 . 6000", "192.168.1.5 . 22"),
                new NftNat.Element("ip postern_nat masq4", "192.168.1.5 . 6 . 22", null)),
                NAT.elements(grant(nat(NatAccess.Kind.LOCAL, null, true, false))));
        assertEquals(List.of(new NftNat.Element("inet filter postern_fwdall4", "10.9.8.7", null),
                new NftNat.Element("ip postern_nat dnatall4", "10.9.8.7", "192.168.1.5"),
                new NftNat.Element("ip postern_nat masqall4", "10.9.8.7", null)),
                NAT.elements(grant(nat(NatAccess.Kind.FORWARD, null, true, true))));
    }
}
