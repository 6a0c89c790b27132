package org.postern.fko;

import java.security.MessageDigest;
import java.util.Locale;

/** The inner message digests fwknop offers ({@code -m/--digest-type}), with their libfko numbers. */
public enum DigestType {
    MD5(1, "MD5", 22),
    SHA1(2, "SHA-1", 27),
    SHA256(3, "SHA-256", 43),
    SHA384(4, "SHA-384", 64),
    SHA512(5, "SHA-512", 86),
    SHA3_256(6, "SHA3-256", 43),
    SHA3_512(7, "SHA3-512", 86);

    private final int code;
    private final String algorithm;
    private final int base64Length;

    DigestType(int code, String algorithm, int base64Length) {
        this.code = code;
        this.algorithm = algorithm;
        this.base64Length = base64Length;
    }

    /** libfko's enum value. */
    public int code() {
        return code;
    }

    /** Length of the digest in unpadded base64 (what the decoder infers the type from). */
    public int base64Length() {
        return base64Length;
    }

    /** Hashes {@code data}. */
    public byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    /** Hashes {@code len} bytes of {@code data} from {@code off}. */
    byte[] hash(byte[] data, int off, int len) {
        MessageDigest md = Engines.get().digest(this, algorithm); // digest() leaves it reset
        md.update(data, off, len);
        return md.digest();
    }

    /**
     * Parses fwknop's names ({@code md5}, {@code sha1}, {@code sha256}, {@code sha384}, {@code sha512},
     * {@code sha3_256}, {@code sha3_512}), case-insensitively.
     */
    public static DigestType parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (DigestType t : values()) {
            if (t.name().equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown digest type '" + name + "'");
    }

    /** The candidate types for a digest of this base64 length, in fwknopd's trial order. */
    static DigestType[] forBase64Length(int len) {
        return switch (len) {
            case 22 -> Trials.MD5;
            case 27 -> Trials.SHA1;
            case 43 -> Trials.B43;
            case 64 -> Trials.SHA384;
            case 86 -> Trials.B86;
            default -> Trials.NONE;
        };
    }

    /** The trial lists, shared (callers only read them). */
    private static final class Trials {
        static final DigestType[] MD5 = {DigestType.MD5};
        static final DigestType[] SHA1 = {DigestType.SHA1};
        static final DigestType[] B43 = {SHA256, SHA3_256};
        static final DigestType[] SHA384 = {DigestType.SHA384};
        static final DigestType[] B86 = {SHA512, SHA3_512};
        static final DigestType[] NONE = {};
    }
}
