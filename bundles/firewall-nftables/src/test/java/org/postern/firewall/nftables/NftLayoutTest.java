package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.PortSpec;

/** The exact nft commands, golden. */
class NftLayoutTest {

    private static final NftLayout HOOKED = NftLayout.hookedInto(ChainRef.parse("inet filter input"));
    private static final NftLayout OWN = NftLayout.ownTable("postern");

    @Test
    void setupInTheOperatorsTable() {
        assertEquals("add set inet filter postern_allow4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }; "
                + "add set inet filter postern_allow6 { type ipv6_addr . inet_proto . inet_service; flags timeout; }; "
                + "add chain inet filter postern_access; flush chain inet filter postern_access; "
                + "add rule inet filter postern_access ip saddr . meta l4proto . th dport @postern_allow4 accept; "
                + "add rule inet filter postern_access ip6 saddr . meta l4proto . th dport @postern_allow6 accept",
                HOOKED.setup());
        assertEquals("insert rule inet filter input jump postern_access comment \"postern\"", HOOKED.insertJump());
        assertEquals("list chain inet filter input", HOOKED.listHookChain());
        assertEquals(List.of("delete chain inet filter postern_access", "delete set inet filter postern_allow4",
                "delete set inet filter postern_allow6"), HOOKED.teardown());
        assertEquals("delete rule inet filter input handle 11", HOOKED.deleteRule(11));
        assertEquals("flush set inet filter postern_allow4; flush set inet filter postern_allow6", HOOKED.flushSets());
    }

    @Test
    void setupInAnOwnTable() {
        assertEquals("add table inet postern; "
                + "add chain inet postern input { type filter hook input priority 0; policy accept; }; "
                + "add set inet postern postern_allow4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }; "
                + "add set inet postern postern_allow6 { type ipv6_addr . inet_proto . inet_service; flags timeout; }; "
                + "add chain inet postern postern_access; flush chain inet postern postern_access; "
                + "add rule inet postern postern_access ip saddr . meta l4proto . th dport @postern_allow4 accept; "
                + "add rule inet postern postern_access ip6 saddr . meta l4proto . th dport @postern_allow6 accept",
                OWN.setup());
        assertEquals("insert rule inet postern input jump postern_access comment \"postern\"", OWN.insertJump());
        assertEquals(List.of("delete table inet postern"), OWN.teardown());
    }

    @Test
    void anIptablesNftTableCarriesOnlyItsFamily() {
        NftLayout ip = NftLayout.hookedInto(ChainRef.parse("ip filter INPUT"));
        assertEquals(List.of(NftLayout.SET4), ip.sets());
        assertEquals("add set ip filter postern_allow4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }; "
                + "add chain ip filter postern_access; flush chain ip filter postern_access; "
                + "add rule ip filter postern_access ip saddr . meta l4proto . th dport @postern_allow4 accept", ip.setup());
        NftLayout ip6 = NftLayout.hookedInto(ChainRef.parse("ip6 filter INPUT"));
        assertEquals(List.of(NftLayout.SET6), ip6.sets());
        assertFalse(ip6.carriesIpv4());
    }

    @Test
    void elementsAreReplacedToExtendAndRemovedWhetherThereOrNot() throws Exception {
        SetElement a = SetElement.of(InetAddress.getByName("10.9.8.7"), PortSpec.parse("tcp/22"), 1_700_000_030_000L);
        SetElement b = SetElement.of(InetAddress.getByName("fd00::7"), PortSpec.parse("udp/53"), 1_700_000_030_000L);
        assertEquals("add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 timeout 30000ms comment \"_exp_1700000030\" }; "
                + "add element inet filter postern_allow6 { fd00:0:0:0:0:0:0:7 . 17 . 53 }; "
                + "delete element inet filter postern_allow6 { fd00:0:0:0:0:0:0:7 . 17 . 53 }; "
                + "add element inet filter postern_allow6 { fd00:0:0:0:0:0:0:7 . 17 . 53 timeout 30000ms comment \"_exp_1700000030\" }",
                HOOKED.addElements(List.of(a, b), 1_700_000_000_000L));
        assertEquals("add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }", HOOKED.removeElements(List.of(a)));
    }

    @Test
    void findsTheJumpRuleHandles() {
        String listing = """
                table inet filter {
                	chain input { # handle 1
                		type filter hook input priority 0; policy drop;
                		jump postern_access comment "postern" # handle 11
                		ct state 0x2,0x4 accept # handle 2
                		jump postern_access # handle 14
                	}
                }
                """;
        assertEquals(List.of(11L, 14L), NftLayout.jumpHandles(listing));
        assertEquals(List.of(), NftLayout.jumpHandles("table inet filter {\n}\n"));
    }

    @Test
    void chainNamesAreValidated() {
        assertNull(ChainRef.parse(" "));
        assertEquals(new ChainRef("inet", "filter", "input"), ChainRef.parse("  INET  filter input "));
        assertThrows(IllegalArgumentException.class, () -> ChainRef.parse("inet filter"));
        assertThrows(IllegalArgumentException.class, () -> ChainRef.parse("bridge filter input"));
        assertThrows(IllegalArgumentException.class, () -> ChainRef.parse("inet filter in;put"));
        assertThrows(IllegalArgumentException.class, () -> ChainRef.parse("inet \"filter\" input"));
        assertTrue(ChainRef.parse("ip6 filter INPUT").carriesIpv6());
    }
}
