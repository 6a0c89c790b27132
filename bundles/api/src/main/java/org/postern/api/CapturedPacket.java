package org.postern.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One candidate SPA payload as a capture source saw it, before any check.
 *
 * @param payload        the application payload exactly as received (for HTTP: already extracted and
 *                       mapped back from the URL alphabet); never modified downstream
 * @param source         the packet's IP source address
 * @param sourcePort     its source port, 0 where there is none (ICMP)
 * @param destination    the packet's IP destination address; {@code null} where the source cannot know it
 *                       (a plain UDP socket bound to the wildcard address)
 * @param destinationPort the destination port, 0 where there is none
 * @param transport      how the payload travelled
 * @param received       when the capture source received it
 * @param captureName    the name of the capture source instance, for logs and counters
 */
public record CapturedPacket(byte[] payload, InetAddress source, int sourcePort, InetAddress destination,
        int destinationPort, Transport transport, Instant received, String captureName) {

    public CapturedPacket {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(captureName, "captureName");
    }
}
