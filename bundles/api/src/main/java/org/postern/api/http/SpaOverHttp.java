package org.postern.api.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.postern.api.CapturedPacket;
import org.postern.api.Transport;

/**
 * Finds SPA data in an HTTP request the way fwknopd 2.6.10 does ({@code preprocess_spa_data}), with the
 * 2.6.11 {@code ALLOW_ANY_USER_AGENT} switch.
 *
 * <p>The fwknop client's {@code -P http} sends
 * {@code GET /<spa data with + as - and / as _> HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n...}. A payload is SPA
 * over HTTP when it starts with {@code GET /} (any case) and, unless any user agent is allowed, has a
 * {@code User-Agent} header whose value starts with {@code Fwknop}. The SPA data is then everything after
 * {@code GET /} up to the first white space, with {@code -} mapped back to {@code +} and {@code _} to
 * {@code /}. The payload is read as a C string, as fwknopd does: a NUL byte ends it.
 *
 * <p>With {@code X-Forwarded-For} honoured (fwknopd {@code ENABLE_X_FORWARDED_FOR}), the first address in that
 * header is returned too; it must be an IP literal naming one host (fwknopd takes IPv4 only, 0.0.0.0
 * included; IPv6 is accepted here, and the unspecified, broadcast and multicast addresses are not) and is never
 * resolved.
 *
 * <p>Differences from fwknopd, all on the lenient side of a header's syntax: header names are matched in any
 * case ({@code user-agent:} as HTTP allows; fwknopd wants exactly {@code User-Agent: Fwknop}, anywhere in
 * the payload), white space after the colon may be absent or several, and an {@code X-Forwarded-For} list
 * ({@code client, proxy1}) yields its first address where fwknopd would reject the whole value.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpaOverHttp {

    /** What the user agent of an SPA request starts with, unless any is allowed. */
    public static final String FWKNOP_USER_AGENT = "Fwknop";

    private static final byte[] GET = "GET /".getBytes(StandardCharsets.US_ASCII);
    private static final String USER_AGENT = "user-agent";
    private static final String FORWARDED_FOR = "x-forwarded-for";

    private final boolean allowAnyUserAgent;
    private final boolean forwardedFor;

    /**
     * @param allowAnyUserAgent fwknopd {@code ALLOW_ANY_USER_AGENT}: accept requests whatever their
     *                          {@code User-Agent} (or without one)
     * @param forwardedFor      fwknopd {@code ENABLE_X_FORWARDED_FOR}: return the {@code X-Forwarded-For} address
     */
    public SpaOverHttp(boolean allowAnyUserAgent, boolean forwardedFor) {
        this.allowAnyUserAgent = allowAnyUserAgent;
        this.forwardedFor = forwardedFor;
    }

    public boolean allowsAnyUserAgent() {
        return allowAnyUserAgent;
    }

    public boolean honoursForwardedFor() {
        return forwardedFor;
    }

    /** Why a payload is or is not SPA over HTTP. */
    public enum Verdict {
        /** An SPA request: {@link Extraction#spaData()} holds the data. */
        SPA,
        /** It does not start with {@code GET /}. */
        NOT_GET,
        /** A {@code GET /} without a {@code User-Agent} starting with {@code Fwknop} (and any is not allowed). */
        NOT_FWKNOP_USER_AGENT,
        /** {@code GET /} followed by white space or nothing. */
        EMPTY_PATH
    }

    /**
     * The outcome for one payload.
     *
     * @param verdict              whether it is SPA over HTTP, and if not why not
     * @param spaData              the SPA data (mapped back to base64), or {@code null} unless {@link Verdict#SPA}
     * @param forwardedFor         the X-Forwarded-For address when honoured, present and valid, else {@code null}
     * @param forwardedForRejected the X-Forwarded-For value when honoured, present and not an IP address (for a
     *                             warning, as fwknopd logs one), else {@code null}
     */
    public record Extraction(Verdict verdict, byte[] spaData, InetAddress forwardedFor, String forwardedForRejected) {

        public boolean isSpa() {
            return verdict == Verdict.SPA;
        }

        /**
         * fwknopd's rule for a captured payload: an SPA request becomes its SPA data, carried by
         * {@link Transport#HTTP}, with the forwarded-for address; anything else goes on unchanged (the
         * pipeline then judges it as it is).
         */
        public CapturedPacket applyTo(CapturedPacket p) {
            if (!isSpa()) {
                return p;
            }
            return new CapturedPacket(spaData, p.source(), p.sourcePort(), p.destination(), p.destinationPort(),
                    Transport.HTTP, p.received(), p.captureName(), forwardedFor);
        }
    }

    /** Examines the first {@code length} bytes of {@code payload}. */
    public Extraction extract(byte[] payload, int length) {
        int end = cString(payload, Math.max(0, Math.min(length, payload.length)));
        if (!startsWithGet(payload, end)) {
            return new Extraction(Verdict.NOT_GET, null, null, null);
        }
        int lineEnd = indexOf(payload, (byte) '\n', GET.length, end);
        int headersFrom = lineEnd < 0 ? end : lineEnd + 1;
        if (!allowAnyUserAgent && !hasFwknopUserAgent(payload, headersFrom, end)) {
            return new Extraction(Verdict.NOT_FWKNOP_USER_AGENT, null, null, null);
        }
        int from = GET.length;
        int to = from;
        while (to < end && !isSpace(payload[to])) {
            to++;
        }
        if (to == from) {
            return new Extraction(Verdict.EMPTY_PATH, null, null, null);
        }
        byte[] data = Arrays.copyOfRange(payload, from, to);
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '-') {
                data[i] = '+';
            } else if (data[i] == '_') {
                data[i] = '/';
            }
        }
        InetAddress address = null;
        String rejected = null;
        if (forwardedFor) {
            String value = headerValue(payload, headersFrom, end, FORWARDED_FOR);
            if (value != null) {
                String first = firstListElement(value);
                address = clientAddress(ipLiteral(first));
                if (address == null) {
                    rejected = value;
                }
            }
        }
        return new Extraction(Verdict.SPA, data, address, rejected);
    }

    /** {@link #extract(byte[], int)} of the whole array. */
    public Extraction extract(byte[] payload) {
        return extract(payload, payload.length);
    }

    /**
     * Where the head of an HTTP request ends in the first {@code length} bytes: the index just after the blank
     * line ({@code \r\n\r\n} or {@code \n\n}), or -1 while it is incomplete.
     */
    public static int headEnd(byte[] b, int length) {
        int n = Math.min(length, b.length);
        for (int i = 0; i < n; i++) {
            if (b[i] != '\n') {
                continue;
            }
            if (i + 1 < n && b[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 2 < n && b[i + 1] == '\r' && b[i + 2] == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /**
     * An IPv4 dotted quad or an IPv6 literal, or {@code null}; never a name (so never a DNS lookup).
     */
    static InetAddress ipLiteral(String s) {
        if (s == null || s.isEmpty() || s.length() > 45) {
            return null;
        }
        if (s.indexOf(':') < 0) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] a = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return null;
                }
                int v = Integer.parseInt(p);
                if (v > 255) {
                    return null;
                }
                a[i] = (byte) v;
            }
            return byAddress(a);
        }
        String literal = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return null;
        }
        try {
            return InetAddress.getByName(literal); // an IPv6 literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Null for what names no single client: the unspecified address, broadcast, multicast. */
    private static InetAddress clientAddress(InetAddress a) {
        if (a == null || a.isAnyLocalAddress() || a.isMulticastAddress()
                || a.getHostAddress().equals("255.255.255.255")) {
            return null;
        }
        return a;
    }

    private static InetAddress byAddress(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an address", e);
        }
    }

    private static String firstListElement(String value) {
        int comma = value.indexOf(',');
        String first = comma < 0 ? value : value.substring(0, comma);
        return first.strip();
    }

    private static boolean hasFwknopUserAgent(byte[] b, int from, int end) {
        for (int line = from; line < end;) {
            int next = indexOf(b, (byte) '\n', line, end);
            int lineEnd = next < 0 ? end : next;
            if (isBlank(b, line, lineEnd)) {
                return false; // the end of the head
            }
            String value = valueIfNamed(b, line, lineEnd, USER_AGENT);
            if (value != null && value.startsWith(FWKNOP_USER_AGENT)) {
                return true;
            }
            line = lineEnd + 1;
        }
        return false;
    }

    /** The value of the first header named {@code name} (lower case), white space stripped; or null. */
    private static String headerValue(byte[] b, int from, int end, String name) {
        for (int line = from; line < end;) {
            int next = indexOf(b, (byte) '\n', line, end);
            int lineEnd = next < 0 ? end : next;
            if (isBlank(b, line, lineEnd)) {
                return null; // the end of the head
            }
            String value = valueIfNamed(b, line, lineEnd, name);
            if (value != null) {
                return value;
            }
            line = lineEnd + 1;
        }
        return null;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        return to == from || (to == from + 1 && b[from] == '\r');
    }

    private static String valueIfNamed(byte[] b, int from, int to, String name) {
        int n = name.length();
        if (to - from <= n || b[from + n] != ':') {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase((char) (b[from + i] & 0xff)) != name.charAt(i)) {
                return null;
            }
        }
        return new String(b, from + n + 1, to - from - n - 1, StandardCharsets.ISO_8859_1).strip();
    }

    private static boolean startsWithGet(byte[] b, int end) {
        if (end < GET.length) {
            return false;
        }
        for (int i = 0; i < GET.length; i++) {
            if (Character.toUpperCase((char) (b[i] & 0xff)) != GET[i]) {
                return false;
            }
        }
        return true;
    }

    private static int cString(byte[] b, int length) {
        for (int i = 0; i < length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return length;
    }

    private static int indexOf(byte[] b, byte value, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** C's isspace in the "C" locale. */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }
}
