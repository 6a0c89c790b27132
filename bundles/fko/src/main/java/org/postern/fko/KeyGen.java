package org.postern.fko;

import java.security.SecureRandom;
import java.util.Base64;

/** {@code --key-gen}: random Rijndael and HMAC keys, printed as fwknop prints them (padded base64). */
public final class KeyGen {

    public static final int DEFAULT_KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyGen() {
    }

    /**
     * The two lines {@code KEY_BASE64: ...} and {@code HMAC_KEY_BASE64: ...}.
     *
     * @param keyLength     1..32 bytes
     * @param hmacKeyLength bytes, or 0 for the HMAC type's default (an error for the SHA3 types, as in fwknop)
     */
    public static String generate(int keyLength, int hmacKeyLength, HmacType type) {
        if (keyLength < 1 || keyLength > 32) {
            throw new IllegalArgumentException("--key-len must be 1..32");
        }
        int hlen = hmacKeyLength > 0 ? hmacKeyLength : type.defaultKeyLength();
        if (hlen <= 0) {
            throw new IllegalArgumentException("--hmac-key-len is required for " + type);
        }
        if (hlen > 128) {
            throw new IllegalArgumentException("--hmac-key-len must be 1..128");
        }
        byte[] k = new byte[keyLength];
        byte[] h = new byte[hlen];
        RANDOM.nextBytes(k);
        RANDOM.nextBytes(h);
        Base64.Encoder enc = Base64.getEncoder();
        return "KEY_BASE64: " + enc.encodeToString(k) + "\nHMAC_KEY_BASE64: " + enc.encodeToString(h) + "\n";
    }
}
