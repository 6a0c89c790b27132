package org.postern.firewall.nftables;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One long-lived {@code nft -a -n -i} process (interactive mode reading its standard input), so a grant costs
 * one line written to a pipe instead of a process start. Each line is one nft transaction.
 *
 * <p>nft prints no prompt and no acknowledgement when its input is not a terminal, so after each line a
 * marker line follows that nft cannot parse: its error message, which repeats the marker, ends the answer
 * (standard error is merged into standard output, so the order is kept). The answer is an error when it
 * has an {@code Error:} line of its own. A process that dies or does not answer in time is killed and the
 * next line starts a new one.
 */
final class InteractiveNft implements NftSession {

    private static final Logger LOG = LoggerFactory.getLogger(InteractiveNft.class);
    private static final String EOF = new String("<eof>"); // identity marks the reader's end
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final List<String> command;
    private final Duration timeout;
    private final String marker;
    private long sequence;

    private Process process;
    private OutputStream input;
    private LinkedBlockingQueue<String> lines;

    /**
     * @param command the program and its arguments, e.g. {@code [/usr/sbin/nft, -a, -n, -i]} (tests put
     *                {@code ip netns exec <ns>} in front)
     * @param timeout how long one answer may take
     */
    InteractiveNft(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.marker = "postern-sync-" + ProcessHandle.current().pid() + "-" + SESSIONS.incrementAndGet() + "-";
    }

    static List<String> commandFor(String executable) {
        return List.of(executable, "-a", "-n", "-i");
    }

    @Override
    public Reply send(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("one line per transaction");
        }
        try {
            ensureStarted();
        } catch (IOException e) {
            return Reply.failed("cannot start " + String.join(" ", command) + ": " + e.getMessage());
        }
        String token = marker + (++sequence);
        try {
            input.write((line + "\n" + token + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
        } catch (IOException e) {
            kill("write failed: " + e.getMessage());
            return Reply.failed("nft session ended: " + e.getMessage());
        }
        List<String> answer = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String l;
            try {
                l = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill("interrupted");
                return Reply.failed("interrupted while waiting for nft");
            }
            if (l == null) {
                kill("no answer within " + timeout.toSeconds() + " s");
                return Reply.failed("nft did not answer within " + timeout.toSeconds() + " s: " + String.join(" | ", answer));
            }
            if (l == EOF) {
                kill("nft exited");
                return Reply.failed("nft exited: " + String.join(" | ", answer));
            }
            if (l.equals(token)) {
                break;
            }
            if (answer.isEmpty() && l.strip().matches("\\^+")) {
                continue; // the caret line under the previous marker
            }
            answer.add(l);
        }
        // the marker's own "Error: syntax error ..." line comes right before it
        if (!answer.isEmpty() && answer.get(answer.size() - 1).startsWith("Error:")) {
            answer.remove(answer.size() - 1);
        }
        boolean ok = answer.stream().noneMatch(l -> l.startsWith("Error:"));
        return new Reply(ok, String.join("\n", answer));
    }

    private void ensureStarted() throws IOException {
        if (process != null && process.isAlive()) {
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", "/nonexistent"); // nft -i keeps a history file in $HOME; keep it out
        Process p = pb.start();
        LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    queue.add(l);
                }
            } catch (IOException e) {
                LOG.debug("nft session output ended: {}", e.toString());
            } finally {
                queue.add(EOF);
            }
        }, "postern-nft-session");
        reader.setDaemon(true);
        reader.start();
        process = p;
        input = p.getOutputStream();
        lines = queue;
        LOG.debug("Started nft session: {}", String.join(" ", command));
    }

    private void kill(String why) {
        if (process != null) {
            LOG.warn("Restarting the nft session: {}", why);
            process.destroyForcibly();
            process = null;
        }
    }

    @Override
    public void close() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        try {
            input.close(); // end of input: nft exits
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            p.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }
}
