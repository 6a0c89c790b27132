package org.postern.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.postern.api.CapturedPacket;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.slf4j.Logger;

/**
 * The refusal log line, bounded: up to {@value #PER_SECOND} refusals a second are logged one by one
 * ({@code Refused SPA packet from ip:port (capture): STEP/REASON: detail}); beyond that, a flood is summed up in
 * one line a second, {@code Refused N more SPA packets (over 200 a second, not logged one by one): REASON n, ...}.
 * Counting is not affected ({@link RefusalCounters}). Without this, a garbage flood made the daemon a log writer:
 * in the load harness (issue 10) formatting and writing one line per refused packet was the capture thread's
 * main cost.
 */
final class RefusalLog {

    static final int PER_SECOND = 200;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final Logger log;
    private final int perSecond;
    private long windowStart = System.nanoTime();
    private int logged;
    private long suppressed;
    private final EnumMap<RefusalReason, Long> byReason = new EnumMap<>(RefusalReason.class);

    RefusalLog(Logger log) {
        this(log, PER_SECOND);
    }

    RefusalLog(Logger log, int perSecond) {
        this.log = log;
        this.perSecond = perSecond;
    }

    void refused(CapturedPacket packet, SpaException e) {
        if (!log.isInfoEnabled()) {
            return;
        }
        if (!countIn(e.reason(), System.nanoTime())) {
            return;
        }
        log.info("Refused SPA packet from {}:{} ({}): {}/{}: {}", packet.source().getHostAddress(),
                packet.sourcePort(), packet.captureName(), e.reason().step(), e.reason(), e.getMessage());
    }

    /** True when this refusal is to be logged one by one; otherwise it is added to the next summary. */
    synchronized boolean countIn(RefusalReason reason, long nowNanos) {
        if (nowNanos - windowStart >= WINDOW_NANOS) {
            windowStart = nowNanos;
            logged = 0;
        }
        if (logged < perSecond) {
            logged++;
            return true;
        }
        if (suppressed == 0) {
            CompletableFuture.runAsync(this::summary, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
        }
        suppressed++;
        byReason.merge(reason, 1L, Long::sum);
        return false;
    }

    /** Logs and forgets what was not logged one by one (also called by tests). */
    void summary() {
        long n;
        Map<RefusalReason, Long> reasons;
        synchronized (this) {
            n = suppressed;
            reasons = new EnumMap<>(byReason);
            suppressed = 0;
            byReason.clear();
        }
        if (n > 0) {
            StringBuilder s = new StringBuilder();
            reasons.forEach((r, c) -> s.append(s.length() == 0 ? "" : ", ").append(r).append(' ').append(c));
            log.info("Refused {} more SPA packets (over {} a second, not logged one by one): {}", n, perSecond, s);
        }
    }

    /** Refusals waiting for the next summary line. */
    synchronized long pending() {
        return suppressed;
    }
}
