package org.postern.fko;

import java.nio.charset.StandardCharsets;

import org.postern.api.CipherKey;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;

/**
 * The outer layer of an SPA packet: ciphertext base64 with its prefix stripped, then the optional HMAC
 * (computed over the prefixed ciphertext) appended with no separator. The HMAC is always checked before
 * anything is decrypted. Stateless and thread-safe.
 */
public final class SpaWire {

    /** fwknopd drops shorter payloads before any cryptography. */
    public static final int MIN_PACKET = 140;
    /** Exclusive upper bound for wire data (MAX_SPA_ENCODED_MSG_SIZE). */
    public static final int MAX_PACKET = 1500;
    /**
     * libfko treats base64 data of this length or more as GnuPG: a Rijndael packet that long (a command
     * message of about 150 characters) is refused by {@link #open}, as fwknopd refuses it.
     */
    public static final int GPG_THRESHOLD = 400;

    private SpaWire() {
    }

    /** Encrypts the message, strips the prefix and appends the HMAC when a key is given. */
    public static String seal(SpaMessage message, SpaCipher cipher, CipherKey key, HmacKey hmac)
            throws SpaException {
        return sealPlaintext(SpaMessageCodec.encode(message), cipher, key, hmac);
    }

    /** As {@link #seal} for an already encoded plaintext ({@code encoded:digest}). */
    public static String sealPlaintext(String plaintext, SpaCipher cipher, CipherKey key, HmacKey hmac)
            throws SpaException {
        if (hmac != null && hmac.length() > HmacType.MAX_KEY_LENGTH) {
            throw new SpaException(RefusalReason.HMAC_MISMATCH, "HMAC key longer than "
                    + HmacType.MAX_KEY_LENGTH + " bytes: libfko refuses it");
        }
        String ct = cipher.encrypt(plaintext.getBytes(StandardCharsets.US_ASCII), key);
        String prefix = cipher.wirePrefix();
        String wire = ct.startsWith(prefix) ? ct.substring(prefix.length()) : ct;
        if (hmac != null) {
            wire += hmac.macBase64(ct.getBytes(StandardCharsets.US_ASCII));
        }
        return wire;
    }

    /**
     * Authenticates and decrypts a wire payload with one stanza's keys, then decodes the message.
     *
     * @throws SpaException with the reason of the first failing step
     */
    public static SpaMessage open(String wire, SpaCipher cipher, CipherKey key, HmacKey hmac) throws SpaException {
        byte[] plain = decrypt(wire, cipher, key, hmac);
        return SpaMessageCodec.decode(new String(plain, StandardCharsets.ISO_8859_1), plain);
    }

    /**
     * As {@link #open}, but a plaintext whose version is 1.x (fwknop 1.9 Perl clients) is decoded with
     * {@link LegacySpaCodec}'s 1.9.12 rules (when its digest is MD5, SHA-1 or SHA-256), anything else with
     * {@link SpaMessageCodec}'s.
     */
    public static SpaMessage openWithLegacy(String wire, SpaCipher cipher, CipherKey key, HmacKey hmac)
            throws SpaException {
        byte[] plain = decrypt(wire, cipher, key, hmac);
        String s = new String(plain, StandardCharsets.ISO_8859_1);
        int digestLen = s.length() - s.lastIndexOf(':') - 1;
        // fwknop 2.0 also said 1.9.12, with digests 1.9 did not have (SHA-384/512): those take the 2.x rules
        boolean legacy = LegacySpaCodec.isLegacy(s) && (digestLen == 22 || digestLen == 27 || digestLen == 43);
        return legacy ? LegacySpaCodec.decode(s) : SpaMessageCodec.decode(s, plain);
    }

    /** Authenticates and decrypts, returning the plaintext without decoding it. */
    public static String openPlaintext(String wire, SpaCipher cipher, CipherKey key, HmacKey hmac)
            throws SpaException {
        return new String(decrypt(wire, cipher, key, hmac), StandardCharsets.ISO_8859_1);
    }

