package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.GrantRequest;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;

/** ENABLE_DESTINATION_RULE and NAT through the backend, against a scripted nft session. */
class NftDestinationAndNatBackendTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static NftablesFirewallBackend backend(ScriptedNft nft, boolean destinationRule, boolean nat) {
        NftSettings s = new NftSettings("/usr/sbin/nft", ChainRef.parse("inet filter input"), "postern", false, true,
                Duration.ofSeconds(5), destinationRule, nat, ChainRef.parse("inet filter forward"), "postern_nat");
        return new NftablesFirewallBackend(s, x -> nft, CLOCK);
    }

    @Test
    void destinationRuleBindsTheElementToThePacketDestination() throws Exception {
        ScriptedNft nft = new ScriptedNft();
        NftablesFirewallBackend b = backend(nft, true, false);
        assertTrue(nft.sent.stream().anyMatch(l -> l.contains("add set inet filter postern_dst4 { type ipv4_addr . "
                + "ipv4_addr . inet_proto . inet_service; flags timeout; }") && l.contains(
                "add rule inet filter postern_access ip saddr . ip daddr . meta l4proto . th dport @postern_dst4 accept")),
                nft.sent.toString());
        nft.sent.clear();
        b.grant(new AccessGrant("1", InetAddress.getByName("10.9.8.7"), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList("tcp/22"), NOW.plusSeconds(30), "s"));
        assertEquals("add element inet filter postern_dst4 { 10.9.8.7 . 192.0.2.1 . 6 . 22 }; "
                + "delete element inet filter postern_dst4 { 10.9.8.7 . 192.0.2.1 . 6 . 22 }; "
                + "add element inet filter postern_dst4 { 10.9.8.7 . 192.0.2.1 . 6 . 22 timeout 30000ms comment \"_exp_1700000030\" }",
                nft.sent.get(0));
        // without a known destination: the plain set
        nft.sent.clear();
        b.grant(new AccessGrant("2", InetAddress.getByName("10.9.8.7"), null, PortSpec.parseList("tcp/22"),
                NOW.plusSeconds(30), "s"));
        assertTrue(nft.sent.get(0).startsWith("add element inet filter postern_allow4"), nft.sent.toString());
    }

    @Test
    void natGrantMakesTheNatObjectsOnceAndAddsTimedElements() throws Exception {
        ScriptedNft nft = new ScriptedNft();
        NftablesFirewallBackend b = backend(nft, false, false);
        nft.sent.clear();
        NatAccess nat = new NatAccess(NatAccess.Kind.FORWARD, InetAddress.getByName("192.168.1.5"), 22, true, false,
                null, true);
        AccessGrant g = new AccessGrant("1", InetAddress.getByName("10.9.8.7"), null, PortSpec.parseList("tcp/6000"),
                NOW.plusSeconds(30), "s", new GrantRequest(InetAddress.getByName("10.9.8.7"), 0, 0, 30, "192.168.1.5", 22,
                        null, nat));
        b.grant(g);
        assertEquals("list chain inet filter forward", nft.sent.get(0));
        assertEquals(NftNat.hookedInto("postern_nat", ChainRef.parse("inet filter forward")).setup(), nft.sent.get(1));
        String batch = nft.sent.get(nft.sent.size() - 1);
        assertTrue(batch.contains("add element inet filter postern_fwd4 { 10.9.8.7 . 6 . 22 timeout 30000ms"), batch);
        assertTrue(batch.contains("add element ip postern_nat dnat4 { 10.9.8.7 . 6 . 6000 timeout 30000ms comment "
                + "\"_exp_1700000030\" : 192.168.1.5 . 22 }"), batch);
        assertTrue(batch.contains("add element ip postern_nat masq4 { 192.168.1.5 . 6 . 22 timeout"), batch);
        nft.sent.clear();
        b.revoke(g);
        assertEquals(List.of("list map ip postern_nat dnat4"), nft.sent.subList(0, 1));
        assertEquals(2, nft.sent.size(), nft.sent.toString());
        assertTrue(nft.sent.get(1).contains("delete element ip postern_nat dnat4 { 10.9.8.7 . 6 . 6000 }"), nft.sent.toString());
        assertTrue(nft.sent.get(1).contains("delete element inet filter postern_fwd4 { 10.9.8.7 . 6 . 22 }"), nft.sent.toString());
        // another live grant of the client forwards gateway port 7000 to the same target: the shared forward element stays
        nft.sent.clear();
        nft.answer("list map ip postern_nat dnat4", true, "table ip postern_nat {\n\tmap dnat4 {\n\t\ttype ipv4_addr . "
                + "inet_proto . inet_service : ipv4_addr . inet_service\n\t\tflags timeout\n\t\telements = { 10.9.8.7 . 6 "
                + ". 7000 timeout 30s expires 20s comment \"_exp_1700000040\" : 192.168.1.5 . 22 }\n\t}\n}\n");
        b.revoke(g);
        assertTrue(nft.sent.get(1).contains("delete element ip postern_nat dnat4 { 10.9.8.7 . 6 . 6000 }"), nft.sent.toString());
        assertTrue(!nft.sent.get(1).contains("postern_fwd4"), nft.sent.toString());
        nft.sent.clear();
        b.close();
        assertTrue(nft.sent.contains("delete table ip postern_nat"), nft.sent.toString());
    }
}
