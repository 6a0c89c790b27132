package org.postern.api;

/**
 * The key material one access stanza (or one client invocation) gives a {@link SpaCipher}. Each cipher
 * type defines its own implementation; a cipher refuses a key of a type it does not know.
 */
public interface CipherKey {

    /** The cipher type this key is for, as {@link SpaCipher#type()}. */
    String cipherType();
}
