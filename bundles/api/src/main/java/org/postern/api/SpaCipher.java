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

    /** Encrypts; returns the unpadded base64 ciphertext, prefix included. */
    String encrypt(byte[] plaintext, CipherKey key) throws SpaException;

    /**
     * Decrypts the unpadded base64 ciphertext (prefix included).
     *
     * @throws SpaException with {@link RefusalReason#DECRYPTION_FAILED} or a more precise reason
     */
    byte[] decrypt(String base64Ciphertext, CipherKey key) throws SpaException;
}
