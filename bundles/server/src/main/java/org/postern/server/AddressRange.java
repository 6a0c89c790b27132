package org.postern.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a SOURCE or DESTINATION list: {@code ANY}, an address, {@code addr/bits} or
 * {@code addr/dotted.mask}. IPv4 as fwknop; IPv6 (with /bits) as a Postern extension.
 */
record AddressRange(byte[] network, int prefixLength, boolean any) {

    static final AddressRange ANY = new AddressRange(new byte[0], 0, true);

    boolean matches(InetAddress a) {
        if (any) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }

    /** Parses a comma-separated list; throws IllegalArgumentException naming the bad entry. */
    static List<AddressRange> parseList(String text) {
        List<AddressRange> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (!p.isEmpty()) {
                out.add(parse(p));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("empty address list");
        }
        return List.copyOf(out);
    }

    static AddressRange parse(String p) {
        if (p.equalsIgnoreCase("ANY")) {
            return ANY;
        }
        String addr = p;
        String mask = null;
        int slash = p.indexOf('/');
        if (slash >= 0) {
            addr = p.substring(0, slash);
            mask = p.substring(slash + 1);
        }
        byte[] net = literal(addr);
        int bits = net.length * 8;
        if (mask != null) {
            if (mask.contains(".")) {
                byte[] m = literal(mask);
                if (m.length != 4) {
                    throw new IllegalArgumentException("bad netmask in '" + p + "'");
                }
                bits = Integer.bitCount(((m[0] & 0xff) << 24) | ((m[1] & 0xff) << 16) | ((m[2] & 0xff) << 8) | (m[3] & 0xff));
            } else {
                try {
                    bits = Integer.parseInt(mask);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad prefix length in '" + p + "'");
                }
                if (bits < (net.length == 4 ? 1 : 0) || bits > net.length * 8) {
                    throw new IllegalArgumentException("prefix length out of range in '" + p + "'");
                }
            }
        }
        return new AddressRange(net, bits, false);
    }

    /** A numeric address only: never a DNS lookup. */
    private static byte[] literal(String s) {
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = !v4 && s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'");
        }
        if (v4) {
            for (String octet : s.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    throw new IllegalArgumentException("not an IP address: '" + s + "'");
                }
            }
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'");
        }
    }

    @Override
    public String toString() {
        if (any) {
            return "ANY";
        }
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            return "?";
        }
    }
}
