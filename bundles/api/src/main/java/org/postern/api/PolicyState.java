package org.postern.api;

import java.time.Instant;
import java.util.List;

/**
 * The configuration in force and the outcome of the latest reload attempt.
 *
 * @param loadedAt    when the configuration in force was applied
 * @param stanzas     how many access stanzas are in force
 * @param sources     the files and configurations it was read from (paths, {@code org.postern.stanza~name})
 * @param reloads     reloads applied since the daemon started (not counting the start)
 * @param failures    reloads refused for an error since the daemon started
 * @param lastError   the error of the latest attempt, {@code file:line: KEYWORD: problem}, or null when it applied
 * @param lastErrorAt when that attempt was made, or null
 * @since 1.3
 */
public record PolicyState(Instant loadedAt, int stanzas, List<String> sources, long reloads, long failures,
        String lastError, Instant lastErrorAt) {

    public PolicyState {
        sources = List.copyOf(sources);
    }

    /** True when the latest attempt was applied (or none was made since the start). */
    public boolean ok() {
        return lastError == null;
    }
}
