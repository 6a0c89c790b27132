package org.postern.knock;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.KnockSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knocks from iptables LOG lines in a growing syslog file. Lines are read as they are appended; a file replaced
 * (rotation) or truncated is read again from its start. Each knock's time is the processing time, as in 1.9.
 */
@Component(configurationPid = KernelLogFeed.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = {})
@Designate(ocd = KernelLogFeedConfig.class)
public final class KernelLogFeed {

    static final String PID = "org.postern.knock.log";

    private static final Logger LOG = LoggerFactory.getLogger(KernelLogFeed.class);
    private static final int MAX_LINE = 8192;
    private static final long MAX_BYTES_PER_POLL = 4L << 20;

    private final Path file;
    private final boolean fromStart;
    private final long pollMillis;
    private final KnockSink sink;
    private final LongSupplier clock;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final AtomicLong lines = new AtomicLong();
    private final AtomicLong knocks = new AtomicLong();
    private volatile boolean positioned;
    private Thread thread;

    @Activate
    public KernelLogFeed(KernelLogFeedConfig config, @Reference(name = "sink") KnockSink sink) {
        this(config.file(), config.fromStart(), config.pollMillis(), sink, System::currentTimeMillis);
        start();
    }

    KernelLogFeed(String file, boolean fromStart, long pollMillis, KnockSink sink, LongSupplier clock) {
        this.file = Paths.get(Objects.requireNonNull(file, "file").trim());
        this.fromStart = fromStart;
        this.pollMillis = Math.max(10, Math.min(60_000, pollMillis));
        this.sink = sink;
        this.clock = clock;
    }

    synchronized void start() {
        if (thread == null) {
            thread = new Thread(this::run, "postern-knock-log");
            thread.setDaemon(true);
            thread.start();
        }
    }

    @Deactivate
    public synchronized void stop() {
        stopSignal.countDown();
        if (thread != null) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOG.info("Knock feed log:{} stopped after {} lines, {} knocks", file, lines.get(), knocks.get());
        }
    }

    /** Whether the feed has taken its starting position in the file (tests wait for this). */
    boolean positioned() {
        return positioned;
    }

    long knocks() {
        return knocks.get();
    }

    private void run() {
        Object key = null;
        long position = -1;
        StringBuilder partial = new StringBuilder();
        LOG.info("Knock feed log:{} following", file);
        try {
            do {
                try {
                    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                    Object k = attrs.fileKey() == null ? attrs.creationTime() : attrs.fileKey();
                    if (position < 0) {
                        position = fromStart ? 0 : attrs.size();
                    } else if (!k.equals(key) || attrs.size() < position) {
                        position = 0;
                        partial.setLength(0);
                    }
                    key = k;
                    if (attrs.size() > position) {
                        position = read(position, Math.min(attrs.size(), position + MAX_BYTES_PER_POLL), partial);
                    }
                } catch (NoSuchFileException e) {
                    if (position < 0) {
                        position = 0; // a file created later is read from its start
                    }
                    key = null;
                } catch (IOException e) {
                    LOG.warn("Knock feed log:{}: {}", file, e.toString());
                }
                positioned = true;
            } while (!stopSignal.await(pollMillis, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long read(long from, long to, StringBuilder partial) throws IOException {
        byte[] buf = new byte[(int) (to - from)];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(from);
            raf.readFully(buf);
        }
        int start = 0;
        for (int i = 0; i < buf.length; i++) {
            if (buf[i] == '\n') {
                partial.append(new String(buf, start, i - start, StandardCharsets.ISO_8859_1));
                line(partial.toString());
                partial.setLength(0);
                start = i + 1;
            }
        }
        if (start < buf.length && partial.length() < MAX_LINE) {
            partial.append(new String(buf, start, Math.min(buf.length - start, MAX_LINE), StandardCharsets.ISO_8859_1));
        }
        return to;
    }

    private void line(String line) {
        lines.incrementAndGet();
        IptablesLogLine.parse(line, clock.getAsLong()).ifPresent(e -> {
            knocks.incrementAndGet();
            try {
                sink.accept(e);
            } catch (RuntimeException ex) {
                LOG.warn("Knock feed log:{}: knock sink failed: {}", file, ex.toString());
            }
        });
    }
}
