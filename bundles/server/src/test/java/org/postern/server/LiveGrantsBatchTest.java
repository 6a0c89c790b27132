package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;

/**
 * Group commit: asks handed over while the backend is busy reach it as one {@link FirewallBackend#grantAll}; a grant
 * the backend cannot apply refuses exactly its asks; expiries falling due together are one {@code revokeAll}.
 */
class LiveGrantsBatchTest {

    /** Records each backend call as {@code grant 1} / {@code grantAll 3} / {@code revokeAll 2}; can hold the first. */
    private static final class Batching implements FirewallBackend {
        final List<String> calls = new ArrayList<>();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean hold;
        final String failing;

        Batching(String failing) {
            this.failing = failing;
        }

        private void call(String what, int n) {
            synchronized (calls) {
                calls.add(what + " " + n);
            }
            if (hold) {
                hold = false;
                entered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        List<String> calls() {
            synchronized (calls) {
                return List.copyOf(calls);
            }
        }

        public String name() {
            return "batching";
        }

        public void grant(AccessGrant g) throws FirewallException {
            call("grant", 1);
            if (g.source().getHostAddress().equals(failing)) {
                throw new FirewallException("cannot open " + failing);
            }
        }

        public void revoke(AccessGrant g) {
            call("revoke", 1);
        }

        @Override
        public Map<AccessGrant, FirewallException> grantAll(List<AccessGrant> gs) {
            call("grantAll", gs.size());
            Map<AccessGrant, FirewallException> failed = new LinkedHashMap<>();
            gs.stream().filter(g -> g.source().getHostAddress().equals(failing))
                    .forEach(g -> failed.put(g, new FirewallException("cannot open " + failing)));
            return failed;
        }

        @Override
        public Map<AccessGrant, FirewallException> revokeAll(List<AccessGrant> gs) {
            call("revokeAll", gs.size());
            return Map.of();
        }

        public List<String> list() {
            return List.of();
        }

        public void flush() {
        }
    }

    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(5_000_000); // poll interval
        }
        return true;
    }

    private static LiveGrants.Ask ask(String source, int seconds) throws Exception {
        return new LiveGrants.Ask(InetAddress.getByName(source), null, PortSpec.parseList("tcp/22"), seconds, "s", null);
    }

    @Test
    void asksArrivingWhileTheBackendIsBusyGoAsOneBatchAndOnlyTheFailedGrantIsRefused() throws Exception {
        Batching fw = new Batching("10.0.0.66");
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        Map<String, LiveGrants.Outcome> outcomes = new ConcurrentHashMap<>();
        List<String> order = new ArrayList<>();
        try (LiveGrants grants = new LiveGrants(slot, Clock.systemUTC())) {
            fw.hold = true;
            grants.submit(ask("10.0.0.1", 60), o -> outcomes.put("first", o));
            assertTrue(fw.entered.await(10, TimeUnit.SECONDS), "the first grant reached the backend");
            String[] next = {"10.0.0.2", "10.0.0.66", "10.0.0.3", "10.0.0.2"};
            for (int i = 0; i < next.length; i++) {
                String name = i + " " + next[i];
                grants.submit(ask(next[i], 60 + i), o -> {
                    outcomes.put(name, o);
                    synchronized (order) {
                        order.add(name);
                    }
                });
            }
            fw.release.countDown();
            assertTrue(within(Duration.ofSeconds(10), () -> outcomes.size() == 5), outcomes.toString());

            assertEquals(List.of("grant 1", "grantAll 3"), fw.calls(), "10.0.0.2 twice is one grant in the batch");
            synchronized (order) {
                assertEquals(List.of("0 10.0.0.2", "1 10.0.0.66", "2 10.0.0.3", "3 10.0.0.2"), order);
            }
            assertNull(outcomes.get("first").refusal());
            assertNull(outcomes.get("2 10.0.0.3").refusal());
            LiveGrants.Outcome bad = outcomes.get("1 10.0.0.66");
            assertNull(bad.grant());
            assertEquals(RefusalReason.FIREWALL_FAILED, bad.refusal().reason());
            assertTrue(bad.refusal().getMessage().contains("cannot open 10.0.0.66"), bad.refusal().getMessage());
            AccessGrant twiceA = outcomes.get("0 10.0.0.2").grant();
            AccessGrant twiceB = outcomes.get("3 10.0.0.2").grant();
            assertNotNull(twiceA);
            assertEquals(twiceA, twiceB, "one grant, with the later expiry");
            assertEquals(3, grants.liveCount());
            assertEquals(3, grants.openedCount());
        }
    }

