package org.postern.firewall.iptables;

import java.net.Inet6Address;
import java.net.InetAddress;

/** IPv4 rules go to iptables, IPv6 rules to ip6tables; the rule shapes are the same. */
enum IpFamily {
    IPV4("0.0.0.0/0", 32),
    IPV6("::/0", 128);

    private final String anyAddress;
    private final int hostPrefix;

    IpFamily(String anyAddress, int hostPrefix) {
        this.anyAddress = anyAddress;
        this.hostPrefix = hostPrefix;
    }

    /** What {@code -d} gets when a rule is not bound to a destination ({@code 0.0.0.0/0}, as fwknop). */
    String anyAddress() {
        return anyAddress;
    }

    /** The prefix length iptables shows for a single address ({@code /32}, {@code /128}). */
    int hostPrefix() {
        return hostPrefix;
    }

    static IpFamily of(InetAddress address) {
        return address instanceof Inet6Address ? IPV6 : IPV4;
    }

    /**
     * The literal address as iptables prints it: dotted IPv4, or IPv6 in its RFC 5952 short form
     * ({@code 2001:db8::7}) without a scope ({@code fe80::1%eth0} would not parse in iptables).
     */
    static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
