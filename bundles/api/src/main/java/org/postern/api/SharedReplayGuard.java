package org.postern.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A replay check shared by several gateways, provided by the optional cluster bundle. The server asks it,
 * after its own durable {@link ReplayCache} has recorded a digest and before it opens anything, whether the
 * packet is new cluster-wide. Without such a service the server runs alone, as before.
 *
 * <p>Threading: thread-safe; {@link #claim} is atomic cluster-wide (insert-if-absent).
 */
@ProviderType
public interface SharedReplayGuard {

    /**
     * Records the digest in the cluster unless present: true when it was absent everywhere (the packet is new),
     * false when another gateway recorded it first (a replay). Bounded in time.
     *
     * @throws SpaException with {@link RefusalReason#CLUSTER_UNCONFIRMED} when the cluster cannot confirm the
     *                      digest is new and the partition policy is closed (with the open policy the call
     *                      returns true and the local replay cache alone decides)
     */
    boolean claim(String digest, ReplayRecord record) throws SpaException;
}
