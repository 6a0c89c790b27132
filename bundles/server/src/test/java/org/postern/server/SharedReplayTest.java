package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.RefusalReason;
import org.postern.api.ReplayRecord;
import org.postern.api.SharedReplayGuard;
import org.postern.api.SpaException;

/** The pipeline with a cluster's shared replay check (the cluster bundle's {@link SharedReplayGuard}). */
class SharedReplayTest {

    @TempDir
    Path dir;

    /** A guard answering as told, recording what it was asked and whether the local cache had the digest by then. */
    static final class Guard implements SharedReplayGuard {
        final List<String> asked = new ArrayList<>();
        DigestFile local;
        boolean localFirst = true;
        String answer = "new";

        @Override
        public boolean claim(String digest, ReplayRecord record) throws SpaException {
            asked.add(digest);
            localFirst &= local.contains(digest);
            return switch (answer) {
                case "new" -> true;
                case "seen" -> false;
                default -> throw new SpaException(RefusalReason.CLUSTER_UNCONFIRMED, "no majority");
            };
        }
    }

    private PipelineTest support() {
        PipelineTest t = new PipelineTest();
        t.dir = dir;
        return t;
    }

    @Test
    void aPacketAnotherGatewayAcceptedIsAReplayAndOpensNothing() throws Exception {
        PipelineTest t = support();
        DigestFile cache = new DigestFile(dir.resolve("digest.cache"));
        Pipeline p = t.pipeline(PipelineTest.stanza(""), cache);
        Guard g = new Guard();
        g.local = cache;
        p.sharedReplay(g);
        g.answer = "seen";
        String wire = t.packet("tcp/2222", PipelineTest.NOW, PipelineTest.KEY, PipelineTest.HMAC);
        assertEquals(RefusalReason.REPLAY, t.refusal(p, wire));
        assertTrue(t.fw.isEmpty(), "nothing opened");
        assertEquals(1, g.asked.size());
        assertTrue(g.localFirst, "the local durable cache records the digest before the cluster is asked");
    }

    @Test
    void unconfirmedIsRefusedAndTheSamePacketIsNeverAcceptedLaterOnThisGateway() throws Exception {
        PipelineTest t = support();
        DigestFile cache = new DigestFile(dir.resolve("digest.cache"));
        Pipeline p = t.pipeline(PipelineTest.stanza(""), cache);
        Guard g = new Guard();
        g.local = cache;
        p.sharedReplay(g);
        g.answer = "unconfirmed";
        String wire = t.packet("tcp/2222", PipelineTest.NOW, PipelineTest.KEY, PipelineTest.HMAC);
        assertEquals(RefusalReason.CLUSTER_UNCONFIRMED, t.refusal(p, wire));
        g.answer = "new";
        assertEquals(RefusalReason.REPLAY, t.refusal(p, wire), "healed: still not accepted twice here");
        assertTrue(t.fw.isEmpty());
    }

    @Test
    void aNewPacketOpensAndWithoutAGuardTheGatewayRunsAlone() throws Exception {
        PipelineTest t = support();
        DigestFile cache = new DigestFile(dir.resolve("digest.cache"));
        Pipeline p = t.pipeline(PipelineTest.stanza(""), cache);
        Guard g = new Guard();
        g.local = cache;
        p.sharedReplay(g);
        assertNotNull(p.process(PipelineTest.captured(t.packet("tcp/2222", PipelineTest.NOW, PipelineTest.KEY,
                PipelineTest.HMAC))));
        assertEquals(1, g.asked.size());
        Guard other = new Guard();
        p.dropSharedReplay(other);
        p.dropSharedReplay(g);
        assertNotNull(p.process(PipelineTest.captured(t.packet("tcp/2223", PipelineTest.NOW, PipelineTest.KEY,
                PipelineTest.HMAC))));
        assertEquals(1, g.asked.size(), "gone: not asked");
    }
}
