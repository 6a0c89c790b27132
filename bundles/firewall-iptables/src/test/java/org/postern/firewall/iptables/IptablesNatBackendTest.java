package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallException;
import org.postern.api.GrantRequest;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;

/** The argv sequence of NAT chains at start, a NAT grant, its rollback, re-knock and revoke. */
class IptablesNatBackendTest {

    private static final String IPT = "/usr/sbin/iptables";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private final ScriptedExecutor exec = new ScriptedExecutor();

    private static List<String> ipt(String... args) {
        List<String> argv = new ArrayList<>(List.of(IPT, "-w"));
        argv.addAll(List.of(args));
        return argv;
    }

    private static BackendSettings settings() {
        return new BackendSettings(IPT, null, ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS), true, true, false, false,
                false, Duration.ofSeconds(5), NatChains.of(false, true, false, false));
    }

    private static AccessGrant natGrant(long expiry) throws Exception {
        NatAccess nat = new NatAccess(NatAccess.Kind.FORWARD, InetAddress.getByName("192.168.1.5"), 22, true, false,
                null, false);
        return new AccessGrant("1", InetAddress.getByName("10.9.8.7"), null, PortSpec.parseList("tcp/6000"),
                Instant.ofEpochSecond(expiry), "s",
                new GrantRequest(InetAddress.getByName("10.9.8.7"), 0, 0, 30, "192.168.1.5", 22, null, nat));
    }

    private static List<String> fwd(String op, long exp) {
        return ipt("-t", "filter", op, "FWKNOP_FORWARD", "-p", "6", "-s", "10.9.8.7", "--dport", "22", "-m", "comment",
                "--comment", "_exp_" + exp, "-j", "ACCEPT");
    }

    private static List<String> dnat(String op, long exp) {
        return ipt("-t", "nat", op, "FWKNOP_PREROUTING", "-p", "6", "-s", "10.9.8.7", "-d", "0.0.0.0/0", "--dport", "6000",
                "-m", "comment", "--comment", "_exp_" + exp, "-j", "DNAT", "--to-destination", "192.168.1.5:22");
    }

    private IptablesFirewallBackend started() {
        for (String[] c : new String[][] {{"filter", "INPUT", "FWKNOP_INPUT"}, {"filter", "FORWARD", "FWKNOP_FORWARD"},
                {"nat", "PREROUTING", "FWKNOP_PREROUTING"}}) {
            exec.fail(ipt("-t", c[0], "-D", c[1], "-j", c[2]));
            exec.fail(ipt("-t", c[0], "-L", c[2], "-n"));
            exec.fail(ipt("-t", c[0], "-C", c[1], "-j", c[2]));
        }
        return new IptablesFirewallBackend(exec, settings(), CLOCK);
    }

    @Test
    void startMakesForwardAndDnatChainsWithTheirJumps() {
        started();
        List<List<String>> calls = exec.calls;
        assertTrue(calls.contains(ipt("-t", "filter", "-N", "FWKNOP_FORWARD")), calls.toString());
        assertTrue(calls.contains(ipt("-t", "filter", "-I", "FORWARD", "1", "-j", "FWKNOP_FORWARD")), calls.toString());
        assertTrue(calls.contains(ipt("-t", "nat", "-N", "FWKNOP_PREROUTING")), calls.toString());
        assertTrue(calls.contains(ipt("-t", "nat", "-I", "PREROUTING", "1", "-j", "FWKNOP_PREROUTING")), calls.toString());
        assertTrue(calls.indexOf(ipt("-t", "filter", "-F", "FWKNOP_FORWARD")) >= 0, "flushAtInit flushes it first");
    }

    @Test
    void natGrantAddsForwardAndDnatThenRevokeDeletesThem() throws Exception {
        IptablesFirewallBackend b = started();
        exec.clear();
        exec.fail(fwd("-C", 1_700_000_030L));
        exec.fail(dnat("-C", 1_700_000_030L));
        b.grant(natGrant(1_700_000_030L));
        assertTrue(exec.calls.contains(fwd("-A", 1_700_000_030L)), exec.calls.toString());
        assertTrue(exec.calls.contains(dnat("-A", 1_700_000_030L)), exec.calls.toString());
        assertTrue(exec.calls.stream().noneMatch(c -> c.contains("FWKNOP_INPUT") && c.contains("-A")),
                "a forwarded NAT grant opens nothing in INPUT");

        exec.clear();
        exec.fail(fwd("-D", 1_700_000_030L));
        exec.answer(dnat("-D", 1_700_000_030L), 0, "", "");
        exec.fail(dnat("-D", 1_700_000_030L));
        exec.fail(fwd("-C", 1_700_000_030L));
        b.revoke(natGrant(1_700_000_030L));
        assertEquals(List.of(fwd("-D", 1_700_000_030L), fwd("-C", 1_700_000_030L), dnat("-D", 1_700_000_030L),
                dnat("-D", 1_700_000_030L)), exec.calls);
    }

    @Test
    void failedDnatRollsBackTheForwardRule() throws Exception {
        IptablesFirewallBackend b = started();
        exec.clear();
        exec.fail(fwd("-C", 1_700_000_030L));
        exec.fail(dnat("-C", 1_700_000_030L));
        exec.fail(dnat("-A", 1_700_000_030L));
        FirewallException e = assertThrows(FirewallException.class, () -> b.grant(natGrant(1_700_000_030L)));
        assertTrue(e.getMessage().contains("Could not add DNAT rule to FWKNOP_PREROUTING"), e.getMessage());
        assertTrue(exec.calls.contains(fwd("-D", 1_700_000_030L)), exec.calls.toString());
    }

    @Test
    void reKnockRemovesTheOlderCopy() throws Exception {
        IptablesFirewallBackend b = started();
        exec.clear();
        String old = "-A FWKNOP_FORWARD -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000030 -j ACCEPT";
        String fresh = old.replace("1700000030", "1700000060");
        String oldDnat = "-A FWKNOP_PREROUTING -s 10.9.8.7/32 -p tcp -m tcp --dport 6000 -m comment --comment "
                + "_exp_1700000030 -j DNAT --to-destination 192.168.1.5:22";
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_FORWARD"), "-N FWKNOP_FORWARD\n" + old + "\n");
        exec.output(ipt("-t", "nat", "-S", "FWKNOP_PREROUTING"), "-N FWKNOP_PREROUTING\n" + oldDnat + "\n");
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_FORWARD"), "-N FWKNOP_FORWARD\n" + old + "\n" + fresh + "\n");
        exec.output(ipt("-t", "nat", "-S", "FWKNOP_PREROUTING"), "-N FWKNOP_PREROUTING\n" + oldDnat + "\n"
                + oldDnat.replace("1700000030", "1700000060") + "\n");
        exec.fail(fwd("-C", 1_700_000_060L));
        exec.fail(dnat("-C", 1_700_000_060L));
        b.grant(natGrant(1_700_000_060L));
        assertTrue(exec.calls.contains(ipt("-t", "filter", "-D", "FWKNOP_FORWARD", "-s", "10.9.8.7/32", "-p", "tcp", "-m",
                "tcp", "--dport", "22", "-m", "comment", "--comment", "_exp_1700000030", "-j", "ACCEPT")), exec.calls.toString());
        assertTrue(exec.calls.contains(ipt("-t", "nat", "-D", "FWKNOP_PREROUTING", "-s", "10.9.8.7/32", "-p", "tcp", "-m",
                "tcp", "--dport", "6000", "-m", "comment", "--comment", "_exp_1700000030", "-j", "DNAT", "--to-destination",
                "192.168.1.5:22")), exec.calls.toString());
    }

    @Test
    void anotherGrantSharingTheForwardRuleLeavesItsCopyAlone() throws Exception {
        IptablesFirewallBackend b = started();
        exec.clear();
        String old = "-A FWKNOP_FORWARD -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000030 -j ACCEPT";
        // the older grant forwarded gateway port 7000 to the same target: its DNAT rule differs
        String otherDnat = "-A FWKNOP_PREROUTING -s 10.9.8.7/32 -p tcp -m tcp --dport 7000 -m comment --comment "
                + "_exp_1700000030 -j DNAT --to-destination 192.168.1.5:22";
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_FORWARD"), "-N FWKNOP_FORWARD\n" + old + "\n");
        exec.output(ipt("-t", "nat", "-S", "FWKNOP_PREROUTING"), "-N FWKNOP_PREROUTING\n" + otherDnat + "\n");
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_FORWARD"), "-N FWKNOP_FORWARD\n" + old + "\n"
                + old.replace("1700000030", "1700000060") + "\n");
        exec.fail(fwd("-C", 1_700_000_060L));
        exec.fail(dnat("-C", 1_700_000_060L));
        b.grant(natGrant(1_700_000_060L));
        assertTrue(exec.calls.stream().noneMatch(c -> c.contains("-D")), exec.calls.toString());
    }
}
