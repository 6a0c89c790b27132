package org.postern.firewall.cmdcycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.CommandCycle;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.FirewallException;
import org.postern.api.GrantRequest;
import org.postern.api.PortSpec;

class CommandCycleBackendTest {

    private final List<String> ran = new ArrayList<>();
    private String failOn;

    private final CommandExecutor executor = (argv, stdin, timeout) -> {
        String line = String.join(" ", argv);
        ran.add(line);
        return new CommandResult(argv, failOn != null && line.contains(failOn) ? 1 : 0, "", "");
    };

    private static AccessGrant grant(String ports, CommandCycle cycle, long expiry) throws Exception {
        return new AccessGrant("1", InetAddress.getByName("10.9.8.7"), null, PortSpec.parseList(ports),
                Instant.now().plusSeconds(expiry), "s1",
                new GrantRequest(InetAddress.getByName("10.9.8.7"), 1_700_000_000L, 0, 30, null, 0, cycle));
    }

    private static final CommandCycle CYCLE = new CommandCycle("/bin/open $SRC $PROTO $PORT", "/bin/close $SRC $PORT", 30);

    @Test
    void onceOpenPerPortAReKnockRunsNothingAndCloseOnceOnly() throws Exception {
        CommandCycleBackend b = new CommandCycleBackend(executor, "", "", 5);
        AccessGrant g = grant("tcp/22, udp/53", CYCLE, 30);
        b.grant(g);
        assertEquals(List.of("/bin/open 10.9.8.7 6 22", "/bin/open 10.9.8.7 17 53"), ran);
        b.grant(g.withExpiry(Instant.now().plusSeconds(60)));
        assertEquals(2, ran.size(), "a re-knock extends without running the open command again");
        assertEquals(1, b.liveGrants().size());
        assertEquals(2, b.liveGrants().get(0).ports().size());
        assertEquals(2, b.list().size());
        assertTrue(b.list().get(0).startsWith("10.9.8.7 tcp/22 open until "), b.list().toString());
        assertTrue(b.list().get(0).endsWith("close /bin/close 10.9.8.7 22"), b.list().toString());
        ran.clear();
        b.revoke(g);
        assertEquals(List.of("/bin/close 10.9.8.7 22", "/bin/close 10.9.8.7 53"), ran);
        b.revoke(g);
        assertEquals(2, ran.size(), "revoke is idempotent");
        assertEquals(List.of(), b.liveGrants());
    }

    @Test
    void aFailingOpenClosesWhatThisGrantOpened() throws Exception {
        CommandCycleBackend b = new CommandCycleBackend(executor, "", "", 5);
        failOn = "/bin/open 10.9.8.7 17 53";
        FirewallException e = assertThrows(FirewallException.class, () -> b.grant(grant("tcp/22, udp/53", CYCLE, 30)));
        assertTrue(e.getMessage().contains("CMD_CYCLE_OPEN failed for 10.9.8.7 udp/53"), e.getMessage());
        assertEquals(List.of("/bin/open 10.9.8.7 6 22", "/bin/open 10.9.8.7 17 53", "/bin/close 10.9.8.7 22"), ran);
        assertEquals(List.of(), b.list());
    }

    @Test
    void closeNoneRunsNothingAtTheEnd() throws Exception {
        CommandCycleBackend b = new CommandCycleBackend(executor, "", "", 5);
        AccessGrant g = grant("tcp/22", new CommandCycle("/bin/open $IP", "NONE", 0), 30);
        b.grant(g);
        b.revoke(g);
        assertEquals(List.of("/bin/open 10.9.8.7"), ran);
    }

    @Test
    void configuredCommandsServeStanzasWithoutACycle() throws Exception {
        CommandCycleBackend b = new CommandCycleBackend(executor, "/bin/up $IP $PORT", "/bin/down $IP $PORT", 5);
        AccessGrant g = grant("tcp/22", null, 30);
        b.grant(g);
        b.revoke(g);
        assertEquals(List.of("/bin/up 10.9.8.7 22", "/bin/down 10.9.8.7 22"), ran);
        CommandCycleBackend none = new CommandCycleBackend(executor, "", "", 5);
        assertThrows(FirewallException.class, () -> none.grant(g));
    }

    @Test
    void aFailingCloseIsReported() throws Exception {
        CommandCycleBackend b = new CommandCycleBackend(executor, "", "", 5);
        AccessGrant g = grant("tcp/22", CYCLE, 30);
        b.grant(g);
        failOn = "/bin/close";
        assertThrows(FirewallException.class, () -> b.revoke(g));
    }

    @Test
    void badConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CommandCycleBackend(executor, "x", "", 0));
        assertThrows(IllegalArgumentException.class, () -> new CommandCycleBackend(executor, "w ".repeat(31), "", 5));
        assertEquals(Duration.ofSeconds(5).toSeconds(), 5);
    }
}
