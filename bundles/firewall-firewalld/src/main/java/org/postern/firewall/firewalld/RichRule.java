package org.postern.firewall.firewalld;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * One opening as a firewalld rich rule, in firewalld's own canonical form (the one {@code --list-rich-rules}
 * prints back):
 * {@code rule priority="-32000" family="ipv4" source address="10.9.8.7" port port="22" protocol="tcp" accept},
 * with {@code destination address="..."} after the source when bound to the packet's destination.
 *
 * @param priority    the rule priority (Postern's mark)
 * @param source      the address let in
 * @param destination the destination address, or null for any
 * @param port        protocol and port (tcp or udp)
 */
record RichRule(int priority, InetAddress source, InetAddress destination, PortSpec port) {

    private static final Pattern LISTED = Pattern.compile("rule (?:priority=\"(-?\\d+)\" )?family=\"(ipv4|ipv6)\" "
            + "source address=\"([0-9A-Fa-f:.]+)\" (?:destination address=\"([0-9A-Fa-f:.]+)\" )?"
            + "port port=\"(\\d+)\" protocol=\"(tcp|udp)\" accept");

    static RichRule of(int priority, InetAddress source, InetAddress destination, PortSpec port) {
        if (port.protocol() == Protocol.ICMP) {
            throw new IllegalArgumentException("icmp cannot be opened by port (only tcp and udp)");
        }
        if (destination != null && (destination instanceof Inet6Address) != (source instanceof Inet6Address)) {
            destination = null; // a destination of the other family cannot be in the same rule
        }
        return new RichRule(priority, source, destination, port);
    }

    String family() {
        return source instanceof Inet6Address ? "ipv6" : "ipv4";
    }

    /** The rule text, as firewall-cmd takes and lists it. */
    String render() {
        return "rule " + (priority == 0 ? "" : "priority=\"" + priority + "\" ") + "family=\"" + family() + "\" source address=\""
                + literal(source) + "\" " + (destination == null ? "" : "destination address=\"" + literal(destination) + "\" ")
                + "port port=\"" + port.port() + "\" protocol=\"" + port.protocol().wireName() + "\" accept";
    }

    RichRule withPriority(int p) {
        return new RichRule(p, source, destination, port);
    }

    /** The same opening (source, destination, port), whatever the priority. */
    boolean sameOpening(RichRule other) {
        return source.equals(other.source) && java.util.Objects.equals(destination, other.destination)
                && port.equals(other.port);
    }

    /** A listed rule of Postern's shape; empty for anything else (the operator's rules). */
    static Optional<RichRule> parse(String line) {
        Matcher m = LISTED.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            InetAddress source = InetAddress.getByName(m.group(3)); // literals only: no name lookup
            InetAddress destination = m.group(4) == null ? null : InetAddress.getByName(m.group(4));
            Protocol protocol = Protocol.fromName(m.group(6));
            int port = Integer.parseInt(m.group(5));
            if (port < 1 || port > 65535) {
                return Optional.empty();
            }
            return Optional.of(new RichRule(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)), source, destination,
                    new PortSpec(protocol, port)));
        } catch (UnknownHostException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String literal(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        text = scope < 0 ? text : text.substring(0, scope);
        return a instanceof Inet6Address ? compress(text) : text;
    }

    /** firewalld prints IPv6 addresses compressed ({@code fd00::1}); Java gives them in full. */
    static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; i++) {
            if (!groups[i].equals("0")) {
                continue;
            }
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return head + "::" + tail;
    }
}
