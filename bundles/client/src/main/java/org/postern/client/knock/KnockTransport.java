package org.postern.client.knock;

import java.util.Locale;

/** How the packet travels to the server ({@code -P/--server-proto}, {@code SPA_SERVER_PROTO}). */
public enum KnockTransport {
    /** One datagram from a connected UDP socket (fwknop's default). */
    UDP,
    /** The payload written to an established TCP connection. */
    TCP,
    /** {@code GET /<payload with + as - and / as _> HTTP/1.0} over TCP. */
    HTTP;

    /** The lower-case name fwknop uses. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses fwknop's names, case-insensitively.
     *
     * @throws KnockException for unknown names and for fwknop's raw modes, which this client does not offer yet
     */
    public static KnockTransport parse(String name) throws KnockException {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "udp":
                return UDP;
            case "tcp":
                return TCP;
            case "http":
                return HTTP;
            case "udpraw":
            case "tcpraw":
            case "icmp":
                throw new KnockException("server protocol '" + n + "' (raw sockets) is not supported by this client yet");
            default:
                throw new KnockException("Unrecognized protocol: " + name);
        }
    }
}
