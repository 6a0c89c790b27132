package org.postern.cipher.rijndael;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.osgi.service.component.annotations.Component;
import org.postern.api.CipherKey;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;

/**
 * fwknop's Rijndael layer: {@code "Salted__" ‖ salt ‖ AES-256(mode, pt ‖ PKCS#7)} with key and IV from
 * OpenSSL's {@code EVP_BytesToKey(MD5, salt, passphrase, 1)}. Padding is applied in every mode and removed
 * leniently, as libfko does. The legacy mode pads (or cuts) the passphrase with '0' to 16 bytes first.
 */
@Component(property = "cipher=" + RijndaelKey.TYPE)
public final class RijndaelCipher implements SpaCipher {

    /** Base64 of {@code "Salted__"}'s first 60 bits, which fwknop strips from the wire. */
    public static final String PREFIX = "U2FsdGVkX1";

    private static final byte[] MAGIC = {'S', 'a', 'l', 't', 'e', 'd', '_', '_'};
    private static final int BLOCK = 16;
    /** RIJNDAEL_MAX_KEYSIZE: libfko's limit on the passphrase. */
    private static final int MAX_KEY = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    /*
     * getInstance costs more than the work on one packet, so each thread keeps its own engines (JDK objects
     * only, so a stale thread never pins this bundle's class loader).
     */
    private static final ThreadLocal<Engines> ENGINES = ThreadLocal.withInitial(Engines::new);

    /** One thread's MD5 and AES engines (one per mode, made on first use). */
    private static final class Engines {
        final MessageDigest md5;
        final Cipher[] aes = new Cipher[EncryptionMode.values().length];

        Engines() {
            try {
                md5 = MessageDigest.getInstance("MD5");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("JDK lacks MD5", e);
            }
        }
    }

    @Override
    public String type() {
        return RijndaelKey.TYPE;
    }

    @Override
    public String wirePrefix() {
        return PREFIX;
    }

    @Override
    public String encrypt(byte[] plaintext, CipherKey key) throws SpaException {
        RijndaelKey k = rijndael(key);
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        return java.util.Base64.getEncoder().withoutPadding().encodeToString(encrypt(plaintext, k, salt));
    }

    /** Encrypts with a given salt (known-answer tests). Returns {@code Salted__ ‖ salt ‖ ciphertext}. */
    public byte[] encrypt(byte[] plaintext, RijndaelKey k, byte[] salt) throws SpaException {
        byte[] keyIv = deriveKeyIv(passphrase(k), salt);
        int pad = BLOCK - plaintext.length % BLOCK;
        byte[] padded = Arrays.copyOf(plaintext, plaintext.length + pad);
        Arrays.fill(padded, plaintext.length, padded.length, (byte) pad);
        byte[] ct = crypt(Cipher.ENCRYPT_MODE, k.mode(), keyIv, padded, 0, padded.length);
        byte[] out = new byte[16 + ct.length];
        System.arraycopy(MAGIC, 0, out, 0, 8);
        System.arraycopy(salt, 0, out, 8, 8);
        System.arraycopy(ct, 0, out, 16, ct.length);
        return out;
    }

    @Override
    public byte[] decrypt(String base64Ciphertext, CipherKey key) throws SpaException {
        RijndaelKey k = rijndael(key);
        byte[] raw;
        try {
            raw = org.postern.fko.SpaBase64.decode(base64Ciphertext);
        } catch (IllegalArgumentException e) {
            throw new SpaException(RefusalReason.NOT_BASE64, "ciphertext is not base64");
        }
        if (raw.length < 16 + BLOCK || (raw.length - 16) % BLOCK != 0) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "ciphertext length " + raw.length
                    + " is not salt + whole blocks");
        }
        byte[] salt = Arrays.copyOfRange(raw, 8, 16);
        byte[] keyIv = deriveKeyIv(passphrase(k), salt);
        byte[] pt = crypt(Cipher.DECRYPT_MODE, k.mode(), keyIv, raw, 16, raw.length - 16);
        int v = pt[pt.length - 1] & 0xff;
        int len = pt.length;
        if (v >= 1 && v <= BLOCK) {
            boolean ok = true;
            for (int i = pt.length - v; i < pt.length; i++) {
                ok &= (pt[i] & 0xff) == v;
            }
            if (ok) {
                len -= v;
            }
        }
        // A wrong key yields noise: libfko insists on 16 digits then ':' before anything else.
        if (len < 17 || pt[16] != ':') {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "plaintext does not start with a random value");
        }
        for (int i = 0; i < 16; i++) {
            if (pt[i] < '0' || pt[i] > '9') {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED, "plaintext does not start with a random value");
            }
        }
        return Arrays.copyOf(pt, len);
    }

    private static RijndaelKey rijndael(CipherKey key) throws SpaException {
        if (key instanceof RijndaelKey k) {
            return k;
        }
        throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "not a Rijndael key: " + key.cipherType());
    }

    /**
     * The passphrase as the mode uses it: legacy pads with '0' or cuts to 16 bytes (the cut is the client's
     * and fwknopd's; libfko itself only pads). libfko refuses keys longer than 32 bytes.
     */
    static byte[] passphrase(RijndaelKey k) throws SpaException {
        byte[] p = k.passphrase();
        if (k.mode() != EncryptionMode.LEGACY && p.length > MAX_KEY) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "Rijndael key longer than " + MAX_KEY
                    + " bytes: libfko refuses it");
        }
        if (k.mode() == EncryptionMode.LEGACY && p.length != 16) {
            byte[] q = Arrays.copyOf(p, 16);
            for (int i = p.length; i < 16; i++) {
                q[i] = '0';
            }
            return q;
        }
        return p;
    }

    /** OpenSSL EVP_BytesToKey with MD5 and one iteration: 32 key bytes then 16 IV bytes. */
    static byte[] deriveKeyIv(byte[] pass, byte[] salt) {
        MessageDigest md5 = ENGINES.get().md5;
        byte[] out = new byte[48];
        try {
            for (int off = 0; off < 48; off += 16) {
                if (off > 0) {
                    md5.update(out, off - 16, 16);
                }
                md5.update(pass);
                md5.update(salt);
                md5.digest(out, off, 16);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 digest failed", e);
        }
        return out;
    }

    private static byte[] crypt(int opmode, EncryptionMode mode, byte[] keyIv, byte[] data, int off, int len)
            throws SpaException {
        if (mode == EncryptionMode.ASYMMETRIC) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "asymmetric is not Rijndael");
        }
        try {
            Cipher[] engines = ENGINES.get().aes;
            Cipher c = engines[mode.ordinal()];
            if (c == null) {
                c = Cipher.getInstance(transformation(mode));
                engines[mode.ordinal()] = c;
            }
            SecretKeySpec aes = new SecretKeySpec(keyIv, 0, 32, "AES");
            if (mode == EncryptionMode.ECB) {
                c.init(opmode, aes);
            } else {
                c.init(opmode, aes, new IvParameterSpec(keyIv, 32, 16));
            }
            return c.doFinal(data, off, len);
        } catch (GeneralSecurityException e) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "AES " + mode + " failed");
        }
    }

    private static String transformation(EncryptionMode mode) {
        return switch (mode) {
            case CBC, LEGACY -> "AES/CBC/NoPadding";
            case ECB -> "AES/ECB/NoPadding";
            case CFB -> "AES/CFB/NoPadding";
            case OFB -> "AES/OFB/NoPadding";
            case CTR -> "AES/CTR/NoPadding";
            case ASYMMETRIC -> throw new IllegalArgumentException("asymmetric is not Rijndael");
        };
    }
}
