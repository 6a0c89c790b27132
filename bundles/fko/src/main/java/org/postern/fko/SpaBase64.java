package org.postern.fko;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Base64 as libfko writes and reads it: standard alphabet, written without {@code =} padding, read
 * leniently (stops at the first {@code =} or NUL, ignores leftover bits, accepts padded input).
 */
public final class SpaBase64 {

    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();
    private static final int INVALID = -1;
    /** '=' and NUL: where libfko's reader stops. */
    private static final int END = -2;
    /** Value of each byte: 0..63, INVALID or END. */
    private static final byte[] VALUES = new byte[256];
    /** 0 for {@code [A-Za-z0-9+/=]}, 1 for anything else. */
    private static final byte[] ALPHABET = new byte[256];

    static {
        java.util.Arrays.fill(VALUES, (byte) INVALID);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
        VALUES['='] = END;
        VALUES[0] = END;
        for (int i = 0; i < 256; i++) {
            ALPHABET[i] = (byte) (VALUES[i] >= 0 || i == '=' ? 0 : 1);
        }
    }

    private SpaBase64() {
    }

    /** Unpadded standard base64. */
    public static String encode(byte[] data) {
        return ENCODER.encodeToString(data);
    }

    /** Unpadded standard base64 as ASCII bytes. */
    static byte[] encodeToBytes(byte[] data) {
        return ENCODER.encode(data);
    }

    /** Unpadded standard base64 of the UTF-8 bytes of {@code text}. */
    public static String encode(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether every character is in {@code [A-Za-z0-9+/=]} (fwknopd's pre-check). */
    public static boolean isBase64Alphabet(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '=' && (c >= 256 || VALUES[c] < 0)) {
                return false;
            }
        }
        return true;
    }

    /** As {@link #isBase64Alphabet(CharSequence)} over {@code len} bytes from {@code off}. */
    static boolean isBase64Alphabet(byte[] b, int off, int len) {
        int bad = 0;
        for (int i = off; i < off + len; i++) {
            bad |= ALPHABET[b[i] & 0xff];
        }
        return bad == 0;
    }

    /**
     * Decodes as libfko does: stops at the first {@code =} or NUL, ignores the leftover bits of the last
     * group, and drops a trailing group of a single character.
     *
     * @throws IllegalArgumentException when a character outside the alphabet comes before the end
     */
    public static byte[] decode(CharSequence s) {
        String str = s.toString();
        int end = str.length();
        int eq = str.indexOf('=');
        if (eq >= 0) {
            end = eq;
        }
        int nul = str.indexOf('\0');
        if (nul >= 0 && nul < end) {
            end = nul;
        }
        int n = end;
        if (n % 4 == 1) {
            // libfko drops a dangling sixth-bit group, but still refuses it if it is no base64 character
            char c = str.charAt(--n);
            if (c >= 256 || VALUES[c] < 0) {
                throw new IllegalArgumentException("not base64 at index " + n);
            }
        }
        // the JDK decoder (vectorised on some CPUs) for the rest: no '=' left, so the same result
        byte[] in = (n == str.length() ? str : str.substring(0, n)).getBytes(StandardCharsets.ISO_8859_1);
        try {
            return DECODER.decode(in);
        } catch (IllegalArgumentException e) {
            return decode(in, 0, in.length); // throws with the index of the offending character
        }
    }

    /**
     * As {@link #decode(CharSequence)} over {@code len} ASCII bytes from {@code off}.
     *
     * @throws IllegalArgumentException when a byte outside the alphabet comes before the end
     */
    public static byte[] decode(byte[] in, int off, int len) {
        byte[] out = new byte[len / 4 * 3 + (len % 4 == 3 ? 2 : len % 4 == 2 ? 1 : 0)];
        int o = 0;
        int i = off;
        int to = off + len;
        // whole groups of four plain alphabet characters
        while (i + 4 <= to) {
            int a = VALUES[in[i] & 0xff];
            int b = VALUES[in[i + 1] & 0xff];
            int c = VALUES[in[i + 2] & 0xff];
            int d = VALUES[in[i + 3] & 0xff];
            if ((a | b | c | d) < 0) {
                break;
            }
            int v = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (v >> 16);
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) v;
            i += 4;
        }
        // the rest, one character at a time, from a group boundary
        int acc = 0;
        int bits = 0;
        for (; i < to; i++) {
            int v = VALUES[in[i] & 0xff];
            if (v == END) {
                break;
            }
            if (v < 0) {
                throw new IllegalArgumentException("not base64 at index " + (i - off));
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >> bits);
            }
        }
        return o == out.length ? out : java.util.Arrays.copyOf(out, o);
    }

    /** Decodes to a string (UTF-8), leniently as {@link #decode(CharSequence)}. */
    public static String decodeToString(CharSequence s) {
        return new String(decode(s), StandardCharsets.UTF_8);
    }
}
