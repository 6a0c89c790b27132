package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
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
import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/** Golden tests of the exact iptables argument vectors, against a scripted executor. */
class IptablesFirewallBackendTest {

    private static final String IPT = "/usr/sbin/iptables";
    private static final String IP6T = "/usr/sbin/ip6tables";
    private static final long T = 1_700_000_030L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    private final ScriptedExecutor exec = new ScriptedExecutor();

    private static List<String> ipt(String... args) {
        List<String> argv = new ArrayList<>(List.of(IPT, "-w"));
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> ip6t(String... args) {
        List<String> argv = new ArrayList<>(List.of(IP6T, "-w"));
        argv.addAll(List.of(args));
        return argv;
    }

    private static List<String> rule(String op, String proto, String src, String dst, int port, long exp) {
        return ipt("-t", "filter", op, "FWKNOP_INPUT", "-p", proto, "-s", src, "-d", dst, "--dport",
                Integer.toString(port), "-m", "comment", "--comment", "_exp_" + exp, "-j", "ACCEPT");
    }

    private static AccessGrant grant(String source, String ports, long expiry) throws Exception {
        return new AccessGrant("g1", InetAddress.getByName(source), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList(ports), Instant.ofEpochSecond(expiry), "stanza");
    }

    private static BackendSettings settings() {
        return BackendSettings.defaults(IPT, null);
    }

    /** A freshly started backend on an empty firewall (chain and jump absent). */
    private IptablesFirewallBackend started(BackendSettings s) {
        exec.fail(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"));
        exec.fail(ipt("-t", "filter", "-L", "FWKNOP_INPUT", "-n"));
        exec.fail(ipt("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"));
        IptablesFirewallBackend backend = new IptablesFirewallBackend(exec, s, CLOCK);
        exec.clear();
        return backend;
    }

    @Test
    void startFlushesThenCreatesChainJumpAndProvesTheCommentMatch() {
        exec.answer(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"), 0, "", "");
        exec.fail(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"));
        exec.fail(ipt("-t", "filter", "-L", "FWKNOP_INPUT", "-n"));
        exec.fail(ipt("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"));

        new IptablesFirewallBackend(exec, settings(), CLOCK);

        assertEquals(List.of(
                ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-F", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-X", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-L", "FWKNOP_INPUT", "-n"),
                ipt("-t", "filter", "-N", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-I", "INPUT", "1", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-I", "INPUT", "1", "-s", "127.0.0.2", "-m", "comment", "--comment",
                        "__TMPCOMMENT__", "-j", "ACCEPT"),
                ipt("-t", "filter", "-D", "INPUT", "-s", "127.0.0.2", "-m", "comment", "--comment",
                        "__TMPCOMMENT__", "-j", "ACCEPT")), exec.calls);
    }

    @Test
    void jumpDeletionAtStartIsBoundedToTenTries() {
        // the executor answers success to every -D: a loop without a bound would never end
        new IptablesFirewallBackend(exec, settings(), CLOCK);

        long deletes = exec.calls.stream()
                .filter(c -> c.equals(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"))).count();
        assertEquals(10, deletes);
    }

    @Test
    void existingChainAndJumpAreKept() {
        BackendSettings noFlush = new BackendSettings(IPT, null, settings().inputAccess(), false, true, false, false,
                false, Duration.ofSeconds(5));

        new IptablesFirewallBackend(exec, noFlush, CLOCK);

        assertEquals(List.of(
                ipt("-t", "filter", "-L", "FWKNOP_INPUT", "-n"),
                ipt("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-S", "FWKNOP_INPUT")), exec.calls);
    }

    @Test
    void withoutFlushAtInitExpiredRulesOfAnEarlierRunAreRemoved() {
        BackendSettings noFlush = new BackendSettings(IPT, null, settings().inputAccess(), false, true, false, false,
                false, Duration.ofSeconds(5));
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_INPUT"), """
                -N FWKNOP_INPUT
                -A FWKNOP_INPUT -s 10.0.0.1/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1699999990 -j ACCEPT
                -A FWKNOP_INPUT -s 10.0.0.2/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000090 -j ACCEPT
                -A FWKNOP_INPUT -s 10.0.0.3/32 -p udp -m udp --dport 53 -j ACCEPT
                """);

        new IptablesFirewallBackend(exec, noFlush, CLOCK);

        assertEquals(ipt("-t", "filter", "-D", "FWKNOP_INPUT", "-s", "10.0.0.1/32", "-p", "tcp", "-m", "tcp",
                "--dport", "22", "-m", "comment", "--comment", "_exp_1699999990", "-j", "ACCEPT"),
                exec.calls.get(exec.calls.size() - 1));
        assertEquals(4, exec.calls.size());
    }

    @Test
    void failingCommentMatchStopsTheStartWithAClearMessageAndCleansUp() {
        exec.fail(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"));
        exec.fail(ipt("-t", "filter", "-L", "FWKNOP_INPUT", "-n"));
        exec.fail(ipt("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"));
        exec.answer(ipt("-t", "filter", "-I", "INPUT", "1", "-s", "127.0.0.2", "-m", "comment", "--comment",
                "__TMPCOMMENT__", "-j", "ACCEPT"), 2, "", "iptables v1.8.9: Couldn't load match `comment'");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new IptablesFirewallBackend(exec, settings(), CLOCK));

        assertTrue(e.getMessage().contains("'comment' match is not available"), e.getMessage());
        assertTrue(e.getMessage().contains("Couldn't load match"), e.getMessage());
        assertEquals(ipt("-t", "filter", "-X", "FWKNOP_INPUT"), exec.calls.get(exec.calls.size() - 1));
    }

    @Test
    void grantAppendsOneFwknopRulePerPort() throws Exception {
        IptablesFirewallBackend backend = started(settings());

        backend.grant(grant("10.9.8.7", "tcp/22, udp/53", T));

        assertEquals(List.of(
                ipt("-t", "filter", "-S", "FWKNOP_INPUT"),
                rule("-A", "6", "10.9.8.7", "0.0.0.0/0", 22, T),
                rule("-A", "17", "10.9.8.7", "0.0.0.0/0", 53, T)), exec.calls);
    }

    @Test
    void rulePrependAndDestinationRule() throws Exception {
        BackendSettings s = new BackendSettings(IPT, null, settings().inputAccess(), true, true, true, true, true,
                Duration.ofSeconds(5));
        IptablesFirewallBackend backend = started(s);

        backend.grant(grant("10.9.8.7", "tcp/22", T));

        assertEquals(rule("-I", "6", "10.9.8.7", "192.0.2.1", 22, T), exec.calls.get(1));
    }

    @Test
    void aFailingRuleRollsBackTheOnesJustAdded() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.answer(rule("-A", "17", "10.9.8.7", "0.0.0.0/0", 53, T), 4, "", "iptables: Resource temporarily unavailable.");

        FirewallException e = assertThrows(FirewallException.class,
                () -> backend.grant(grant("10.9.8.7", "tcp/22, udp/53", T)));

        assertTrue(e.getMessage().contains("-> exit 4: iptables: Resource temporarily unavailable."), e.getMessage());
        assertEquals(List.of(
                ipt("-t", "filter", "-S", "FWKNOP_INPUT"),
                rule("-A", "6", "10.9.8.7", "0.0.0.0/0", 22, T),
                rule("-A", "17", "10.9.8.7", "0.0.0.0/0", 53, T),
                rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T)), exec.calls);
    }

    @Test
    void reKnockReplacesTheOlderRuleInsteadOfStacking() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_INPUT"), """
                -N FWKNOP_INPUT
                -A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000010 -j ACCEPT
                -A FWKNOP_INPUT -s 10.9.8.8/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000010 -j ACCEPT
                """);

        backend.grant(grant("10.9.8.7", "tcp/22", T));

        assertEquals(List.of(
                ipt("-t", "filter", "-S", "FWKNOP_INPUT"),
                rule("-A", "6", "10.9.8.7", "0.0.0.0/0", 22, T),
                ipt("-t", "filter", "-D", "FWKNOP_INPUT", "-s", "10.9.8.7/32", "-p", "tcp", "-m", "tcp", "--dport",
                        "22", "-m", "comment", "--comment", "_exp_1700000010", "-j", "ACCEPT")), exec.calls);
    }

    @Test
    void grantingTheSameRuleTwiceAddsNothing() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_INPUT"),
                "-A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_" + T + " -j ACCEPT\n");

        backend.grant(grant("10.9.8.7", "tcp/22", T));

        assertEquals(List.of(ipt("-t", "filter", "-S", "FWKNOP_INPUT")), exec.calls);
    }

    @Test
    void icmpGrantIsRefusedBeforeAnythingRuns() throws Exception {
        IptablesFirewallBackend backend = started(settings());

        AccessGrant icmp = new AccessGrant("g1", InetAddress.getByName("10.9.8.7"), null,
                List.of(PortSpec.parse("tcp/22"), new PortSpec(Protocol.ICMP, 8)), Instant.ofEpochSecond(T), "s");

        FirewallException e = assertThrows(FirewallException.class, () -> backend.grant(icmp));
        assertTrue(e.getMessage().contains("icmp"), e.getMessage());
        assertEquals(List.of(), exec.calls);
    }

    @Test
    void revokeDeletesByExactSpecification() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.answer(rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T), 0, "", "");
        exec.fail(rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T));

        backend.revoke(grant("10.9.8.7", "tcp/22", T));

        assertEquals(List.of(
                rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T),
                rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T)), exec.calls);
    }

    @Test
    void revokingARuleThatIsGoneIsNotAnError() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.fail(rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T));
        exec.fail(rule("-C", "6", "10.9.8.7", "0.0.0.0/0", 22, T));

        backend.revoke(grant("10.9.8.7", "tcp/22", T));

        assertEquals(List.of(
                rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T),
                rule("-C", "6", "10.9.8.7", "0.0.0.0/0", 22, T)), exec.calls);
    }

    @Test
    void revokeThatCannotDeleteAPresentRuleFails() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        exec.answer(rule("-D", "6", "10.9.8.7", "0.0.0.0/0", 22, T), -2, "", "killed after 5000 ms timeout");

        FirewallException e = assertThrows(FirewallException.class,
                () -> backend.revoke(grant("10.9.8.7", "tcp/22", T)));
        assertTrue(e.getMessage().contains("exit -2"), e.getMessage());
    }

    @Test
    void listShowsTheChainsRulesAndFlushEmptiesIt() throws Exception {
        IptablesFirewallBackend backend = started(settings());
        String line = "-A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_5 -j ACCEPT";
        exec.output(ipt("-t", "filter", "-S", "FWKNOP_INPUT"), "-N FWKNOP_INPUT\n" + line + "\n");

        assertEquals(List.of(line), backend.list());
        backend.flush();

        assertEquals(ipt("-t", "filter", "-F", "FWKNOP_INPUT"), exec.calls.get(1));
    }

    @Test
    void closeWithFlushAtExitRemovesJumpAndChain() {
        IptablesFirewallBackend backend = started(settings());
        exec.fail(ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"));

        backend.close();

        assertEquals(List.of(
                ipt("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-F", "FWKNOP_INPUT"),
                ipt("-t", "filter", "-X", "FWKNOP_INPUT")), exec.calls);
        assertThrows(FirewallException.class, backend::list);
    }

    @Test
    void closeWithoutFlushAtExitLeavesTheFirewallAlone() {
        BackendSettings keep = new BackendSettings(IPT, null, settings().inputAccess(), true, false, false, false,
                true, Duration.ofSeconds(5));
        IptablesFirewallBackend backend = started(keep);

        backend.close();

        assertEquals(List.of(), exec.calls);
    }

    @Test
    void ipv6GrantsGoToIp6tablesWhoseChainIsMadeOnFirstUse() throws Exception {
        exec.fail(ip6t("-t", "filter", "-D", "INPUT", "-j", "FWKNOP_INPUT"));
        IptablesFirewallBackend backend = started(BackendSettings.defaults(IPT, IP6T));
        exec.fail(ip6t("-t", "filter", "-L", "FWKNOP_INPUT", "-n"));
        exec.fail(ip6t("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"));

        backend.grant(grant("2001:db8::7", "tcp/22", T));

        assertEquals(List.of(
                ip6t("-t", "filter", "-L", "FWKNOP_INPUT", "-n"),
                ip6t("-t", "filter", "-N", "FWKNOP_INPUT"),
                ip6t("-t", "filter", "-C", "INPUT", "-j", "FWKNOP_INPUT"),
                ip6t("-t", "filter", "-I", "INPUT", "1", "-j", "FWKNOP_INPUT"),
                ip6t("-t", "filter", "-S", "FWKNOP_INPUT"),
                ip6t("-t", "filter", "-A", "FWKNOP_INPUT", "-p", "6", "-s", "2001:db8::7", "-d", "::/0",
                        "--dport", "22", "-m", "comment", "--comment", "_exp_" + T, "-j", "ACCEPT")), exec.calls);
    }

    @Test
    void ipv6GrantWithoutIp6tablesFails() throws Exception {
        IptablesFirewallBackend backend = started(settings());

        assertThrows(FirewallException.class, () -> backend.grant(grant("2001:db8::7", "tcp/22", T)));
    }

    @Test
    void ip6tablesIsFoundBesideIptables() {
        assertEquals("/usr/sbin/ip6tables", BackendSettings.ip6ExecutableFor("/usr/sbin/iptables"));
        assertEquals("/usr/sbin/ip6tables-legacy", BackendSettings.ip6ExecutableFor("/usr/sbin/iptables-legacy"));
        assertEquals("/sbin/ip6tables-nft", BackendSettings.ip6ExecutableFor("/sbin/iptables-nft"));
        assertEquals(null, BackendSettings.ip6ExecutableFor("/usr/local/bin/fw"));
    }

    @Test
    void badConfigurationNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackendSettings.from(config("ACCEPT, filter, INPUT, 1, FWKNOP_INPUT")));
        assertTrue(e.getMessage().contains("org.postern.firewall.iptables"), e.getMessage());
        assertTrue(e.getMessage().contains("inputAccess"), e.getMessage());
        assertTrue(e.getMessage().contains("IPT_INPUT_ACCESS"), e.getMessage());

        BackendSettings ok = BackendSettings.from(config(ChainSpec.DEFAULT_INPUT_ACCESS));
        assertEquals("FWKNOP_INPUT", ok.inputAccess().toChain());
        assertEquals(Duration.ofSeconds(5), ok.commandTimeout());
    }

    @SuppressWarnings("all")
    private static IptablesConfig config(String inputAccess) {
        return new IptablesConfig() {
            @Override public Class<? extends Annotation> annotationType() { return IptablesConfig.class; }
            @Override public String executable() { return IPT; }
            @Override public String inputAccess() { return inputAccess; }
            @Override public boolean flushAtInit() { return true; }
            @Override public boolean flushAtExit() { return true; }
            @Override public boolean rulePrepend() { return false; }
            @Override public boolean destinationRule() { return false; }
            @Override public boolean commentCheck() { return true; }
            @Override public int commandTimeoutSeconds() { return 5; }
            @Override public boolean output() { return false; }
            @Override public boolean forwarding() { return false; }
            @Override public boolean localNat() { return false; }
            @Override public boolean snat() { return false; }
            @Override public String outputAccess() { return NatChains.DEFAULT_OUTPUT_ACCESS; }
            @Override public String forwardAccess() { return NatChains.DEFAULT_FORWARD_ACCESS; }
            @Override public String dnatAccess() { return NatChains.DEFAULT_DNAT_ACCESS; }
            @Override public String snatAccess() { return NatChains.DEFAULT_SNAT_ACCESS; }
            @Override public String masqueradeAccess() { return NatChains.DEFAULT_MASQUERADE_ACCESS; }
        };
    }
}
