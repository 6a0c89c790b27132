package org.postern.firewall.firewalld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.PortSpec;

/** The exact firewall-cmd argument vectors, against a scripted executor. */
class FirewalldFirewallBackendTest {

    private static final String CMD = "/usr/bin/firewall-cmd";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    private static final String R22 = "rule priority=\"-32000\" family=\"ipv4\" source address=\"10.9.8.7\" port port=\"22\" protocol=\"tcp\" accept";
    private static final String R22B = R22.replace("-32000", "-31999");

    private final List<List<String>> calls = new ArrayList<>();
    private final Map<String, CommandResult> answers = new HashMap<>();

    private final CommandExecutor executor = (argv, stdin, timeout) -> {
        calls.add(argv);
        CommandResult a = answers.get(String.join(" ", argv.subList(1, argv.size())));
        return a != null ? new CommandResult(argv, a.exitCode(), a.stdout(), a.stderr()) : new CommandResult(argv, 0, "", "");
    };

    private void listing(String... rules) {
        answers.put("--list-rich-rules", new CommandResult(List.of(), 0, String.join("\n", rules) + "\n", ""));
    }

    private FirewalldFirewallBackend backend(boolean flushAtInit) {
        FirewalldFirewallBackend b = new FirewalldFirewallBackend(executor, new FirewalldFirewallBackend.Settings(CMD, "",
                -32000, false, flushAtInit, true, Duration.ofSeconds(10)), Clock.fixed(NOW, ZoneOffset.UTC));
        return b;
    }

    private static AccessGrant grant(String ports, long seconds) throws Exception {
        return new AccessGrant("1", InetAddress.getByName("10.9.8.7"), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList(ports), NOW.plusMillis(seconds * 1000 - 400), "s");
    }

    @Test
    void startChecksTheStateAndRemovesOnlyPosternsRules() {
        listing(R22, "rule family=\"ipv4\" source address=\"10.1.1.1\" port port=\"22\" protocol=\"tcp\" accept", R22B);
        backend(true);
        assertEquals(List.of(List.of(CMD, "--state"), List.of(CMD, "--list-rich-rules"),
                List.of(CMD, "--remove-rich-rule=" + R22, "--remove-rich-rule=" + R22B)), calls);
    }

    @Test
    void aStoppedFirewalldFailsTheStart() {
        answers.put("--state", new CommandResult(List.of(), 252, "not running\n", ""));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend(true));
        assertTrue(e.getMessage().contains("not running"), e.getMessage());
    }

    @Test
    void grantAddsAllPortsInOneCallWithFirewalldsTimeout() throws Exception {
        listing();
        FirewalldFirewallBackend b = backend(false);
        calls.clear();
        b.grant(grant("tcp/22, udp/53", 30));
        assertEquals(List.of(List.of(CMD, "--list-rich-rules"), List.of(CMD, "--add-rich-rule=" + R22,
                "--add-rich-rule=" + R22.replace("port=\"22\" protocol=\"tcp\"", "port=\"53\" protocol=\"udp\""),
                "--timeout=30")), calls);
    }

    @Test
    void aReKnockAddsTheOtherPriorityThenRemovesTheOldRule() throws Exception {
        listing(R22);
        FirewalldFirewallBackend b = backend(false);
        calls.clear();
        b.grant(grant("tcp/22", 60));
        assertEquals(List.of(List.of(CMD, "--list-rich-rules"), List.of(CMD, "--add-rich-rule=" + R22B, "--timeout=60"),
                List.of(CMD, "--remove-rich-rule=" + R22)), calls);
        listing(R22B);
        calls.clear();
        b.grant(grant("tcp/22", 90));
        assertEquals(List.of(CMD, "--add-rich-rule=" + R22, "--timeout=90"), calls.get(1));
        assertEquals(List.of(CMD, "--remove-rich-rule=" + R22B), calls.get(2));
    }

    @Test
    void revokeRemovesBothPrioritiesInOneCall() throws Exception {
        listing();
        FirewalldFirewallBackend b = backend(false);
        calls.clear();
        b.revoke(grant("tcp/22", 30));
        assertEquals(List.of(List.of(CMD, "--remove-rich-rule=" + R22, "--remove-rich-rule=" + R22B)), calls);
    }

    @Test
    void zoneAndDestinationRule() throws Exception {
        listing();
        FirewalldFirewallBackend b = new FirewalldFirewallBackend(executor, new FirewalldFirewallBackend.Settings(CMD,
                "dmz", -32000, true, false, true, Duration.ofSeconds(10)), Clock.fixed(NOW, ZoneOffset.UTC));
        calls.clear();
        b.grant(grant("tcp/22", 30));
        assertEquals(List.of(CMD, "--zone=dmz", "--add-rich-rule=" + R22.replace("source address=\"10.9.8.7\" ",
                "source address=\"10.9.8.7\" destination address=\"192.0.2.1\" "), "--timeout=30"), calls.get(1));
    }

    @Test
    void listShowsPosternsRulesAndStopRemovesThem() throws Exception {
        listing(R22, "rule family=\"ipv4\" source address=\"10.1.1.1\" port port=\"22\" protocol=\"tcp\" accept");
        FirewalldFirewallBackend b = backend(false);
        assertEquals(List.of(R22), b.list());
        calls.clear();
        b.close();
        assertEquals(List.of(List.of(CMD, "--list-rich-rules"), List.of(CMD, "--remove-rich-rule=" + R22)), calls);
    }

    @Test
    void failuresAreReported() throws Exception {
        listing();
        FirewalldFirewallBackend b = backend(false);
        answers.put("--add-rich-rule=" + R22 + " --timeout=30", new CommandResult(List.of(), 122, "", "Error: INVALID_RULE"));
        assertThrows(org.postern.api.FirewallException.class, () -> b.grant(grant("tcp/22", 30)));
        assertThrows(IllegalArgumentException.class, () -> new FirewalldFirewallBackend.Settings(CMD, "bad zone", 0,
                false, true, true, Duration.ofSeconds(1)));
    }
}
