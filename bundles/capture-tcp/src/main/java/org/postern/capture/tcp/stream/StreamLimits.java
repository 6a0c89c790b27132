package org.postern.capture.tcp.stream;

/**
 * What one {@link BoundedStreamListener} allows, so that no peer, slow or flooding, can starve it.
 *
 * @param maxConnections          connections held at once; a new one beyond it evicts the oldest
 * @param maxConnectionsPerSource connections held at once from one address; a new one beyond it evicts that
 *                                address's oldest, so one flooding peer only displaces itself
 * @param readTimeoutMillis       how long a connection may take, from accept, to deliver what it has to say
 * @param maxBytes                bytes read from one connection at most (one more is read to tell "too long")
 * @param backlog                 the listen queue length
 */
public record StreamLimits(int maxConnections, int maxConnectionsPerSource, int readTimeoutMillis, int maxBytes,
        int backlog) {

    /** Why the limits cannot work, or {@code null}. */
    public String problem() {
        if (maxConnections < 1 || maxConnections > 65536) {
            return "maxConnections " + maxConnections + " is outside 1..65536";
        }
        if (maxConnectionsPerSource < 1) {
            return "maxConnectionsPerSource " + maxConnectionsPerSource + " is below 1";
        }
        if (readTimeoutMillis < 10 || readTimeoutMillis > 600_000) {
            return "readTimeoutMillis " + readTimeoutMillis + " is outside 10..600000";
        }
        if (maxBytes < 1 || maxBytes > 1 << 20) {
            return "maxBytes " + maxBytes + " is outside 1..1048576";
        }
        if (backlog < 1 || backlog > 65535) {
            return "backlog " + backlog + " is outside 1..65535";
        }
        return null;
    }

    /** For example {@code max 256 connections (16 per source), 3000 ms, 1500 bytes}. */
    public String describe() {
        return "max " + maxConnections + " connections (" + maxConnectionsPerSource + " per source), "
                + readTimeoutMillis + " ms, " + maxBytes + " bytes";
    }
}
