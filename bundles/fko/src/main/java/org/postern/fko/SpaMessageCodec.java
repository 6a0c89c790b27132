package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

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
    private static final int MAX_SERVER_AUTH_B64 = 88;
    private static final int MAX_CLIENT_TIMEOUT = 65536;

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
     * Parses and verifies a decrypted plaintext.
     *
     * @throws SpaException with the precise reason; never any other exception
     */
    public static SpaMessage decode(String plain) throws SpaException {
        int len = plain.length();
        if (len < MIN_ENCODED || len >= MAX_ENCODED) {
            throw new SpaException(RefusalReason.MALFORMED, "plaintext length " + len + " outside 36..1499");
        }
        for (int i = 0; i < len; i++) {
            char c = plain.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new SpaException(RefusalReason.MALFORMED, "non-printable character at " + i);
            }
        }
        int lastColon = plain.lastIndexOf(':');
        if (lastColon < 0) {
            throw new SpaException(RefusalReason.MALFORMED, "no digest field");
        }
        String fields = plain.substring(0, lastColon);
        String digest = plain.substring(lastColon + 1);
        DigestType[] candidates = DigestType.forBase64Length(digest.length());
        if (candidates.length == 0) {
            throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest length " + digest.length() + " matches no type");
        }
        int colons = 0;
        for (int i = 0; i < fields.length(); i++) {
            if (fields.charAt(i) == ':') {
                colons++;
            }
        }
        if (colons < 5) {
            throw new SpaException(RefusalReason.MALFORMED, "too few fields");
        }
        byte[] given = digest.getBytes(StandardCharsets.US_ASCII);
        DigestType matched = null;
        for (DigestType t : candidates) {
            if (MessageDigest.isEqual(given, digest(fields, t).getBytes(StandardCharsets.US_ASCII))) {
                matched = t;
                break;
            }
        }
        if (matched == null) {
            throw new SpaException(RefusalReason.DIGEST_MISMATCH, "digest does not match the message");
        }
        return parseFields(fields, matched);
    }

    private static SpaMessage parseFields(String fields, DigestType digestType) throws SpaException {
        FieldReader r = new FieldReader(fields);
        String rand = r.next();
        if (rand.length() < 16) {
            throw new SpaException(RefusalReason.BAD_RANDOM, "random value shorter than 16");
        }
        rand = rand.substring(0, 16);

        String userB64 = r.next();
        if (userB64.isEmpty() || userB64.length() > MAX_USERNAME_B64) {
            throw new SpaException(RefusalReason.BAD_USERNAME, "username field length " + userB64.length());
        }
        String user = b64(userB64, RefusalReason.BAD_USERNAME);
        String err = MessageRules.checkUsername(user);
        if (err != null) {
            throw new SpaException(RefusalReason.BAD_USERNAME, err);
        }

        String ts = r.next();
        if (ts.isEmpty() || ts.length() > MAX_TIMESTAMP || !digits(ts)) {
            throw new SpaException(RefusalReason.BAD_TIMESTAMP, "timestamp is not a number");
        }
        long timestamp = Long.parseLong(ts);
        if (timestamp > Integer.MAX_VALUE) {
            // libfko parses into a signed 32-bit int: timestamps past 2038-01-19 are refused (Y2038 quirk)
            throw new SpaException(RefusalReason.BAD_TIMESTAMP, "timestamp beyond 2147483647 (Y2038)");
        }

        String version = r.next();
        if (version.isEmpty() || version.length() > MAX_VERSION) {
            throw new SpaException(RefusalReason.BAD_VERSION, "version field length " + version.length());
        }

        String typeText = r.next();
        if (typeText.isEmpty() || typeText.length() > MAX_TYPE || !digits(typeText)) {
            throw new SpaException(RefusalReason.BAD_MESSAGE_TYPE, "message type is not a number");
        }
        MessageType type = MessageType.fromCode(Integer.parseInt(typeText));
        if (type == null) {
            throw new SpaException(RefusalReason.BAD_MESSAGE_TYPE, "message type " + typeText + " unknown");
        }
        if (r.remainingSeparators() + 1 > type.maxFieldSeparators()) {
            throw new SpaException(RefusalReason.MALFORMED, "too many fields for message type " + type.code());
        }

        String msgB64 = r.next();
        if (msgB64.isEmpty() || msgB64.length() > MAX_MESSAGE_B64) {
            throw new SpaException(RefusalReason.BAD_MESSAGE, "message field length " + msgB64.length());
        }
        String message = b64(msgB64, RefusalReason.BAD_MESSAGE);
        err = type == MessageType.COMMAND ? MessageRules.checkCommandMessage(message)
                : MessageRules.checkAccessMessage(message);
        if (err != null) {
            throw new SpaException(RefusalReason.BAD_MESSAGE, err);
        }

        String nat = null;
        if (type.hasNatAccess()) {
            if (!r.hasNext()) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, "NAT message without nat_access");
            }
            String natB64 = r.next();
            if (natB64.isEmpty() || natB64.length() > MAX_NAT_B64) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, "nat_access field length " + natB64.length());
            }
            nat = b64(natB64, RefusalReason.BAD_NAT_ACCESS);
            err = MessageRules.checkNatAccess(nat);
            if (err != null) {
                throw new SpaException(RefusalReason.BAD_NAT_ACCESS, err);
            }
        }

        String serverAuth = null;
        int timeout = 0;
        if (type.hasClientTimeout()) {
            if (!r.hasNext()) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout missing");
            }
            if (r.remainingSeparators() > 0) {
                serverAuth = serverAuth(r.next());
            }
            String t = r.next();
            if (t.isEmpty() || t.length() > 6 || !digits(t) || Integer.parseInt(t) > MAX_CLIENT_TIMEOUT) {
                throw new SpaException(RefusalReason.BAD_CLIENT_TIMEOUT, "client timeout invalid");
            }
            timeout = Integer.parseInt(t);
        } else if (r.hasNext()) {
            serverAuth = serverAuth(r.next());
        }
        if (r.hasNext()) {
            throw new SpaException(RefusalReason.MALFORMED, "trailing fields");
        }
        return new SpaMessage(rand, user, timestamp, version, type, message, nat, serverAuth, timeout, digestType);
    }

    private static String serverAuth(String b64) throws SpaException {
        if (b64.isEmpty() || b64.length() > MAX_SERVER_AUTH_B64) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "server_auth field length " + b64.length());
        }
        return b64(b64, RefusalReason.BAD_SERVER_AUTH);
    }

    private static String b64(String field, RefusalReason reason) throws SpaException {
        try {
            String s = SpaBase64.decodeToString(field);
            if (s.isEmpty()) {
                throw new SpaException(reason, "field decodes to nothing");
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new SpaException(reason, "field is not base64");
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Walks ':'-separated fields. */
    private static final class FieldReader {
        private final String s;
        private int pos;

        FieldReader(String s) {
            this.s = s;
        }

        boolean hasNext() {
            return pos <= s.length() && pos >= 0;
        }

        String next() throws SpaException {
            if (!hasNext()) {
                throw new SpaException(RefusalReason.MALFORMED, "missing field");
            }
            int c = s.indexOf(':', pos);
            String f;
            if (c < 0) {
                f = s.substring(pos);
                pos = -1;
            } else {
                f = s.substring(pos, c);
                pos = c + 1;
            }
            return f;
        }

        int remainingSeparators() {
            if (!hasNext()) {
                return -1;
            }
            int n = 0;
            for (int i = pos; i < s.length(); i++) {
                if (s.charAt(i) == ':') {
                    n++;
                }
            }
            return n;
        }
    }
}
