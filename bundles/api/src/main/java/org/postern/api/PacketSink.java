package org.postern.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where capture sources deliver packets: the server's pipeline registers itself as this service.
 *
 * <p>Threading: {@link #accept} is thread-safe and may be called from any number of capture threads at
 * once. It never throws for a bad packet (a refusal is counted and logged by the pipeline) and returns
 * quickly; a capture source must not hold locks while calling it.
 */
@ProviderType
public interface PacketSink {

    /** Offers one captured payload to the pipeline. */
    void accept(CapturedPacket packet);
}
