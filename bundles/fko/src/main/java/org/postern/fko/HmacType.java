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

    /** libfko refuses HMAC keys longer than this ({@code MAX_DIGEST_BLOCK_LEN}, the SHA3-256 block). */
    public static final int MAX_KEY_LENGTH = 136;

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

    /** The hash's input block size in bytes: keys longer than this are hashed first (RFC 2104). */
    public int blockSize() {
        return blockSize;
    }

    /** Computes the MAC (RFC 2104; the JCE's when it has the algorithm, else {@link #rfc2104}). */
    public byte[] mac(byte[] key, byte[] data) {
        Mac mac = Engines.get().mac(this, macAlgorithm);
        if (mac != null) {
            try {
                mac.init(new SecretKeySpec(key, macAlgorithm));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                // fall through to the manual construction
            }
        }
        return rfc2104(key, data);
    }

    /** A Mac of its own keyed with {@code key}, or null when the JDK lacks the algorithm (then RFC 2104 by hand). */
    Mac keyedMac(byte[] key) {
        try {
            Mac m = Mac.getInstance(macAlgorithm);
            m.init(new SecretKeySpec(key, macAlgorithm));
            return m;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The MAC of {@code prefix} (may be null) followed by {@code len} bytes of {@code data} from {@code off}. */
    byte[] mac(byte[] key, byte[] prefix, byte[] data, int off, int len) {
        Mac mac = Engines.get().mac(this, macAlgorithm);
        if (mac != null) {
            try {
                mac.init(new SecretKeySpec(key, macAlgorithm));
                if (prefix != null) {
                    mac.update(prefix);
                }
                mac.update(data, off, len);
                return mac.doFinal();
            } catch (GeneralSecurityException e) {
                // fall through to the manual construction
            }
        }
        int p = prefix == null ? 0 : prefix.length;
        byte[] all = new byte[p + len];
        if (prefix != null) {
            System.arraycopy(prefix, 0, all, 0, p);
        }
        System.arraycopy(data, off, all, p, len);
        return rfc2104(key, all);
    }

    /** HMAC by hand over the JDK's MessageDigest (providers that lack the Mac, HMAC-SHA3 before JDK 16). */
    byte[] rfc2104(byte[] key, byte[] data) {
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