    @Test
    void theSynchronousOpenStillRefusesAFailedGrant() throws Exception {
        Batching fw = new Batching("10.0.0.66");
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        try (LiveGrants grants = new LiveGrants(slot, Clock.systemUTC())) {
            org.postern.api.SpaException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.postern.api.SpaException.class,
                    () -> grants.open(InetAddress.getByName("10.0.0.66"), null, PortSpec.parseList("tcp/22"), 60, "s"));
            assertEquals(RefusalReason.FIREWALL_FAILED, e.reason());
            assertEquals(0, grants.liveCount());
            assertNotNull(grants.open(InetAddress.getByName("10.0.0.1"), null, PortSpec.parseList("tcp/22"), 60, "s"));
            assertEquals(List.of("grant 1", "grant 1"), fw.calls());
        }
    }

    @Test
    void expiriesFallingDueTogetherAreOneRevokeAll() throws Exception {
        Batching fw = new Batching(null);
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        try (LiveGrants grants = new LiveGrants(slot, Clock.systemUTC())) {
            // a first grant due a little earlier; its close is held until the other five are due too
            grants.open(InetAddress.getByName("10.0.1.1"), null, PortSpec.parseList("tcp/22"), 1, "s");
            List<LiveGrants.Ask> five = new ArrayList<>();
            for (int i = 2; i <= 6; i++) {
                five.add(ask("10.0.1." + i, 1));
            }
            grants.openAll(five);
            long lastDue = grants.grants().stream().mapToLong(g -> g.expiresAt().toEpochMilli()).max().orElseThrow();
            fw.hold = true;
            assertTrue(fw.entered.await(10, TimeUnit.SECONDS), "the first expiry reached the backend");
            assertTrue(within(Duration.ofSeconds(10), () -> System.currentTimeMillis() > lastDue + 100));
            fw.release.countDown();
            assertTrue(within(Duration.ofSeconds(10), () -> grants.liveCount() == 0), grants.grants().toString());
            List<String> c = fw.calls();
            assertEquals(List.of("grant 1", "grantAll 5", "revoke 1", "revokeAll 5"), c);
            assertEquals(6, grants.closedCount());
        }
    }

    @Test
    void aSharedPrerequisiteIsEstablishedOncePerBatchAndAFailedOneRefusesOnlyItsAsks() throws Exception {
        Batching fw = new Batching(null);
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        Map<String, LiveGrants.Outcome> outcomes = new ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger fsyncs = new java.util.concurrent.atomic.AtomicInteger();
        LiveGrants.Prerequisite digests = fsyncs::incrementAndGet;
        LiveGrants.Prerequisite broken = () -> {
            throw new org.postern.api.SpaException(RefusalReason.REPLAY_CACHE_UNAVAILABLE, "disk full");
        };
        try (LiveGrants grants = new LiveGrants(slot, Clock.systemUTC())) {
            fw.hold = true;
            grants.submit(ask("10.0.2.1", 60), digests, o -> outcomes.put("first", o));
            assertTrue(fw.entered.await(10, TimeUnit.SECONDS), "the first grant reached the backend");
            grants.submit(ask("10.0.2.2", 60), digests, o -> outcomes.put("a", o));
            grants.submit(ask("10.0.2.3", 60), broken, o -> outcomes.put("b", o));
            grants.submit(ask("10.0.2.4", 60), digests, o -> outcomes.put("c", o));
            fw.release.countDown();
            assertTrue(within(Duration.ofSeconds(10), () -> outcomes.size() == 4), outcomes.toString());
            assertEquals(2, fsyncs.get(), "once for the first batch, once for the second");
            assertEquals(List.of("grant 1", "grantAll 2"), fw.calls());
            assertNull(outcomes.get("a").refusal());
            assertNull(outcomes.get("c").refusal());
            assertEquals(RefusalReason.REPLAY_CACHE_UNAVAILABLE, outcomes.get("b").refusal().reason());
            assertEquals(3, grants.liveCount());
        }
    }
}
