package org.postern.api;

/**
 * What fwknop's {@code digest.cache} stores beside a digest: the packet's protocol number, addresses,
 * ports and the time it was accepted (epoch seconds).
 */
public record ReplayRecord(int protocol, String sourceAddress, int sourcePort, String destinationAddress,
        int destinationPort, long epochSeconds) {
}
