package org.postern.client.knock;

import java.util.Locale;

/** How the packet travels to the server ({@code -P/--server-proto}, {@code SPA_SERVER_PROTO}). */
public enum KnockTransport {
    /** One datagram from a connected UDP socket (fwknop's default). */
    UDP("udp"),
    /** The payload written to an established TCP connection. */
    TCP("tcp"),
    /** {@code GET /<payload with + as - and / as _> HTTP/1.0} over TCP, directly or through a proxy. */
    HTTP("http"),
    /** A hand-made IPv4/UDP packet on a raw socket (no UDP checksum), so the source address can be spoofed. */
    UDP_RAW("udpraw"),
    /** A hand-made IPv4/TCP SYN (seq 1, window 32767, checksum 0) carrying the payload, on a raw socket. */
    TCP_RAW("tcpraw"),
    /** A hand-made IPv4/ICMP packet (type/code from {@code --icmp-type}/{@code --icmp-code}), on a raw socket. */
    ICMP("icmp");

    private final String wireName;

    KnockTransport(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name fwknop uses ({@code udp}, {@code tcp}, {@code http}, {@code udpraw}, ...). */
    public String wireName() {
        return wireName;
    }

    /** Whether this transport builds its own IP header on a raw socket (root or CAP_NET_RAW). */
    public boolean raw() {
        return this == UDP_RAW || this == TCP_RAW || this == ICMP;
    }

    /**
     * Parses fwknop's names, case-insensitively.
     *
     * @throws KnockException for an unknown name ({@code Unrecognized protocol: <name>}, as fwknop)
     */
    public static KnockTransport parse(String name) throws KnockException {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (KnockTransport t : values()) {
            if (t.wireName.equals(n)) {
                return t;
            }
        }
        throw new KnockException("Unrecognized protocol: " + name);
    }
}
