package org.postern.firewall.iptables;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A rule of our chain as {@code iptables -S} prints it, for instance
 * {@code -A FWKNOP_INPUT -s 10.9.8.7/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_1700000000 -j ACCEPT}.
 * Only plain rules are understood (no negation, no quoting): anything else is not ours and is left alone.
 *
 * @param line        the line as printed
 * @param spec        the tokens after {@code -A <chain>}, which iptables accepts back for {@code -D}
 * @param source      the single source address, or null when the rule has none or a network
 * @param destination the single destination address, or null for any
 * @param protocol    the protocol number, or -1
 * @param port        the destination port, or -1
 * @param expiresAt   the {@code _exp_<epoch>} value, or -1 when the rule carries none
 * @param target      the {@code -j} target, or ""
 */
record ListedRule(String line, List<String> spec, InetAddress source, InetAddress destination, int protocol,
        int port, long expiresAt, String target) {

    private static final Pattern EXPIRY = Pattern.compile(Pattern.quote(IptablesRule.EXPIRE_PREFIX) + "(\\d{1,18})");
    private static final Pattern ADDRESS = Pattern.compile("[0-9A-Fa-f:.]+");

    ListedRule {
        spec = List.copyOf(spec);
    }

    /** Parses one {@code -S} line of {@code chain}; empty for other lines and rules not of our shape. */
    static Optional<ListedRule> parse(String line, String chain) {
        String trimmed = line.strip();
        if (trimmed.indexOf('"') >= 0 || trimmed.indexOf('\'') >= 0) {
            return Optional.empty();
        }
        List<String> tokens = Arrays.asList(trimmed.split("\\s+"));
        if (tokens.size() < 3 || !tokens.get(0).equals("-A") || !tokens.get(1).equals(chain)
                || tokens.contains("!")) {
            return Optional.empty();
        }
        List<String> spec = new ArrayList<>(tokens.subList(2, tokens.size()));
        InetAddress source = null;
        InetAddress destination = null;
        int protocol = -1;
        int port = -1;
        long expiry = -1;
        String target = "";
        boolean foreign = false;
        for (int i = 0; i + 1 < spec.size(); i++) {
            String value = spec.get(i + 1);
            switch (spec.get(i)) {
                case "-s" -> {
                    source = hostAddress(value);
                    foreign |= source == null;
                }
                case "-d" -> {
                    boolean any = value.equals(IpFamily.IPV4.anyAddress()) || value.equals(IpFamily.IPV6.anyAddress());
                    destination = any ? null : hostAddress(value);
                    foreign |= !any && destination == null;
                }
                case "-j" -> target = value;
                case "-p" -> protocol = protocolNumber(value);
                case "--dport" -> port = number(value);
                case "--comment" -> {
                    var m = EXPIRY.matcher(value);
                    if (m.matches()) {
                        expiry = Long.parseLong(m.group(1));
                    }
                }
                default -> {
                    continue;
                }
            }
            i++;
        }
        if (foreign) {
            source = null; // a network, not a single address: not a rule we made
        }
        return Optional.of(new ListedRule(trimmed, spec, source, destination, protocol, port, expiry, target));
    }

    /** Parses a whole {@code -S} listing; lines that are not rules of {@code chain} are skipped. */
    static List<ListedRule> parseAll(String listing, String chain) {
        List<ListedRule> rules = new ArrayList<>();
        listing.lines().forEach(l -> parse(l, chain).ifPresent(rules::add));
        return rules;
    }

    boolean hasExpiry() {
        return expiresAt >= 0;
    }

    /** Same source, destination, protocol and port as {@code rule}: the same opening, whatever its expiry. */
    boolean sameOpening(IptablesRule rule) {
        return source != null && source.equals(rule.source())
                && Objects.equals(destination, rule.destination())
                && protocol == rule.protocol().number() && port == rule.port()
                && target.equals(rule.chain().target());
    }

    /** The very rule {@code rule} renders, expiry included. */
    boolean sameRule(IptablesRule rule) {
        return sameOpening(rule) && expiresAt == rule.expiresAt();
    }

    /** {@code -t T -D CH <spec>}: deletes this rule by its specification. */
    List<String> delete(ChainSpec chain) {
        List<String> args = new ArrayList<>(List.of("-t", chain.table(), "-D", chain.toChain()));
        args.addAll(spec);
        return List.copyOf(args);
    }

    /** {@code 10.9.8.7 tcp/22} for log lines, or the raw rule when it is not one of ours. */
    String describe() {
        if (source == null || port < 0 || (protocol != 6 && protocol != 17)) {
            return line;
        }
        return IpFamily.literal(source) + " " + (protocol == 6 ? "tcp" : "udp") + "/" + port;
    }

    private static InetAddress hostAddress(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!ADDRESS.matcher(address).matches()) {
            return null;
        }
        try {
            InetAddress a = InetAddress.getByName(address); // a numeric literal: no name lookup
            if (slash >= 0 && number(cidr.substring(slash + 1)) != IpFamily.of(a).hostPrefix()) {
                return null;
            }
            return a;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static int protocolNumber(String value) {
        return switch (value) {
            case "tcp", "6" -> 6;
            case "udp", "17" -> 17;
            default -> -1;
        };
    }

    private static int number(String value) {
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(value);
    }
}
