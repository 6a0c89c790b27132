package org.postern.fko;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.postern.api.PortSpec;

/**
 * One decoded (or to-be-encoded) SPA message: the fields of fwknop's plaintext format in wire order.
 *
 * @param random        the 16-digit random value
 * @param username      the user name (decoded)
 * @param timestamp     seconds since the epoch, as the client put it
 * @param version       the protocol version string ({@code 3.0.0} for fwknop 2.6.x, {@code 1.9.12} for Perl)
 * @param type          the message type
 * @param message       the decoded message: {@code allowIP,proto/port[,...]} or {@code allowIP,command}
 * @param natAccess     the decoded nat_access field {@code host,port}, or null
 * @param serverAuth    the decoded server_auth field, or null
 * @param clientTimeout the client timeout in seconds, 0 when absent
 * @param digestType    the inner digest the message carries (or is to carry)
 */
public record SpaMessage(String random, String username, long timestamp, String version, MessageType type,
        String message, String natAccess, String serverAuth, int clientTimeout, DigestType digestType) {

    /** The protocol version fwknop 2.6.x sends. */
    public static final String PROTOCOL_VERSION = "3.0.0";

    public SpaMessage {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(digestType, "digestType");
    }

    /** The allow IP: the message up to its first comma ({@code 0.0.0.0} means "the packet's source"). */
    public String allowIp() {
        int comma = message.indexOf(',');
        return comma < 0 ? message : message.substring(0, comma);
    }

    /**
     * The allow address as an {@link InetAddress}, without any name lookup. IPv4 is read as libfko and
     * iptables read it ({@code inet_aton}: a part with a leading zero is octal, so {@code 010.0.0.1} is
     * 8.0.0.1, where {@code InetAddress.getByName} would say 10.0.0.1); an IPv6 literal (Postern extension)
     * gives an {@link java.net.Inet6Address} (or an {@link java.net.Inet4Address} for an IPv4-mapped one).
     *
     * @throws IllegalStateException when the allow IP is not a valid address (never for a decoded message)
     */
    public InetAddress allowAddress() {
        String ip = allowIp();
        byte[] raw = ip.indexOf(':') >= 0 ? MessageRules.ipv6(ip)
                : MessageRules.isIpv4(ip) ? MessageRules.inetAton(ip) : null;
        if (raw == null) {
            throw new IllegalStateException("not an address: " + ip);
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the allow address is an IPv6 literal (Postern extension; a fwknop peer never sends one). */
    public boolean isIpv6() {
        return allowIp().indexOf(':') >= 0;
    }

    /** What follows the allow IP: the proto/port list, or the command for {@link MessageType#COMMAND}. */
    public String body() {
        int comma = message.indexOf(',');
        return comma < 0 ? "" : message.substring(comma + 1);
    }

    /** The requested proto/port pairs of an access message (entries fwknop's server cannot grant are skipped by the caller). */
    public List<String> accessSpecs() {
        List<String> out = new ArrayList<>();
        for (String s : body().split(",")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The requested pairs parsed as tcp/udp port specs; throws for icmp/none entries. */
    public List<PortSpec> requestedPorts() {
        List<PortSpec> out = new ArrayList<>();
        for (String s : accessSpecs()) {
            out.add(PortSpec.parse(s));
        }
        return out;
    }

    /** The host part of nat_access, or null. */
    public String natHost() {
        if (natAccess == null) {
            return null;
        }
        int comma = natAccess.indexOf(',');
        return comma < 0 ? natAccess : natAccess.substring(0, comma);
    }

    /** The port of nat_access, or 0. */
    public int natPort() {
        if (natAccess == null) {
            return 0;
        }
        int comma = natAccess.indexOf(',');
        return comma < 0 ? 0 : Integer.parseInt(natAccess.substring(comma + 1));
    }
}
