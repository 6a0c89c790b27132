package org.postern.api;

/**
 * A stanza's command cycle (fwknop access.conf {@code CMD_CYCLE_OPEN}, {@code CMD_CYCLE_CLOSE},
 * {@code CMD_CYCLE_TIMER}): a command run instead of a firewall rule when a grant opens, and another when it
 * closes. Both are templates with fwknop's variables ({@code $IP}, {@code $PORT}, ...), expanded by the backend
 * that runs them.
 *
 * @param open  the command run when access opens
 * @param close the command run when it closes, or null for fwknop's {@code NONE} (nothing to run)
 * @param timer seconds until the close command when the client asked for no timeout; 0 when not set
 */
public record CommandCycle(String open, String close, int timer) {

    public CommandCycle {
        if (open == null || open.isBlank()) {
            throw new IllegalArgumentException("a command cycle needs an open command");
        }
        if (timer < 0) {
            throw new IllegalArgumentException("timer must not be negative");
        }
        close = close == null || close.isBlank() || close.strip().equals("NONE") ? null : close;
    }
}
