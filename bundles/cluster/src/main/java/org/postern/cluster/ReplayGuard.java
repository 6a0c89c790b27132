package org.postern.cluster;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;

import org.postern.api.RefusalReason;
import org.postern.api.ReplayRecord;
import org.postern.api.SharedReplayGuard;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide replay check: an atomic {@code putIfAbsent} (with a TTL) into the replay map, whose
 * partition owner decides, bounded by the confirmation timeout. When the cluster cannot confirm (not joined
 * yet, no majority heard from recently, no answer in time), the partition policy decides: closed refuses,
 * open lets the local cache (already checked by the server) decide. Either way the digest is kept pending
 * and inserted once the cluster answers again, so after a partition heals no gateway accepts it.
 */
final class ReplayGuard implements SharedReplayGuard {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayGuard.class);
    static final int MAX_PENDING = 100_000;

    private final Supplier<HazelcastInstance> member;
    private final ClusterSettings settings;
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor calls = new ThreadPoolExecutor(1, 8, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(256), r -> {
                Thread t = new Thread(r, "postern-cluster-replay");
                t.setDaemon(true);
                return t;
            });

    ReplayGuard(Supplier<HazelcastInstance> member, ClusterSettings settings) {
        this.member = member;
        this.settings = settings;
    }

    @Override
    public boolean claim(String digest, ReplayRecord r) throws SpaException {
        long start = System.nanoTime();
        String value = settings.gateway() + ' ' + r.protocol() + ' ' + r.sourceAddress() + ' ' + r.sourcePort() + ' '
                + r.destinationAddress() + ' ' + r.destinationPort() + ' ' + r.epochSeconds();
        String why;
        HazelcastInstance hz = member.get();
        if (hz == null || !hz.getLifecycleService().isRunning()) {
            why = "this gateway has not joined the cluster";
        } else if (settings.closed() && !majority(hz)) {
            why = "no majority of the " + settings.members().size() + " members heard from within "
                    + settings.heartbeatToleranceMs() + " ms";
        } else {
            try {
                IMap<String, String> map = hz.getMap(ClusterSettings.REPLAY_MAP);
                String before = insert(map, digest, value);
                if (before == null) {
                    if (LOG.isDebugEnabled()) { // the benchmark's probe (ClusterBench): the added latency
                        LOG.debug("Cluster claim confirmed in {} us", (System.nanoTime() - start) / 1_000);
                    }
                    return true;
                }
                LOG.info("Digest already claimed in the cluster by gateway {}", before.split(" ", 2)[0]);
                return false;
            } catch (TimeoutException e) {
                why = "no answer within " + settings.confirmTimeoutMs() + " ms";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
            } catch (ExecutionException | RuntimeException e) {
                Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                why = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + firstLine(c.getMessage()));
            }
        }
        if (pending.size() < MAX_PENDING) {
            pending.put(digest, value);
        }
        if (settings.closed()) {
            throw new SpaException(RefusalReason.CLUSTER_UNCONFIRMED, "cluster cannot confirm the digest is new: "
                    + why + " (partition.policy closed)");
        }
        LOG.warn("Cluster cannot confirm the digest is new ({}): the local replay cache decides (partition.policy open)",
                why);
        return true;
    }

    /**
     * {@code putIfAbsent} with the TTL, bounded by the confirmation timeout: Hazelcast 5 has no asynchronous
     * putIfAbsent, so the blocking call runs on a small pool (a call that outlives the timeout ends with
     * Hazelcast's own call timeout; a full pool counts as no answer).
     */
    private String insert(IMap<String, String> map, String digest, String value)
            throws InterruptedException, ExecutionException, TimeoutException {
        return CompletableFuture.supplyAsync(() -> map.putIfAbsent(digest, value, settings.replayTtlSeconds(),
                TimeUnit.SECONDS), calls).get(settings.confirmTimeoutMs(), TimeUnit.MILLISECONDS);
    }

    void close() {
        calls.shutdownNow();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Whether a majority of the configured members was heard from recently (the split-brain protection). */
    boolean majority(HazelcastInstance hz) {
        try {
            SplitBrainProtection p = hz.getSplitBrainProtectionService()
                    .getSplitBrainProtection(ClusterSettings.MAJORITY);
            return p.hasMinimumSize();
        } catch (RuntimeException e) {
            return hz.getCluster().getMembers().size() >= settings.majority();
        }
    }

    /** Inserts the digests the cluster could not confirm, once it answers; returns how many went in. */
    int flushPending() {
        HazelcastInstance hz = member.get();
        if (pending.isEmpty() || hz == null || !hz.getLifecycleService().isRunning()
                || (settings.closed() && !majority(hz))) {
            return 0;
        }
        int n = 0;
        IMap<String, String> map = hz.getMap(ClusterSettings.REPLAY_MAP);
        for (Map.Entry<String, String> e : pending.entrySet()) {
            try {
                insert(map, e.getKey(), e.getValue());
                pending.remove(e.getKey(), e.getValue());
                n++;
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException | RuntimeException ex) {
                break; // the cluster is not answering yet: next round
            }
        }
        if (n > 0) {
            LOG.info("{} digest(s) the cluster could not confirm earlier are now in the shared replay cache", n);
        }
        return n;
    }

    int pendingCount() {
        return pending.size();
    }
}