    private static byte[] decrypt(String wire, SpaCipher cipher, CipherKey key, HmacKey hmac) throws SpaException {
        String ct = authenticate(wire, cipher.wirePrefix(), hmac);
        if (RijndaelKey.TYPE.equals(cipher.type())) {
            // libfko guesses the cipher from the length of what it decrypts (the prefixed data after an
            // HMAC check, the data as received without one): 400 characters or more means GnuPG.
            int seen = hmac != null ? ct.length() : wire.length();
            if (seen >= GPG_THRESHOLD) {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED, seen
                        + " base64 characters: libfko takes data of " + GPG_THRESHOLD + " or more for GnuPG");
            }
        }
        return cipher.decrypt(ct, key);
    }

    /**
     * Checks the base64 alphabet, verifies and strips the HMAC (when a key is given; constant-time, over
     * the data with the cipher prefix put back) and re-adds the prefix, in libfko's order.
     *
     * @return the prefixed ciphertext base64
     */
    public static String authenticate(String wire, String prefix, HmacKey hmac) throws SpaException {
        SpaException failure = authenticationFailure(wire, prefix, hmac);
        if (failure != null) {
            throw failure;
        }
        int n = wire.length();
        int bodyLen = hmac == null ? n : n - hmac.type().base64Length();
        if (wire.startsWith(prefix)) {
            return bodyLen == n ? wire : wire.substring(0, bodyLen);
        }
        return new StringBuilder(prefix.length() + bodyLen).append(prefix).append(wire, 0, bodyLen).toString();
    }

    /**
     * What {@link #authenticate} would throw, returned instead (null when the wire authenticates): a server trying
     * many stanzas' keys meets a mismatch for all but one, and a thrown exception costs microseconds to unwind
     * through the frames between the check and the stanza loop. Since 1.4.
     */
    public static SpaException authenticationFailure(String wire, String prefix, HmacKey hmac) {
        int n = wire.length();
        if (n < SpaMessageCodec.MIN_ENCODED || n >= MAX_PACKET) {
            return new SpaException(RefusalReason.MALFORMED, "wire length " + n + " outside 36..1499");
        }
        int bodyLen = n;
        if (hmac != null) {
            if (hmac.length() > HmacType.MAX_KEY_LENGTH) {
                return new SpaException(RefusalReason.HMAC_MISMATCH, "HMAC key longer than "
                        + HmacType.MAX_KEY_LENGTH + " bytes: libfko refuses it");
            }
            bodyLen = n - hmac.type().base64Length();
            if (bodyLen < SpaMessageCodec.MIN_ENCODED) {
                return new SpaException(RefusalReason.HMAC_MISSING, "too short to carry an " + hmac.type() + " HMAC");
            }
        }
        byte[] w = wire.getBytes(StandardCharsets.ISO_8859_1); // beyond Latin-1 becomes '?': not base64
        if (!SpaBase64.isBase64Alphabet(w, 0, bodyLen)) {
            return new SpaException(RefusalReason.NOT_BASE64, "ciphertext is not base64");
        }
        if (hmac != null) {
            boolean prefixed = wire.startsWith(prefix);
            byte[] expected = hmac.macBase64(prefixed ? null : prefix.getBytes(StandardCharsets.ISO_8859_1), w, 0,
                    bodyLen);
            int diff = expected.length ^ (n - bodyLen);
            for (int i = 0; i < expected.length && bodyLen + i < n; i++) {
                diff |= expected[i] ^ w[bodyLen + i];
            }
            if (diff != 0) {
                return new SpaException(RefusalReason.HMAC_MISMATCH, "HMAC-" + hmac.type() + " does not verify");
            }
        }
        return null;
    }

    /** fwknopd's replay-cache key: unpadded base64 of SHA-256 over the wire payload as received. */
    public static String replayDigest(String wire) {
        return SpaBase64.encode(DigestType.SHA256.hash(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
