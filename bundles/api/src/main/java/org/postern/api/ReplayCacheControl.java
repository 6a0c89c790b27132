package org.postern.api;

import java.io.IOException;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The daemon's own replay cache as an operator sees it ({@code spa:replay-cache}); provided by the server.
 * Threading: thread-safe.
 * @since 1.4
 */
@ProviderType
public interface ReplayCacheControl {

    /** Digests held. */
    int size();

    /** Where the cache is kept: the digest file, or a note that it lives in memory only. */
    String location();

    /** What was recorded with a digest (fwknop's base64 SHA-256 of the wire data), if it is held. */
    Optional<ReplayRecord> lookup(String digest);

    /**
     * The digest recorded for a packet as it would arrive on the wire (base64, as {@code fwknop} sends it), and
     * whether it is held.
     */
    String digestOf(String wirePacket);

    /**
     * Moves the digest file aside as fwknopd's {@code --rotate-digest-cache} does (to {@code <file>-old}) and starts
     * an empty one. The digests stay in force in memory until the next start, so no packet becomes replayable.
     *
     * @return the path the old file was moved to
     * @throws IOException when the file cannot be moved or the cache lives in memory only
     */
    String rotate() throws IOException;
}
