package org.postern.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what members share beyond digests and grant listings (stanza configurations with their keys, revoke
 * requests) with AES-256-GCM under a key derived from the cluster secret; the channel name is authenticated
 * too, so a sealed value cannot be moved to another channel. Without a secret, values travel as plain text
 * and sealed ones are refused.
 */
final class Sealer {

    private static final String SEALED = "S1:";
    private static final String PLAIN = "P1:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    Sealer(String secret) {
        if (secret == null || secret.isEmpty()) {
            key = null;
            return;
        }
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("postern-cluster-v1\0".getBytes(StandardCharsets.UTF_8));
            byte[] k = d.digest(secret.getBytes(StandardCharsets.UTF_8));
            key = new SecretKeySpec(k, "AES");
            Arrays.fill(k, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean sealing() {
        return key != null;
    }

    String seal(String channel, String text) {
        if (key == null) {
            return PLAIN + text;
        }
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(channel.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(text.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + ct.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(ct, 0, out, nonce.length, ct.length);
            return SEALED + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text, or null when the value is not authentic (wrong secret, altered, wrong channel, plain text while sealing). */
    String open(String channel, String value) {
        if (value == null) {
            return null;
        }
        if (key == null) {
            return value.startsWith(PLAIN) ? value.substring(PLAIN.length()) : null;
        }
        if (!value.startsWith(SEALED)) {
            return null;
        }
        try {
            byte[] in = Base64.getDecoder().decode(value.substring(SEALED.length()));
            if (in.length < 12 + 16) {
                return null;
            }
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            c.updateAAD(channel.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return null;
        }
    }
}
