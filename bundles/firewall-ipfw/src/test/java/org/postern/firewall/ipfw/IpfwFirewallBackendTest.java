package org.postern.firewall.ipfw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;

/**
 * ipfw calls, golden against fwknopd 2.6.10 (server/fw_util_ipfw.[ch], the non-Apple variants): IPFW_ADD_RULE_ARGS
 * {@code add %u set %u pass %u from %s to %s dst-port %u setup keep-state // _exp_%u} (IPFW_ANY_IP {@code me}),
 * IPFW_ADD_CHECK_STATE_ARGS {@code add %u set %u check-state}, IPFW_MOVE_RULE_ARGS {@code set move rule %u to %u},
 * IPFW_DISABLE_SET_ARGS {@code set disable %u}, IPFW_DEL_RULE_SET_ARGS {@code delete set %u}, IPFW_DEL_RULE_ARGS
 * {@code set %u delete %u}, IPFW_LIST_SET_RULES_ARGS {@code set %u list}, IPFW_LIST_EXP_SET_RULES_ARGS
 * {@code -S set %u list}, IPFW_LIST_SET_DYN_RULES_ARGS {@code -d set %u list}. ipfw cannot run on Linux, so the
 * calls are checked against a scripted ipfw.
 */
class IpfwFirewallBackendTest {

    private static final String IPFW = "/sbin/ipfw";
    private static final long T = 1_700_000_030L;

    private final List<String> calls = new ArrayList<>();
    private final Map<String, CommandResult> answers = new HashMap<>();

    private final CommandExecutor ipfw = (argv, stdin, timeout) -> {
        String args = String.join(" ", argv.subList(1, argv.size()));
        calls.add(args);
        CommandResult a = answers.get(args);
        return a == null ? new CommandResult(argv, 0, "", "") : new CommandResult(argv, a.exitCode(), a.stdout(), a.stderr());
    };

    private void output(String args, String stdout) {
        answers.put(args, new CommandResult(List.of(), 0, stdout, ""));
    }

    private static IpfwSettings settings(boolean checkState, boolean flushAtInit, boolean destinationRule) {
        return new IpfwSettings(IPFW, 10000, 65535, 1, 2, Duration.ofSeconds(30), checkState, flushAtInit, true,
                destinationRule, Duration.ofSeconds(5));
    }

    private IpfwFirewallBackend backend(IpfwSettings s) {
        IpfwFirewallBackend b = new IpfwFirewallBackend(ipfw, s, false);
        calls.clear();
        return b;
    }

    private static AccessGrant grant(String source, String ports, long expiry) throws Exception {
        return new AccessGrant("1", InetAddress.getByName(source), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList(ports), Instant.ofEpochSecond(expiry), "s");
    }

    @Test
    void startAsFwknopd() {
        output("set 1 list", "10000 allow tcp from 10.1.1.1 to me dst-port 22 setup keep-state // _exp_1\n");
        output("-S set 2 list", "10003 set 2 allow tcp from 10.2.2.2 to me dst-port 22 setup keep-state // _exp_1\n"
                + "# DISABLED 10004 set 2 allow tcp from 10.2.2.3 to me dst-port 22 setup keep-state // _exp_1\n");
        new IpfwFirewallBackend(ipfw, settings(true, true, false), false);
        assertEquals(List.of("set 1 list", "delete set 1", "add 10000 set 1 check-state", "set disable 2", "-S set 2 list"),
                calls);
    }

    @Test
    void grantTakesTheNextFreeNumberForAllPorts() throws Exception {
        output("-S set 2 list", "# DISABLED 10000 set 2 allow tcp from 10.2.2.2 to me dst-port 22 setup keep-state // _exp_1\n");
        IpfwFirewallBackend b = backend(settings(false, true, false));
        b.grant(grant("10.9.8.7", "tcp/22, udp/53", T));
        assertEquals(List.of("add 10001 set 1 pass 6 from 10.9.8.7 to me dst-port 22 setup keep-state // _exp_1700000030",
                "add 10001 set 1 pass 17 from 10.9.8.7 to me dst-port 53 setup keep-state // _exp_1700000030"), calls);
        calls.clear();
        b.grant(grant("10.9.8.8", "tcp/22", T));
        assertEquals(List.of("add 10002 set 1 pass 6 from 10.9.8.8 to me dst-port 22 setup keep-state // _exp_1700000030"),
                calls);
    }

