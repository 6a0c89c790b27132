package org.postern.client;

import org.postern.client.knock.KnockOptions;

/**
 * The settings of one run that a {@code ~/.fwknoprc} stanza can give: the knock itself plus the client-only
 * keywords ({@code VERBOSE}, {@code NO_SAVE_ARGS}, {@code KEY_FILE}, {@code HMAC_KEY_FILE}).
 */
final class Invocation {

    final KnockOptions knock = new KnockOptions();
    int verbose;
    boolean noSaveArgs;
    /** {@code -G/--get-key}, {@code KEY_FILE}: lines {@code <server>: <key>}. */
    String keyFile;
    /** {@code --get-hmac-key}, {@code HMAC_KEY_FILE}. */
    String hmacKeyFile;
}
