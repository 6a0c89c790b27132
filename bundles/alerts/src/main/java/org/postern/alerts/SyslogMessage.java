package org.postern.alerts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a syslog message, RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}, what /dev/log readers and
 * fwknop's syslog() calls produce) or RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PID MSGID - MSG}). Control
 * characters in the message become spaces, so one alert is one line; the datagram is cut at {@value #MAX_BYTES}.
 */
final class SyslogMessage {

    static final int MAX_BYTES = 2048;

    static final Map<String, Integer> FACILITIES = Map.ofEntries(Map.entry("kern", 0), Map.entry("user", 1),
            Map.entry("mail", 2), Map.entry("daemon", 3), Map.entry("auth", 4), Map.entry("syslog", 5),
            Map.entry("lpr", 6), Map.entry("news", 7), Map.entry("uucp", 8), Map.entry("cron", 9),
            Map.entry("authpriv", 10), Map.entry("ftp", 11), Map.entry("local0", 16), Map.entry("local1", 17),
            Map.entry("local2", 18), Map.entry("local3", 19), Map.entry("local4", 20), Map.entry("local5", 21),
            Map.entry("local6", 22), Map.entry("local7", 23));

    static final Map<String, Integer> SEVERITIES = Map.of("emerg", 0, "alert", 1, "crit", 2, "err", 3, "warning", 4,
            "notice", 5, "info", 6, "debug", 7);

    private static final DateTimeFormatter RFC3164 = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter RFC5424 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

    private SyslogMessage() {
    }

    /** fwknop's SYSLOG_FACILITY spelling ({@code LOG_DAEMON}) or the bare name ({@code daemon}). */
    static int facility(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("log_")) {
            n = n.substring(4);
        }
        Integer f = FACILITIES.get(n);
        if (f == null) {
            throw new IllegalArgumentException("unknown syslog facility '" + name + "'");
        }
        return f;
    }

    static int severity(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.startsWith("log_")) {
            n = n.substring(4);
        }
        Integer s = SEVERITIES.get(n.equals("warn") ? "warning" : n.equals("error") ? "err" : n);
        if (s == null) {
            throw new IllegalArgumentException("unknown syslog severity '" + name + "'");
        }
        return s;
    }

    static byte[] render(boolean rfc5424, int facility, int severity, Instant at, ZoneId zone, String host,
            String identity, long pid, String msgId, String message) {
        String text = oneLine(message);
        int pri = facility * 8 + severity;
        String s;
        if (rfc5424) {
            s = "<" + pri + ">1 " + RFC5424.format(at.atOffset(ZoneOffset.UTC)) + " " + token(host) + " "
                    + token(identity) + " " + pid + " " + token(msgId) + " - " + text;
        } else {
            s = "<" + pri + ">" + RFC3164.format(at.atZone(zone)) + " " + token(host) + " " + identity + "[" + pid
                    + "]: " + text;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= MAX_BYTES ? b : java.util.Arrays.copyOf(b, MAX_BYTES);
    }

    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString();
    }

    /** An RFC 5424 header field: printable ASCII without spaces, or "-". */
    private static String token(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 48; i++) {
            char c = s.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }
}
