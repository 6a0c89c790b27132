package org.postern.server;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwknopd's {@code -C/--packet-limit N}: once N packets have been processed (accepted or refused), the daemon
 * exits (status 0), as fwknopd does after "Packet count limit (N) reached". 0 or absent means no limit.
 */
final class PacketLimit {

    private static final Logger LOG = LoggerFactory.getLogger(PacketLimit.class);

    private final long limit;
    private final Runnable exit;
    private final AtomicLong seen = new AtomicLong();

    PacketLimit(long limit, Runnable exit) {
        this.limit = limit;
        this.exit = exit;
    }

    /** From the system property {@code postern.packet.limit} (bin/fwknopd -C); exits the JVM at the limit. */
    static PacketLimit from(String property) {
        long n = 0;
        if (property != null && !property.isBlank()) {
            try {
                n = Long.parseLong(property.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("packet limit is not a number: " + property);
            }
        }
        return new PacketLimit(n, () -> {
            Thread t = new Thread(() -> System.exit(0), "postern-packet-limit");
            t.setDaemon(true);
            t.start();
        });
    }

    void applyTo(Pipeline p) {
        if (limit > 0) {
            LOG.info("Packet limit: the daemon exits after {} packet(s) (-C)", limit);
            p.afterPacket(this::count);
        }
    }

    void count() {
        if (seen.incrementAndGet() == limit) {
            LOG.info("Packet count limit ({}) reached. Exiting.", limit);
            exit.run();
        }
    }
}
