package org.postern.cipher.gpg;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.postern.fko.SpaBase64;

/**
 * The two base64 characters fwknop strips from GnuPG data. They encode the first 12 bits of the message: the
 * header octet of its first packet, a public-key encrypted session key (PKESK, tag 1), and the high nibble
 * of its first length octet. fwknop assumes {@code hQ} (old format, two-octet length below 4096: RSA and
 * ElGamal keys of 2048 bits and up); an ECC key's short PKESK gives {@code hF}, {@code hH}, {@code hJ} ...
 * (upstream #247), a new-format header {@code wc}... Given the rest of the data, only the prefixes whose
 * header, length and version line up with a following encrypted-data packet can be right.
 */
final class PkeskHeader {

    static final String FWKNOP_PREFIX = "hQ";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Enough of the data to hold an RSA-8192 PKESK and the next header. */
    private static final int MAX_HEAD = 1500;

    private PkeskHeader() {
    }

    /**
     * The prefixes to put back before {@code wire}, most likely first: {@code hQ} when it fits (and always, last
     * at worst, as fwknop's own choice), then every other header that makes the data a well-formed PKESK
     * followed by an encrypted-data packet.
     */
    static List<String> candidates(String wire) {
        List<String> out = new ArrayList<>();
        String head = wire.length() > MAX_HEAD ? wire.substring(0, MAX_HEAD) : wire;
        if (plausible(FWKNOP_PREFIX, head)) {
            out.add(FWKNOP_PREFIX);
        }
        for (char first : new char[] {'h', 'w'}) {
            for (int i = 0; i < ALPHABET.length(); i++) {
                String p = "" + first + ALPHABET.charAt(i);
                if (!p.equals(FWKNOP_PREFIX) && plausible(p, head)) {
                    out.add(p);
                }
            }
        }
        if (!out.contains(FWKNOP_PREFIX)) {
            out.add(FWKNOP_PREFIX);
        }
        return out;
    }

    /** The two characters fwknop strips: the start of the base64 message. */
    static String prefixOf(String base64Message) {
        return base64Message.substring(0, 2);
    }

    static boolean plausible(String prefix, String head) {
        byte[] b;
        try {
            b = SpaBase64.decode((prefix + head).getBytes(StandardCharsets.US_ASCII), 0, prefix.length() + head.length());
        } catch (IllegalArgumentException e) {
            return false;
        }
        int[] pkesk = header(b, 0);
        if (pkesk == null || pkesk[0] != 1) {
            return false;
        }
        int body = pkesk[1];
        int len = pkesk[2];
        if (len < 10 || len > 2048 || body >= b.length) {
            return false;
        }
        int version = b[body] & 0xff;
        if (version != 3 && version != 6) {
            return false;
        }
        int next = body + len;
        if (next >= b.length) {
            return false;
        }
        int[] h = header(b, next);
        // another PKESK, a symmetric-key ESK, or the encrypted data itself (SED, SEIPD, AEAD)
        return h != null && (h[0] == 1 || h[0] == 3 || h[0] == 9 || h[0] == 18 || h[0] == 20);
    }

    /** {tag, body offset, body length (-1: partial)} of the packet at {@code off}; null when it is no header. */
    private static int[] header(byte[] b, int off) {
        if (off >= b.length) {
            return null;
        }
        int h = b[off] & 0xff;
        if ((h & 0x80) == 0) {
            return null;
        }
        if ((h & 0x40) == 0) { // old format
            int tag = (h >> 2) & 0x0f;
            int lt = h & 3;
            int n = lt == 0 ? 1 : lt == 1 ? 2 : lt == 2 ? 4 : 0;
            if (n == 0) {
                return new int[] {tag, off + 1, -1}; // indeterminate length
            }
            if (off + 1 + n > b.length) {
                return null;
            }
            long len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (b[off + 1 + i] & 0xff);
            }
            return len > Integer.MAX_VALUE ? null : new int[] {tag, off + 1 + n, (int) len};
        }
        int tag = h & 0x3f;
        if (off + 1 >= b.length) {
            return null;
        }
        int l1 = b[off + 1] & 0xff;
        if (l1 < 192) {
            return new int[] {tag, off + 2, l1};
        }
        if (l1 < 224) {
            if (off + 2 >= b.length) {
                return null;
            }
            return new int[] {tag, off + 3, ((l1 - 192) << 8) + (b[off + 2] & 0xff) + 192};
        }
        if (l1 == 255) {
            if (off + 5 >= b.length) {
                return null;
            }
            long len = ((long) (b[off + 2] & 0xff) << 24) | ((b[off + 3] & 0xff) << 16) | ((b[off + 4] & 0xff) << 8)
                    | (b[off + 5] & 0xff);
            return len > Integer.MAX_VALUE ? null : new int[] {tag, off + 6, (int) len};
        }
        return new int[] {tag, off + 2, -1}; // partial length: streamed encrypted data, never a PKESK
    }
}
