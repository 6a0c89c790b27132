package org.postern.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A way SPA packets arrive: a live interface, a pcap file, a socket. Implemented by capture bundles, one
 * component instance per configured source; each instance pushes what it receives into the
 * {@link PacketSink} service and registers itself under this interface so operators can list it.
 *
 * <p>Threading: a source runs its own thread(s), started on activation and stopped, within a bounded time,
 * on deactivation. The query methods are called from any thread.
 */
@ConsumerType
public interface CaptureSource {

    /** The instance name (the {@code name} of its configuration). */
    String name();

    /** The kind of source: {@code pcap}, {@code udp}, {@code tcp}, {@code http}, {@code pcapfile}. */
    String kind();

    /** A short human description of what it listens to, such as {@code veth0 'udp port 62201'}. */
    String describe();

    /** Whether it is currently receiving. */
    State state();

    /** How many payloads it has passed to the sink since it started. */
    long packetsDelivered();

    /** The life-cycle state of a capture source. */
    enum State { STARTING, RUNNING, FAILED, STOPPED }
}
