package org.postern.api;

import java.net.InetAddress;
import java.util.Objects;

/**
 * The network address translation a grant asks for, resolved by the server from the SPA message's NAT field
 * (fwknop's {@code -N host:port} / {@code --nat-local}), the stanza's FORCE_NAT, FORCE_SNAT, FORCE_MASQUERADE,
 * DISABLE_DNAT and FORWARD_ALL, and fwknopd.conf's ENABLE_IPT_SNAT and SNAT_TRANSLATE_IP. Backends render it the
 * way fwknopd 2.6.10 does: only the grant's first proto/port pair (fwknop's {@code fst_port}) takes part.
 *
 * @param kind        forwarded to another host, or translated to a port of the gateway itself
 * @param address     the NAT target ({@code nat_ip}); {@code 0.0.0.0} with FORWARD_ALL and no FORCE_NAT
 * @param port        the NAT target port ({@code nat_port}), 0 with FORWARD_ALL and no FORCE_NAT
 * @param dnat        false when the stanza says DISABLE_DNAT: no destination NAT rule
 * @param forwardAll  FORWARD_ALL: forward every protocol and port for the client
 * @param snatAddress source NAT to this address (FORCE_SNAT or SNAT_TRANSLATE_IP), or null
 * @param masquerade  source NAT by MASQUERADE (FORCE_MASQUERADE, or ENABLE_IPT_SNAT without SNAT_TRANSLATE_IP);
 *                    never together with {@code snatAddress}
 */
public record NatAccess(Kind kind, InetAddress address, int port, boolean dnat, boolean forwardAll,
        InetAddress snatAddress, boolean masquerade) {

    /** Which NAT the client asked for. */
    public enum Kind {
        /** Message types 2/4 or FORCE_NAT: a FORWARD rule and DNAT to another host. */
        FORWARD,
        /** Message types 5/6 ({@code --nat-local}): an INPUT rule for the NAT port and DNAT on the gateway. */
        LOCAL
    }

    public NatAccess {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("NAT port out of range: " + port);
        }
        if (snatAddress != null && masquerade) {
            throw new IllegalArgumentException("SNAT to an address and MASQUERADE exclude each other");
        }
    }

    /** Whether a source NAT rule (SNAT or MASQUERADE) goes with the grant. */
    public boolean sourceNat() {
        return snatAddress != null || masquerade;
    }
}
