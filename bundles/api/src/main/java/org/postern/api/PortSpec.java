package org.postern.api;

import java.util.ArrayList;
import java.util.List;

/** One {@code proto/port} pair, as in {@code -A tcp/22} or {@code OPEN_PORTS tcp/22, udp/53}. */
public record PortSpec(Protocol protocol, int port) {

    public PortSpec {
        if (protocol == null) {
            throw new IllegalArgumentException("protocol is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code tcp/22}; surrounding blanks are ignored.
     *
     * @throws IllegalArgumentException naming the text when it is not a valid pair
     */
    public static PortSpec parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        if (slash <= 0 || slash == t.length() - 1) {
            throw new IllegalArgumentException("not a proto/port pair: '" + text + "'");
        }
        Protocol p = Protocol.fromName(t.substring(0, slash));
        if (p == null) {
            throw new IllegalArgumentException("unknown protocol in '" + text + "'");
        }
        String digits = t.substring(slash + 1).trim();
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("bad port in '" + text + "'");
        }
        int port = Integer.parseInt(digits);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range in '" + text + "'");
        }
        return new PortSpec(p, port);
    }

    /** Parses a comma-separated list such as {@code tcp/22, udp/53}. */
    public static List<PortSpec> parseList(String text) {
        List<PortSpec> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(parse(part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty proto/port list");
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return protocol.wireName() + "/" + port;
    }
}
