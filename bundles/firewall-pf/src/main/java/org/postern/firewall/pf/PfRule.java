package org.postern.firewall.pf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * One opening as fwknopd 2.6.10 writes it into its pf anchor ({@code PF_ADD_RULE_ARGS}):
 * {@code pass in quick proto 6 from 10.9.8.7 to any port 22 keep state label _exp_1700000030}; and the same
 * rule as {@code pfctl -a fwknop -s rules} lists it back
 * ({@code pass in quick proto tcp from 10.9.8.7 to any port = 22 flags S/SA keep state label "_exp_1700000030"}).
 *
 * @param source      the address let in
 * @param destination the destination, or null for {@code any}
 * @param port        protocol and port
 * @param expiresAt   the {@code _exp_} epoch second
 */
record PfRule(InetAddress source, InetAddress destination, PortSpec port, long expiresAt) {

    private static final Pattern LISTED = Pattern.compile("^pass .*\\bproto (\\w+) from ([0-9A-Fa-f:.]+)(?:/\\d+)? "
            + "to (\\S+) port =? ?(\\d+)\\b.*\\blabel \"?_exp_(\\d{1,12})\"?.*$");

    static PfRule of(InetAddress source, InetAddress destination, PortSpec port, long expiresAt) {
        if (port.protocol() == Protocol.ICMP) {
            throw new IllegalArgumentException("icmp cannot be opened by port (only tcp and udp)");
        }
        return new PfRule(source, destination, port, expiresAt);
    }

    /** fwknopd's rule text. */
    String render() {
        return "pass in quick proto " + port.protocol().number() + " from " + literal(source) + " to "
                + (destination == null ? "any" : literal(destination)) + " port " + port.port() + " keep state label _exp_"
                + expiresAt;
    }

    boolean sameOpening(PfRule other) {
        return source.equals(other.source) && port.equals(other.port);
    }

    /** A listed rule of fwknop's shape; empty for anything else. */
    static Optional<PfRule> parse(String line) {
        Matcher m = LISTED.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        Protocol protocol = switch (m.group(1)) {
            case "tcp", "6" -> Protocol.TCP;
            case "udp", "17" -> Protocol.UDP;
            default -> null;
        };
        int port = Integer.parseInt(m.group(4));
        if (protocol == null || port < 1 || port > 65535) {
            return Optional.empty();
        }
        try {
            InetAddress source = InetAddress.getByName(m.group(2)); // a literal: no lookup
            InetAddress destination = m.group(3).equals("any") || !m.group(3).matches("[0-9A-Fa-f:.]+") ? null
                    : InetAddress.getByName(m.group(3));
            return Optional.of(new PfRule(source, destination, new PortSpec(protocol, port), Long.parseLong(m.group(5))));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    static String literal(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }
}
