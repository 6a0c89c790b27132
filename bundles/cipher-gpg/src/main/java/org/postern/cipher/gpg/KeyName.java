package org.postern.cipher.gpg;

import java.util.Iterator;
import java.util.Locale;

import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.util.encoders.Hex;

/**
 * A key as fwknop users name it (gpg's rules, the common part): a key ID of 8 or 16 hex digits or a
 * fingerprint (with or without {@code 0x} and spaces; a trailing {@code !} selects that very subkey), else
 * a part of a user ID, compared case-insensitively ({@code <} and {@code >} included when given).
 */
final class KeyName {

    private final String text;
    private final String hex;
    private final boolean exactSubkey;

    private KeyName(String text, String hex, boolean exactSubkey) {
        this.text = text;
        this.hex = hex;
        this.exactSubkey = exactSubkey;
    }

    static KeyName parse(String name) {
        String t = name.strip();
        boolean exact = t.endsWith("!");
        String h = exact ? t.substring(0, t.length() - 1) : t;
        if (h.startsWith("0x") || h.startsWith("0X")) {
            h = h.substring(2);
        }
        h = h.replace(" ", "").toUpperCase(Locale.ROOT);
        boolean isHex = !h.isEmpty() && h.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'));
        if (isHex && (h.length() == 8 || h.length() == 16 || h.length() == 40 || h.length() == 64)) {
            return new KeyName(t, h, exact);
        }
        return new KeyName(t, null, false);
    }

    /** Whether the name is an ID or fingerprint that names exactly one (sub)key rather than a key ring. */
    boolean namesSubkey() {
        return exactSubkey;
    }

    /** Whether this (sub)key is the one an ID or fingerprint names. */
    boolean matchesKey(PGPPublicKey key) {
        if (hex == null) {
            return false;
        }
        String fpr = fingerprint(key);
        return hex.length() >= 40 ? fpr.equals(hex) : fpr.endsWith(hex);
    }

    /** Whether the ring holds a (sub)key this names, or a user ID containing the name. */
    boolean matchesRing(PGPPublicKeyRing ring) {
        if (hex != null) {
            for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
                if (matchesKey(it.next())) {
                    return true;
                }
            }
            return false;
        }
        String want = text.toLowerCase(Locale.ROOT);
        for (Iterator<String> it = ring.getPublicKey().getUserIDs(); it.hasNext(); ) {
            if (it.next().toLowerCase(Locale.ROOT).contains(want)) {
                return true;
            }
        }
        return false;
    }

    /** The upper-case hex fingerprint, as gpgme reports it. */
    static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    /** The 16-hex-digit key ID. */
    static String keyId(long id) {
        return String.format(Locale.ROOT, "%016X", id);
    }

    @Override
    public String toString() {
        return text;
    }
}
