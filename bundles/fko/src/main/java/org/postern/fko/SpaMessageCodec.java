package org.postern.fko;

import java.nio.charset.StandardCharsets;

import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * The plaintext format: {@code rand:user:time:version:type:msg[:nat][:auth][:timeout]:digest}, with the
 * digest computed over everything before its colon. Stateless and thread-safe.
 */
public final class SpaMessageCodec {

    /** Smallest and (exclusive) largest plaintext fwknop accepts. */
    public static final int MIN_ENCODED = 36;
    public static final int MAX_ENCODED = 1500;

    private static final int MAX_USERNAME_B64 = 64;
    private static final int MAX_TIMESTAMP = 12;
    private static final int MAX_VERSION = 8;
    private static final int MAX_TYPE = 2;
    private static final int MAX_MESSAGE_B64 = 256;
    private static final int MAX_NAT_B64 = 256;
    /** MAX_SPA_MESSAGE_SIZE, the bound libfko applies to server_auth and the client timeout. */
    private static final int MAX_FIELD = 256;
    /** {@code 2 << 15}: the largest client timeout libfko decodes. */
    private static final int MAX_CLIENT_TIMEOUT = 65536;
    /** MIN_SPA_FIELDS: at least this many ':' in the whole plaintext. */
    private static final int MIN_FIELDS = 6;

    private SpaMessageCodec() {
    }

