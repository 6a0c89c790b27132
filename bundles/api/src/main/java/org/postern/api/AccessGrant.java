package org.postern.api;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An opening in the firewall: {@code source} may reach {@code ports} (on {@code destination}, or on any
 * local address when it is null) until {@code expiresAt}. Immutable; firewall backends render it into
 * their own rule syntax.
 *
 * @param id          a short unique identifier, shown by {@code spa:grants} and taken by {@code spa:revoke}
 * @param source      the address let in (the message's allow IP, or the packet source for 0.0.0.0)
 * @param destination the packet's destination address when known, else null; a backend binds its rules
 *                    to it only where configured to (fwknop's ENABLE_DESTINATION_RULE)
 * @param ports       the proto/port pairs opened, at least one
 * @param expiresAt   when the opening closes (server clock)
 * @param stanza      the name of the access stanza that granted it
 * @param request     what the SPA request said beyond the opening (packet source, timestamps, NAT target, the
 *                    stanza's command cycle), or null when not known (e.g. an opening adopted from a firewall)
 */
public record AccessGrant(String id, InetAddress source, InetAddress destination, List<PortSpec> ports,
        Instant expiresAt, String stanza, GrantRequest request) {

    public AccessGrant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(expiresAt, "expiresAt");
        ports = List.copyOf(ports);
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("a grant opens at least one port");
        }
        stanza = stanza == null ? "" : stanza;
    }

    /** A grant without request details. */
    public AccessGrant(String id, InetAddress source, InetAddress destination, List<PortSpec> ports,
            Instant expiresAt, String stanza) {
        this(id, source, destination, ports, expiresAt, stanza, null);
    }

    /** The address translation the grant asks for, or null for plain access (since 1.2). */
    public NatAccess nat() {
        return request == null ? null : request.nat();
    }

    /** The same opening with a new expiry (a re-knock extends a live grant). */
    public AccessGrant withExpiry(Instant newExpiry) {
        return new AccessGrant(id, source, destination, ports, newExpiry, stanza, request);
    }
}
