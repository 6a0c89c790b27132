package org.postern.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.postern.api.CapturedPacket;
import org.postern.api.NatAccess;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;

/**
 * Step 4: what an authenticated message may have, per its stanza: timestamp window, allow address,
 * username, message type and ports. Returns the grant request.
 */
final class PolicyCheck {

    /**
     * What the packet is allowed to open.
     *
     * @param allow   the address let in
     * @param ports   the pairs to open
     * @param timeout seconds
     * @param nat     the address translation to apply, or null for plain access
     */
    record Decision(InetAddress allow, List<PortSpec> ports, int timeout, NatAccess nat) {

        Decision(InetAddress allow, List<PortSpec> ports, int timeout) {
            this(allow, ports, timeout, null);
        }
    }

    private PolicyCheck() {
    }

    static Decision decide(AccessStanza s, SpaMessage m, CapturedPacket p, PolicySet policy, Instant now)
            throws SpaException {
        if (policy.packetAging()) {
            long diff = Math.abs(now.getEpochSecond() - m.timestamp());
            if (diff > policy.maxPacketAge()) {
                throw new SpaException(RefusalReason.TIMESTAMP_OUT_OF_RANGE,
                        "SPA data time difference is too great (" + diff + " seconds).");
            }
        }
        InetAddress allow;
        if ("0.0.0.0".equals(m.allowIp())) {
            if (s.requireSourceAddress()) {
                throw new SpaException(RefusalReason.SOURCE_ADDRESS_REQUIRED,
                        "Got 0.0.0.0 when valid source IP was required.");
            }
            // a proxy's X-Forwarded-For client, when the capture honours it (ENABLE_X_FORWARDED_FOR)
            allow = p.forwardedFor() != null ? p.forwardedFor() : p.source();
        } else {
            try {
                allow = m.allowAddress(); // inet_aton semantics (as iptables reads it), never a DNS lookup
            } catch (IllegalStateException e) {
                throw new SpaException(RefusalReason.BAD_ALLOW_IP, "allow IP " + m.allowIp());
            }
        }
        if (s.requireUsername() != null && !Objects.equals(s.requireUsername(), m.username())) {
            throw new SpaException(RefusalReason.USERNAME_MISMATCH, "Username in SPA data (" + m.username()
                    + ") does not match required username: " + s.requireUsername());
        }
        ServerAuthCheck.check(s, m); // fwknop 1.9: REQUIRE_AUTH_METHOD crypt
        MessageType t = m.type();
        if (t == MessageType.COMMAND) {
            if (!s.enableCmdExec()) {
                throw new SpaException(RefusalReason.COMMAND_NOT_ALLOWED,
                        "SPA Command messages are not allowed in the current configuration.");
            }
            CommandMode.check(s, m.body()); // CMD_REGEX and safe word splitting; Pipeline runs it
            return new Decision(allow, List.of(), 0);
        }
        if (t.hasNatAccess() && !(t.isLocalNat() ? policy.nat().localNat() : policy.nat().forwarding())) {
            // fwknopd's check_nat_access_types
            throw new SpaException(RefusalReason.NAT_NOT_ALLOWED, "SPA packet from " + p.source().getHostAddress()
                    + " requested NAT access, but is not enabled/supported (" + (t.isLocalNat()
                            ? "ENABLE_IPT_LOCAL_NAT" : "ENABLE_IPT_FORWARDING") + " is N)");
        }
        List<PortSpec> ports;
        try {
            ports = m.requestedPorts();
        } catch (IllegalArgumentException e) {
            throw new SpaException(RefusalReason.PORT_NOT_PERMITTED, e.getMessage());
        }
        for (PortSpec ps : ports) {
            if (ps.protocol() == org.postern.api.Protocol.ICMP) {
                throw new SpaException(RefusalReason.PORT_NOT_PERMITTED, "icmp cannot be granted");
            }
        }
        if (s.grantsOpenPortsOnly()) {
            ports = s.openPorts(); // fwknop 1.9 without PERMIT_CLIENT_PORTS: OPEN_PORTS, whatever was asked
        } else if (!s.permits(ports)) {
            throw new SpaException(RefusalReason.PORT_NOT_PERMITTED,
                    "One or more requested protocol/ports was denied per access.conf: " + m.body());
        }
        return new Decision(allow, ports, s.timeoutFor(m.clientTimeout()), natAccess(s, m, allow, policy.nat()));
    }

    /**
     * The NAT of a packet, as fwknopd's process_spa_request decides it: a NAT message type or the stanza's FORCE_NAT
     * (which wins over the message's NAT field), the target resolved (IPv4; a host name only with ENABLE_NAT_DNS),
     * and the source NAT of snat_rule(). Null for plain access.
     */
    static NatAccess natAccess(AccessStanza s, SpaMessage m, InetAddress allow, NatPolicy policy) throws SpaException {
        AccessStanza.StanzaNat sn = s.natSettings();
        if (!m.type().hasNatAccess() && !sn.forceNat()) {
            return null;
        }
        if (!(allow instanceof Inet4Address)) {
            throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "NAT access needs an IPv4 allow address, not "
                    + allow.getHostAddress());
        }
        String natIp;
        int natPort;
        if (sn.forceNat()) {
            natIp = sn.forceNatIp();
            natPort = sn.forceNatPort();
        } else {
            String host = m.natHost();
            try {
                natPort = m.natPort();
            } catch (NumberFormatException e) {
                natPort = -1;
            }
            if (natPort < 0 || natPort > 65535) {
                throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "Invalid NAT port in SPA message");
            }
            natIp = resolve(host, policy.natDns());
        }
        InetAddress target = literal(natIp);
        InetAddress snatAddress = null;
        boolean masquerade = false;
        if (sn.forceSnat() || policy.snat()) {
            if (sn.forceSnatIp() != null) {
                snatAddress = literal(sn.forceSnatIp());
            } else if (!sn.forwardAll() && sn.forceMasquerade()) {
                masquerade = true;
            } else if (policy.snatTranslateIp() != null) {
                snatAddress = literal(policy.snatTranslateIp());
            } else {
                masquerade = true;
            }
        }
        NatAccess.Kind kind = m.type().isLocalNat() ? NatAccess.Kind.LOCAL : NatAccess.Kind.FORWARD;
        return new NatAccess(kind, target, natPort, !sn.disableDnat(), sn.forwardAll(), snatAddress, masquerade);
    }

    private static String resolve(String host, boolean dns) throws SpaException {
        if (host == null || host.isEmpty()) {
            throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "Invalid NAT IP in SPA message");
        }
        if (AccessConfParser.ipv4(host)) {
            return host;
        }
        if (!dns) {
            throw new SpaException(RefusalReason.NAT_TARGET_INVALID,
                    "Received Hostname in NAT SPA message, but hostname is disabled (ENABLE_NAT_DNS N).");
        }
        if (host.length() > 253 || !host.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\\.?")) {
            throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "Invalid Hostname in NAT SPA message");
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address) {
                    return a.getHostAddress();
                }
            }
        } catch (UnknownHostException e) {
            // fall through
        }
        throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "Unable to resolve Hostname in NAT SPA message: " + host);
    }

    private static InetAddress literal(String ipv4) throws SpaException {
        try {
            return InetAddress.getByName(ipv4); // validated dotted quad: no lookup
        } catch (UnknownHostException e) {
            throw new SpaException(RefusalReason.NAT_TARGET_INVALID, "Invalid NAT IP " + ipv4);
        }
    }
}
