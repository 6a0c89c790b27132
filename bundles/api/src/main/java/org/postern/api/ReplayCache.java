package org.postern.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Digests of packets already accepted, so that none is accepted twice. The server's own cache is
 * durable across restarts; a cluster bundle may provide a shared one.
 *
 * <p>Threading: all methods are thread-safe; {@link #addIfAbsent} is atomic.
 */
@ConsumerType
public interface ReplayCache {

    /** Whether the digest was recorded before. */
    boolean contains(String digest);

    /**
     * Records the digest unless present; returns true when it was absent (the packet is new). A true
     * return means the digest is durably stored.
     *
     * @throws SpaException with {@link RefusalReason#REPLAY_CACHE_UNAVAILABLE} when it cannot be stored
     */
    boolean addIfAbsent(String digest, ReplayRecord record) throws SpaException;

    /** How many digests are held. */
    int size();
}
