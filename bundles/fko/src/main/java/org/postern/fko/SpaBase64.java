package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Base64 as libfko writes and reads it: standard alphabet, written without {@code =} padding, read
 * leniently (stops at the first {@code =} or NUL, ignores leftover bits, accepts padded input).
 */
public final class SpaBase64 {

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private SpaBase64() {
    }

    /** Unpadded standard base64. */
    public static String encode(byte[] data) {
        return ENCODER.encodeToString(data);
    }

    /** Unpadded standard base64 of the UTF-8 bytes of {@code text}. */
    public static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether every character is in {@code [A-Za-z0-9+/=]} (fwknopd's pre-check). */
    public static boolean isBase64Alphabet(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '=' && (c >= 128 || VALUES[c] < 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Decodes as libfko does: stops at the first {@code =} or NUL; a trailing group of a single
     * character is dropped.
     *
     * @throws IllegalArgumentException when a character outside the alphabet comes before the end
     */
    public static byte[] decode(CharSequence s) {
        int n = s.length();
        byte[] out = new byte[n * 3 / 4 + 3];
        int o = 0;
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '=' || c == 0) {
                break;
            }
            int v = c < 128 ? VALUES[c] : -1;
            if (v < 0) {
                throw new IllegalArgumentException("not base64 at index " + i);
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >> bits);
            }
        }
        return java.util.Arrays.copyOf(out, o);
    }

    /** Decodes to a string (UTF-8), leniently as {@link #decode(CharSequence)}. */
    public static String decodeToString(CharSequence s) {
        return new String(decode(s), StandardCharsets.UTF_8);
    }
}
