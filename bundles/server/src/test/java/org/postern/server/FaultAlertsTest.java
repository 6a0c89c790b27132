package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.Alert;
import org.postern.api.CaptureSource;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;

/**
 * FAULT alerts: a grant the firewall backend fails (or cannot close), no backend, a replay cache that cannot record,
 * a capture source that fails. Each alert names what failed and never carries key material.
 */
class FaultAlertsTest {

    @TempDir
    Path dir;

    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(PipelineTest.NOW), ZoneOffset.UTC);

    /** A backend whose grants and closes fail while {@code failing}. */
    private static final class Failing implements FirewallBackend {
        volatile boolean failGrant;
        volatile boolean failRevoke;
        final List<String> calls = new CopyOnWriteArrayList<>();

        public String name() {
            return "broken";
        }

        public void grant(AccessGrant g) throws FirewallException {
            if (failGrant) {
                throw new FirewallException("iptables: No chain/target/match by that name");
            }
            calls.add("grant " + g.id());
        }

        public void revoke(AccessGrant g) throws FirewallException {
            if (failRevoke) {
                throw new FirewallException("iptables: Bad rule");
            }
            calls.add("revoke " + g.id());
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
            LockSupport.parkNanos(5_000_000);
        }
        return true;
    }

    @Test
    void faultReasonsAreFaultAlertsOtherRefusalsAreNot() {
        assertEquals(Alert.Kind.FAULT, Pipeline.kindOf(RefusalReason.FIREWALL_FAILED));
        assertEquals(Alert.Kind.FAULT, Pipeline.kindOf(RefusalReason.NO_FIREWALL));
        assertEquals(Alert.Kind.FAULT, Pipeline.kindOf(RefusalReason.REPLAY_CACHE_UNAVAILABLE));
        assertEquals(Alert.Kind.REPLAY, Pipeline.kindOf(RefusalReason.REPLAY));
        assertEquals(Alert.Kind.REFUSAL, Pipeline.kindOf(RefusalReason.HMAC_MISMATCH));
        assertEquals(Alert.Kind.REFUSAL, Pipeline.kindOf(RefusalReason.TIMESTAMP_OUT_OF_RANGE));
        assertEquals(Alert.Kind.REFUSAL, Pipeline.kindOf(RefusalReason.COMMAND_FAILED));
    }

    @Test
    void aGrantTheBackendFailsIsAFaultAlertNamingTheBackend() throws Exception {
        Failing fw = new Failing();
        fw.failGrant = true;
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        LiveGrants grants = new LiveGrants(slot, clock);
        try {
            PipelineTest fx = new PipelineTest();
            fx.dir = dir;
            Path access = dir.resolve("access.conf");
            java.nio.file.Files.writeString(access, PipelineTest.stanza(""));
            Pipeline p = new Pipeline(new PolicySet(new AccessConfParser().parse(access), true, 120, false),
                    new DigestFile(dir.resolve("digest.cache")), new StanzaTrial(t -> fx.cipher), grants,
                    new RefusalCounters(), clock);
            p.alerts(alerts::add);
            p.accept(PipelineTest.captured(fx.packet("tcp/2222", PipelineTest.NOW, PipelineTest.KEY,
                    PipelineTest.HMAC)));
            assertTrue(within(Duration.ofSeconds(10), () -> !alerts.isEmpty()), "no alert");
            Alert a = alerts.get(0);
            assertEquals(Alert.Kind.FAULT, a.kind());
            assertEquals("FAULT", a.alertClass());
            assertEquals(RefusalReason.FIREWALL_FAILED, a.reason());
            assertEquals("10.200.0.1", a.source());
            assertTrue(a.message().contains("broken") && a.message().contains("No chain/target/match"), a.message());
            assertTrue(a.message().contains("FIREWALL_FAILED"), a.message());
            assertNoKeys(a);
            assertEquals(0, grants.liveCount(), "a failed grant is live");
        } finally {
            grants.close();
        }
    }

    @Test
    void aGrantTheBackendCannotCloseIsAFaultAlert() throws Exception {
        Failing fw = new Failing();
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        LiveGrants grants = new LiveGrants(slot, clock);
        grants.events(alerts::add);
        try {
            AccessGrant g = grants.open(InetAddress.getByName("10.200.0.1"), InetAddress.getByName("10.200.0.2"),
                    List.of(PortSpec.parse("tcp/2222")), 30, "s1");
            fw.failRevoke = true;
            grants.revoke(g.id());
            List<Alert> faults = new ArrayList<>(alerts.stream().filter(x -> x.kind() == Alert.Kind.FAULT).toList());
            assertEquals(1, faults.size(), alerts.toString());
            assertTrue(faults.get(0).message().contains("broken failed to close grant " + g.id()),
                    faults.get(0).message());
            assertTrue(faults.get(0).message().contains("Bad rule"), faults.get(0).message());
            assertEquals("10.200.0.1", faults.get(0).source());
        } finally {
            grants.close();
        }
    }

    @Test
    void aGrantClosedWithNoBackendIsAFaultAlert() throws Exception {
        Failing fw = new Failing();
        FirewallSlot slot = new FirewallSlot();
        slot.set(fw);
        LiveGrants grants = new LiveGrants(slot, clock);
        grants.events(alerts::add);
        try {
            AccessGrant g = grants.open(InetAddress.getByName("10.200.0.1"), InetAddress.getByName("10.200.0.2"),
                    List.of(PortSpec.parse("tcp/2222")), 30, "s1");
            slot.clear(fw); // the backend bundle stopped
            grants.revoke(g.id());
            assertTrue(alerts.stream().anyMatch(x -> x.kind() == Alert.Kind.FAULT
                    && x.message().contains("No firewall backend to close grant " + g.id())), alerts.toString());
        } finally {
            grants.close();
        }
    }

    /** A capture source whose state the test sets. */
    private static final class Source implements CaptureSource {
        volatile State state = State.STARTING;

        public String name() {
            return "gw";
        }

        public String kind() {
            return "pcap";
        }

        public String describe() {
            return "veth0 'udp port 62201'";
        }

        public State state() {
            return state;
        }

        public long packetsDelivered() {
            return 0;
        }
    }

    @Test
    void aCaptureSourceThatFailsIsOneFaultAlertUntilItRunsAgain() {
        CaptureFaults watch = new CaptureFaults(alerts::add, clock);
        Source s = new Source();
        List<CaptureSource> one = List.of(s);
        watch.check(one);
        s.state = CaptureSource.State.RUNNING;
        watch.check(one);
        assertTrue(alerts.isEmpty(), alerts.toString());
        s.state = CaptureSource.State.FAILED;
        watch.check(one);
        watch.check(one);
        watch.check(one);
        assertEquals(1, alerts.size(), alerts.toString());
        Alert a = alerts.get(0);
        assertEquals(Alert.Kind.FAULT, a.kind());
        assertTrue(a.message().contains("Capture source pcap:gw failed (veth0"), a.message());
        s.state = CaptureSource.State.RUNNING;
        watch.check(one);
        s.state = CaptureSource.State.FAILED;
        watch.check(one);
        assertEquals(2, alerts.size(), "a second failure after a recovery is alerted again");
        watch.check(List.of()); // the source went away: forgotten
        s.state = CaptureSource.State.RUNNING;
        watch.check(List.of());
        s.state = CaptureSource.State.FAILED;
        watch.check(List.of());
        assertEquals(2, alerts.size(), "a removed source is not watched");
    }

    @Test
    void aSourceFailingFromTheStartIsAlerted() {
        CaptureFaults watch = new CaptureFaults(alerts::add, clock);
        Source s = new Source();
        s.state = CaptureSource.State.FAILED;
        watch.check(List.of(s));
        assertEquals(1, alerts.size());
        assertFalse(alerts.get(0).message().isEmpty());
    }

    private static void assertNoKeys(Alert a) {
        String b64key = java.util.Base64.getEncoder().encodeToString(PipelineTest.KEY);
        String b64hmac = java.util.Base64.getEncoder().encodeToString(PipelineTest.HMAC);
        assertFalse(a.message().contains(b64key) || a.message().contains(b64hmac)
                || a.message().contains(new String(PipelineTest.KEY, java.nio.charset.StandardCharsets.US_ASCII))
                || a.message().contains(new String(PipelineTest.HMAC, java.nio.charset.StandardCharsets.US_ASCII)),
                "key material in an alert: " + a.message());
    }
}
