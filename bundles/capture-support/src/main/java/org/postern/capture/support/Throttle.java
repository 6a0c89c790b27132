package org.postern.capture.support;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Lets one event through per interval (10 s unless told): for log lines a flood must not multiply. */
public final class Throttle {

    private final long intervalNanos;
    private final AtomicLong last;

    public Throttle() {
        this(TimeUnit.SECONDS.toNanos(10));
    }

    public Throttle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.last = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /** Whether this event may be logged loudly: the first one, then one per interval. */
    public boolean allow() {
        long now = System.nanoTime();
        long before = last.get();
        return now - before >= intervalNanos && last.compareAndSet(before, now);
    }
}
