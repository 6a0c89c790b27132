package org.postern.api;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One knock: a logged or captured packet from a source to a destination port (fwknop 1.9 knock mode).
 *
 * @param source      the packet's source address
 * @param port        the destination port (0 for ICMP)
 * @param protocol    TCP, UDP or ICMP
 * @param epochMillis when the packet was seen (processing time, as 1.9 uses)
 * @param syn         the SYN fingerprint when the packet is a TCP SYN whose options were seen, else null
 */
public record KnockEvent(InetAddress source, int port, Protocol protocol, long epochMillis, SynSignature syn) {

    public KnockEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(protocol, "protocol");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** A knock without a SYN fingerprint. */
    public KnockEvent(InetAddress source, int port, Protocol protocol, long epochMillis) {
        this(source, port, protocol, epochMillis, null);
    }

    /** The SYN fingerprint, when there is one. */
    public Optional<SynSignature> signature() {
        return Optional.ofNullable(syn);
    }
}
