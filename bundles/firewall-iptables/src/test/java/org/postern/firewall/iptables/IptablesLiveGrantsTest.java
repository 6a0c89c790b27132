package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.PortSpec;

/** Rules an earlier run left are reported with their expiry, so the server closes them when due. */
class IptablesLiveGrantsTest {

    private static final String IPT = "/usr/sbin/iptables";
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private static List<String> ipt(String... args) {
        List<String> argv = new ArrayList<>(List.of(IPT, "-w"));
        argv.addAll(List.of(args));
        return argv;
    }

    @Test
    void liveRulesComeBackAsGrantsWithTheirPortsTogether() throws Exception {
        ScriptedExecutor exec = new ScriptedExecutor();
        IptablesFirewallBackend backend = new IptablesFirewallBackend(exec, BackendSettings.defaults(IPT, null), CLOCK);
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_INPUT"), String.join("\n",
                "-N FWKNOP_INPUT",
                "-A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-A FWKNOP_INPUT -s 10.9.8.7/32 -p udp -m udp --dport 53 -m comment --comment _exp_1700000030 -j ACCEPT",
                "-A FWKNOP_INPUT -s 10.9.8.8/32 -d 192.0.2.1/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000040 -j ACCEPT",
                "-A FWKNOP_INPUT -s 10.9.8.9/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1699999999 -j ACCEPT",
                "-A FWKNOP_INPUT -s 10.9.0.0/16 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000050 -j ACCEPT",
                "-A FWKNOP_INPUT -s 10.9.8.10/32 -p tcp -m tcp --dport 22 -j ACCEPT", ""));
        List<AccessGrant> live = backend.liveGrants();
        assertEquals(2, live.size(), live.toString());
        assertEquals(InetAddress.getByName("10.9.8.7"), live.get(0).source());
        assertEquals(PortSpec.parseList("tcp/22, udp/53"), live.get(0).ports());
        assertEquals(Instant.ofEpochSecond(1_700_000_030L), live.get(0).expiresAt());
        assertEquals(null, live.get(0).destination());
        assertEquals(InetAddress.getByName("192.0.2.1"), live.get(1).destination());
    }
}
