package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.postern.api.CipherKey;
import org.postern.api.RefusalReason;
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
    /** libfko treats base64 data of this length or more as GnuPG. */
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
        return SpaMessageCodec.decode(openPlaintext(wire, cipher, key, hmac));
    }

    /** Authenticates and decrypts, returning the plaintext without decoding it. */
    public static String openPlaintext(String wire, SpaCipher cipher, CipherKey key, HmacKey hmac)
            throws SpaException {
        String ct = authenticate(wire, cipher.wirePrefix(), hmac);
        byte[] plain = cipher.decrypt(ct, key);
        return new String(plain, StandardCharsets.ISO_8859_1);
    }

    /**
     * Verifies and strips the HMAC (when a key is given) and re-adds the cipher prefix.
     *
     * @return the prefixed ciphertext base64
     */
    public static String authenticate(String wire, String prefix, HmacKey hmac) throws SpaException {
        if (wire.length() < SpaMessageCodec.MIN_ENCODED || wire.length() >= MAX_PACKET) {
            throw new SpaException(RefusalReason.MALFORMED, "wire length " + wire.length() + " outside 36..1499");
        }
        String body = wire;
        if (hmac != null) {
            int macLen = hmac.type().base64Length();
            if (wire.length() - macLen < SpaMessageCodec.MIN_ENCODED) {
                throw new SpaException(RefusalReason.HMAC_MISSING, "too short to carry an " + hmac.type() + " HMAC");
            }
            body = wire.substring(0, wire.length() - macLen);
            String given = wire.substring(wire.length() - macLen);
            String prefixed = body.startsWith(prefix) ? body : prefix + body;
            String expected = hmac.macBase64(prefixed.getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    given.getBytes(StandardCharsets.US_ASCII))) {
                throw new SpaException(RefusalReason.HMAC_MISMATCH, "HMAC-" + hmac.type() + " does not verify");
            }
        }
        if (!SpaBase64.isBase64Alphabet(body)) {
            throw new SpaException(RefusalReason.NOT_BASE64, "ciphertext is not base64");
        }
        return body.startsWith(prefix) ? body : prefix + body;
    }

    /** fwknopd's replay-cache key: unpadded base64 of SHA-256 over the wire payload as received. */
    public static String replayDigest(String wire) {
        return SpaBase64.encode(DigestType.SHA256.hash(wire.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
