package org.postern.fko;

/**
 * libfko's validation rules for the message fields, shared by the encoder (what a client may send) and
 * the decoder (what a server accepts). Each check returns an error text, or null when the value passes.
 */
public final class MessageRules {

    static final int MAX_USERNAME = 63;
    static final int MAX_COMMAND = 1400;
    static final int MAX_NAT_HOST = 70;

    private MessageRules() {
    }

    /** A user name: 1..63 characters, no control characters and none of {@code "/\[]:;|=,+*?<>}. */
    public static String checkUsername(String u) {
        if (u.isEmpty() || u.length() > MAX_USERNAME) {
            return "username length must be 1.." + MAX_USERNAME;
        }
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (Character.isLetterOrDigit(c) && c < 0x7f) {
                continue;
            }
            if (c < 0x20 || c > 0x7e || "\"/\\[]:;|=,+*?<>".indexOf(c) >= 0) {
                return "username has an illegal character at index " + i;
            }
        }
        return null;
    }

    /** An IPv4 dotted quad as libfko accepts it (7..15 chars, three dots, each octet 0..255). */
    public static String checkAllowIp(String ip) {
        if (ip.length() < 7 || ip.length() > 15) {
            return "allow IP length must be 7..15";
        }
        int dots = 0;
        for (int i = 0; i < ip.length(); i++) {
            char c = ip.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return "allow IP has a non-digit";
            }
        }
        if (dots != 3) {
            return "allow IP needs exactly three dots";
        }
        for (String octet : ip.split("\\.", -1)) {
            if (octet.isEmpty() || octet.length() > 3 || Integer.parseInt(octet) > 255) {
                return "allow IP octet out of range";
            }
        }
        return null;
    }

    /** An access message {@code allowIP,proto/port[,proto/port...]}. */
    public static String checkAccessMessage(String msg) {
        int comma = msg.indexOf(',');
        if (comma < 0) {
            return "access message has no proto/port";
        }
        String err = checkAllowIp(msg.substring(0, comma));
        if (err != null) {
            return err;
        }
        String rest = msg.substring(comma + 1);
        if (rest.isEmpty()) {
            return "access message has no proto/port";
        }
        for (String spec : rest.split(",", -1)) {
            err = checkProtoPort(spec);
            if (err != null) {
                return err;
            }
        }
        return null;
    }

    /**
     * One {@code proto/port} entry: starts with tcp, udp, icmp or none, its '/' within the first four
     * characters (so, as in libfko, {@code icmp/0} and {@code none/0} fail), port 1..65535.
     */
    static String checkProtoPort(String spec) {
        String lower = spec.toLowerCase(java.util.Locale.ROOT);
        if (!(lower.startsWith("tcp") || lower.startsWith("udp") || lower.startsWith("icmp")
                || lower.startsWith("none"))) {
            return "unknown protocol in '" + spec + "'";
        }
        int slash = spec.indexOf('/');
        if (slash < 0 || slash >= 4) {
            return "malformed proto/port '" + spec + "'";
        }
        String port = spec.substring(slash + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "bad port in '" + spec + "'";
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return "port out of range in '" + spec + "'";
        }
        return null;
    }

    /** A command message {@code allowIP,command}. */
    public static String checkCommandMessage(String msg) {
        int comma = msg.indexOf(',');
        if (comma < 0 || comma == msg.length() - 1) {
            return "command message has no command";
        }
        if (msg.length() >= MAX_COMMAND) {
            return "command message too long";
        }
        return checkAllowIp(msg.substring(0, comma));
    }

    /** A nat_access field {@code host,port}. */
    public static String checkNatAccess(String nat) {
        int comma = nat.indexOf(',');
        if (comma <= 0 || nat.indexOf(',', comma + 1) >= 0) {
            return "NAT access needs exactly one comma";
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
        String port = nat.substring(comma + 1);
        if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return "bad NAT port";
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return "NAT port out of range";
        }
        return null;
    }
}
