package org.postern.firewall.iptables;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;

/** Records every argument vector; answers scripted results per exact vector, success with no output otherwise. */
final class ScriptedExecutor implements CommandExecutor {

    final List<List<String>> calls = new ArrayList<>();
    private final Map<List<String>, Deque<Answer>> answers = new HashMap<>();

    private record Answer(int exitCode, String stdout, String stderr) {
    }

    /** The next call of exactly {@code argv} gets this answer (queued in order). */
    ScriptedExecutor answer(List<String> argv, int exitCode, String stdout, String stderr) {
        answers.computeIfAbsent(List.copyOf(argv), k -> new ArrayDeque<>()).add(new Answer(exitCode, stdout, stderr));
        return this;
    }

    ScriptedExecutor fail(List<String> argv) {
        return answer(argv, 1, "", "iptables: Bad rule (does a matching rule exist in that chain?).");
    }

    ScriptedExecutor output(List<String> argv, String stdout) {
        return answer(argv, 0, stdout, "");
    }

    @Override
    public synchronized CommandResult run(List<String> argv, byte[] stdin, Duration timeout) {
        calls.add(List.copyOf(argv));
        Deque<Answer> queue = answers.get(argv);
        Answer a = queue == null || queue.isEmpty() ? new Answer(0, "", "") : queue.poll();
        return new CommandResult(argv, a.exitCode(), a.stdout(), a.stderr());
    }

    void clear() {
        calls.clear();
    }
}
