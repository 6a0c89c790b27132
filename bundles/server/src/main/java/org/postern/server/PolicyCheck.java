package org.postern.server;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.postern.api.CapturedPacket;
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
     */
    record Decision(InetAddress allow, List<PortSpec> ports, int timeout) {
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
        MessageType t = m.type();
        if (t == MessageType.COMMAND) {
            if (!s.enableCmdExec()) {
                throw new SpaException(RefusalReason.COMMAND_NOT_ALLOWED,
                        "SPA Command messages are not allowed in the current configuration.");
            }
            throw new SpaException(RefusalReason.UNSUPPORTED_MESSAGE, "command mode is not supported yet");
        }
        if (t.hasNatAccess()) {
            throw new SpaException(RefusalReason.NAT_NOT_ALLOWED, "NAT access is not supported yet");
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
        if (!s.permits(ports)) {
            throw new SpaException(RefusalReason.PORT_NOT_PERMITTED,
                    "One or more requested protocol/ports was denied per access.conf: " + m.body());
        }
        return new Decision(allow, ports, s.timeoutFor(m.clientTimeout()));
    }
}
