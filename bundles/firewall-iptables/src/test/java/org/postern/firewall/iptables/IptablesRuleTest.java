package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

class IptablesRuleTest {

    private static final ChainSpec INPUT = ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS);
    private static final Instant EXPIRY = Instant.ofEpochSecond(1_700_000_030L);

    private static AccessGrant grant(String source, String destination, String ports) throws Exception {
        return new AccessGrant("g1", InetAddress.getByName(source),
                destination == null ? null : InetAddress.getByName(destination), PortSpec.parseList(ports), EXPIRY, "s");
    }

    @Test
    void tcpRuleIsFwknopsArgumentList() throws Exception {
        IptablesRule rule = IptablesRule.of(INPUT, grant("10.9.8.7", "192.0.2.1", "tcp/22"),
                PortSpec.parse("tcp/22"), false);

        assertEquals(List.of("-t", "filter", "-A", "FWKNOP_INPUT", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0",
                "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), rule.append());
        assertEquals(List.of("-t", "filter", "-I", "FWKNOP_INPUT", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0",
                "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), rule.insert());
        assertEquals(List.of("-t", "filter", "-D", "FWKNOP_INPUT", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0",
                "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), rule.delete());
        assertEquals(List.of("-t", "filter", "-C", "FWKNOP_INPUT", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0",
                "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), rule.check());
        assertEquals("tcp/22", rule.portText());
        assertEquals("0.0.0.0/0", rule.destinationText());
    }

    @Test
    void udpIsProtocolSeventeenAndDestinationRuleBindsTheDestination() throws Exception {
        IptablesRule rule = IptablesRule.of(INPUT, grant("198.51.100.4", "192.0.2.1", "udp/53"),
                PortSpec.parse("udp/53"), true);

        assertEquals(List.of("-t", "filter", "-A", "FWKNOP_INPUT", "-p", "17", "-s", "198.51.100.4", "-d",
                "192.0.2.1", "--dport", "53", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"),
                rule.append());
    }

    @Test
    void destinationRuleWithoutADestinationMeansAny() throws Exception {
        IptablesRule rule = IptablesRule.of(INPUT, grant("10.9.8.7", null, "tcp/22"), PortSpec.parse("tcp/22"), true);

        assertEquals("0.0.0.0/0", rule.destinationText());
    }

    @Test
    void ipv6RulesUseTheIpv6AnyAddress() throws Exception {
        IptablesRule rule = IptablesRule.of(INPUT, grant("2001:db8::7", "192.0.2.1", "tcp/22"),
                PortSpec.parse("tcp/22"), true);

        assertEquals(IpFamily.IPV6, rule.family());
        assertEquals(List.of("-t", "filter", "-A", "FWKNOP_INPUT", "-p", "6", "-s", "2001:db8::7", "-d",
                "::/0", "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"),
                rule.append());
    }

    @Test
    void otherChainSpecificationsAreHonoured() throws Exception {
        ChainSpec custom = ChainSpec.parse("ACCEPT, filter, INPUT, 2, SPA_IN, 1");
        IptablesRule rule = IptablesRule.of(custom, grant("10.9.8.7", null, "tcp/2222"), PortSpec.parse("tcp/2222"),
                false);

        assertEquals(List.of("-t", "filter", "-A", "SPA_IN", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0",
                "--dport", "2222", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT"), rule.append());
    }

    @Test
    void icmpIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new IptablesRule(INPUT, InetAddress.getByName("10.0.0.1"),
                null, Protocol.ICMP, 0, 1));
    }
}
