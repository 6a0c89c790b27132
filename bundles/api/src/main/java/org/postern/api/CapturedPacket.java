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
 * @param received       when the capture source received it (for a recorded pcap file: when it was recorded)
 * @param captureName    the name of the capture source instance, for logs and counters
 * @param forwardedFor   the client address an HTTP proxy named in {@code X-Forwarded-For}, or {@code null};
 *                       set only by a source configured to honour that header (fwknopd
 *                       {@code ENABLE_X_FORWARDED_FOR}). The pipeline lets it in instead of {@link #source()}
 *                       when the SPA message asks for its source address ({@code 0.0.0.0}); stanzas are still
 *                       matched against {@link #source()}.
 */
public record CapturedPacket(byte[] payload, InetAddress source, int sourcePort, InetAddress destination,
        int destinationPort, Transport transport, Instant received, String captureName, InetAddress forwardedFor) {

    public CapturedPacket {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(received, "received");
        Objects.requireNonNull(captureName, "captureName");
    }

    /** A packet without an {@code X-Forwarded-For} address (every source but SPA over HTTP). */
    public CapturedPacket(byte[] payload, InetAddress source, int sourcePort, InetAddress destination,
            int destinationPort, Transport transport, Instant received, String captureName) {
        this(payload, source, sourcePort, destination, destinationPort, transport, received, captureName, null);
    }
}
