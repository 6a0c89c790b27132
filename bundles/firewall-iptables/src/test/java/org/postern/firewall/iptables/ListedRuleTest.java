package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.Protocol;

class ListedRuleTest {

    private static final ChainSpec INPUT = ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS);

    @Test
    void parsesWhatIptablesPrintsForOurRule() throws Exception {
        String line = "-A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 2222 -m comment --comment _exp_1700000030 -j ACCEPT";
        ListedRule r = ListedRule.parse(line, "FWKNOP_INPUT").orElseThrow();

        assertEquals(InetAddress.getByName("10.9.8.7"), r.source());
        assertNull(r.destination());
        assertEquals(6, r.protocol());
        assertEquals(2222, r.port());
        assertEquals(1_700_000_030L, r.expiresAt());
        assertEquals("ACCEPT", r.target());
        assertEquals(List.of("-t", "filter", "-D", "FWKNOP_INPUT", "-s", "10.9.8.7/32", "-p", "tcp", "-m", "tcp",
                "--dport", "2222", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), r.delete(INPUT));
        assertEquals("10.9.8.7 tcp/2222", r.describe());

        IptablesRule same = new IptablesRule(INPUT, InetAddress.getByName("10.9.8.7"), null, Protocol.TCP, 2222,
                1_700_000_030L);
        IptablesRule later = new IptablesRule(INPUT, InetAddress.getByName("10.9.8.7"), null, Protocol.TCP, 2222,
                1_700_000_090L);
        IptablesRule udp = new IptablesRule(INPUT, InetAddress.getByName("10.9.8.7"), null, Protocol.UDP, 2222,
                1_700_000_030L);
        assertTrue(r.sameRule(same));
        assertTrue(r.sameOpening(later));
        assertFalse(r.sameRule(later));
        assertFalse(r.sameOpening(udp));
    }

    @Test
    void parsesBoundDestinationsUdpAndIpv6() throws Exception {
        ListedRule udp = ListedRule.parse("-A FWKNOP_INPUT -s 10.0.0.1/32 -d 192.0.2.1/32 -p udp -m udp --dport 53 "
                + "-m comment --comment _exp_5 -j ACCEPT", "FWKNOP_INPUT").orElseThrow();
        assertEquals(InetAddress.getByName("192.0.2.1"), udp.destination());
        assertEquals(17, udp.protocol());

        ListedRule v6 = ListedRule.parse("-A FWKNOP_INPUT -s 2001:db8::7/128 -p tcp -m tcp --dport 22 "
                + "-m comment --comment _exp_9 -j ACCEPT", "FWKNOP_INPUT").orElseThrow();
        assertEquals(InetAddress.getByName("2001:db8::7"), v6.source());
        assertEquals(9, v6.expiresAt());
    }

    @Test
    void leavesForeignRulesAlone() {
        assertTrue(ListedRule.parse("-N FWKNOP_INPUT", "FWKNOP_INPUT").isEmpty());
        assertTrue(ListedRule.parse("-A INPUT -j FWKNOP_INPUT", "FWKNOP_INPUT").isEmpty());
        assertTrue(ListedRule.parse("-A FWKNOP_INPUT ! -s 10.0.0.1/32 -j ACCEPT", "FWKNOP_INPUT").isEmpty());
        assertTrue(ListedRule.parse("-A FWKNOP_INPUT -s 10.0.0.1/32 -m comment --comment \"_exp_5 x\" -j ACCEPT",
                "FWKNOP_INPUT").isEmpty());

        ListedRule network = ListedRule.parse("-A FWKNOP_INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 22 "
                + "-m comment --comment _exp_5 -j ACCEPT", "FWKNOP_INPUT").orElseThrow();
        assertNull(network.source());
        assertEquals(5, network.expiresAt());

        ListedRule noExpiry = ListedRule.parse("-A FWKNOP_INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -j ACCEPT",
                "FWKNOP_INPUT").orElseThrow();
        assertFalse(noExpiry.hasExpiry());

        ListedRule notADigitExpiry = ListedRule.parse("-A FWKNOP_INPUT -s 10.0.0.1/32 -m comment --comment _exp_x "
                + "-j ACCEPT", "FWKNOP_INPUT").orElseThrow();
        assertFalse(notADigitExpiry.hasExpiry());
    }
}