    /** The fields joined by ':' without the digest ({@code encoded_msg} in libfko). */
    public static String encodeFields(SpaMessage m) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(m.random()).append(':')
                .append(SpaBase64.encode(m.username())).append(':')
                .append(m.timestamp()).append(':')
                .append(m.version()).append(':')
                .append(m.type().code()).append(':')
                .append(SpaBase64.encode(m.message()));
        if (m.type().hasNatAccess() && m.natAccess() != null) {
            sb.append(':').append(SpaBase64.encode(m.natAccess()));
        }
        if (m.serverAuth() != null) {
            sb.append(':').append(SpaBase64.encode(m.serverAuth()));
        }
        if (m.type().hasClientTimeout() && m.clientTimeout() > 0) {
            sb.append(':').append(m.clientTimeout());
        }
        return sb.toString();
    }

    /** The unpadded base64 digest of {@code fields} with the given type. */
    public static String digest(String fields, DigestType type) {
        return SpaBase64.encode(type.hash(fields.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The full plaintext: fields, ':' and the digest. */
    public static String encode(SpaMessage m) {
        String fields = encodeFields(m);
        return fields + ':' + digest(fields, m.digestType());
    }


    /**
     * Parses and verifies a decrypted plaintext exactly as libfko 2.6.10's {@code fko_decode_spa_data}:
     * the digest type is inferred from the digest length (SHA3 tried after SHA-256/SHA-512 for 43/86
     * characters), each field has libfko's length limit, decoded fields end at their first NUL byte, the
     * numeric fields are read like C {@code strtol} into an {@code int}, and the message, NAT and user name
     * rules of {@link MessageRules} apply (with an IPv6 allow address accepted: Postern extension).
     *
     * @throws SpaException with the precise reason; never any other exception
     */
    public static SpaMessage decode(String plain) throws SpaException {
        return decode(plain, null);
    }

    /** As {@link #decode(String)}, given the plaintext's bytes too when the caller has them. */
    static SpaMessage decode(String plain, byte[] plainBytes) throws SpaException {
        int len = plain.length();
        if (len < MIN_ENCODED || len >= MAX_ENCODED) {
            throw new SpaException(RefusalReason.MALFORMED, "plaintext length " + len + " outside 36..1499");
        }
        byte[] bytes = plainBytes;
        if (bytes == null) {
            for (int i = 0; i < len; i++) {
                if (plain.charAt(i) > 0x7e) {
                    throw new SpaException(RefusalReason.MALFORMED, "non-printable character at " + i);
                }
            }
            bytes = plain.getBytes(StandardCharsets.ISO_8859_1);
        }
        int colons = 0;
        int lastColon = -1;
        for (int i = 0; i < len; i++) {
            byte c = bytes[i]; // signed: 0x80..0xff are negative, so below 0x20 too
            if (c < 0x20 || c > 0x7e) {
                throw new SpaException(RefusalReason.MALFORMED, "non-printable character at " + i);
            }
            if (c == ':') {
                colons++;
                lastColon = i;
            }
        }
        if (colons < MIN_FIELDS) {
            throw new SpaException(RefusalReason.MALFORMED, "too few fields");
        }
        int digestLen = len - lastColon - 1;
        DigestType[] candidates = DigestType.forBase64Length(digestLen);
        if (candidates.length == 0) {
            throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest length " + digestLen + " matches no type");
        }
        DigestType matched = null;
        for (DigestType t : candidates) {
            byte[] expected = SpaBase64.encodeToBytes(t.hash(bytes, 0, lastColon));
            if (constantTimeEquals(expected, bytes, lastColon + 1, digestLen)) {
                matched = t;
                break;
            }
        }
        if (matched == null) {
            throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest does not match the message");
        }
        return parseFields(plain, bytes, lastColon, colons - 1, matched);
    }

    /**
     * Reads the fields in {@code [0, end)} of the plaintext (as a String and as its bytes). Past the last
     * field every further field reads as empty, as libfko then reads its zeroed buffer.
     */
    private static SpaMessage parseFields(String s, byte[] b, int end, int separators, DigestType digestType)
            throws SpaException {
        int p = 0;
        int e = fieldEnd(s, p, end);
        if (e - p < 16) {
            throw new SpaException(RefusalReason.BAD_RANDOM, "random value shorter than 16");
        }
        String rand = s.substring(p, p + 16);

        p = e + 1;
        e = fieldEnd(s, p, end);
        if (e == p || e - p > MAX_USERNAME_B64) {
            throw new SpaException(RefusalReason.BAD_USERNAME, "username field length " + (e - p));
        }
        String user = b64(b, p, e, RefusalReason.BAD_USERNAME);
        String err = MessageRules.checkUsername(user);
        if (err != null) {
            throw new SpaException(RefusalReason.BAD_USERNAME, err);
        }

        p = e + 1;
        e = fieldEnd(s, p, end);
        if (e == p || e - p > MAX_TIMESTAMP) {
            throw new SpaException(RefusalReason.BAD_TIMESTAMP, "timestamp field length " + (e - p));
        }
        long t = strtolInt(b, p, e);
        if (t < 0) {
            // libfko reads it into a signed int: 2147483648 and beyond (Y2038) come out negative
            throw new SpaException(RefusalReason.BAD_TIMESTAMP, "timestamp is not a number in 0..2147483647");
        }

        p = e + 1;
        e = fieldEnd(s, p, end);
        if (e == p || e - p > MAX_VERSION) {
            throw new SpaException(RefusalReason.BAD_VERSION, "version field length " + (e - p));
        }
        String version = s.substring(p, e);

        p = e + 1;
        e = fieldEnd(s, p, end);
        if (e == p || e - p > MAX_TYPE) {
            throw new SpaException(RefusalReason.BAD_MESSAGE_TYPE, "message type field length " + (e - p));
        }
        long typeCode = strtolInt(b, p, e);
        MessageType type = typeCode < 0 ? null : MessageType.fromCode((int) typeCode);
        if (type == null) {
            throw new SpaException(RefusalReason.BAD_MESSAGE_TYPE, "message type '" + s.substring(p, e) + "' unknown");
        }
        // the four fields before the type end in a ':' each; the rest are from the type field on
        if (separators - 4 > type.maxFieldSeparators()) {
            throw new SpaException(RefusalReason.MALFORMED, "too many fields for message type " + type.code());
        }

        p = e + 1;
        e = fieldEnd(s, p, end);
        if (e == p || e - p > MAX_MESSAGE_B64) {
            throw new SpaException(RefusalReason.BAD_MESSAGE, "message field length " + (e - p));
        }
        String message = b64(b, p, e, RefusalReason.BAD_MESSAGE);
        err = type == MessageType.COMMAND ? MessageRules.checkCommandMessage(message, true)
                : MessageRules.checkAccessMessage(message, true);
        if (err != null) {
            throw new SpaException(RefusalReason.BAD_MESSAGE, err);
        }

        String nat = null;
        if (type.hasNatAccess()) {
            p = e + 1;
            e = fieldEnd(s, p, end);
            if (e == p || e - p > MAX_NAT_B64) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, "nat_access field length " + (e - p));
            }
            nat = b64(b, p, e, RefusalReason.BAD_NAT_ACCESS);
            err = MessageRules.checkNatAccess(nat);
            if (err != null) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, err);
            }
        }

        // what is left: [server_auth][:timeout] for the timeout types, [server_auth] for the others
        p = e + 1;
        String serverAuth = null;
        int timeout = 0;
        if (type.hasClientTimeout()) {
            e = fieldEnd(s, p, end);
            if (e < end) {
                serverAuth = serverAuth(b, p, e);
                p = e + 1;
            }
            int restLen = Math.max(0, end - p);
            if (restLen == 0 || restLen > MAX_FIELD) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout missing");
            }
            for (int i = p; i < end; i++) {
                if (b[i] < '0' || b[i] > '9') {
                    throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout is not a number");
                }
            }
            long v = strtolInt(b, p, end);
            if (v < 0 || v > MAX_CLIENT_TIMEOUT) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout outside 0..65536");
            }
            timeout = (int) v;
        } else if (p < end) {
            serverAuth = serverAuth(b, p, end);
        }
        return new SpaMessage(rand, user, t, version, type, message, nat, serverAuth, timeout, digestType);
    }

    /** Where the field starting at {@code p} ends: the next ':' or {@code end}; {@code p} itself past the end. */
    private static int fieldEnd(String s, int p, int end) {
        if (p >= end) {
            return p;
        }
        int c = s.indexOf(':', p);
        return c < 0 || c > end ? end : c;
    }

    /** server_auth: at most 256 base64 characters, never validated (libfko only carries it). */
    private static String serverAuth(byte[] b, int from, int to) throws SpaException {
        if (to - from > MAX_FIELD) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "server_auth field length " + (to - from));
        }
        return b64(b, from, to, RefusalReason.BAD_SERVER_AUTH);
    }

    private static String b64(byte[] b, int from, int to, RefusalReason reason) throws SpaException {
        try {
            return cString(SpaBase64.decode(b, from, to - from));
        } catch (IllegalArgumentException e) {
            throw new SpaException(reason, "field is not base64");
        }
    }

    /** libfko keeps decoded fields in C strings: they end at the first NUL byte. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** {@link #strtolInt(byte[], int, int)} of a string. */
    static long strtolInt(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return strtolInt(b, 0, b.length);
    }

    /**
     * {@code (int) strtol(s, NULL, 10)} as libfko's {@code strtol_wrapper} uses it: leading spaces and a
     * sign are allowed, reading stops at the first non-digit, no digits give 0, a value outside the C
     * {@code long} range is an error, and the result is truncated to 32 bits.
     *
     * @return the int value, or {@link Long#MIN_VALUE} on overflow
     */
    static long strtolInt(byte[] s, int from, int to) {
        int i = from;
        while (i < to && s[i] == ' ') {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 + d;
        }
        return (int) (negative ? -v : v);
    }

    private static boolean constantTimeEquals(byte[] a, byte[] b, int off, int len) {
        if (a.length != len) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[i] ^ b[off + i];
        }
        return diff == 0;
    }
}
