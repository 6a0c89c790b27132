package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.GrantRequest;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;

/** Golden text of fwknopd 2.6.10's OUTPUT, FORWARD, DNAT, SNAT and MASQUERADE rules (fw_util_iptables.h). */
class ChainRuleTest {

    private static final long T = 1_700_000_030L;

    private static AccessGrant grant(String ports, NatAccess nat) throws Exception {
        return new AccessGrant("g", InetAddress.getByName("10.9.8.7"), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList(ports), Instant.ofEpochSecond(T), "s",
                new GrantRequest(InetAddress.getByName("10.9.8.7"), T - 30, 0, 30, null, 0, null, nat));
    }

    private static NatAccess nat(NatAccess.Kind kind, String snat, boolean masq, boolean forwardAll, boolean dnat)
            throws Exception {
        return new NatAccess(kind, InetAddress.getByName("192.168.1.5"), 22, dnat, forwardAll,
                snat == null ? null : InetAddress.getByName(snat), masq);
    }

    private static List<String> texts(AccessGrant g, BackendSettings s) {
        return ChainRule.of(g, s).stream().map(r -> String.join(" ", r.append())).toList();
    }

    private static BackendSettings settings(boolean output, boolean destination) {
        return new BackendSettings("/usr/sbin/iptables", null, ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS), true,
                true, false, destination, true, java.time.Duration.ofSeconds(5), NatChains.of(output, true, true, true));
    }

    @Test
    void outputRulePerPortOnlyWhenEnabled() throws Exception {
        assertEquals(List.of(), texts(grant("tcp/22", null), settings(false, false)));
        assertEquals(List.of(
                "-t filter -A FWKNOP_OUTPUT -p 6 -d 10.9.8.7 -s 0.0.0.0/0 --sport 22 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-t filter -A FWKNOP_OUTPUT -p 17 -d 10.9.8.7 -s 0.0.0.0/0 --sport 53 -m comment --comment _exp_1700000030 -j ACCEPT"),
                texts(grant("tcp/22, udp/53", null), settings(true, false)));
    }

    @Test
    void forwardedNatIsForwardPlusDnatOnTheFirstPort() throws Exception {
        assertEquals(List.of(
                "-t filter -A FWKNOP_FORWARD -p 6 -s 10.9.8.7 --dport 22 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-t nat -A FWKNOP_PREROUTING -p 6 -s 10.9.8.7 -d 0.0.0.0/0 --dport 6000 -m comment --comment _exp_1700000030 -j DNAT --to-destination 192.168.1.5:22"),
                texts(grant("tcp/6000, tcp/7000", nat(NatAccess.Kind.FORWARD, null, false, false, true)), settings(true, false)));
        // ENABLE_DESTINATION_RULE binds the DNAT rule to the packet's destination
        assertEquals("-t nat -A FWKNOP_PREROUTING -p 6 -s 10.9.8.7 -d 192.0.2.1 --dport 6000 -m comment --comment _exp_1700000030 -j DNAT --to-destination 192.168.1.5:22",
                texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, null, false, false, true)), settings(false, true)).get(1));
        // DISABLE_DNAT
        assertEquals(1, texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, null, false, false, false)), settings(false, false)).size());
    }

    @Test
    void localNatOpensTheNatPortInInput() throws Exception {
        assertEquals(List.of(
                "-t filter -A FWKNOP_INPUT -p 6 -s 10.9.8.7 -d 0.0.0.0/0 --dport 22 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-t nat -A FWKNOP_PREROUTING -p 6 -s 10.9.8.7 -d 0.0.0.0/0 --dport 5555 -m comment --comment _exp_1700000030 -j DNAT --to-destination 192.168.1.5:22"),
                texts(grant("tcp/5555", nat(NatAccess.Kind.LOCAL, null, false, false, true)), settings(false, false)));
    }

    @Test
    void snatAndMasquerade() throws Exception {
        assertEquals("-t nat -A FWKNOP_POSTROUTING -p 6 -d 192.168.1.5 --dport 22 -m comment --comment _exp_1700000030 -j SNAT --to-source 192.168.1.1",
                texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, "192.168.1.1", false, false, true)), settings(false, false)).get(2));
        assertEquals("-t nat -A FWKNOP_MASQUERADE -p 6 -d 192.168.1.5 --dport 22 -m comment --comment _exp_1700000030 -j MASQUERADE --to-ports 6000",
                texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, null, true, false, true)), settings(false, false)).get(2));
    }

    @Test
    void forwardAll() throws Exception {
        assertEquals(List.of(
                "-t filter -A FWKNOP_FORWARD -s 10.9.8.7 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-t nat -A FWKNOP_PREROUTING -s 10.9.8.7 -d 0.0.0.0/0 -m comment --comment _exp_1700000030 -j DNAT --to-destination 192.168.1.5",
                "-t nat -A FWKNOP_MASQUERADE -s 10.9.8.7 -m comment --comment _exp_1700000030 -j MASQUERADE"),
                texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, null, true, true, true)), settings(false, false)));
        assertEquals("-t nat -A FWKNOP_POSTROUTING -s 10.9.8.7 -m comment --comment _exp_1700000030 -j SNAT --to-source 192.168.1.1",
                texts(grant("tcp/6000", nat(NatAccess.Kind.FORWARD, "192.168.1.1", false, true, true)), settings(false, false)).get(2));
    }
}
