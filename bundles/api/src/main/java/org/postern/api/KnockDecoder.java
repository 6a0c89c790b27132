package org.postern.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Assembles fwknop 1.9 knock sequences (shared and encrypted) from single knocks and judges them.
 *
 * <p>Implemented by the knock bundle; the server calls it. Stateful: partial sequences, SYN fingerprints and
 * grant counts are kept per source (and stanza) inside, with bounds so that a flood of sources cannot grow memory
 * without limit. Thread-safe: {@link #offer} may be called from several feeds at once.
 */
@ProviderType
public interface KnockDecoder {

    /**
     * Offers one knock. The stanzas are those of the current configuration, in access.conf order; only those
     * whose SOURCE matches the event's source are considered. State is kept per source and stanza
     * {@link KnockStanza#name() name}; when a stanza's sequence changes (a reload) its partial sequences start
     * afresh.
     *
     * @return the verdicts this knock completed or ended (usually empty), in stanza order
     */
    List<KnockVerdict> offer(KnockEvent event, List<KnockStanza> stanzas);

    /** Forgets all partial sequences, fingerprints and counters (a configuration reload may call this). */
    void reset();
}
