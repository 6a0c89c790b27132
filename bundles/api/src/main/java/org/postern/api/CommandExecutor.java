package org.postern.api;

import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs external programs (iptables, nft, command-mode commands) as argument vectors, never through a
 * shell: each element of {@code argv} reaches the program as one argument, whatever characters it holds.
 *
 * <p>Threading: thread-safe; each call blocks until the program ends or the timeout kills it.
 */
@ProviderType
public interface CommandExecutor {

    /**
     * Runs {@code argv[0]} with the other elements as its arguments.
     *
     * @param argv    the program (absolute path or a name found on PATH) and its arguments
     * @param stdin   bytes to feed on standard input, or null for none
     * @param timeout the longest the program may run; it is killed after that
     * @return its exit code and output; a program that cannot be started gives exit code -1 and the
     *         reason in {@link CommandResult#stderr()}
     */
    CommandResult run(List<String> argv, byte[] stdin, Duration timeout);

    /** As {@link #run(List, byte[], Duration)} without standard input. */
    default CommandResult run(List<String> argv, Duration timeout) {
        return run(argv, null, timeout);
    }
}
