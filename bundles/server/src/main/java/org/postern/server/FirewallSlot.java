package org.postern.server;

import java.time.Duration;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.FirewallBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firewall backend in force, swapped live as backends come and go: DS binds the best-ranked
 * {@link FirewallBackend} that matches {@code firewall.target} (PID {@value #PID}), and a better one, or a
 * changed target, replaces it without restarting anything. A grant that arrives while no backend is bound
 * (at start-up, or during a swap) waits a bounded time for one instead of failing. Its own component, so
 * that the daemon's configuration and the backend choice change independently.
 *
 * <p>A {@link Listener} (the live grants) hears of every change, outside this object's lock.
 */
@Component(service = FirewallSlot.class, configurationPid = FirewallSlot.PID, immediate = true)
@Designate(ocd = FirewallChoiceConfig.class)
public final class FirewallSlot {

    static final String PID = "org.postern.firewall";

    private static final Logger LOG = LoggerFactory.getLogger(FirewallSlot.class);

    /** Hears of backend changes: {@code current} is null when the backend in force went away. */
    interface Listener {
        void backendChanged(FirewallBackend previous, FirewallBackend current);
    }

    private FirewallBackend backend;
    private Listener listener;

    public FirewallSlot() {
        // DS, and tests
    }

    /** A change of {@code firewall.target} is applied by DS, rebinding the reference; nothing to do here. */
    @Modified
    void modified(FirewallChoiceConfig config) {
        LOG.info("Firewall backend choice: {}", config.firewall_target());
    }

    @Reference(name = "firewall", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindFirewall(FirewallBackend fw) {
        LOG.info("Firewall backend in force: {}", fw.name());
        set(fw);
    }

    void unbindFirewall(FirewallBackend fw) {
        if (clear(fw)) {
            LOG.warn("Firewall backend {} went away", fw.name());
        }
    }

    void set(FirewallBackend fw) {
        FirewallBackend previous;
        Listener l;
        synchronized (this) {
            previous = backend;
            backend = fw;
            l = listener;
            notifyAll();
        }
        if (l != null && previous != fw) {
            l.backendChanged(previous, fw);
        }
    }

    /** Clears the slot if {@code fw} is the backend in force; returns whether it was. */
    boolean clear(FirewallBackend fw) {
        Listener l;
        synchronized (this) {
            if (backend != fw) {
                return false;
            }
            backend = null;
            l = listener;
        }
        if (l != null) {
            l.backendChanged(fw, null);
        }
        return true;
    }

    /** Makes {@code l} the listener and tells it the backend in force now (if any). */
    void attach(Listener l) {
        FirewallBackend now;
        synchronized (this) {
            listener = l;
            now = backend;
        }
        if (now != null) {
            l.backendChanged(null, now);
        }
    }

    synchronized void detach(Listener l) {
        if (listener == l) {
            listener = null;
        }
    }

    synchronized FirewallBackend current() {
        return backend;
    }

    /** The backend in force, waiting up to {@code limit} for one; null when none came. */
    synchronized FirewallBackend await(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (backend == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return backend;
    }
}
