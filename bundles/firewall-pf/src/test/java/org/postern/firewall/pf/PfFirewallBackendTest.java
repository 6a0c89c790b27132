package org.postern.firewall.pf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
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
import org.postern.api.PortSpec;

/**
 * pf rule text and pfctl calls, golden against fwknopd 2.6.10 (server/fw_util_pf.[ch]): PF_ADD_RULE_ARGS
 * {@code pass in quick proto %u from %s to %s port %u keep state label _exp_%u}, PF_WRITE_ANCHOR_RULES_ARGS
 * {@code -a %s -f -}, PF_LIST_ANCHOR_RULES_ARGS {@code -a %s -s rules}, PF_ANCHOR_CHECK_ARGS {@code -s Anchor},
 * PF_DEL_ALL_ANCHOR_RULES {@code -a %s -F all}, PF_ANY_IP {@code any}. pf cannot run on Linux, so the calls are
 * checked against a scripted pfctl.
 */
class PfFirewallBackendTest {

    private static final String PFCTL = "/sbin/pfctl";
    private static final long T = 1_700_000_030L;

    private final List<String> calls = new ArrayList<>();
    private final List<String> written = new ArrayList<>();
    private final Map<String, String> outputs = new HashMap<>(Map.of("-s Anchor", "  fwknop\n  other\n"));

    private final CommandExecutor pfctl = (argv, stdin, timeout) -> {
        String args = String.join(" ", argv.subList(1, argv.size()));
        calls.add(String.join(" ", argv));
        if (stdin != null) {
            written.add(new String(stdin, StandardCharsets.US_ASCII));
        }
        return new CommandResult(argv, 0, outputs.getOrDefault(args, ""), "");
    };

    private PfFirewallBackend backend(boolean destinationRule) {
        PfFirewallBackend b = new PfFirewallBackend(pfctl, PFCTL, "fwknop", destinationRule, Duration.ofSeconds(5));
        calls.clear();
        return b;
    }

    private static AccessGrant grant(String source, String ports, long expiry) throws Exception {
        return new AccessGrant("1", InetAddress.getByName(source), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList(ports), Instant.ofEpochSecond(expiry), "s");
    }

    @Test
    void fwknopsRuleText() throws Exception {
        assertEquals("pass in quick proto 6 from 10.9.8.7 to any port 22 keep state label _exp_1700000030",
                PfRule.of(InetAddress.getByName("10.9.8.7"), null, PortSpec.parse("tcp/22"), T).render());
        assertEquals("pass in quick proto 17 from 10.9.8.7 to 192.0.2.1 port 53 keep state label _exp_1700000030",
                PfRule.of(InetAddress.getByName("10.9.8.7"), InetAddress.getByName("192.0.2.1"), PortSpec.parse("udp/53"), T)
                        .render());
    }

    @Test
    void parsesWhatPfctlListsBack() throws Exception {
        PfRule r = PfRule.parse("pass in quick proto tcp from 10.9.8.7 to any port = 22 flags S/SA keep state label "
                + "\"_exp_1700000030\"").orElseThrow();
        assertEquals(InetAddress.getByName("10.9.8.7"), r.source());
        assertEquals(PortSpec.parse("tcp/22"), r.port());
        assertEquals(T, r.expiresAt());
        assertEquals(PortSpec.parse("udp/53"), PfRule.parse("pass in quick proto 17 from 10.9.8.7 to 192.0.2.1 port 53 "
                + "keep state label _exp_1700000030").orElseThrow().port());
        assertTrue(PfRule.parse("block in quick from any to any").isEmpty());
    }

    @Test
    void startNeedsTheAnchorAndFlushesIt() {
        new PfFirewallBackend(pfctl, PFCTL, "fwknop", false, Duration.ofSeconds(5));
        assertEquals(List.of(PFCTL + " -s Anchor", PFCTL + " -a fwknop -F all"), calls);
        outputs.put("-s Anchor", "  other\n");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new PfFirewallBackend(pfctl, PFCTL, "fwknop", false, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("the fwknop anchor is not active in the pf policy"), e.getMessage());
    }

