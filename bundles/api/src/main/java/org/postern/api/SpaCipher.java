package org.postern.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The encryption layer of an SPA packet: turns the plaintext {@code encoded:digest} into base64
 * ciphertext and back. HMAC, wire prefixes and message parsing are the codec's job, not the cipher's.
 *
 * <p>Threading: implementations are stateless and safe for concurrent use.
 */
@ConsumerType
public interface SpaCipher {

    /** The cipher's name: {@code rijndael} or {@code gpg}. */
    String type();

    /**
     * The base64 prefix that every ciphertext of this type starts with and that fwknop strips from the
     * wire ({@code U2FsdGVkX1} for Rijndael's {@code Salted__}, {@code hQ} for GnuPG).
     */
    String wirePrefix();

    /**
     * The prefixes to try, most likely first, when putting back what the sender stripped from {@code wire}
     * (the payload as received, HMAC included). fwknop always strips two characters from GnuPG data and
     * re-adds {@code hQ}, which is wrong for PKESK packets with another header (ECC keys, upstream #247); a
     * cipher that can tell such headers apart from the data lists them after {@link #wirePrefix()}. The
     * default is {@link #wirePrefix()} alone. The HMAC, when the stanza has one, decides between them.
     *
     * @since 1.1
     */
    default java.util.List<String> wirePrefixes(String wire) {
        return java.util.List.of(wirePrefix());
    }

    /** Encrypts; returns the unpadded base64 ciphertext, prefix included. */
    String encrypt(byte[] plaintext, CipherKey key) throws SpaException;

    /**
     * Decrypts the unpadded base64 ciphertext (prefix included).
     *
     * @throws SpaException with {@link RefusalReason#DECRYPTION_FAILED} or a more precise reason
     */
    byte[] decrypt(String base64Ciphertext, CipherKey key) throws SpaException;
}
