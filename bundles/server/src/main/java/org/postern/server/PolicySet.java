package org.postern.server;

import java.util.List;

/**
 * The configuration the pipeline applies, swapped as a whole on reload.
 *
 * @param stanzas          access stanzas in trial order
 * @param packetAging      ENABLE_SPA_PACKET_AGING
 * @param maxPacketAge     MAX_SPA_PACKET_AGE seconds
 * @param testMode         fwknopd -t: decide but change nothing
 * @param nat              fwknopd.conf's NAT switches
 */
record PolicySet(List<AccessStanza> stanzas, boolean packetAging, int maxPacketAge, boolean testMode, NatPolicy nat) {

    PolicySet {
        nat = nat == null ? NatPolicy.OFF : nat;
    }

    /** A policy with fwknopd's NAT defaults (all off). */
    PolicySet(List<AccessStanza> stanzas, boolean packetAging, int maxPacketAge, boolean testMode) {
        this(stanzas, packetAging, maxPacketAge, testMode, NatPolicy.OFF);
    }
}