    @Test
    void grantRewritesTheAnchorWithTheNewRules() throws Exception {
        outputs.put("-a fwknop -s rules", "pass in quick proto tcp from 10.1.1.1 to any port = 80 flags S/SA keep state "
                + "label \"_exp_1700000099\"\n");
        PfFirewallBackend b = backend(false);
        b.grant(grant("10.9.8.7", "tcp/22, udp/53", T));
        assertEquals(List.of(PFCTL + " -a fwknop -s rules", PFCTL + " -a fwknop -f -"), calls);
        assertEquals(List.of("pass in quick proto tcp from 10.1.1.1 to any port = 80 flags S/SA keep state label "
                + "\"_exp_1700000099\"\n"
                + "pass in quick proto 6 from 10.9.8.7 to any port 22 keep state label _exp_1700000030\n"
                + "pass in quick proto 17 from 10.9.8.7 to any port 53 keep state label _exp_1700000030\n"), written);
    }

    @Test
    void aReKnockReplacesTheOlderRuleAndDestinationRuleBindsIt() throws Exception {
        outputs.put("-a fwknop -s rules", "pass in quick proto tcp from 10.9.8.7 to any port = 22 flags S/SA keep state "
                + "label \"_exp_1700000030\"\n");
        PfFirewallBackend b = backend(true);
        b.grant(grant("10.9.8.7", "tcp/22", T + 60));
        assertEquals(List.of("pass in quick proto 6 from 10.9.8.7 to 192.0.2.1 port 22 keep state label _exp_1700000090\n"),
                written);
    }

    @Test
    void revokeRewritesWithoutTheRuleOrFlushesWhenNoneIsLeft() throws Exception {
        String other = "pass in quick proto tcp from 10.1.1.1 to any port = 80 flags S/SA keep state label \"_exp_1700000099\"";
        String mine = "pass in quick proto tcp from 10.9.8.7 to any port = 22 flags S/SA keep state label \"_exp_1700000030\"";
        outputs.put("-a fwknop -s rules", other + "\n" + mine + "\n");
        PfFirewallBackend b = backend(false);
        assertEquals(List.of(), b.liveGrants(), "both marks are in the past");
        calls.clear();
        b.revoke(grant("10.9.8.7", "tcp/22", T));
        assertEquals(List.of(PFCTL + " -a fwknop -s rules", PFCTL + " -a fwknop -f -"), calls);
        assertEquals(List.of(other + "\n"), written);

        outputs.put("-a fwknop -s rules", mine + "\n");
        calls.clear();
        b.revoke(grant("10.9.8.7", "tcp/22", T));
        assertEquals(List.of(PFCTL + " -a fwknop -s rules", PFCTL + " -a fwknop -F all"), calls);

        outputs.put("-a fwknop -s rules", "");
        calls.clear();
        b.revoke(grant("10.9.8.7", "tcp/22", T));
        assertEquals(List.of(PFCTL + " -a fwknop -s rules"), calls, "already gone: nothing written");
    }

    @Test
    void liveRulesComeBackAsGrants() throws Exception {
        long future = Instant.now().getEpochSecond() + 600;
        outputs.put("-a fwknop -s rules", "pass in quick proto tcp from 10.9.8.7 to any port = 22 flags S/SA keep state "
                + "label \"_exp_" + future + "\"\npass in quick proto udp from 10.9.8.7 to any port = 53 keep state "
                + "label \"_exp_" + future + "\"\n");
        List<AccessGrant> live = backend(false).liveGrants();
        assertEquals(1, live.size());
        assertEquals(PortSpec.parseList("tcp/22, udp/53"), live.get(0).ports());
        assertEquals(Instant.ofEpochSecond(future), live.get(0).expiresAt());
    }

    @Test
    void stopFlushesTheAnchor() {
        PfFirewallBackend b = backend(false);
        b.close();
        assertEquals(List.of(PFCTL + " -a fwknop -F all"), calls);
    }
}
