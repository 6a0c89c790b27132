package org.postern.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where knock feeds (a kernel log follower, a pcap capture) deliver knocks: the server registers itself as this
 * service, runs them through a {@link KnockDecoder} and grants completed sequences.
 *
 * <p>Threading: {@link #accept} is thread-safe, never throws for a bad knock and returns quickly; a feed must not
 * hold locks while calling it.
 */
@ProviderType
public interface KnockSink {

    /** Offers one knock. */
    void accept(KnockEvent event);
}
