package org.postern.client;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;

import org.postern.api.SpaCipher;

/**
 * What the client takes from its surroundings, injectable so tests never touch the real home directory,
 * terminal or clock, and so {@code spa:send} can run the same command line inside Karaf.
 *
 * @param env       environment variables (user name fallbacks)
 * @param home      the home directory ({@code ~/.fwknoprc}, {@code ~/.fwknop.run}), or null when unknown
 * @param loginName the process's user name ({@code user.name}), or null
 * @param out       standard output
 * @param err       standard error
 * @param prompt    reads a key from the terminal without echo
 * @param clock     seconds since the epoch
 * @param cwd       the directory relative file names are taken from (the launcher may start the JVM elsewhere)
 * @param stdin     standard input ({@code --stdin}, the {@code --save-rc-stanza} questions)
 * @param cipher    the Rijndael cipher; null means {@code new RijndaelCipher()} (outside OSGi)
 * @param saveArgs  whether a run saves its arguments in {@code ~/.fwknop.run} unless told not to (fwknop does;
 *                  {@code spa:send} does not)
 */
public record ClientContext(Map<String, String> env, Path home, String loginName, PrintStream out, PrintStream err,
        KeyPrompt prompt, LongSupplier clock, Path cwd, InputStream stdin, SpaCipher cipher, boolean saveArgs) {

    /** Reads a secret from the user; returns null when there is no terminal to ask. */
    @FunctionalInterface
    public interface KeyPrompt {
        char[] read(String prompt);
    }

    /** A context for tests: working directory = home, no standard input, the plain Rijndael cipher. */
    public ClientContext(Map<String, String> env, Path home, String loginName, PrintStream out, PrintStream err,
            KeyPrompt prompt, LongSupplier clock) {
        this(env, home, loginName, out, err, prompt, clock, home != null ? home : Path.of("").toAbsolutePath(),
                InputStream.nullInputStream(), null, true);
    }

    /**
     * The real process: $HOME (else {@code user.home}), the console, the system clock, the working directory
     * from the {@code postern.cwd} property that {@code bin/fwknop} sets (it starts the JVM in its own
     * directory, for the class-data-sharing archive), else the JVM's.
     */
    public static ClientContext system() {
        Map<String, String> env = System.getenv();
        String home = env.get("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        String cwd = System.getProperty("postern.cwd");
        return new ClientContext(env, home == null || home.isEmpty() ? null : Path.of(home),
                System.getProperty("user.name"), System.out, System.err, new ConsolePrompt(), new SystemClock(),
                cwd != null && !cwd.isEmpty() ? Path.of(cwd) : Path.of("").toAbsolutePath(), System.in, null, true);
    }

    /** {@code name} taken relative to {@link #cwd()}. */
    Path file(String name) {
        Path p = Path.of(name);
        return p.isAbsolute() || cwd == null ? p : cwd.resolve(p);
    }

    // classes rather than lambdas: the first lambda of a process links method handles (start-up time)
    private static final class ConsolePrompt implements KeyPrompt {
        @Override
        public char[] read(String prompt) {
            Console c = System.console();
            return c == null ? null : c.readPassword("%s", prompt);
        }
    }

    private static final class SystemClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.currentTimeMillis() / 1000;
        }
    }
}
