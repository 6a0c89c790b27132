package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * fwknop 1.9's knock-sequence cipher: Crypt::CBC 2.29 defaults with Crypt::Rijndael, i.e. a {@code Salted__}
 * header, EVP_BytesToKey(MD5, count 1) key and IV, AES-256-CBC with PKCS#7, the passphrase right-padded with
 * ASCII '0' to 16 characters. One implementation for the client (which encrypts sequences) and the knock
 * decoder (which decrypts them).
 *
 * @since 1.3
 */
public final class KnockSequenceCipher {

    private static final byte[] SALTED = "Salted__".getBytes(StandardCharsets.US_ASCII);

    private KnockSequenceCipher() {
    }

    /** The passphrase as 1.9 uses it: padded with '0' to 16 bytes, longer keys unchanged. */
    public static byte[] padKey(byte[] key) {
        if (key.length >= 16) {
            return key.clone();
        }
        byte[] out = Arrays.copyOf(key, 16);
        Arrays.fill(out, key.length, 16, (byte) '0');
        return out;
    }

    /**
     * Decrypts a 32-byte (or longer) sequence; only the first 32 bytes are used, as fwknopd does. A block
     * whose PKCS#7 padding is invalid is returned unchanged (Crypt::CBC 2.29 behaviour).
     *
     * @return the plaintext, or null when the data does not start with {@code Salted__}
     */
    public static byte[] decrypt(byte[] sequence, byte[] passphrase) {
        if (sequence.length < 32 || !Arrays.equals(SALTED, 0, 8, sequence, 0, 8)) {
            return null;
        }
        byte[] salt = Arrays.copyOfRange(sequence, 8, 16);
        byte[][] keyIv = deriveKeyIv(padKey(passphrase), salt);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyIv[0], "AES"), new IvParameterSpec(keyIv[1]));
            byte[] plain = c.doFinal(sequence, 16, 16);
            int pad = plain[15] & 0xff;
            if (pad >= 1 && pad <= 16) {
                boolean ok = true;
                for (int i = 16 - pad; i < 16; i++) {
                    ok &= (plain[i] & 0xff) == pad;
                }
                if (ok) {
                    return Arrays.copyOf(plain, 16 - pad);
                }
            }
            return plain;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC unavailable", e);
        } finally {
            Arrays.fill(keyIv[0], (byte) 0);
        }
    }

    /** Encrypts as the 1.9 client does, with a given 8-byte salt. */
    public static byte[] encrypt(byte[] plaintext, byte[] passphrase, byte[] salt) {
        if (salt.length != 8) {
            throw new IllegalArgumentException("salt must be 8 bytes");
        }
        byte[][] keyIv = deriveKeyIv(padKey(passphrase), salt);
        try {
            Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv[0], "AES"), new IvParameterSpec(keyIv[1]));
            byte[] ct = c.doFinal(plaintext);
            byte[] out = new byte[16 + ct.length];
            System.arraycopy(SALTED, 0, out, 0, 8);
            System.arraycopy(salt, 0, out, 8, 8);
            System.arraycopy(ct, 0, out, 16, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC unavailable", e);
        }
    }

    private static byte[][] deriveKeyIv(byte[] paddedPass, byte[] salt) {
        try {
            return deriveKeyIv0(paddedPass, salt);
        } finally {
            Arrays.fill(paddedPass, (byte) 0);
        }
    }

    private static byte[][] deriveKeyIv0(byte[] pass, byte[] salt) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] material = new byte[48];
            byte[] prev = new byte[0];
            for (int off = 0; off < 48; off += 16) {
                md5.update(prev);
                md5.update(pass);
                md5.update(salt);
                prev = md5.digest();
                System.arraycopy(prev, 0, material, off, 16);
            }
            byte[][] out = {Arrays.copyOf(material, 32), Arrays.copyOfRange(material, 32, 48)};
            Arrays.fill(material, (byte) 0);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
