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
     * cycle) the backend may use; an extension keeps the details of the grant's first request. Synchronous: on
     * the caller's thread, as a batch of one.
     */
    AccessGrant open(InetAddress source, InetAddress destination, List<PortSpec> ports, int timeoutSeconds,
            String stanza, GrantRequest request) throws SpaException {
        Outcome o = openAll(List.of(new Ask(source, destination, ports, timeoutSeconds, stanza, request))).get(0);
        if (o.refusal() != null) {
            throw o.refusal();
        }
        return o.grant();
    }

    /**
     * A grant asked for by an accepted packet: who, what, for how long, by which stanza, with the request's
     * details (or null).
     */
    record Ask(InetAddress source, InetAddress destination, List<PortSpec> ports, int timeoutSeconds, String stanza,
            GrantRequest request) {

        /** Grants with the same key are one opening: a new ask extends it (NAT grants are their own). */
        String key() {
            return source.getHostAddress() + " " + ports
                    + (request == null || request.nat() == null ? "" : " " + request.nat());
        }
    }

    /** How an ask ended: the grant (opened or extended) or the refusal (NO_FIREWALL, FIREWALL_FAILED). */
    record Outcome(AccessGrant grant, SpaException refusal) {
    }

    /**
     * Hands an ask to the grant thread and returns at once: asks that arrive while the backend is busy go to it
     * together as one batch ({@link FirewallBackend#grantAll}: group commit), and {@code done} hears each ask's
     * outcome on the grant thread, in the order the asks were handed over. Blocks only when
     * {@value #QUEUE_LIMIT} asks are already waiting (back-pressure on the capture thread).
     */
    void submit(Ask ask, java.util.function.Consumer<Outcome> done) {
        submit(ask, null, done);
    }

    /** What has to hold before an ask's grant is applied (the packet's digest on disk); throws the refusal. */
    interface Prerequisite {
        void establish() throws SpaException;
    }

    /**
     * As {@link #submit(Ask, java.util.function.Consumer)}, with a prerequisite the grant thread establishes once
     * per batch for all the asks that share it (group commit of the digests' fsync) before it applies their grants;
     * when it fails, those asks are refused with its refusal and nothing of them is applied.
     */
    void submit(Ask ask, Prerequisite before, java.util.function.Consumer<Outcome> done) {
        Pending p = new Pending(ask, before, done);
        synchronized (queue) {
            if (stopped) {
                p.finish(new Outcome(null, new SpaException(RefusalReason.FIREWALL_FAILED, "the daemon is stopping")));
                return;
            }
            if (applier == null) {
                applier = new Thread(this::applyQueued, "postern-grant-apply");
                applier.setDaemon(true);
                applier.start();
            }
        }
        try {
            queue.put(p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.finish(new Outcome(null, new SpaException(RefusalReason.FIREWALL_FAILED, "interrupted")));
        }
    }

    /** The most asks one batch takes. */
    static final int BATCH_LIMIT = 256;
    /** The most asks waiting for the grant thread. */
    static final int QUEUE_LIMIT = 4096;

    private final java.util.concurrent.LinkedBlockingQueue<Pending> queue =
            new java.util.concurrent.LinkedBlockingQueue<>(QUEUE_LIMIT);
    /** Guarded by queue. */
    private Thread applier;
    /** Guarded by queue. */
    private boolean stopped;

    /** Put in the queue by {@link #close}: the grant thread ends after the asks before it. */
    private static final Pending STOP = new Pending(null, null, o -> { });

    private record Pending(Ask ask, Prerequisite before, java.util.function.Consumer<Outcome> done) {
        void finish(Outcome o) {
            try {
                done.accept(o);
            } catch (RuntimeException ex) {
                LOG.warn("Grant outcome listener failed: {}", ex.toString());
            }
        }
    }

    /** The grant thread: takes what is waiting (up to {@link #BATCH_LIMIT}) and applies it as one batch. */
    private void applyQueued() {
        List<Pending> batch = new ArrayList<>();
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(batch, BATCH_LIMIT - 1);
            boolean stop = batch.remove(STOP);
            // the prerequisites first, each once for the batch (one fsync for all the batch's digests)
            Map<Prerequisite, SpaException> unmet = new java.util.IdentityHashMap<>();
            Map<Prerequisite, Boolean> established = new java.util.IdentityHashMap<>();
            for (Pending p : batch) {
                if (p.before() != null && established.put(p.before(), Boolean.TRUE) == null) {
                    try {
                        p.before().establish();
                    } catch (SpaException | RuntimeException ex) {
                        unmet.put(p.before(), ex instanceof SpaException se ? se
                                : new SpaException(RefusalReason.FIREWALL_FAILED, ex.toString()));
                    }
                }
            }
            List<Ask> asks = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                if (p.before() == null || !unmet.containsKey(p.before())) {
                    asks.add(p.ask());
                }
            }
            List<Outcome> outcomes;
            try {
                outcomes = openAll(asks);
            } catch (RuntimeException ex) {
                LOG.error("Applying {} grant(s) failed: {}", asks.size(), ex.toString());
                SpaException refusal = new SpaException(RefusalReason.FIREWALL_FAILED, ex.toString());
                outcomes = java.util.Collections.nCopies(asks.size(), new Outcome(null, refusal));
            }
            int next = 0;
            for (Pending p : batch) {
                SpaException refusal = p.before() == null ? null : unmet.get(p.before());
                p.finish(refusal != null ? new Outcome(null, refusal) : outcomes.get(next++));
            }
            if (stop) {
                break;
            }
        }
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        SpaException refusal = new SpaException(RefusalReason.FIREWALL_FAILED, "the daemon is stopping");
        left.forEach(p -> p.finish(new Outcome(null, refusal)));
    }

    /**
     * Opens (or extends) the asks' grants with ONE backend call ({@link FirewallBackend#grant} for one,
     * {@link FirewallBackend#grantAll} for more); asks with the same key in one batch are one grant. Returns an
     * outcome per ask, in order: a grant the backend could not apply refuses exactly the asks for it.
     */
    List<Outcome> openAll(List<Ask> asks) {
        if (asks.isEmpty()) {
            return List.of();
        }
        FirewallBackend fw = backend.await(BACKEND_WAIT);
        if (fw == null) {
            Outcome none = new Outcome(null, new SpaException(RefusalReason.NO_FIREWALL, "no firewall backend is available"));
            return java.util.Collections.nCopies(asks.size(), none);
        }
        Instant now = clock.instant();
        synchronized (this) {
            if (applied != null) {
                fw = applied; // the one every live grant is on (a swap may be under way)
            }
            Map<String, AccessGrant> planned = new java.util.LinkedHashMap<>();
            String[] keys = new String[asks.size()];
            for (int i = 0; i < asks.size(); i++) {
                Ask a = asks.get(i);
                String key = a.key();
                keys[i] = key;
                Instant expiry = now.plusSeconds(a.timeoutSeconds());
                AccessGrant base = planned.get(key);
                if (base == null && byKey.get(key) != null) {
                    base = byKey.get(key).grant;
                }
                AccessGrant g = base != null
                        ? base.withExpiry(expiry.isAfter(base.expiresAt()) ? expiry : base.expiresAt())
                        : new AccessGrant(Long.toString(ids.incrementAndGet()), a.source(), a.destination(), a.ports(),
                                expiry, a.stanza(), a.request());
                planned.put(key, g);
            }
            List<AccessGrant> list = new ArrayList<>(planned.values());
            Map<AccessGrant, FirewallException> failed;
            if (list.size() == 1) {
                failed = new HashMap<>();
                try {
                    fw.grant(list.get(0));
                } catch (FirewallException ex) {
                    failed.put(list.get(0), ex);
                } catch (RuntimeException ex) {
                    failed.put(list.get(0), new FirewallException(String.valueOf(ex.getMessage()), ex));
                }
            } else {
                try {
                    failed = fw.grantAll(list);
                } catch (RuntimeException ex) {
                    failed = new HashMap<>();
                    for (AccessGrant g : list) {
                        failed.put(g, new FirewallException(String.valueOf(ex.getMessage()), ex));
                    }
                }
            }
            Map<String, Outcome> byPlan = new HashMap<>();
            for (Map.Entry<String, AccessGrant> p : planned.entrySet()) {
                AccessGrant g = p.getValue();
                FirewallException ex = failed.get(g);
                if (ex != null) {
                    LOG.error("Firewall backend {} failed to grant {}: {}", fw.name(), describe(g), ex.getMessage());
                    byPlan.put(p.getKey(), new Outcome(null,
                            new SpaException(RefusalReason.FIREWALL_FAILED, fw.name() + ": " + ex.getMessage())));
                    continue;
                }
                Entry e = byKey.get(p.getKey());
                if (e == null) {
                    e = new Entry(g);
                    byKey.put(p.getKey(), e);
                    byId.put(g.id(), e);
                    opened.incrementAndGet();
                    event(Alert.Kind.GRANT_OPENED, g, "Grant " + g.id() + " opened: " + describe(g));
                } else {
                    e.grant = g;
                    e.expiry.cancel(false);
                    LOG.info("Grant {} extended: {}", g.id(), describe(g));
                }
                schedule(e, 0);
                byPlan.put(p.getKey(), new Outcome(g, null));
            }
            List<Outcome> out = new ArrayList<>(asks.size());
            for (String key : keys) {
                out.add(byPlan.get(key));
            }
            return out;
        }
    }

    private void schedule(Entry e, int attempt) {
        long delay = Math.max(0, Duration.between(clock.instant(), e.grant.expiresAt()).toMillis());
        if (attempt > 0) {
            delay = 1000L * attempt;
        }
        AccessGrant due = e.grant;
        e.expiry = timer.schedule(() -> fallDue(new Due(e, due, attempt)), delay, TimeUnit.MILLISECONDS);
    }

    /** A grant whose expiry timer fired. */
    private record Due(Entry entry, AccessGrant grant, int attempt) {
    }

    /** Expiries that fell due and wait for the next {@link #expireDue}; only the timer thread touches it. */
    private final List<Due> dueNow = new ArrayList<>();

    /**
     * On the timer thread: a grant fell due. It joins the others due now, and one task after every timer task
     * already due closes them all with one backend call (group commit: while a close runs, the expiries falling
     * due meanwhile gather for the next one).
     */
    private void fallDue(Due d) {
        if (dueNow.isEmpty()) {
            timer.execute(this::expireDue);
        }
        dueNow.add(d);
    }

    private void expireDue() {
        List<Due> due = new ArrayList<>(dueNow);
        dueNow.clear();
        synchronized (this) {
            due.removeIf(d -> d.entry().grant != d.grant() || byId.get(d.grant().id()) != d.entry()); // extended or revoked
            if (due.isEmpty()) {
                return;
            }
            Map<AccessGrant, FirewallException> failed = closeAll(due.stream().map(Due::grant).toList());
            for (Due d : due) {
                if (!failed.containsKey(d.grant())) {
                    remove(d.entry());
                } else if (d.attempt() < REVOKE_RETRIES) {
                    schedule(d.entry(), d.attempt() + 1);
                } else {
                    LOG.error("Giving up closing grant {} after {} attempts", d.grant().id(), d.attempt() + 1);
                    fault(d.grant(), "Giving up closing grant " + d.grant().id() + " after " + (d.attempt() + 1)
                            + " attempts: the firewall may still hold " + describe(d.grant()));
                    remove(d.entry());
                }
            }
        }
    }

    /** Closes grants with one backend call ({@link #close} for one); returns those that could not be closed. */
    private Map<AccessGrant, FirewallException> closeAll(List<AccessGrant> gs) {
        Map<AccessGrant, FirewallException> failed = new HashMap<>();
        if (gs.size() == 1) {
            if (!close(gs.get(0))) {
                failed.put(gs.get(0), new FirewallException("not closed"));
            }
            return failed;
        }
        FirewallBackend fw = applied;
        if (fw == null) {
            LOG.error("No firewall backend to close {} grant(s)", gs.size());
            gs.forEach(g -> failed.put(g, new FirewallException("no backend")));
            gs.forEach(g -> fault(g, "No firewall backend to close grant " + g.id() + ": " + describe(g)));
            return failed;
        }
        try {
            failed.putAll(fw.revokeAll(gs));
        } catch (RuntimeException ex) {
            gs.forEach(g -> failed.put(g, new FirewallException(String.valueOf(ex.getMessage()), ex)));
        }
        for (AccessGrant g : gs) {
            FirewallException ex = failed.get(g);
            if (ex == null) {
                LOG.info("Grant {} closed: {}", g.id(), describe(g));
            } else {
                LOG.error("Firewall backend {} failed to close grant {}: {}", fw.name(), g.id(), ex.getMessage());
                fault(g, "Firewall backend " + fw.name() + " failed to close grant " + g.id() + " (" + describe(g)
                        + "): " + ex.getMessage());
            }
        }
        return failed;
    }

    private boolean close(AccessGrant g) {
        FirewallBackend fw = applied;
        if (fw == null) {
            LOG.error("No firewall backend to close grant {}", describe(g));
            fault(g, "No firewall backend to close grant " + g.id() + ": " + describe(g));
            return false;
        }
        try {
            fw.revoke(g);
            LOG.info("Grant {} closed: {}", g.id(), describe(g));
            return true;
        } catch (FirewallException | RuntimeException ex) {
            LOG.error("Firewall backend {} failed to close grant {}: {}", fw.name(), g.id(), ex.getMessage());
            fault(g, "Firewall backend " + fw.name() + " failed to close grant " + g.id() + " (" + describe(g) + "): "
                    + ex.getMessage());
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

    /** A grant the firewall could not close (or take over): a FAULT alert naming the backend and the grant. */
    private void fault(AccessGrant g, String message) {
        event(Alert.Kind.FAULT, g, message);
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
                fault(e.grant, "Firewall backend " + current.name() + " failed to take over grant " + e.grant.id()
                        + " (" + describe(e.grant) + "): " + ex.getMessage());
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
        Thread t;
        synchronized (queue) {
            stopped = true;
            t = applier;
        }
        if (t != null && !queue.offer(STOP)) {
            t.interrupt(); // it refuses what still waits
        }
    }
}
