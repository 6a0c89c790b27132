package org.postern.server;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.GrantRegistry;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 5 and 6: applies grants through the firewall backend in force and closes each when it expires.
 * A new packet for a grant that is still live (same address, same ports) extends it instead of adding a
 * second rule.
 */
final class LiveGrants implements GrantRegistry, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveGrants.class);
    private static final int REVOKE_RETRIES = 5;

    /** How long a grant waits for a backend when none is bound. */
    static final Duration BACKEND_WAIT = Duration.ofSeconds(5);

    private final FirewallSlot backend;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, Entry> byKey = new HashMap<>();
    private final Map<String, Entry> byId = new HashMap<>();

    private static final class Entry {
        AccessGrant grant;
        ScheduledFuture<?> expiry;

        Entry(AccessGrant grant) {
            this.grant = grant;
        }
    }

    LiveGrants(FirewallSlot backend, Clock clock) {
        this.backend = backend;
        this.clock = clock;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "postern-grant-expiry");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Opens (or extends) access; on failure nothing stays applied. */
    AccessGrant open(InetAddress source, InetAddress destination, List<PortSpec> ports, int timeoutSeconds,
            String stanza) throws SpaException {
        FirewallBackend fw = backend.await(BACKEND_WAIT);
        if (fw == null) {
            throw new SpaException(RefusalReason.NO_FIREWALL, "no firewall backend is available");
        }
        Instant expiry = clock.instant().plusSeconds(timeoutSeconds);
        String key = source.getHostAddress() + " " + ports;
        synchronized (this) {
            Entry e = byKey.get(key);
            AccessGrant g = e != null
                    ? e.grant.withExpiry(expiry.isAfter(e.grant.expiresAt()) ? expiry : e.grant.expiresAt())
                    : new AccessGrant(Long.toString(ids.incrementAndGet()), source, destination, ports, expiry, stanza);
            try {
                fw.grant(g);
            } catch (FirewallException | RuntimeException ex) {
                LOG.error("Firewall backend {} failed to grant {}: {}", fw.name(), describe(g), ex.getMessage());
                throw new SpaException(RefusalReason.FIREWALL_FAILED, fw.name() + ": " + ex.getMessage());
            }
            if (e == null) {
                e = new Entry(g);
                byKey.put(key, e);
                byId.put(g.id(), e);
            } else {
                e.grant = g;
                e.expiry.cancel(false);
                LOG.info("Grant {} extended: {}", g.id(), describe(g));
            }
            schedule(e, 0);
            return g;
        }
    }

    private void schedule(Entry e, int attempt) {
        long delay = Math.max(0, Duration.between(clock.instant(), e.grant.expiresAt()).toMillis());
        if (attempt > 0) {
            delay = 1000L * attempt;
        }
        AccessGrant due = e.grant;
        e.expiry = timer.schedule(() -> expire(e, due, attempt), delay, TimeUnit.MILLISECONDS);
    }

    private void expire(Entry e, AccessGrant due, int attempt) {
        synchronized (this) {
            if (e.grant != due || byId.get(due.id()) != e) {
                return; // extended or revoked meanwhile
            }
            if (close(due)) {
                remove(e);
            } else if (attempt < REVOKE_RETRIES) {
                schedule(e, attempt + 1);
            } else {
                LOG.error("Giving up closing grant {} after {} attempts", due.id(), attempt + 1);
                remove(e);
            }
        }
    }

    private boolean close(AccessGrant g) {
        FirewallBackend fw = backend.current();
        if (fw == null) {
            LOG.error("No firewall backend to close grant {}", describe(g));
            return false;
        }
        try {
            fw.revoke(g);
            LOG.info("Grant {} closed: {}", g.id(), describe(g));
            return true;
        } catch (FirewallException | RuntimeException ex) {
            LOG.error("Firewall backend {} failed to close grant {}: {}", fw.name(), g.id(), ex.getMessage());
            return false;
        }
    }

    private void remove(Entry e) {
        byId.remove(e.grant.id());
        byKey.values().remove(e);
    }

    @Override
    public synchronized List<AccessGrant> grants() {
        List<AccessGrant> out = new ArrayList<>();
        byId.values().forEach(e -> out.add(e.grant));
        out.sort(Comparator.comparing(AccessGrant::expiresAt));
        return out;
    }

    @Override
    public synchronized Optional<AccessGrant> revoke(String id) {
        Entry e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.expiry.cancel(false);
        close(e.grant);
        remove(e);
        return Optional.of(e.grant);
    }

    static String describe(AccessGrant g) {
        return g.source().getHostAddress() + " " + g.ports() + " until " + g.expiresAt().getEpochSecond()
                + " (stanza " + g.stanza() + ")";
    }

    /** Stops the expiry timer; rules stay for the backend's own exit handling (fwknop's FLUSH_IPT_AT_EXIT). */
    @Override
    public void close() {
        timer.shutdownNow();
    }
}
