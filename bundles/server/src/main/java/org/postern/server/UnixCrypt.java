package org.postern.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * crypt(3) verification for the hash formats of today's shadow files: SHA-512 ({@code $6$}), SHA-256
 * ({@code $5$}, both with an optional {@code rounds=N$}) and MD5 ({@code $1$}), as glibc computes them (Ulrich
 * Drepper's SHA-crypt specification and Poul-Henning Kamp's MD5-crypt). JDK digests only. Used by fwknop 1.9's
 * {@code REQUIRE_AUTH_METHOD crypt} ({@link ServerAuthCheck}).
 */
final class UnixCrypt {

    private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final int ROUNDS_DEFAULT = 5000;
    private static final int ROUNDS_MIN = 1000;
    private static final int ROUNDS_MAX = 999_999_999;

    private UnixCrypt() {
    }

    /** Whether the format of {@code hash} is one this class computes. */
    static boolean supported(String hash) {
        return hash.startsWith("$6$") || hash.startsWith("$5$") || hash.startsWith("$1$");
    }

    /** Whether {@code password} hashes to {@code hash} (constant-time comparison); false for other formats. */
    static boolean verify(byte[] password, String hash) {
        String computed;
        if (hash.startsWith("$6$")) {
            computed = shaCrypt(password, hash, "SHA-512", "$6$");
        } else if (hash.startsWith("$5$")) {
            computed = shaCrypt(password, hash, "SHA-256", "$5$");
        } else if (hash.startsWith("$1$")) {
            computed = md5Crypt(password, hash);
        } else {
            return false;
        }
        return computed != null && MessageDigest.isEqual(computed.getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }

    /** SHA-crypt of {@code password} with the salt (and rounds) of {@code setting} ({@code $5$...} / {@code $6$...}). */
    static String shaCrypt(byte[] password, String setting, String algorithm, String magic) {
        String rest = setting.substring(magic.length());
        int rounds = ROUNDS_DEFAULT;
        boolean customRounds = false;
        if (rest.startsWith("rounds=")) {
            int dollar = rest.indexOf('$');
            if (dollar < 0) {
                return null;
            }
            try {
                long r = Long.parseLong(rest.substring(7, dollar));
                rounds = (int) Math.max(ROUNDS_MIN, Math.min(ROUNDS_MAX, r));
            } catch (NumberFormatException e) {
                return null;
            }
            customRounds = true;
            rest = rest.substring(dollar + 1);
        }
        int end = rest.indexOf('$');
        String saltStr = end < 0 ? rest : rest.substring(0, end);
        if (saltStr.length() > 16) {
            saltStr = saltStr.substring(0, 16);
        }
        byte[] salt = saltStr.getBytes(StandardCharsets.US_ASCII);
        MessageDigest md = digest(algorithm);
        int hashLen = md.getDigestLength();
        int pl = password.length;

        md.update(password);
        md.update(salt);
        md.update(password);
        byte[] b = md.digest();

        md.update(password);
        md.update(salt);
        int cnt;
        for (cnt = pl; cnt > hashLen; cnt -= hashLen) {
            md.update(b, 0, hashLen);
        }
        md.update(b, 0, cnt);
        for (cnt = pl; cnt > 0; cnt >>= 1) {
            if ((cnt & 1) != 0) {
                md.update(b, 0, hashLen);
            } else {
                md.update(password);
            }
        }
        byte[] a = md.digest();

        for (int i = 0; i < pl; i++) {
            md.update(password);
        }
        byte[] dp = md.digest();
        byte[] p = new byte[pl];
        for (int i = 0; i < pl; i++) {
            p[i] = dp[i % hashLen];
        }

        for (int i = 0; i < 16 + (a[0] & 0xff); i++) {
            md.update(salt);
        }
        byte[] ds = md.digest();
        byte[] s = new byte[salt.length];
        for (int i = 0; i < salt.length; i++) {
            s[i] = ds[i % hashLen];
        }

        byte[] c = a;
        for (int i = 0; i < rounds; i++) {
            if ((i & 1) != 0) {
                md.update(p);
            } else {
                md.update(c);
            }
            if (i % 3 != 0) {
                md.update(s);
            }
            if (i % 7 != 0) {
                md.update(p);
            }
            if ((i & 1) != 0) {
                md.update(c);
            } else {
                md.update(p);
            }
            c = md.digest();
        }
        Arrays.fill(p, (byte) 0);
        Arrays.fill(dp, (byte) 0);

        StringBuilder out = new StringBuilder(magic);
        if (customRounds) {
            out.append("rounds=").append(rounds).append('$');
        }
        out.append(saltStr).append('$');
        if (hashLen == 64) {
            for (int i = 0; i < 21; i++) {
                int[] t = {i, i + 21, i + 42};
                int r = i % 3;
                b64(out, c[t[r % 3]], c[t[(r + 1) % 3]], c[t[(r + 2) % 3]], 4);
            }
            b64(out, (byte) 0, (byte) 0, c[63], 2);
        } else {
            for (int i = 0; i < 10; i++) {
                int[] t = {i, i + 10, i + 20};
                int r = (3 - i % 3) % 3;
                b64(out, c[t[r % 3]], c[t[(r + 1) % 3]], c[t[(r + 2) % 3]], 4);
            }
            b64(out, (byte) 0, c[31], c[30], 3);
        }
        return out.toString();
    }

    /** MD5-crypt ({@code $1$salt$hash}) of {@code password} with the salt of {@code setting}. */
    static String md5Crypt(byte[] password, String setting) {
        String rest = setting.substring(3);
        int end = rest.indexOf('$');
        String saltStr = end < 0 ? rest : rest.substring(0, end);
        if (saltStr.length() > 8) {
            saltStr = saltStr.substring(0, 8);
        }
        byte[] salt = saltStr.getBytes(StandardCharsets.US_ASCII);
        MessageDigest md = digest("MD5");
        md.update(password);
        md.update(salt);
        md.update(password);
        byte[] fin = md.digest();

        md.update(password);
        md.update("$1$".getBytes(StandardCharsets.US_ASCII));
        md.update(salt);
        for (int pl = password.length; pl > 0; pl -= 16) {
            md.update(fin, 0, Math.min(pl, 16));
        }
        for (int i = password.length; i != 0; i >>>= 1) {
            if ((i & 1) != 0) {
                md.update((byte) 0);
            } else {
                md.update(password.length > 0 ? password[0] : 0);
            }
        }
        fin = md.digest();
        for (int i = 0; i < 1000; i++) {
            if ((i & 1) != 0) {
                md.update(password);
            } else {
                md.update(fin);
            }
            if (i % 3 != 0) {
                md.update(salt);
            }
            if (i % 7 != 0) {
                md.update(password);
            }
            if ((i & 1) != 0) {
                md.update(fin);
            } else {
                md.update(password);
            }
            fin = md.digest();
        }
        StringBuilder out = new StringBuilder("$1$").append(saltStr).append('$');
        b64(out, fin[0], fin[6], fin[12], 4);
        b64(out, fin[1], fin[7], fin[13], 4);
        b64(out, fin[2], fin[8], fin[14], 4);
        b64(out, fin[3], fin[9], fin[15], 4);
        b64(out, fin[4], fin[10], fin[5], 4);
        b64(out, (byte) 0, (byte) 0, fin[11], 2);
        return out.toString();
    }

    private static void b64(StringBuilder out, byte b2, byte b1, byte b0, int n) {
        int w = ((b2 & 0xff) << 16) | ((b1 & 0xff) << 8) | (b0 & 0xff);
        for (int i = 0; i < n; i++) {
            out.append(ITOA64.charAt(w & 0x3f));
            w >>>= 6;
        }
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
    }
}
