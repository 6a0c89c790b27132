package org.postern.client;

import org.postern.client.knock.KnockOptions;

/**
 * The settings of one run that a {@code ~/.fwknoprc} stanza can give: the knock itself plus the two
 * client-only keywords ({@code VERBOSE}, {@code NO_SAVE_ARGS}).
 */
final class Invocation {

    final KnockOptions knock = new KnockOptions();
    int verbose;
    boolean noSaveArgs;
}
