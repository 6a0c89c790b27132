package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postern.api.AccessGrant;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.PortSpec;
import org.postern.exec.ProcessCommandExecutor;

/**
 * The backend against real iptables (nft and legacy variants) inside a network namespace of its own, so the
 * host's firewall is never touched. Every argument vector the backend runs is prefixed with
 * {@code ip netns exec <ns>}. Skipped unless running as root with iptables and ip installed.
 */
class IptablesNamespaceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ProcessCommandExecutor HOST = new ProcessCommandExecutor();
    private static String ip;
    private static String namespace;

    @BeforeAll
    static void createNamespace() {
        CommandResult id = HOST.run(List.of("id", "-u"), TIMEOUT);
        assumeTrue(id.succeeded() && id.stdout().strip().equals("0"), "needs root");
        ip = Stream.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
        assumeTrue(ip != null, "needs iproute2");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables")), "needs iptables");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String name = "pt-" + HexFormat.of().formatHex(random);
        CommandResult added = HOST.run(List.of(ip, "netns", "add", name), TIMEOUT);
        assumeTrue(added.succeeded(), "cannot create a network namespace: " + added.summary());
        namespace = name;
    }

    @AfterAll
    static void deleteNamespace() {
        if (namespace != null) {
            CommandResult r = HOST.run(List.of(ip, "netns", "delete", namespace), TIMEOUT);
            assertTrue(r.succeeded(), r.summary());
        }
    }

    static Stream<String> executables() {
        return Stream.of("/usr/sbin/iptables", "/usr/sbin/iptables-legacy")
                .filter(p -> Files.isExecutable(Path.of(p)));
    }

    /** The real executor, run inside the namespace. */
    private static final CommandExecutor IN_NAMESPACE = (argv, stdin, timeout) -> {
        List<String> prefixed = new ArrayList<>(List.of(ip, "netns", "exec", namespace));
        prefixed.addAll(argv);
        return HOST.run(prefixed, stdin, timeout);
    };

    private static CommandResult inNamespace(String... argv) {
        return IN_NAMESPACE.run(List.of(argv), TIMEOUT);
    }

    private static List<String> rules(String executable, String chain) {
        CommandResult r = inNamespace(executable, "-w", "-t", "filter", "-S", chain);
        assertTrue(r.succeeded(), r.summary());
        return r.stdout().lines().toList();
    }

    private static boolean chainExists(String executable) {
        return inNamespace(executable, "-w", "-t", "filter", "-S", "FWKNOP_INPUT").succeeded();
    }

    private static BackendSettings settings(String executable, boolean flushAtInit, boolean flushAtExit) {
        String ip6 = BackendSettings.ip6ExecutableFor(executable);
        if (ip6 != null && !Files.isExecutable(Path.of(ip6))) {
            ip6 = null;
        }
        return new BackendSettings(executable, ip6, ChainSpec.parse(ChainSpec.DEFAULT_INPUT_ACCESS), flushAtInit,
                flushAtExit, false, false, true, Duration.ofSeconds(10));
    }

    private static AccessGrant grant(String source, String ports, long expiry) throws Exception {
        return new AccessGrant("g", InetAddress.getByName(source), null, PortSpec.parseList(ports),
                Instant.ofEpochSecond(expiry), "test");
    }

    @ParameterizedTest
    @MethodSource("executables")
    void grantAddsFwknopsRuleAndRevokeAndExitRemoveIt(String iptables) throws Exception {
        IptablesFirewallBackend backend = new IptablesFirewallBackend(IN_NAMESPACE, settings(iptables, true, true));
        try {
            assertTrue(rules(iptables, "INPUT").contains("-A INPUT -j FWKNOP_INPUT"), rules(iptables, "INPUT").toString());
            assertFalse(rules(iptables, "INPUT").toString().contains("__TMPCOMMENT__"), "probe rule removed");
            assertEquals(List.of("-N FWKNOP_INPUT"), rules(iptables, "FWKNOP_INPUT"));

            long t = Instant.now().getEpochSecond() + 30;
            backend.grant(grant("10.9.8.7", "tcp/2222", t));

            String expected = "-A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 2222 -m comment --comment _exp_"
                    + t + " -j ACCEPT";
            assertEquals(List.of("-N FWKNOP_INPUT", expected), rules(iptables, "FWKNOP_INPUT"));
            assertEquals(List.of(expected), backend.list());

            // a re-knock moves the expiry instead of stacking a second rule
            backend.grant(grant("10.9.8.7", "tcp/2222", t + 60));
            assertEquals(List.of("-N FWKNOP_INPUT", expected.replace("_exp_" + t, "_exp_" + (t + 60))),
                    rules(iptables, "FWKNOP_INPUT"));

            backend.revoke(grant("10.9.8.7", "tcp/2222", t + 60));
            assertEquals(List.of("-N FWKNOP_INPUT"), rules(iptables, "FWKNOP_INPUT"));
            assertDoesNotThrow(() -> backend.revoke(grant("10.9.8.7", "tcp/2222", t + 60)), "already gone");

            backend.grant(grant("10.9.8.7", "tcp/22, udp/53", t));
            assertEquals(2, backend.list().size());
            backend.flush();
            assertEquals(List.of(), backend.list());

            String ip6 = settings(iptables, true, true).ip6Executable();
            if (ip6 != null) {
                backend.grant(grant("2001:db8::7", "udp/53", t));
                assertEquals(List.of("-N FWKNOP_INPUT", "-A FWKNOP_INPUT -s 2001:db8::7/128 -p udp -m udp --dport 53 "
                        + "-m comment --comment _exp_" + t + " -j ACCEPT"), rules(ip6, "FWKNOP_INPUT"));
            }
        } finally {
            backend.close();
        }
        assertFalse(chainExists(iptables), "chain deleted at exit");
        assertFalse(rules(iptables, "INPUT").contains("-A INPUT -j FWKNOP_INPUT"), "jump deleted at exit");
        String ip6 = settings(iptables, true, true).ip6Executable();
        if (ip6 != null) {
            assertFalse(chainExists(ip6), "ip6tables chain deleted at exit");
        }
    }

    /** The chain and its jump deleted behind the backend's back: the next grant makes both again and applies. */
    @ParameterizedTest
    @MethodSource("executables")
    void aGrantMakesADeletedChainAndItsJumpAgain(String iptables) throws Exception {
        IptablesFirewallBackend backend = new IptablesFirewallBackend(IN_NAMESPACE, settings(iptables, true, true));
        try {
            assertTrue(inNamespace(iptables, "-w", "-D", "INPUT", "-j", "FWKNOP_INPUT").succeeded());
            assertTrue(inNamespace(iptables, "-w", "-F", "FWKNOP_INPUT").succeeded());
            assertTrue(inNamespace(iptables, "-w", "-X", "FWKNOP_INPUT").succeeded());
            assertFalse(chainExists(iptables));

            long t = Instant.now().getEpochSecond() + 30;
            backend.grant(grant("10.9.8.6", "tcp/2222", t));
            assertTrue(rules(iptables, "INPUT").contains("-A INPUT -j FWKNOP_INPUT"), rules(iptables, "INPUT").toString());
            assertEquals(List.of("-N FWKNOP_INPUT", "-A FWKNOP_INPUT -s 10.9.8.6/32 -p tcp -m tcp --dport 2222 -m comment "
                    + "--comment _exp_" + t + " -j ACCEPT"), rules(iptables, "FWKNOP_INPUT"));
            backend.revoke(grant("10.9.8.6", "tcp/2222", t));
            assertEquals(List.of("-N FWKNOP_INPUT"), rules(iptables, "FWKNOP_INPUT"));
        } finally {
            backend.close();
        }
        assertFalse(chainExists(iptables), "chain deleted at exit");
    }

    @ParameterizedTest
    @MethodSource("executables")
    void restartWithoutFlushKeepsLiveRulesAndDropsExpiredOnes(String iptables) throws Exception {
        long now = Instant.now().getEpochSecond();
        IptablesFirewallBackend first = new IptablesFirewallBackend(IN_NAMESPACE, settings(iptables, true, false));
        first.grant(grant("10.1.1.1", "tcp/22", now - 10));
        first.grant(grant("10.1.1.2", "tcp/22", now + 300));
        first.close();
        assertEquals(3, rules(iptables, "FWKNOP_INPUT").size(), "kept at exit without flushAtExit");

        IptablesFirewallBackend second = new IptablesFirewallBackend(IN_NAMESPACE, settings(iptables, false, true));
        try {
            assertEquals(List.of("-A FWKNOP_INPUT -s 10.1.1.2/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_"
                    + (now + 300) + " -j ACCEPT"), second.list());
            assertEquals(1, rules(iptables, "INPUT").stream().filter("-A INPUT -j FWKNOP_INPUT"::equals).count(),
                    "one jump rule, not a second");
        } finally {
            second.close();
        }
        assertFalse(chainExists(iptables));
    }
}
