package org.postern.api;

import java.util.List;

/**
 * How an external program ended.
 *
 * @param argv     what was run
 * @param exitCode its exit code; -1 when it could not be started, -2 when it was killed at the timeout
 * @param stdout   its standard output
 * @param stderr   its standard error (or why it could not run)
 */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** One line for logs: the command and, on failure, its exit code and error output. */
    public String summary() {
        String cmd = String.join(" ", argv);
        return succeeded() ? cmd : cmd + " -> exit " + exitCode + (stderr.isBlank() ? "" : ": " + stderr.strip());
    }
}
