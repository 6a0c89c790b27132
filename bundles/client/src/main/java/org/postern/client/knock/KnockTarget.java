package org.postern.client.knock;

import java.util.Objects;

/**
 * Where a knock goes and how.
 *
 * @param host          the SPA server, host name or IPv4 address (resolved to IPv4 only, as fwknop does)
 * @param port          destination port
 * @param transport     udp, tcp, http or one of the raw transports
 * @param httpUserAgent the User-Agent of an HTTP knock
 * @param httpProxy     {@code host[:port]} (an {@code http://} prefix is allowed) of an HTTP proxy, or null
 * @param sourcePort    the source port of a raw packet; 0 lets the sender pick one (a random high port)
 * @param spoofSource   the IPv4 source address of a raw packet, or null for the host's own address
 * @param icmpType      the ICMP type of an {@code icmp} knock (0..40, fwknop's default 0 = echo reply)
 * @param icmpCode      the ICMP code of an {@code icmp} knock (0..15)
 */
public record KnockTarget(String host, int port, KnockTransport transport, String httpUserAgent, String httpProxy,
        int sourcePort, String spoofSource, int icmpType, int icmpCode) {

    public KnockTarget {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(transport, "transport");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        if (sourcePort < 0 || sourcePort > 65535) {
            throw new IllegalArgumentException("source port " + sourcePort + " out of range");
        }
        if (icmpType < 0 || icmpType > KnockOptions.MAX_ICMP_TYPE || icmpCode < 0
                || icmpCode > KnockOptions.MAX_ICMP_CODE) {
            throw new IllegalArgumentException("icmp type/code " + icmpType + "/" + icmpCode + " out of range");
        }
        if (httpUserAgent == null) {
            httpUserAgent = KnockOptions.DEFAULT_USER_AGENT;
        }
    }

    /** A plain UDP, TCP or HTTP target without proxy. */
    public KnockTarget(String host, int port, KnockTransport transport, String httpUserAgent) {
        this(host, port, transport, httpUserAgent, null, 0, null, 0, 0);
    }

    /** {@code host:port/proto}, for messages. */
    @Override
    public String toString() {
        return host + ":" + port + "/" + transport.wireName();
    }
}
