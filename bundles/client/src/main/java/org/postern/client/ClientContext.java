package org.postern.client;

import java.io.Console;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the client takes from its surroundings, injectable so tests never touch the real home directory,
 * terminal or clock.
 *
 * @param env       environment variables (user name fallbacks)
 * @param home      the home directory ({@code ~/.fwknoprc}, {@code ~/.fwknop.run}), or null when unknown
 * @param loginName the process's user name ({@code user.name}), or null
 * @param out       standard output
 * @param err       standard error
 * @param prompt    reads a key from the terminal without echo
 * @param clock     seconds since the epoch
 */
record ClientContext(Map<String, String> env, Path home, String loginName, PrintStream out, PrintStream err,
        KeyPrompt prompt, LongSupplier clock) {

    /** Reads a secret from the user; returns null when there is no terminal to ask. */
    @FunctionalInterface
    interface KeyPrompt {
        char[] read(String prompt);
    }

    /** The real process: $HOME (else {@code user.home}), the console, the system clock. */
    static ClientContext system() {
        Map<String, String> env = System.getenv();
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        return new ClientContext(env, home == null || home.isEmpty() ? null : Path.of(home),
                System.getProperty("user.name"), System.out, System.err, ClientContext::consolePrompt,
                () -> System.currentTimeMillis() / 1000);
    }

    private static char[] consolePrompt(String prompt) {
        Console c = System.console();
        return c == null ? null : c.readPassword("%s", prompt);
    }
}
