package org.postern.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postern.api.RefusalReason;
import org.postern.api.ReplayRecord;
import org.postern.api.SpaException;

/** The shared replay check on real Hazelcast members in this JVM, on loopback only. */
class ReplayGuardTest {

    private static final ReplayRecord RECORD = new ReplayRecord(17, "10.0.0.1", 40000, "10.0.0.2", 62201, 0);
    private final List<HazelcastInstance> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(HazelcastInstance::shutdown);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static ClusterSettings settings(String name, int port, List<Integer> memberPorts, boolean closed) {
        List<String> members = memberPorts.stream().map(p -> "127.0.0.1:" + p).toList();
        return new ClusterSettings("unit-" + memberPorts.get(0), "", "127.0.0.1", port, members, name, closed, 2000, 3000,
                4, 5, 60, false, List.of());
    }

    private HazelcastInstance start(ClusterSettings s) {
        com.hazelcast.config.Config c = s.hazelcast();
        c.setProperty("hazelcast.logging.type", "none");
        HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
        started.add(hz);
        return hz;
    }

    private static boolean until(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return condition.getAsBoolean();
    }

    @Test
    void aDigestClaimedOnOneMemberIsAReplayOnTheOther() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort());
        ClusterSettings s1 = settings("g1", ports.get(0), ports, true);
        ClusterSettings s2 = settings("g2", ports.get(1), ports, true);
        HazelcastInstance h1 = start(s1);
        HazelcastInstance h2 = start(s2);
        assertTrue(until(Duration.ofSeconds(30), () -> h1.getCluster().getMembers().size() == 2));
        ReplayGuard g1 = new ReplayGuard(() -> h1, s1);
        ReplayGuard g2 = new ReplayGuard(() -> h2, s2);
        assertTrue(until(Duration.ofSeconds(10), () -> g1.majority(h1) && g2.majority(h2)));
        assertTrue(g1.claim("digest-1", RECORD), "new");
        assertFalse(g2.claim("digest-1", RECORD), "claimed by g1 first");
        assertFalse(g1.claim("digest-1", RECORD));
        assertTrue(g2.claim("digest-2", RECORD));
        g1.close();
        g2.close();
    }

    @Test
    void withoutAMajorityTheClosedPolicyRefusesAndTheOpenOneFallsBack() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        ClusterSettings closed = settings("alone", ports.get(0), ports, true);
        HazelcastInstance h = start(closed);
        ReplayGuard guard = new ReplayGuard(() -> h, closed);
        SpaException e = assertThrows(SpaException.class, () -> guard.claim("d", RECORD));
        assertEquals(RefusalReason.CLUSTER_UNCONFIRMED, e.reason());
        assertEquals(1, guard.pendingCount(), "kept for when the cluster answers again");
        assertEquals(0, guard.flushPending(), "still no majority");

        ClusterSettings open = settings("alone", ports.get(0), ports, false);
        ReplayGuard notJoined = new ReplayGuard(() -> null, open);
        assertTrue(notJoined.claim("d", RECORD), "open: the local replay cache decides");
        assertEquals(1, notJoined.pendingCount());
        SpaException e2 = assertThrows(SpaException.class, () -> new ReplayGuard(() -> null, closed).claim("d", RECORD));
        assertTrue(e2.getMessage().contains("not joined"), e2.getMessage());
        guard.close();
        notJoined.close();
    }

    /**
     * The added latency of the cluster check per accepted packet with three members (in one JVM, loopback):
     * printed, with a loose bound only (the machine may be loaded).
     */
    @Test
    void claimLatencyWithThreeMembers() throws Exception {
        List<Integer> ports = List.of(freePort(), freePort(), freePort());
        List<ReplayGuard> guards = new ArrayList<>();
        List<HazelcastInstance> hs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ClusterSettings s = settings("m" + i, ports.get(i), ports, true);
            HazelcastInstance h = start(s);
            hs.add(h);
            guards.add(new ReplayGuard(() -> h, s));
        }
        assertTrue(until(Duration.ofSeconds(30), () -> hs.get(0).getCluster().getMembers().size() == 3));
        assertTrue(until(Duration.ofSeconds(10), () -> guards.get(0).majority(hs.get(0))));
        int n = 2000;
        long[] nanos = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            assertTrue(guards.get(i % 3).claim("lat-" + i + "-" + Instant.now().toEpochMilli(), RECORD));
            nanos[i] = System.nanoTime() - t0;
        }
        long[] warm = Arrays.copyOfRange(nanos, n / 4, n);
        Arrays.sort(warm);
        double p50 = warm[warm.length / 2] / 1e6;
        double p99 = warm[(int) (warm.length * 0.99)] / 1e6;
        System.out.printf("claim latency, 3 members: p50 %.3f ms, p99 %.3f ms (%d claims)%n", p50, p99, warm.length);
        assertTrue(p50 < 50, "p50 " + p50 + " ms");
        guards.forEach(ReplayGuard::close);
    }
}
