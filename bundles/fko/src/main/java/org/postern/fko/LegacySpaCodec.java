package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Pattern;

import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * The plaintext of fwknop 1.9.x (Perl) SPA packets, decoded with fwknopd 1.9.12's rules:
 * {@code rand:b64(user):time:version:type:b64(msg)[:b64(nat)][:b64(server_auth)][:timeout]:digest}.
 *
 * <ul>
 * <li>7 to 9 fields counting the digest; the base64 fields keep their {@code =} padding (accepted with or
 * without it);</li>
 * <li>the digest type by its length: MD5 (22), SHA-1 (27), SHA-256 (43) of everything before {@code :digest};</li>
 * <li>the version {@code N.N[.N][-preN]}, as a number without its dots and a leading zero (1.9.12 = 1912);
 * NAT fields are read from 190 on, timeouts from 192, server_auth from 93;</li>
 * <li>field 7 (and 8): types 2 and 5 nat; type 3 the timeout; types 4 and 6 nat then timeout; the other types
 * server_auth.</li>
 * </ul>
 *
 * <p>{@link SpaMessageCodec} (the 2.x rules) also opens most 1.9.12 packets; this decoder is the 1.9 reading
 * (e.g. server_auth of a type-3 packet is not a 1.9 field), used for packets whose version is 1.x. Stateless.
 */
public final class LegacySpaCodec {

