package org.postern.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A Rijndael (AES) passphrase and mode. The passphrase is the raw key bytes ({@code KEY}) or the decoded
 * bytes of {@code KEY_BASE64}; fwknop derives the AES-256 key and IV from it with one round of salted MD5.
 */
public final class RijndaelKey implements CipherKey {

    public static final String TYPE = "rijndael";

    private final byte[] passphrase;
    private final EncryptionMode mode;

    public RijndaelKey(byte[] passphrase, EncryptionMode mode) {
        Objects.requireNonNull(passphrase, "passphrase");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("empty Rijndael key");
        }
        if (mode == EncryptionMode.ASYMMETRIC) {
            throw new IllegalArgumentException("a Rijndael key cannot use the asymmetric mode");
        }
        this.passphrase = passphrase.clone();
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** A copy of the passphrase bytes. */
    public byte[] passphrase() {
        return passphrase.clone();
    }

    public EncryptionMode mode() {
        return mode;
    }

    @Override
    public String cipherType() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RijndaelKey k && k.mode == mode && Arrays.equals(k.passphrase, passphrase);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(passphrase) + mode.hashCode();
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "RijndaelKey[" + passphrase.length + " bytes, " + mode + "]";
    }
}
