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
 * @param origins              keyword to where its value was read ({@code file:line}), for {@code spa:stanzas}
 */
record AccessStanza(String name, List<AddressRange> sources, List<AddressRange> destinations, RijndaelKey key,
        GpgKey gpgKey, HmacKey hmacKey, List<PortSpec> openPorts, List<PortSpec> restrictPorts, int fwAccessTimeout,
        int maxFwTimeout, boolean requireSourceAddress, String requireUsername, boolean enableCmdExec,
        Instant expires, Map<String, String> display, Map<String, String> origins) {

    AccessStanza {
        origins = origins == null ? Map.of() : origins;
    }

    /** The same stanza under another name (a native stanza is named by its configuration, not file:line). */
    AccessStanza withName(String newName) {
        return new AccessStanza(newName, sources, destinations, key, gpgKey, hmacKey, openPorts, restrictPorts,
                fwAccessTimeout, maxFwTimeout, requireSourceAddress, requireUsername, enableCmdExec, expires, display,
                origins);
    }

    boolean matchesSource(InetAddress src) {
        for (AddressRange r : sources) {
            if (r.matches(src)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesDestination(InetAddress dst) {
        if (destinations.isEmpty()) {
            return true;
        }
        if (dst == null) {
            return false; // a UDP socket bound to the wildcard cannot tell: a restricted stanza does not serve it
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

    /**
     * fwknop 1.9's {@code PERMIT_CLIENT_PORTS N} (written explicitly) with OPEN_PORTS: the grant opens OPEN_PORTS
     * whatever the client asked (1.9 opened the client's ports only with PERMIT_CLIENT_PORTS Y). Absent or Y: the
     * 2.x rule, the client's ports as OPEN_PORTS / RESTRICT_PORTS permit them.
     */
    boolean grantsOpenPortsOnly() {
        String v = display.get("PERMIT_CLIENT_PORTS");
        return v != null && !v.isEmpty() && v.charAt(0) != 'y' && v.charAt(0) != 'Y' && !openPorts.isEmpty()
                && openPorts.stream().noneMatch(p -> p.protocol() == org.postern.api.Protocol.ICMP);
    }

    /** fwknop 1.9's REQUIRE_AUTH_METHOD ({@code crypt}, lower case), or null; see {@link ServerAuthCheck}. */
    String requireAuthMethod() {
        String v = display.get("REQUIRE_AUTH_METHOD");
        return v == null || v.isBlank() ? null : v.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** fwknop 1.9's SHADOW_FILE, default {@code /etc/shadow}. */
    java.nio.file.Path shadowFile() {
        String v = display.get("SHADOW_FILE");
        return v == null || v.isBlank() ? ServerAuthCheck.DEFAULT_SHADOW : java.nio.file.Path.of(v.strip());
    }

    /**
     * Command mode settings: ENABLE_CMD_SUDO_EXEC, CMD_EXEC_USER / CMD_EXEC_GROUP, CMD_SUDO_EXEC_USER /
     * CMD_SUDO_EXEC_GROUP and CMD_REGEX (validated by the parser, kept as written in {@link #display}).
     */
    CommandSettings commandSettings() {
        String regex = display.get("CMD_REGEX");
        String sudo = display.get("ENABLE_CMD_SUDO_EXEC");
        return new CommandSettings(sudo != null && !sudo.isEmpty() && (sudo.charAt(0) == 'y' || sudo.charAt(0) == 'Y'),
                word("CMD_EXEC_USER"), word("CMD_EXEC_GROUP"), word("CMD_SUDO_EXEC_USER"), word("CMD_SUDO_EXEC_GROUP"),
                regex == null ? null : java.util.regex.Pattern.compile(regex.strip()));
    }

    private String word(String keyword) {
        String v = display.get(keyword);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /**
     * How a stanza runs command-mode commands.
     *
     * @param sudo      ENABLE_CMD_SUDO_EXEC: prefix SUDO_EXE
     * @param user      CMD_EXEC_USER, or null (root, the daemon's user)
     * @param group     CMD_EXEC_GROUP, or null (the user's primary group)
     * @param sudoUser  CMD_SUDO_EXEC_USER, or null (root)
     * @param sudoGroup CMD_SUDO_EXEC_GROUP, or null (root)
     * @param regex     CMD_REGEX: the whole command must match it; null for any command
     */
    record CommandSettings(boolean sudo, String user, String group, String sudoUser, String sudoGroup,
            java.util.regex.Pattern regex) {
    }

    /**
     * The stanza's NAT keywords (validated by the parser, kept as written in {@link #display}): FORCE_NAT,
     * FORCE_SNAT, FORCE_MASQUERADE, DISABLE_DNAT, FORWARD_ALL. As fwknopd's access.c: FORCE_MASQUERADE also sets
     * force_snat, and FORCE_SNAT / FORCE_MASQUERADE with FORWARD_ALL but no FORCE_NAT force NAT to 0.0.0.0 port 0.
     */
    StanzaNat natSettings() {
        String forceNat = display.get("FORCE_NAT");
        String forceSnat = display.get("FORCE_SNAT");
        boolean masquerade = flag("FORCE_MASQUERADE");
        boolean forwardAll = flag("FORWARD_ALL");
        String natIp = null;
        int natPort = 0;
        if (forceNat != null) {
            String[] f = forceNat.strip().split("\\s+");
            natIp = f[0];
            natPort = Integer.parseInt(f[1]);
        } else if ((forceSnat != null || masquerade) && forwardAll) {
            natIp = "0.0.0.0";
        }
        return new StanzaNat(natIp, natPort, forceSnat == null ? null : forceSnat.strip().split("\\s+")[0],
                masquerade, flag("DISABLE_DNAT"), forwardAll);
    }

    private boolean flag(String keyword) {
        String v = display.get(keyword);
        return v != null && !v.isEmpty() && (v.charAt(0) == 'y' || v.charAt(0) == 'Y');
    }

    /**
     * A stanza's NAT keywords.
     *
     * @param forceNatIp      FORCE_NAT address (or 0.0.0.0 implied by FORWARD_ALL with source NAT), null when none
     * @param forceNatPort    FORCE_NAT port
     * @param forceSnatIp     FORCE_SNAT address, or null
     * @param forceMasquerade FORCE_MASQUERADE
     * @param disableDnat     DISABLE_DNAT
     * @param forwardAll      FORWARD_ALL
     */
    record StanzaNat(String forceNatIp, int forceNatPort, String forceSnatIp, boolean forceMasquerade,
            boolean disableDnat, boolean forwardAll) {

        boolean forceNat() {
            return forceNatIp != null;
        }

        /** fwknop's acc->force_snat: FORCE_SNAT or FORCE_MASQUERADE. */
        boolean forceSnat() {
            return forceSnatIp != null || forceMasquerade;
        }
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
