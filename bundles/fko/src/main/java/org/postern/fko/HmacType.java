package org.postern.fko;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC algorithms fwknop offers ({@code --hmac-digest-type}, {@code HMAC_DIGEST_TYPE}), standard
 * RFC 2104 HMAC over the prefixed base64 ciphertext.
 */
public enum HmacType {
    MD5(1, "HmacMD5", "MD5", 64, 22, 16),
    SHA1(2, "HmacSHA1", "SHA-1", 64, 27, 20),
    SHA256(3, "HmacSHA256", "SHA-256", 64, 43, 64),
    SHA384(4, "HmacSHA384", "SHA-384", 128, 64, 128),
    SHA512(5, "HmacSHA512", "SHA-512", 128, 86, 128),
    SHA3_256(6, "HmacSHA3-256", "SHA3-256", 136, 43, 0),
    SHA3_512(7, "HmacSHA3-512", "SHA3-512", 72, 86, 0);

    private final int code;
    private final String macAlgorithm;
    private final String digestAlgorithm;
    private final int blockSize;
    private final int base64Length;
    private final int defaultKeyLength;

    HmacType(int code, String macAlgorithm, String digestAlgorithm, int blockSize, int base64Length,
            int defaultKeyLength) {
        this.code = code;
        this.macAlgorithm = macAlgorithm;
        this.digestAlgorithm = digestAlgorithm;
        this.blockSize = blockSize;
        this.base64Length = base64Length;
        this.defaultKeyLength = defaultKeyLength;
    }

    public int code() {
        return code;
    }

    /** Length of the MAC in unpadded base64, which is how many trailing wire characters it takes. */
    public int base64Length() {
        return base64Length;
    }

    /** The key length {@code --key-gen} uses by default; 0 when fwknop has none (the SHA3 types). */
    public int defaultKeyLength() {
        return defaultKeyLength;
    }

    /** Computes the MAC. */
    public byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(key, macAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            return rfc2104(key, data);
        }
    }

    /** HMAC by hand for providers that lack the algorithm (HMAC-SHA3 on older JDKs). */
    private byte[] rfc2104(byte[] key, byte[] data) {
        try {
            MessageDigest md = MessageDigest.getInstance(digestAlgorithm);
            byte[] k = key.length > blockSize ? md.digest(key) : key;
            byte[] block = Arrays.copyOf(k, blockSize);
            byte[] ipad = new byte[blockSize];
            byte[] opad = new byte[blockSize];
            for (int i = 0; i < blockSize; i++) {
                ipad[i] = (byte) (block[i] ^ 0x36);
                opad[i] = (byte) (block[i] ^ 0x5c);
            }
            md.update(ipad);
            byte[] inner = md.digest(data);
            md.update(opad);
            return md.digest(inner);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks " + digestAlgorithm, e);
        }
    }

    /** Parses fwknop's names ({@code sha256}, {@code sha3_256}, ...), case-insensitively. */
    public static HmacType parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (HmacType t : values()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown HMAC digest type '" + name + "'");
    }
}
