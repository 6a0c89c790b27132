package org.postern.api;

/** How an SPA payload reached a capture source. */
public enum Transport {
    /** A UDP datagram (fwknop's default, also {@code -P udpraw}). */
    UDP,
    /** The payload of a TCP segment or connection ({@code -P tcp}, {@code tcpraw}). */
    TCP,
    /** The payload of an ICMP message ({@code -P icmp}). */
    ICMP,
    /** An HTTP request line {@code GET /<spa>} ({@code -P http}). */
    HTTP
}
