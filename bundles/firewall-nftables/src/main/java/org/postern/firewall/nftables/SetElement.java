package org.postern.firewall.nftables;

import java.net.Inet6Address;
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
 * One opening as an element of Postern's sets: {@code <saddr> . <proto#> . <dport>}, with a kernel timeout
 * and a comment {@code _exp_<epoch>} (fwknop's expiry mark) that tells a later run when it is due.
 *
 * @param source          the address let in
 * @param port            protocol and port
 * @param expiresAtMillis the expiry (epoch milliseconds), or 0 when a listed element has no {@code _exp_} comment
 * @param text            the element as nft listed it, or empty for one made here
 */
record SetElement(InetAddress source, PortSpec port, long expiresAtMillis, String text) {

    private static final Pattern LISTED = Pattern.compile(
            "(\\S+) \\. (\\d+) \\. (\\d+)(?: timeout \\S+)?(?: expires \\S+)?(?: comment \"([^\"]*)\")?");
    private static final Pattern EXPIRY = Pattern.compile("_exp_(\\d{1,12})");

    static SetElement of(InetAddress source, PortSpec port, long expiresAtMillis) {
        if (port.protocol() == Protocol.ICMP) {
            throw new IllegalArgumentException("icmp cannot be opened by port (only tcp and udp)");
        }
        return new SetElement(source, port, expiresAtMillis, "");
    }

    boolean ipv6() {
        return source instanceof Inet6Address;
    }

    /** The set key: {@code 10.9.8.7 . 6 . 22}. */
    String key() {
        return address(source) + " . " + port.protocol().number() + " . " + port.port();
    }

    /** The expiry mark's epoch second: the expiry rounded up, so the mark is never before the kernel's. */
    long expiresAtSecond() {
        return Math.floorDiv(expiresAtMillis + 999, 1000);
    }

    /** The key with the kernel timeout (from {@code nowMillis} to the expiry) and the expiry comment. */
    String withTimeout(long nowMillis) {
        return key() + " timeout " + Math.max(1, expiresAtMillis - nowMillis) + "ms comment \"_exp_"
                + expiresAtSecond() + "\"";
    }

    /** The same opening, ignoring expiry and listing text. */
    boolean sameKey(SetElement other) {
        return source.equals(other.source) && port.equals(other.port);
    }

    static String address(InetAddress a) {
        String text = a.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    /**
     * The elements of an {@code nft -n list set} output (empty when the set has none). Elements of another
     * protocol than tcp/udp, or that do not parse, are left out.
     */
    static List<SetElement> parseListing(String listing) {
        List<SetElement> out = new ArrayList<>();
        int start = listing.indexOf("elements = {");
        if (start < 0) {
            return out;
        }
        int open = listing.indexOf('{', start);
        StringBuilder item = new StringBuilder();
        boolean quoted = false;
        for (int i = open + 1; i < listing.length(); i++) {
            char c = listing.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (!quoted && (c == ',' || c == '}')) {
                parse(item.toString()).ifPresent(out::add);
                item.setLength(0);
                if (c == '}') {
                    break;
                }
                continue;
            }
            item.append(Character.isWhitespace(c) ? ' ' : c);
        }
        return out;
    }

    static Optional<SetElement> parse(String text) {
        String t = text.strip().replaceAll(" +", " ");
        Matcher m = LISTED.matcher(t);
        if (!m.matches()) {
            return Optional.empty();
        }
        Protocol protocol = switch (m.group(2)) {
            case "6" -> Protocol.TCP;
            case "17" -> Protocol.UDP;
            default -> null;
        };
        int port = Integer.parseInt(m.group(3));
        if (protocol == null || port < 1 || port > 65535 || !m.group(1).matches("[0-9A-Fa-f:.]+")) {
            return Optional.empty();
        }
        InetAddress source;
        try {
            source = InetAddress.getByName(m.group(1)); // a literal: no name lookup
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        long expiresAtMillis = 0;
        if (m.group(4) != null) {
            Matcher e = EXPIRY.matcher(m.group(4));
            if (e.matches()) {
                expiresAtMillis = Long.parseLong(e.group(1)) * 1000;
            }
        }
        return Optional.of(new SetElement(source, new PortSpec(protocol, port), expiresAtMillis, t));
    }
}
