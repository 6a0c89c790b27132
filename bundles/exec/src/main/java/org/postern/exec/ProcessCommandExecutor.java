package org.postern.exec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs programs with Apache Commons Exec, one argument vector element per argument and never through a
 * shell. The child inherits the JVM's environment with {@code LC_ALL=C}, so tools such as iptables answer
 * in a stable language. Standard output and error are each kept up to {@link #DEFAULT_CAPTURE_LIMIT}
 * bytes; the rest is read and dropped so the child never blocks on a full pipe.
 */
@Component(service = CommandExecutor.class, immediate = true, configurationPolicy = ConfigurationPolicy.IGNORE)
public class ProcessCommandExecutor implements CommandExecutor {

    /** The most bytes kept of each of standard output and standard error. */
    public static final int DEFAULT_CAPTURE_LIMIT = 64 * 1024;

    /** How long to wait for the output pumps after the program ended (a grandchild may hold the pipe). */
    private static final Duration PUMP_STOP_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessCommandExecutor.class);

    private final int captureLimit;

    public ProcessCommandExecutor() {
        this(DEFAULT_CAPTURE_LIMIT);
    }

    /** @param captureLimit the most bytes kept of each output stream */
    public ProcessCommandExecutor(int captureLimit) {
        if (captureLimit < 0) {
            throw new IllegalArgumentException("captureLimit must not be negative");
        }
        this.captureLimit = captureLimit;
    }

    @Override
    public CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
        Objects.requireNonNull(argv, "argv");
        Objects.requireNonNull(timeout, "timeout");
        if (argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
            throw new IllegalArgumentException("argv needs a program name");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        List<String> command = List.copyOf(argv);

        CommandLine line = new ArgvCommandLine(command);

        BoundedOutput out = new BoundedOutput(captureLimit);
        BoundedOutput err = new BoundedOutput(captureLimit);
        GuardedStreamHandler streams = new GuardedStreamHandler(out, err,
                stdin == null ? null : new ByteArrayInputStream(stdin.clone()), PUMP_STOP_TIMEOUT);
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        DefaultExecutor executor = DefaultExecutor.builder().setExecuteStreamHandler(streams).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null);

        Map<String, String> environment = new HashMap<>(System.getenv());
        environment.put("LC_ALL", "C");

        long started = System.nanoTime();
        int exitCode;
        try {
            exitCode = executor.execute(line, environment);
        } catch (IOException e) {
            if (!streams.started()) {
                String reason = "cannot run " + command.get(0) + ": " + e.getMessage();
                LOG.debug("{}", reason);
                return new CommandResult(command, -1, "", reason);
            }
            // Started, but ending it went wrong; report what was captured as a failure.
            LOG.debug("{} failed after start: {}", command.get(0), e.toString());
            exitCode = watchdog.killedProcess() ? -2 : -1;
            return new CommandResult(command, exitCode, out.text(), joined(err.text(), e.toString()));
        }
        if (watchdog.killedProcess()) {
            exitCode = -2;
        }
        if (streams.pumpTimedOut()) {
            LOG.warn("{}: output still open {} after the program ended (a child process holds it); output may be cut",
                    command.get(0), PUMP_STOP_TIMEOUT);
        }
        if (out.truncated() || err.truncated()) {
            LOG.warn("{}: output longer than {} bytes; kept the first {} (stdout {} bytes, stderr {} bytes in all)",
                    command.get(0), captureLimit, captureLimit, out.total(), err.total());
        }
        String stderr = err.text();
        if (exitCode == -2) {
            stderr = joined(stderr, "killed after " + timeout.toMillis() + " ms timeout");
        }
        CommandResult result = new CommandResult(command, exitCode, out.text(), stderr);
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} ({} ms)", result.summary(), (System.nanoTime() - started) / 1_000_000);
        }
        return result;
    }

    private static String joined(String captured, String note) {
        return captured.isEmpty() ? note : captured.stripTrailing() + "\n" + note;
    }

    /** Decodes captured bytes; programs run with LC_ALL=C, so this is ASCII in practice. */
    static String decode(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
