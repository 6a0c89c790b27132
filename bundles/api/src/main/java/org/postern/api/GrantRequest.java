package org.postern.api;

import java.net.InetAddress;

/**
 * What the SPA request behind a grant said beyond the opening itself, for backends that render it into
 * commands (fwknop's command cycles and their variables) rather than plain rules.
 *
 * @param packetSource     the SPA packet's source address ({@code $PKT_SRC}); the grant's source is the allow IP
 * @param messageTimestamp the SPA message's timestamp (client clock), epoch seconds
 * @param clientTimeout    the timeout the client asked for, 0 when it asked for none ({@code $CLIENT_TIMEOUT})
 * @param timeout          the seconds granted
 * @param natAddress       the NAT target address (message or FORCE_NAT), or null ({@code $NAT_IP})
 * @param natPort          the NAT target port, 0 when none ({@code $NAT_PORT})
 * @param commandCycle     the granting stanza's command cycle, or null when it has none
 * @param nat              the address translation to apply with the opening, or null for a plain access grant
 *                         (since 1.2)
 */
public record GrantRequest(InetAddress packetSource, long messageTimestamp, int clientTimeout, int timeout,
        String natAddress, int natPort, CommandCycle commandCycle, NatAccess nat) {

    /** A request without address translation (the 1.1 form). */
    public GrantRequest(InetAddress packetSource, long messageTimestamp, int clientTimeout, int timeout,
            String natAddress, int natPort, CommandCycle commandCycle) {
        this(packetSource, messageTimestamp, clientTimeout, timeout, natAddress, natPort, commandCycle, null);
    }
}
