package org.postern.server;

import java.time.Duration;

import org.postern.api.FirewallBackend;

/**
 * The firewall backend in force, swapped live as backends come and go. A grant that arrives while no
 * backend is bound (at start-up, or during a swap) waits a bounded time for one instead of failing.
 */
final class FirewallSlot {

    private FirewallBackend backend;

    synchronized void set(FirewallBackend fw) {
        backend = fw;
        notifyAll();
    }

    /** Clears the slot if {@code fw} is the backend in force; returns whether it was. */
    synchronized boolean clear(FirewallBackend fw) {
        if (backend == fw) {
            backend = null;
            return true;
        }
        return false;
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
