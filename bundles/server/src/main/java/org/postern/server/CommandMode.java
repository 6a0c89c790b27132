package org.postern.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * Runs command-mode commands (SPA message type 0, {@code fwknop --server-cmd}) as fwknopd does, through the
 * {@link CommandExecutor} (an argument vector, never a shell): the words of the command
 * ({@link CommandWords}), prefixed with {@code SUDO_EXE [-u CMD_SUDO_EXEC_USER] [-g CMD_SUDO_EXEC_GROUP]} when
 * {@code ENABLE_CMD_SUDO_EXEC} is on, and run under {@code CMD_EXEC_USER} / {@code CMD_EXEC_GROUP} through
 * {@code runuser -u USER [-g GROUP] --} (the JVM cannot change its own user), with a time limit
 * ({@code CMD_EXEC_TIMEOUT}).
 */
final class CommandMode {

    /** How much of the command's output goes to the log, per stream. */
    static final int LOGGED_OUTPUT = 1024;

    private final Supplier<CommandExecutor> executor;
    private final String sudoExe;
    private final Duration timeout;
    private final String runuser;

    /**
     * @param executor the executor in force (null when none is bound)
     * @param sudoExe  fwknopd.conf SUDO_EXE
     * @param timeout  fwknopd.conf CMD_EXEC_TIMEOUT
     */
    CommandMode(Supplier<CommandExecutor> executor, String sudoExe, Duration timeout) {
        this(executor, sudoExe, timeout, findRunuser());
    }

    CommandMode(Supplier<CommandExecutor> executor, String sudoExe, Duration timeout, String runuser) {
        this.executor = executor;
        this.sudoExe = sudoExe;
        this.timeout = timeout;
        this.runuser = runuser;
    }

    Duration timeout() {
        return timeout;
    }

    private static String findRunuser() {
        for (String p : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return "runuser";
    }

    /**
     * The policy part, in the POLICY step: the command matches the stanza's CMD_REGEX (whole command) and splits
     * into words safely. Returns the words.
     */
    static List<String> check(AccessStanza s, String command) throws SpaException {
        AccessStanza.CommandSettings c = s.commandSettings();
        if (c.regex() != null && !c.regex().matcher(command).matches()) {
            throw new SpaException(RefusalReason.COMMAND_REGEX_MISMATCH,
                    "command '" + printable(command) + "' does not match CMD_REGEX " + c.regex().pattern());
        }
        return CommandWords.split(command);
    }

    /** The argument vector that runs {@code words} with the stanza's user, group and sudo settings. */
    List<String> argv(AccessStanza.CommandSettings c, List<String> words) {
        List<String> argv = new ArrayList<>();
        if (c.user() != null && !c.user().equals("root")) {
            argv.add(runuser);
            argv.add("-u");
            argv.add(c.user());
            if (c.group() != null) {
                argv.add("-g");
                argv.add(c.group());
            }
            argv.add("--");
        } else if (c.group() != null && !c.group().equals("root")) {
            argv.add(runuser);
            argv.add("-u");
            argv.add("root");
            argv.add("-g");
            argv.add(c.group());
            argv.add("--");
        }
        if (c.sudo()) {
            argv.add(sudoExe);
            if (c.sudoUser() != null && !c.sudoUser().equals("root")) {
                argv.add("-u");
                argv.add(c.sudoUser());
            }
            if (c.sudoGroup() != null && !c.sudoGroup().equals("root")) {
                argv.add("-g");
                argv.add(c.sudoGroup());
            }
            argv.add("--");
        }
        argv.addAll(words);
        return argv;
    }

    /** Runs the command; a command that cannot start, times out or exits non-zero is COMMAND_FAILED. */
    CommandResult run(AccessStanza s, List<String> words) throws SpaException {
        CommandExecutor e = executor.get();
        if (e == null) {
            throw new SpaException(RefusalReason.COMMAND_FAILED, "no command executor is available (bundle org.postern.exec)");
        }
        List<String> argv = argv(s.commandSettings(), words);
        CommandResult r = e.run(argv, timeout);
        if (!r.succeeded()) {
            String why = r.exitCode() == -2 ? "killed after the " + timeout.toSeconds() + " s CMD_EXEC_TIMEOUT"
                    : r.exitCode() == -1 ? "could not be started" : "exit " + r.exitCode();
            throw new SpaException(RefusalReason.COMMAND_FAILED, "command " + printable(String.join(" ", argv)) + ": " + why
                    + output(r));
        }
        return r;
    }

    /** The command's output for the log: bounded, one line. */
    static String output(CommandResult r) {
        StringBuilder b = new StringBuilder();
        if (!r.stdout().isBlank()) {
            b.append(", stdout: ").append(printable(bounded(r.stdout().strip())));
        }
        if (!r.stderr().isBlank()) {
            b.append(", stderr: ").append(printable(bounded(r.stderr().strip())));
        }
        return b.toString();
    }

    private static String bounded(String s) {
        return s.length() <= LOGGED_OUTPUT ? s : s.substring(0, LOGGED_OUTPUT) + "... (" + s.length() + " chars)";
    }

    /** Control characters shown as escapes, so that one log line stays one line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
