package org.postern.fko;

/**
 * libfko's validation rules for the message fields, shared by the encoder (what a client may send) and
 * the decoder (what a server accepts). Each check returns an error text, or null when the value passes.
 *
 * <p>The one-argument checks are exactly libfko 2.6.10's ({@code lib/fko_message.c},
 * {@code common/fko_util.c}): IPv4 only. The overloads taking {@code acceptIpv6} add the Postern extension
 * (an IPv6 literal as the allow address), which the decoder always accepts and the encoder only on request.
 */
public final class MessageRules {

    static final int MAX_USERNAME = 63;
    /** MAX_SPA_MESSAGE_SIZE: a message (and a nat_access field) must be shorter than this. */
    static final int MAX_MESSAGE = 256;
    static final int MAX_COMMAND = 1400;
    static final int MAX_NAT_HOST = 70;
    /** Longest IPv6 text form: eight groups or six groups and a dotted quad. */
    static final int MAX_IPV6_TEXT = 45;

    private MessageRules() {
    }

    /** A user name: 1..63 characters, no control characters and none of {@code "/\[]:;|=,+*?<>}. */
    public static String checkUsername(String u) {
        if (u.isEmpty() || u.length() > MAX_USERNAME) {
            return "username length must be 1.." + MAX_USERNAME;
        }
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (isAsciiAlnum(c)) {
                continue;
            }
            if (c < 0x20 || c > 0x7e || "\"/\\[]:;|=,+*?<>".indexOf(c) >= 0) {
                return "username has an illegal character at index " + i;
            }
        }
        return null;
    }

    /**
     * An IPv4 address as libfko accepts it: 7..15 characters of digits and exactly three dots that
     * {@code inet_aton} takes, so a part with a leading zero is octal ({@code 010.0.0.1} is 8.0.0.1 and
     * {@code 09.0.0.1} is refused).
     */
    public static String checkAllowIp(String ip) {
        return checkAllowIp(ip, false);
    }

    /**
     * The allow address: libfko's IPv4 rule, or (when {@code acceptIpv6}, the Postern extension) an IPv6
     * literal without brackets or zone.
     */
    public static String checkAllowIp(String ip, boolean acceptIpv6) {
        return checkAllowIp(ip, 0, ip.length(), acceptIpv6);
    }

    private static String checkAllowIp(String s, int from, int to, boolean acceptIpv6) {
        if (acceptIpv6 && s.lastIndexOf(':', to - 1) >= from) {
            return ipv6(s.substring(from, to)) == null ? "allow IP is not an IPv6 literal" : null;
        }
        int n = to - from;
        if (n < 7 || n > 15) {
            return "allow IP length must be 7..15";
        }
        int dots = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return "allow IP has a non-digit";
            }
        }
        if (dots != 3) {
            return "allow IP needs exactly three dots";
        }
        return inetAton(s, from, to, null) ? null : "allow IP is not a valid address (inet_aton)";
    }

    /** An access message {@code allowIP,proto/port[,proto/port...]} with an IPv4 allow address. */
    public static String checkAccessMessage(String msg) {
        return checkAccessMessage(msg, false);
    }

    /** An access message; {@code acceptIpv6} admits an IPv6 allow address (Postern extension). */
    public static String checkAccessMessage(String msg, boolean acceptIpv6) {
        if (msg.length() >= MAX_MESSAGE) {
            return "access message longer than " + (MAX_MESSAGE - 1);
        }
        int comma = msg.indexOf(',');
        String err = checkAllowIp(msg, 0, comma < 0 ? msg.length() : comma, acceptIpv6);
        if (err != null) {
            return err;
        }
        if (comma < 0 || comma == msg.length() - 1) {
            return "access message has no proto/port";
        }
        int start = comma + 1;
        while (true) {
            int next = msg.indexOf(',', start);
            int end = next < 0 ? msg.length() : next;
            err = protoPortError(msg, start, end);
            if (err != null) {
                return err;
            }
            if (next < 0) {
                return null;
            }
            start = next + 1;
        }
    }

    /**
     * One {@code proto/port} entry as libfko's {@code validate_proto_port_spec}: starts with lower-case
     * tcp, udp, icmp or none (case-sensitive), its '/' within the first four characters (so {@code icmp/0}
     * and {@code none/0} fail), then 1..5 digits with a value 1..65535.
     */
    static String checkProtoPort(String spec) {
        return protoPortError(spec, 0, spec.length());
    }

    private static String protoPortError(String s, int from, int to) {
        if (!(s.startsWith("tcp", from) || s.startsWith("udp", from) || s.startsWith("icmp", from)
                || s.startsWith("none", from))) {
            return "unknown protocol in '" + s.substring(from, to) + "'";
        }
        int slash = s.indexOf('/', from);
        if (slash < 0 || slash >= to || slash - from >= 4) {
            return "malformed proto/port '" + s.substring(from, to) + "'";
        }
        return isPort(s, slash + 1, to) ? null : "bad port in '" + s.substring(from, to) + "'";
    }

    /** A command message {@code allowIP,command} with an IPv4 allow address. */
    public static String checkCommandMessage(String msg) {
        return checkCommandMessage(msg, false);
    }

    /**
     * A command message; {@code acceptIpv6} admits an IPv6 allow address. Like {@code fko_set_spa_message}
     * it must be shorter than 256 characters (the decoder never sees more than 192 bytes anyway).
     */
    public static String checkCommandMessage(String msg, boolean acceptIpv6) {
        if (msg.length() >= MAX_MESSAGE) {
            return "command message longer than " + (MAX_MESSAGE - 1);
        }
        int comma = msg.indexOf(',');
        String err = checkAllowIp(msg, 0, comma < 0 ? msg.length() : comma, acceptIpv6);
        if (err != null) {
            return err;
        }
        if (comma < 0 || comma == msg.length() - 1) {
            return "command message has no command";
        }
        return null;
    }

    /**
     * A nat_access field {@code host,port}: libfko's {@code validate_nat_access_msg} (one comma, host at most
     * 70 characters without any of {@code  /?"'\}, port 1..65535) plus the host check fwknopd makes before it
     * creates NAT rules: the host must be an IPv4 address or a valid host name (so {@code bad%host} is
     * refused here, where fwknopd logs "Invalid Hostname in NAT SPA message").
     */
    public static String checkNatAccess(String nat) {
        if (nat.length() >= MAX_MESSAGE) {
            return "NAT access longer than " + (MAX_MESSAGE - 1);
        }
        int comma = nat.indexOf(',');
        if (comma <= 0 || nat.indexOf(',', comma + 1) >= 0) {
            return "NAT access needs exactly one comma after a host";
        }
        String host = nat.substring(0, comma);
        if (host.length() > MAX_NAT_HOST) {
            return "NAT host too long";
        }
        for (int i = 0; i < host.length(); i++) {
            if (" /?\"'\\".indexOf(host.charAt(i)) >= 0) {
                return "NAT host has an illegal character";
            }
        }
        if (!isPort(nat, comma + 1, nat.length())) {
            return "bad NAT port";
        }
        if (!isIpv4(host) && !isHostname(host)) {
            return "NAT host is neither an IPv4 address nor a valid host name";
        }
        return null;
    }

    /** libfko's {@code have_port}: 1..5 digits, value 1..65535. */
    private static boolean isPort(String s, int from, int to) {
        if (to - from < 1 || to - from > 5) {
            return false;
        }
        int p = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            p = p * 10 + (c - '0');
        }
        return p >= 1 && p <= 65535;
    }

    /** {@code is_valid_ipv4_addr}: the IPv4 check without the allow-IP context. */
    static boolean isIpv4(String s) {
        if (s.length() < 7 || s.length() > 15) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3 && inetAton(s) != null;
    }

    /**
     * glibc {@code inet_aton} for the four-part form of digits and dots: each part is decimal, or octal
     * when it starts with 0; each must be 0..255.
     *
     * @return the four octets, or null
     */
    static byte[] inetAton(String s) {
        byte[] out = new byte[4];
        return inetAton(s, 0, s.length(), out) ? out : null;
    }

    /** {@link #inetAton(String)} over {@code [from, to)}, writing the octets to {@code out} unless null. */
    private static boolean inetAton(String s, int from, int to, byte[] out) {
        int part = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i < to && s.charAt(i) != '.') {
                continue;
            }
            if (part > 3 || i == start) {
                return false;
            }
            int radix = s.charAt(start) == '0' && i - start > 1 ? 8 : 10;
            int v = 0;
            for (int j = start; j < i; j++) {
                int d = s.charAt(j) - '0';
                if (d < 0 || d >= radix) {
                    return false;
                }
                v = v * radix + d;
                if (v > 255) {
                    return false;
                }
            }
            if (out != null) {
                out[part] = (byte) v;
            }
            part++;
            start = i + 1;
        }
        return part == 4;
    }

    /**
     * fwknopd's {@code is_valid_hostname}: at most 254 characters; labels start with a letter or digit, hold
     * letters, digits and '-', end with a letter or digit and are at most 63 long; a final '.' is allowed.
     */
    static boolean isHostname(String h) {
        int len = h.length();
        if (len == 0 || len > 254) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < len; i++) {
            char c = h.charAt(i);
            if (label == 0) {
                if (!isAsciiAlnum(c)) {
                    return false;
                }
            } else if (!(isAsciiAlnum(c) || c == '.' || c == '-')) {
                return false;
            }
            if (c == '.') {
                if (label > 63 || !isAsciiAlnum(h.charAt(i - 1))) {
                    return false;
                }
                label = 0;
            } else {
                label++;
            }
        }
        return h.charAt(len - 1) != '-' && label <= 63;
    }

    /**
     * An IPv6 literal: up to eight groups of 1..4 hex digits, at most one {@code ::}, optionally ending in
     * a dotted quad; no brackets, no zone, at most 45 characters.
     *
     * @return the 16 address bytes, or null
     */
    static byte[] ipv6(String s) {
        int n = s.length();
        if (n < 2 || n > MAX_IPV6_TEXT) {
            return null;
        }
        byte[] out = new byte[16];
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (s.startsWith("::")) {
            gap = 0;
            i = 2;
            if (n == 2) {
                return out;
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (count == 8) {
                return null;
            }
            int j = i;
            int v = 0;
            while (j < n && j - i < 5 && Character.digit(s.charAt(j), 16) >= 0 && s.charAt(j) < 0x80) {
                v = (v << 4) | Character.digit(s.charAt(j), 16);
                j++;
            }
            if (j < n && s.charAt(j) == '.') {
                // an embedded IPv4 tail, strict decimal dotted quad, takes two groups
                byte[] v4 = dottedDecimal(s.substring(i));
                if (v4 == null || count > 6) {
                    return null;
                }
                groups[count++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                groups[count++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                i = n;
                break;
            }
            if (j == i || j - i > 4) {
                return null;
            }
            groups[count++] = v;
            if (j == n) {
                i = n;
                break;
            }
            if (s.charAt(j) != ':') {
                return null;
            }
            if (j + 1 < n && s.charAt(j + 1) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i = j + 2;
                if (i == n) {
                    break;
                }
            } else {
                i = j + 1;
                if (i == n) {
                    return null; // a single trailing ':'
                }
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int tail = gap < 0 ? 0 : count - gap;
        int head = count - tail;
        for (int g = 0; g < head; g++) {
            out[2 * g] = (byte) (groups[g] >> 8);
            out[2 * g + 1] = (byte) groups[g];
        }
        for (int g = 0; g < tail; g++) {
            int at = 8 - tail + g;
            out[2 * at] = (byte) (groups[head + g] >> 8);
            out[2 * at + 1] = (byte) groups[head + g];
        }
        return out;
    }

    /** A strict dotted quad: four decimal parts 0..255 of 1..3 digits. */
    private static byte[] dottedDecimal(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int k = 0; k < 4; k++) {
            String p = parts[k];
            if (p.isEmpty() || p.length() > 3) {
                return null;
            }
            for (int c = 0; c < p.length(); c++) {
                if (p.charAt(c) < '0' || p.charAt(c) > '9') {
                    return null;
                }
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[k] = (byte) v;
        }
        return out;
    }

    private static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
