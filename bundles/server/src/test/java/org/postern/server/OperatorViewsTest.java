package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.LatencyHistogram;
import org.postern.api.PacketExplainer.ExplainStep;
import org.postern.api.RefusalReason;
import org.postern.api.RefusalReason.Step;
import org.postern.api.ReplayRecord;
import org.postern.fko.SpaWire;

/** spa:explain, spa:replay-cache and the latency histogram, on the real pipeline with real packets. */
class OperatorViewsTest extends PipelineTest {

    @Test
    void explainShowsEveryStanzaVerdictAndChangesNothing() throws Exception {
        String other = "SOURCE ANY\nKEY wrong-key-for-this\nFW_ACCESS_TIMEOUT 5\n\n";
        DigestFile cache = new DigestFile(null);
        Pipeline p = pipeline(other + stanza("OPEN_PORTS tcp/2222\n"), cache);
        String wire = packet("tcp/2222", NOW, KEY, HMAC);
        List<ExplainStep> steps = p.explain(captured(wire));
        assertEquals(5, steps.size(), steps.toString());
        assertTrue(steps.get(0).passed() && steps.get(0).step() == Step.PRE_CHECK, steps.toString());
        assertTrue(steps.get(1).passed() && steps.get(1).step() == Step.REPLAY, steps.toString());
        ExplainStep first = steps.get(2);
        assertFalse(first.passed());
        assertEquals(Step.STANZA_TRIAL, first.step(), first.toString());
        assertTrue(first.stanza().endsWith(":1"), first.toString());
        assertTrue(steps.get(3).passed() && steps.get(3).step() == Step.STANZA_TRIAL, steps.toString());
        ExplainStep second = steps.get(4);
        assertTrue(second.passed(), second.toString());
        assertEquals(Step.POLICY, second.step());
        assertTrue(second.detail().contains("tcp/2222"), second.detail());
        // nothing happened: no digest, no grant, no counter; the packet still opens afterwards
        assertEquals(0, cache.size());
        assertTrue(fw.isEmpty(), fw.toString());
        assertEquals(0, p.counters().receivedCount());
        p.process(captured(wire));
        assertEquals(1, fw.size());
        // now it is a replay, and explain says so
        List<ExplainStep> again = p.explain(captured(wire));
        assertEquals(RefusalReason.REPLAY, again.get(again.size() - 1).reason(), again.toString());
    }

    @Test
    void explainNamesThePolicyRefusal() throws Exception {
        Pipeline p = pipeline(stanza("OPEN_PORTS tcp/2222\n"), new DigestFile(null));
        List<ExplainStep> steps = p.explain(captured(packet("tcp/22", NOW, KEY, HMAC)));
        ExplainStep last = steps.get(steps.size() - 1);
        assertEquals(RefusalReason.PORT_NOT_PERMITTED, last.reason(), steps.toString());
        assertEquals(RefusalReason.TOO_SHORT, p.explain(captured("QUJD")).get(0).reason());
    }

    @Test
    void replayCacheLookupAndLiveRotation() throws Exception {
        Path file = dir.resolve("digest.cache");
        DigestFile cache = new DigestFile(file);
        Pipeline p = pipeline(stanza(""), cache);
        String wire = packet("tcp/2222", NOW, KEY, HMAC);
        p.process(captured(wire));
        String digest = SpaWire.replayDigest(wire);
        ReplayRecord r = cache.lookup(digest).orElseThrow();
        assertEquals("10.200.0.1", r.sourceAddress());
        assertEquals(62201, r.destinationPort());
        assertEquals(17, r.protocol());
        assertTrue(cache.lookup("A".repeat(43)).isEmpty());

        Path old = cache.rotate();
        assertEquals(file.resolveSibling("digest.cache-old"), old);
        assertTrue(Files.readString(old).contains(digest));
        assertEquals(List.of(DigestFile.HEADER.strip()), Files.readAllLines(file));
        // still refused: rotation keeps the digests in memory
        assertEquals(RefusalReason.REPLAY, refusal(p, wire));
        String next = packet("tcp/2222", NOW + 1, KEY, HMAC);
        p.process(captured(next));
        assertTrue(Files.readString(file).contains(SpaWire.replayDigest(next)));
        cache.close();
    }

    @Test
    void latencyHistogramCountsEveryPacket() throws Exception {
        Pipeline p = pipeline(stanza(""), new DigestFile(null));
        p.accept(captured(packet("tcp/2222", NOW, KEY, HMAC)));
        p.accept(captured("QUJD"));
        long deadline = System.nanoTime() + 5_000_000_000L; // the grant is applied by the grant thread
        while (p.counters().latency().count() < 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
        }
        LatencyHistogram h = p.counters().latency(); // a snapshot
        assertEquals(2, h.count());
        assertEquals(RefusalCounters.LATENCY_BOUNDS_MICROS.length + 1, h.counts().size());
        assertTrue(h.sumMicros() >= 0);
    }
}