    @Test
    void destinationRuleAndAReKnockRetiresTheOlderNumber() throws Exception {
        IpfwFirewallBackend b = backend(settings(false, true, true));
        b.grant(grant("10.9.8.7", "tcp/22", T));
        b.grant(grant("10.9.8.7", "tcp/22", T + 60));
        assertEquals(List.of("add 10000 set 1 pass 6 from 10.9.8.7 to 192.0.2.1 dst-port 22 setup keep-state // _exp_1700000030",
                "add 10001 set 1 pass 6 from 10.9.8.7 to 192.0.2.1 dst-port 22 setup keep-state // _exp_1700000090",
                "set move rule 10000 to 2"), calls);
    }

    @Test
    void revokeMovesTheRuleToTheExpireSetAndThePurgeDeletesItOnceNoDynamicRuleIsLeft() throws Exception {
        IpfwFirewallBackend b = backend(settings(false, true, false));
        b.grant(grant("10.9.8.7", "tcp/22", T));
        b.grant(grant("10.9.8.8", "tcp/22", T));
        calls.clear();
        b.revoke(grant("10.9.8.7", "tcp/22", T));
        b.revoke(grant("10.9.8.8", "tcp/22", T));
        b.revoke(grant("10.9.8.8", "tcp/22", T)); // already expired: nothing to move
        assertEquals(List.of("set move rule 10000 to 2", "set move rule 10001 to 2"), calls);

        calls.clear();
        output("-d set 2 list", "10000 set 2 allow tcp from 10.9.8.7 to me dst-port 22 setup keep-state // _exp_1700000030\n"
                + "10001 set 2 allow tcp from 10.9.8.8 to me dst-port 22 setup keep-state // _exp_1700000030\n"
                + "## Dynamic rules (1):\n"
                + "10001 1 52 (1s) STATE tcp 10.9.8.8 50000 <-> 192.0.2.1 22 :default\n");
        b.purgeExpired();
        assertEquals(List.of("-d set 2 list", "set 2 delete 10000"), calls, "10001 still carries a connection");
        calls.clear();
        b.grant(grant("10.9.8.9", "tcp/22", T));
        assertEquals("add 10000 set 1 pass 6 from 10.9.8.9 to me dst-port 22 setup keep-state // _exp_1700000030",
                calls.get(0), "a purged number is free again");
    }

    @Test
    void withoutFlushAtInitTheActiveRulesOfAnEarlierRunAreTracked() throws Exception {
        long future = Instant.now().getEpochSecond() + 600;
        output("set 1 list", "10000 allow tcp from 10.9.8.7 to me dst-port 22 setup keep-state // _exp_" + future + "\n"
                + "10000 allow udp from 10.9.8.7 to me dst-port 53 setup keep-state // _exp_" + future + "\n");
        IpfwFirewallBackend b = backend(settings(false, false, false));
        List<AccessGrant> live = b.liveGrants();
        assertEquals(1, live.size());
        assertEquals(PortSpec.parseList("tcp/22, udp/53"), live.get(0).ports());
        b.revoke(live.get(0));
        assertEquals("set move rule 10000 to 2", calls.get(calls.size() - 1));
    }

    @Test
    void failuresAndStop() throws Exception {
        IpfwFirewallBackend b = backend(settings(false, true, false));
        answers.put("add 10000 set 1 pass 6 from 10.9.8.7 to me dst-port 22 setup keep-state // _exp_1700000030",
                new CommandResult(List.of(), 71, "", "ipfw: setsockopt(IP_FW_XADD): Operation not permitted"));
        assertThrows(FirewallException.class, () -> b.grant(grant("10.9.8.7", "tcp/22", T)));
        assertThrows(FirewallException.class, () -> b.grant(grant("10.9.8.7", "icmp/8", T)));
        output("set 1 list", "10000 allow tcp ...\n");
        calls.clear();
        b.close();
        assertEquals(List.of("set 1 list", "delete set 1"), calls);
        assertThrows(IllegalArgumentException.class, () -> new IpfwSettings(IPFW, 10000, 10, 1, 1, Duration.ofSeconds(1),
                false, true, true, false, Duration.ofSeconds(1)));
    }

    @Test
    void parsesWhatIpfwListsBack() throws Exception {
        IpfwRule r = IpfwRule.parse("10005 allow udp from fd00::7 to me dst-port 53 setup keep-state // _exp_1700000030")
                .orElseThrow();
        assertEquals(10005, r.number());
        assertEquals(InetAddress.getByName("fd00::7"), r.source());
        assertEquals(PortSpec.parse("udp/53"), r.port());
        assertTrue(IpfwRule.parse("65535 deny ip from any to any").isEmpty());
    }
}
