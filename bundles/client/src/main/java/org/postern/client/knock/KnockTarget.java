package org.postern.client.knock;

import java.util.Objects;

/**
 * Where a knock goes and how.
 *
 * @param host          the SPA server, host name or IPv4 address (resolved to IPv4 only, as fwknop does)
 * @param port          destination port
 * @param transport     udp, tcp or http
 * @param httpUserAgent the User-Agent of an HTTP knock
 */
public record KnockTarget(String host, int port, KnockTransport transport, String httpUserAgent) {

    public KnockTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        if (httpUserAgent == null) {
            httpUserAgent = KnockOptions.DEFAULT_USER_AGENT;
        }
    }

    /** {@code host:port/proto}, for messages. */
    @Override
    public String toString() {
        return host + ":" + port + "/" + transport.wireName();
    }
}
