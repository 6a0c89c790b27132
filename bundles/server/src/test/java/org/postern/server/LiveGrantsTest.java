package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;

/** Backend swaps move every live grant; openings a backend already holds are adopted and closed when due. */
class LiveGrantsTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    /** Every backend call of every backend, in order: {@code A grant 10.0.0.1 [tcp/22]}. */
    private final List<String> calls = new ArrayList<>();

    private final class Recording implements FirewallBackend {
        final String name;
        final List<AccessGrant> held = new ArrayList<>();
        boolean stopped;

        Recording(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public void grant(AccessGrant g) throws FirewallException {
            record("grant", g);
        }

        public void revoke(AccessGrant g) throws FirewallException {
            record("revoke", g);
        }

        private void record(String what, AccessGrant g) throws FirewallException {
            if (stopped) {
                throw new FirewallException(name + " is stopped");
            }
            synchronized (calls) {
                calls.add(name + " " + what + " " + g.source().getHostAddress() + " " + g.ports());
            }
        }

        public List<String> list() {
            return List.of();
        }

        public void flush() {
        }

        public List<AccessGrant> liveGrants() {
            return held;
        }
    }

    private List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(10_000_000); // poll interval
        }
        return true;
    }

    private static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void aBetterBackendTakesEveryLiveGrantAndTheOldOneLetsGo() throws Exception {
        Recording a = new Recording("A");
        Recording b = new Recording("B");
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        try (LiveGrants grants = new LiveGrants(slot, clock)) {
            grants.open(ip("10.0.0.1"), null, PortSpec.parseList("tcp/22"), 60, "s1");
            grants.open(ip("fd00::2"), null, PortSpec.parseList("udp/53, tcp/80"), 60, "s2");
            calls.clear();

            slot.set(b); // DS: bind the better one, then unbind the old one
            slot.clear(a);

            List<String> c = calls();
            assertEquals(4, c.size(), c.toString());
            assertTrue(c.subList(0, 2).stream().allMatch(l -> l.startsWith("B grant")), "applied to B first: " + c);
            assertTrue(c.subList(2, 4).stream().allMatch(l -> l.startsWith("A revoke")), "then removed from A: " + c);
            assertTrue(c.contains("B grant 10.0.0.1 [tcp/22]") && c.contains("A revoke fd00:0:0:0:0:0:0:2 [udp/53, tcp/80]"), c.toString());

            calls.clear();
            grants.revoke(grants.grants().get(0).id());
            assertEquals(1, calls().size());
            assertTrue(calls().get(0).startsWith("B revoke"), calls().toString());

            calls.clear();
            grants.open(ip("10.0.0.9"), null, PortSpec.parseList("tcp/22"), 60, "s1");
            assertEquals(List.of("B grant 10.0.0.9 [tcp/22]"), calls());
        }
    }

    @Test
    void whenTheOldBackendIsUnboundFirstTheNextOneStillTakesOverFromIt() throws Exception {
        Recording a = new Recording("A");
        Recording b = new Recording("B");
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        try (LiveGrants grants = new LiveGrants(slot, clock)) {
            grants.open(ip("10.0.0.1"), null, PortSpec.parseList("tcp/22"), 60, "s1");
            calls.clear();
            slot.clear(a);
            assertEquals(List.of(), calls(), "a backend going away keeps what it holds");
            assertEquals(1, grants.grants().size(), "the grant waits for the next backend");
            slot.set(b);
            assertEquals(List.of("B grant 10.0.0.1 [tcp/22]", "A revoke 10.0.0.1 [tcp/22]"), calls());
        }
    }

    @Test
    void aStoppedOldBackendDoesNotStopTheMove() throws Exception {
        Recording a = new Recording("A");
        Recording b = new Recording("B");
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        try (LiveGrants grants = new LiveGrants(slot, clock)) {
            grants.open(ip("10.0.0.1"), null, PortSpec.parseList("tcp/22"), 60, "s1");
            slot.clear(a);
            a.stopped = true; // deactivated, its own flush-at-exit removed its rules
            calls.clear();
            slot.set(b);
            assertEquals(List.of("B grant 10.0.0.1 [tcp/22]"), calls());
            assertEquals(1, grants.grants().size());
        }
    }

    @Test
    void openingsTheBackendHoldsAreAdoptedAndClosedWhenDue() throws Exception {
        Recording a = new Recording("A");
        Instant soon = NOW.plusMillis(300);
        a.held.add(new AccessGrant("nft:x", ip("10.0.0.5"), null, PortSpec.parseList("tcp/22, udp/53"), soon, ""));
        a.held.add(new AccessGrant("nft:y", ip("10.0.0.6"), null, PortSpec.parseList("tcp/22"), NOW.minusSeconds(1), ""));
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        try (LiveGrants grants = new LiveGrants(slot, clock)) {
            List<AccessGrant> live = grants.grants();
            assertEquals(1, live.size(), "the expired one is the kernel's or the backend's business: " + live);
            assertEquals("adopted from A", live.get(0).stanza());
            assertEquals(soon, live.get(0).expiresAt());
            assertEquals(List.of("A grant 10.0.0.5 [tcp/22, udp/53]"), calls(), "re-applied (idempotent)");
            assertTrue(within(Duration.ofSeconds(5), () -> calls().contains("A revoke 10.0.0.5 [tcp/22, udp/53]")),
                    "the adopted grant was not closed when due: " + calls());
            assertTrue(within(Duration.ofSeconds(5), () -> grants.grants().isEmpty()));
        }
    }

    @Test
    void aReKnockOfAnAdoptedOpeningExtendsIt() throws Exception {
        Recording a = new Recording("A");
        a.held.add(new AccessGrant("ipt:x", ip("10.0.0.5"), null, PortSpec.parseList("tcp/22"), NOW.plusSeconds(10), ""));
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        try (LiveGrants grants = new LiveGrants(slot, clock)) {
            String id = grants.grants().get(0).id();
            AccessGrant g = grants.open(ip("10.0.0.5"), null, PortSpec.parseList("tcp/22"), 60, "s1");
            assertEquals(id, g.id());
            assertEquals(NOW.plusSeconds(60), g.expiresAt());
            assertEquals(1, grants.grants().size());
        }
    }

    @Test
    void aNewDaemonInstanceAdoptsWhatTheBackendHoldsFromTheOldOne() throws Exception {
        Recording a = new Recording("A");
        FirewallSlot slot = new FirewallSlot();
        slot.set(a);
        LiveGrants first = new LiveGrants(slot, clock);
        AccessGrant g = first.open(ip("10.0.0.1"), null, PortSpec.parseList("tcp/22"), 60, "s1");
        first.close(); // the daemon component is reactivated; the backend keeps its rules
        a.held.add(g);
        try (LiveGrants second = new LiveGrants(slot, clock)) {
            assertEquals(1, second.grants().size());
            assertEquals(g.expiresAt(), second.grants().get(0).expiresAt());
            assertEquals("s1", second.grants().get(0).stanza());
        }
    }
}
