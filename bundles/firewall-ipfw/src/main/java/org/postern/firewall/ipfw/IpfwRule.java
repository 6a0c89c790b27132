package org.postern.firewall.ipfw;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postern.api.PortSpec;
import org.postern.api.Protocol;

/**
 * One opening as fwknopd 2.6.10 adds it ({@code IPFW_ADD_RULE_ARGS}): {@code ipfw add <n> set <active> pass
 * <proto#> from <src> to <me|dst> dst-port <port> setup keep-state // _exp_<epoch>}, argument by argument; and the
 * same rule as {@code ipfw set <n> list} prints it back
 * ({@code 10000 allow tcp from 10.9.8.7 to me dst-port 22 setup keep-state // _exp_1700000030}).
 *
 * @param number      the rule number (all ports of one grant share it, as in fwknopd)
 * @param source      the address let in
 * @param destination the destination, or null for {@code me}
 * @param port        protocol and port
 * @param expiresAt   the {@code _exp_} epoch second
 */
record IpfwRule(int number, InetAddress source, InetAddress destination, PortSpec port, long expiresAt) {

    private static final Pattern LISTED = Pattern.compile("^(\\d+) (?:set \\d+ )?(?:allow|pass|accept|permit) (\\w+) "
            + "from ([0-9A-Fa-f:.]+) to (\\S+) (?:dst-port )?(\\d+)\\b.*// ?_exp_(\\d{1,12}).*$");

    static IpfwRule of(int number, InetAddress source, InetAddress destination, PortSpec port, long expiresAt) {
        if (port.protocol() == Protocol.ICMP) {
            throw new IllegalArgumentException("icmp cannot be opened by port (only tcp and udp)");
        }
        return new IpfwRule(number, source, destination, port, expiresAt);
    }

    /** The arguments after the ipfw program. */
    List<String> addArgs(int activeSet) {
        return new ArrayList<>(List.of("add", Integer.toString(number), "set", Integer.toString(activeSet), "pass",
                Integer.toString(port.protocol().number()), "from", literal(source), "to",
                destination == null ? "me" : literal(destination), "dst-port", Integer.toString(port.port()), "setup",
                "keep-state", "//", "_exp_" + expiresAt));
    }

    boolean sameOpening(InetAddress src, PortSpec p) {
        return source.equals(src) && port.equals(p);
    }

    static Optional<IpfwRule> parse(String line) {
        Matcher m = LISTED.matcher(line.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        Protocol protocol = switch (m.group(2)) {
            case "tcp", "6" -> Protocol.TCP;
            case "udp", "17" -> Protocol.UDP;
            default -> null;
        };
        int port = Integer.parseInt(m.group(5));
        if (protocol == null || port < 1 || port > 65535) {
            return Optional.empty();
        }
        try {
            InetAddress destination = m.group(4).equals("me") || !m.group(4).matches("[0-9A-Fa-f:.]+") ? null
                    : InetAddress.getByName(m.group(4));
            return Optional.of(new IpfwRule(Integer.parseInt(m.group(1)), InetAddress.getByName(m.group(3)), destination,
                    new PortSpec(protocol, port), Long.parseLong(m.group(6))));
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
