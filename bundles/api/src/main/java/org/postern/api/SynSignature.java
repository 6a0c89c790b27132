package org.postern.api;

import java.util.List;

/**
 * The parts of a TCP SYN that fwknop 1.9's passive OS fingerprinting reads (pf.os / p0f v1 signatures).
 *
 * @param ttl         the IP time to live as received
 * @param window      the TCP window size
 * @param dontFragment whether the IP DF bit is set
 * @param totalLength the IP total length ({@code LEN=} in an iptables LOG line)
 * @param options     the TCP options in order, in p0f notation: {@code N} (NOP), {@code M<mss>},
 *                    {@code W<scale>}, {@code S} (SACK permitted), {@code T} (timestamp, TSval not zero) or
 *                    {@code T0} (timestamp with TSval 0); parsing stops at EOL as 1.9 does
 */
public record SynSignature(int ttl, int window, boolean dontFragment, int totalLength, List<String> options) {

    public SynSignature {
        options = List.copyOf(options);
    }
}
