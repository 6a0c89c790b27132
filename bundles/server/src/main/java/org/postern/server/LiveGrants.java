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

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postern.api.AccessGrant;
import org.postern.api.Alert;
import org.postern.api.FirewallBackend;
import org.postern.api.FirewallException;
import org.postern.api.GrantRegistry;
import org.postern.api.GrantRequest;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 5 and 6: applies grants through the firewall backend in force and closes each when it expires.
 * A new packet for a grant that is still live (same address, same ports) extends it instead of adding a
 * second rule.
 *
 * <p>When the backend in force changes (a better-ranked one appears, or {@code firewall.target} changes), every
 * live grant moves: it is applied to the new backend, then removed from the old one. A backend coming into
 * force is first asked for the openings it already holds ({@link FirewallBackend#liveGrants()}, e.g. left by
 * a run killed with -9), which are adopted and closed when due. A backend that goes away with no successor
 * keeps what it holds (its own flush-at-exit setting decides); the grants wait here for the next backend.
 *
 * <p>A DS component of its own, apart from {@link FwknopDaemon}: the grants belong to no configuration, so a
 * configuration reload, or even a restart of the daemon component, leaves them open until their expiry, still
 * listed by {@code spa:grants} and revocable.
 */
@Component(service = {LiveGrants.class, GrantRegistry.class}, immediate = true,
        configurationPolicy = ConfigurationPolicy.IGNORE)
public final class LiveGrants implements GrantRegistry, FirewallSlot.Listener, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveGrants.class);
    private static final int REVOKE_RETRIES = 5;

    /** How long a grant waits for a backend when none is bound. */
    static final Duration BACKEND_WAIT = Duration.ofSeconds(5);

    private final FirewallSlot backend;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer;
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong revoked = new AtomicLong();
    /** Hears of grants opened and closed (the daemon's alerts); never null. */
    private volatile java.util.function.Consumer<Alert> events = a -> { };
    private final Map<String, Entry> byKey = new HashMap<>();
    private final Map<String, Entry> byId = new HashMap<>();
    /** The backend the live grants are applied to; null while none is in force. Guarded by this. */
    private FirewallBackend applied;
    /** The backend that went away with no successor yet: the next one takes over from it. Guarded by this. */
    private FirewallBackend released;

    private static final class Entry {
        AccessGrant grant;
        ScheduledFuture<?> expiry;

        Entry(AccessGrant grant) {
            this.grant = grant;
        }
    }

    @Activate
    public LiveGrants(@Reference FirewallSlot backend) {
        this(backend, Clock.systemUTC());
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
        backend.attach(this);
    }

    /** Opens (or extends) access; on failure nothing stays applied. */
    AccessGrant open(InetAddress source, InetAddress destination, List<PortSpec> ports, int timeoutSeconds,
            String stanza) throws SpaException {
        return open(source, destination, ports, timeoutSeconds, stanza, null);
    }

    /**
     * Opens (or extends) access for a request whose details (packet source, timestamps, the stanza's command
     * cycle) the backend may use; an extension keeps the details of the grant's first request.
     */
    AccessGrant open(InetAddress source, InetAddress destination, List<PortSpec> ports, int timeoutSeconds,
            String stanza, GrantRequest request) throws SpaException {
        FirewallBackend fw = backend.await(BACKEND_WAIT);
        if (fw == null) {
            throw new SpaException(RefusalReason.NO_FIREWALL, "no firewall backend is available");
        }
        Instant expiry = clock.instant().plusSeconds(timeoutSeconds);
        String key = source.getHostAddress() + " " + ports
                + (request == null || request.nat() == null ? "" : " " + request.nat()); // NAT grants are their own
        synchronized (this) {
            if (applied != null) {
                fw = applied; // the one every live grant is on (a swap may be under way)
            }
            Entry e = byKey.get(key);
            AccessGrant g = e != null
                    ? e.grant.withExpiry(expiry.isAfter(e.grant.expiresAt()) ? expiry : e.grant.expiresAt())
                    : new AccessGrant(Long.toString(ids.incrementAndGet()), source, destination, ports, expiry, stanza,
                            request);
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
                opened.incrementAndGet();
                event(Alert.Kind.GRANT_OPENED, g, "Grant " + g.id() + " opened: " + describe(g));
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
        FirewallBackend fw = applied;
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
        if (byId.remove(e.grant.id()) != null) {
            closed.incrementAndGet();
            event(Alert.Kind.GRANT_CLOSED, e.grant, "Grant " + e.grant.id() + " closed: " + describe(e.grant));
        }
        byKey.values().remove(e);
    }

    private void event(Alert.Kind kind, AccessGrant g, String message) {
        try {
            events.accept(new Alert(kind, clock.instant(), null, g.source().getHostAddress(), g.stanza(), message));
        } catch (RuntimeException ex) {
            LOG.warn("Grant event listener failed: {}", ex.toString());
        }
    }

    /** Where grant openings and closings are reported (the daemon's alerts); null for nowhere. */
    void events(java.util.function.Consumer<Alert> listener) {
        this.events = listener == null ? a -> { } : listener;
    }

    /** Grants opened since start (extensions not counted). */
    long openedCount() {
        return opened.get();
    }

    /** Grants closed since start: expired, revoked, or given up after failed closes. */
    long closedCount() {
        return closed.get();
    }

    /** Grants closed by {@link #revoke} before their expiry (counted in {@link #closedCount} too). */
    long revokedCount() {
        return revoked.get();
    }

    synchronized int liveCount() {
        return byId.size();
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
        revoked.incrementAndGet();
        return Optional.of(e.grant);
    }

    @Override
    public synchronized void backendChanged(FirewallBackend previous, FirewallBackend current) {
        if (current == null) {
            if (applied == previous) {
                released = previous;
                applied = null;
            }
            return;
        }
        if (current == applied) {
            return;
        }
        FirewallBackend old = applied != null ? applied : released;
        adoptFrom(current);
        int moved = 0;
        for (Entry e : byId.values()) {
            try {
                current.grant(e.grant);
                moved++;
            } catch (FirewallException | RuntimeException ex) {
                LOG.error("Firewall backend {} failed to take over grant {}: {}", current.name(), describe(e.grant),
                        ex.getMessage());
            }
        }
        applied = current;
        released = null;
        if (old != null && old != current) {
            for (Entry e : byId.values()) {
                try {
                    old.revoke(e.grant);
                } catch (FirewallException | RuntimeException ex) {
                    LOG.debug("Backend {} could not remove grant {} while handing over: {}", old.name(), e.grant.id(),
                            ex.getMessage());
                }
            }
            LOG.info("Moved {} live grant(s) from firewall backend {} to {}", moved, old.name(), current.name());
        } else if (moved > 0) {
            LOG.info("Applied {} live grant(s) to firewall backend {}", moved, current.name());
        }
    }

    /** Takes on the openings a backend already holds that are not live grants here, to close them when due. */
    private void adoptFrom(FirewallBackend fw) {
        List<AccessGrant> found;
        try {
            found = fw.liveGrants();
        } catch (FirewallException | RuntimeException | LinkageError ex) {
            LOG.warn("Firewall backend {} could not report the openings it holds: {}", fw.name(), ex.getMessage());
            return;
        }
        Instant now = clock.instant();
        for (AccessGrant g : found) {
            String key = g.source().getHostAddress() + " " + g.ports();
            if (!g.expiresAt().isAfter(now) || byKey.containsKey(key)) {
                continue;
            }
            AccessGrant adopted = new AccessGrant(Long.toString(ids.incrementAndGet()), g.source(), g.destination(),
                    g.ports(), g.expiresAt(), g.stanza().isEmpty() ? "adopted from " + fw.name() : g.stanza());
            Entry e = new Entry(adopted);
            byKey.put(key, e);
            byId.put(adopted.id(), e);
            schedule(e, 0);
            LOG.info("Grant {} adopted: {}", adopted.id(), describe(adopted));
        }
    }

    static String describe(AccessGrant g) {
        return g.source().getHostAddress() + " " + g.ports() + " until " + g.expiresAt().getEpochSecond()
                + " (stanza " + g.stanza() + ")";
    }

    /** Stops the expiry timer; rules stay for the backend's own exit handling (fwknop's FLUSH_IPT_AT_EXIT). */
    @Deactivate
    @Override
    public void close() {
        backend.detach(this);
        timer.shutdownNow();
    }
}
