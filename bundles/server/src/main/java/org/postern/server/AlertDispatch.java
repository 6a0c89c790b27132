package org.postern.server;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.postern.api.Alert;
import org.postern.api.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands alerts to every {@link AlertSink} on one thread of its own, so that a capture thread never waits for a
 * sink. The queue is bounded: when sinks fall behind (a flood), alerts are dropped and counted, and the drop is
 * logged once a minute at most. Sinks rate-limit what they send themselves. Without sinks, {@link #accept} costs
 * one volatile read.
 */
final class AlertDispatch implements Consumer<Alert>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertDispatch.class);
    static final int QUEUE = 1024;

    private final List<AlertSink> sinks = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private volatile boolean running = true;
    private volatile long lastDropLog;
    private final Thread thread;

    AlertDispatch() {
        thread = new Thread(this::run, "postern-alerts");
        thread.setDaemon(true);
        thread.start();
    }

    void add(AlertSink s) {
        sinks.add(s);
    }

    void remove(AlertSink s) {
        sinks.remove(s);
    }

    @Override
    public void accept(Alert a) {
        if (sinks.isEmpty()) {
            return;
        }
        if (!queue.offer(a)) {
            dropped.incrementAndGet();
            long now = System.nanoTime();
            if (now - lastDropLog > TimeUnit.MINUTES.toNanos(1)) {
                lastDropLog = now;
                LOG.warn("Alert queue full ({} alerts): {} alert(s) dropped so far", QUEUE, dropped.get());
            }
        }
    }

    long droppedCount() {
        return dropped.get();
    }

    long deliveredCount() {
        return delivered.get();
    }

    private void run() {
        while (running) {
            Alert a;
            try {
                a = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (a == null) {
                continue;
            }
            for (AlertSink s : sinks) {
                try {
                    s.alert(a);
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("Alert sink {} failed: {}", safeName(s), e.toString());
                }
            }
            delivered.incrementAndGet();
        }
    }

    private static String safeName(AlertSink s) {
        try {
            return s.name();
        } catch (RuntimeException e) {
            return s.getClass().getName();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
