package org.postern.server;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.postern.api.CommandCycle;
import org.postern.api.GpgKey;
import org.postern.api.PortSpec;
import org.postern.api.RijndaelKey;
import org.postern.fko.HmacKey;

/**
 * One access stanza of access.conf, validated: which sources it serves, the keys it tries, and the
 * policy it applies to a packet its keys open.
 *
 * @param name                 how logs and the shell name it (file:line of its SOURCE)
 * @param sources              SOURCE ranges
 * @param destinations         DESTINATION ranges, empty for any
 * @param key                  the Rijndael key, or null when the stanza has none
 * @param gpgKey               the GnuPG keys and signature policy, or null when the stanza has none
 * @param hmacKey              the HMAC key, or null
 * @param openPorts            OPEN_PORTS, empty for any
 * @param restrictPorts        RESTRICT_PORTS
 * @param fwAccessTimeout      FW_ACCESS_TIMEOUT seconds
 * @param maxFwTimeout         MAX_FW_TIMEOUT seconds
 * @param requireSourceAddress REQUIRE_SOURCE_ADDRESS
 * @param requireUsername      REQUIRE_USERNAME, or null
 * @param enableCmdExec        ENABLE_CMD_EXEC
 * @param expires              ACCESS_EXPIRE / ACCESS_EXPIRE_EPOCH instant, or null
 * @param display              keyword to value as written, key values masked, for {@code spa:stanzas}
 */
record AccessStanza(String name, List<AddressRange> sources, List<AddressRange> destinations, RijndaelKey key,
        GpgKey gpgKey, HmacKey hmacKey, List<PortSpec> openPorts, List<PortSpec> restrictPorts, int fwAccessTimeout,
        int maxFwTimeout, boolean requireSourceAddress, String requireUsername, boolean enableCmdExec,
        Instant expires, Map<String, String> display) {

    boolean matchesSource(InetAddress src) {
        for (AddressRange r : sources) {
            if (r.matches(src)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesDestination(InetAddress dst) {
        if (destinations.isEmpty() || dst == null) {
            return true;
        }
        for (AddressRange r : destinations) {
            if (r.matches(dst)) {
                return true;
            }
        }
        return false;
    }

    boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** fwknop's port policy: no requested pair restricted, and every pair listed in OPEN_PORTS when set. */
    boolean permits(List<PortSpec> requested) {
        for (PortSpec p : requested) {
            if (restrictPorts.contains(p)) {
                return false;
            }
            if (!openPorts.isEmpty() && !openPorts.contains(p)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The firewall timeout for a packet: the client's (capped by MAX_FW_TIMEOUT) or FW_ACCESS_TIMEOUT. With a
     * command cycle that closes, fwknopd's close timer: the client's timeout (not capped) or CMD_CYCLE_TIMER.
     */
    int timeoutFor(int clientTimeout) {
        CommandCycle cycle = commandCycle();
        if (cycle != null && cycle.close() != null) {
            return clientTimeout > 0 ? clientTimeout : cycle.timer();
        }
        return clientTimeout > 0 ? Math.min(clientTimeout, maxFwTimeout) : fwAccessTimeout;
    }

    /** CMD_CYCLE_OPEN / CLOSE / TIMER (validated by the parser, kept as written in {@link #display}), or null. */
    CommandCycle commandCycle() {
        String open = display.get("CMD_CYCLE_OPEN");
        if (open == null) {
            return null;
        }
        String timer = display.get("CMD_CYCLE_TIMER");
        return new CommandCycle(open.strip(), display.get("CMD_CYCLE_CLOSE"),
                timer == null ? 0 : Integer.parseInt(timer.strip()));
    }
}