    private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+(\\.\\d+)?(-pre\\d+)?");
    private static final Pattern RANDOM = Pattern.compile("\\d{16}");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,10}");

    private LegacySpaCodec() {
    }

    /** Whether the plaintext claims a 1.x version (its fourth field starts with {@code 1.}). */
    public static boolean isLegacy(String plain) {
        int p = 0;
        for (int i = 0; i < 3; i++) {
            p = plain.indexOf(':', p);
            if (p < 0) {
                return false;
            }
            p++;
        }
        return plain.startsWith("1.", p) && plain.indexOf(':', p) > p;
    }

    /**
     * The 1.9 version number: {@code 1.9.12} is 1912, {@code 1.9.2} 192, {@code 1.0} 10 ({@code -preN} dropped).
     *
     * @return the number, or -1 when the version is not {@code N.N[.N][-preN]}
     */
    public static int versionNumber(String version) {
        if (!VERSION.matcher(version).matches()) {
            return -1;
        }
        String v = version.replaceFirst("-pre\\d+$", "").replace(".", "");
        if (v.startsWith("0")) {
            v = v.substring(1);
        }
        try {
            return v.isEmpty() ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The version fwknop 1.9.12 sends. */
    public static final String VERSION_1_9_12 = "1.9.12";

    /**
     * The plaintext a fwknop 1.9.12 client builds for {@code m}: base64 fields with their {@code =} padding, the
     * fields in 1.9's order (nat, then server_auth, then the timeout), then {@code :digest} (MD5, SHA-1 or
     * SHA-256; the digest itself unpadded). The message's version is written as it is.
     *
     * @throws IllegalArgumentException for a digest 1.9 did not have, or server_auth with NAT or a timeout type
     *                                  (fwknopd 1.9 reads neither combination)
     */
    public static String encode(SpaMessage m) {
        DigestType dt = m.digestType();
        if (dt != DigestType.MD5 && dt != DigestType.SHA1 && dt != DigestType.SHA256) {
            throw new IllegalArgumentException("fwknop 1.9 digests are MD5, SHA1 and SHA256, not " + dt);
        }
        int code = m.type().code();
        if (m.serverAuth() != null && code != 0 && code != 1) {
            throw new IllegalArgumentException("fwknopd 1.9 reads server_auth only in message types 0 and 1 (not with"
                    + " NAT or a client timeout)");
        }
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        StringBuilder sb = new StringBuilder(256);
        sb.append(m.random()).append(':')
                .append(b64.encodeToString(m.username().getBytes(StandardCharsets.UTF_8))).append(':')
                .append(m.timestamp()).append(':')
                .append(m.version()).append(':')
                .append(code).append(':')
                .append(b64.encodeToString(m.message().getBytes(StandardCharsets.UTF_8)));
        if (m.type().hasNatAccess() && m.natAccess() != null) {
            sb.append(':').append(b64.encodeToString(m.natAccess().getBytes(StandardCharsets.UTF_8)));
        }
        if (m.serverAuth() != null) {
            sb.append(':').append(b64.encodeToString(m.serverAuth().getBytes(StandardCharsets.UTF_8)));
        }
        if (m.type().hasClientTimeout()) {
            sb.append(':').append(Math.max(0, m.clientTimeout()));
        }
        String fields = sb.toString();
        return fields + ':' + SpaBase64.encode(dt.hash(fields.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * Decodes and verifies one 1.9 plaintext.
     *
     * @throws SpaException with the reason, never any other exception
     */
    public static SpaMessage decode(String plain) throws SpaException {
        if (plain.length() < SpaMessageCodec.MIN_ENCODED || plain.length() >= SpaMessageCodec.MAX_ENCODED) {
            throw new SpaException(RefusalReason.MALFORMED, "plaintext length " + plain.length());
        }
        for (int i = 0; i < plain.length(); i++) {
            char c = plain.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new SpaException(RefusalReason.MALFORMED, "non-printable character at " + i);
            }
        }
        String[] f = plain.split(":", -1);
        if (f.length < 7 || f.length > 9) {
            throw new SpaException(RefusalReason.MALFORMED, f.length + " fields (fwknop 1.9 takes 7 to 9)");
        }
        int lastColon = plain.lastIndexOf(':');
        String digest = f[f.length - 1];
        DigestType dt = switch (digest.length()) {
            case 22 -> DigestType.MD5;
            case 27 -> DigestType.SHA1;
            case 43 -> DigestType.SHA256;
            default -> throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest length " + digest.length()
                    + " is not MD5 (22), SHA1 (27) or SHA256 (43)");
        };
        byte[] expected = SpaBase64.encode(dt.hash(plain.substring(0, lastColon)
                .getBytes(StandardCharsets.US_ASCII))).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, digest.getBytes(StandardCharsets.US_ASCII))) {
            throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest does not match the message");
        }
        if (!RANDOM.matcher(f[0]).matches()) {
            throw new SpaException(RefusalReason.BAD_RANDOM, "random value is not 16 digits");
        }
        String user = b64(f[1], RefusalReason.BAD_USERNAME);
        if (user.isEmpty()) {
            throw new SpaException(RefusalReason.BAD_USERNAME, "empty username");
        }
        if (!DIGITS.matcher(f[2]).matches()) {
            throw new SpaException(RefusalReason.BAD_TIMESTAMP, "timestamp is not a number");
        }
        long time = Long.parseLong(f[2]);
        int version = versionNumber(f[3]);
        if (version < 0) {
            throw new SpaException(RefusalReason.BAD_VERSION, "version '" + f[3] + "' is not N.N[.N][-preN]");
        }
        MessageType type = f[4].matches("\\d") ? MessageType.fromCode(f[4].charAt(0) - '0') : null;
        if (type == null || type.code() > 6) {
            throw new SpaException(RefusalReason.BAD_MESSAGE_TYPE, "message type '" + f[4] + "' unknown to 1.9");
        }
        String message = b64(f[5], RefusalReason.BAD_MESSAGE);
        String err = type == MessageType.COMMAND ? MessageRules.checkCommandMessage(message)
                : MessageRules.checkAccessMessage(message);
        if (err != null) {
            throw new SpaException(RefusalReason.BAD_MESSAGE, err);
        }
        int extras = f.length - 7; // fields between the message and the digest
        String nat = null;
        String serverAuth = null;
        int timeout = 0;
        int code = type.code();
        int next = 6;
        if (code == 2 || code == 4 || code == 5 || code == 6) {
            if (extras < 1 || version < 190) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, "NAT message type " + code + " without a nat"
                        + " field (or from a version before 1.9.0)");
            }
            nat = b64(f[next++], RefusalReason.BAD_NAT_ACCESS);
            err = MessageRules.checkNatAccess(nat);
            if (err != null) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, err);
            }
        }
        if (code == 3 || code == 4 || code == 6) {
            if (next >= f.length - 1 || version < 192) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "timeout type " + code
                        + " without a timeout field (or from a version before 1.9.2)");
            }
            String t = f[next++];
            if (!DIGITS.matcher(t).matches() || Long.parseLong(t) > 65535) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout is not a number up to 65535");
            }
            timeout = Integer.parseInt(t);
        }
        if (code == 0 || code == 1) {
            if (next < f.length - 1 && version >= 93) {
                serverAuth = b64(f[next++], RefusalReason.BAD_SERVER_AUTH);
            }
        }
        if (next != f.length - 1) {
            throw new SpaException(RefusalReason.MALFORMED, "too many fields for message type " + code
                    + " (fwknop 1.9)");
        }
        return new SpaMessage(f[0], user, time, f[3], type, message, nat, serverAuth, timeout, dt);
    }

    private static String b64(String field, RefusalReason reason) throws SpaException {
        if (field.isEmpty() || !SpaBase64.isBase64Alphabet(field.replace("=", ""))
                || field.indexOf('=') >= 0 && !field.substring(field.indexOf('=')).matches("={1,2}")) {
            throw new SpaException(reason, "field is not base64");
        }
        try {
            byte[] b = SpaBase64.decode(field);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SpaException(reason, "field is not base64");
        }
    }
}
