package org.postern.api;

import java.util.Locale;

/** The cipher modes fwknop offers ({@code -M}, access.conf {@code ENCRYPTION_MODE}). */
public enum EncryptionMode {
    CBC, ECB, CFB, OFB, CTR,
    /** CBC with the pre-2.5 / 1.9.x key handling: the key padded with '0' (or cut) to 16 bytes. */
    LEGACY,
    /** GnuPG. */
    ASYMMETRIC;

    /**
     * Parses the names fwknop accepts, case-insensitively ({@code cbc}, {@code legacy}, {@code Asymmetric}).
     *
     * @throws IllegalArgumentException for anything else, PCBC included (fwknop lists it but rejects it)
     */
    public static EncryptionMode parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        for (EncryptionMode m : values()) {
            if (m.name().equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown encryption mode '" + text + "'");
    }
}
