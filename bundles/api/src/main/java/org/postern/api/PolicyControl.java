package org.postern.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The daemon's configuration in force and its live reload; provided by the server, used by the shell
 * ({@code spa:reload}, {@code spa:status}).
 *
 * <p>A reload re-reads fwknopd.conf, access.conf (with its includes) and the native stanza configurations
 * ({@code org.postern.stanza}) and swaps the policy as a whole: live grants stay open until their expiry, the next
 * packet follows the new policy. A configuration with an error is refused and the last good one stays in force.
 * Threading: thread-safe; {@link #reload()} blocks until the reload is done or refused.
 * @since 1.3
 */
@ProviderType
public interface PolicyControl {

    /** Re-reads every configuration source now and applies it unless it has an error. */
    PolicyState reload();

    /** The configuration in force and the outcome of the last reload. */
    PolicyState state();
}
