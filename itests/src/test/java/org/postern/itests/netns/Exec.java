package org.postern.itests.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs test-side commands as argument vectors with a hard time limit. */
final class Exec {

    /** How a command ended. */
    record Result(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Exec() {
    }

    static Result run(long timeoutSeconds, String... argv) {
        return run(timeoutSeconds, null, List.of(argv));
    }

    static Result run(long timeoutSeconds, Path stdin, List<String> argv) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        try {
            Process p = pb.start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(2000);
                return new Result(-2, out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
            }
            reader.join(5000);
            return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /** Runs inside network namespace {@code ns}. */
    static Result inNs(String ns, long timeoutSeconds, String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(List.of(argv));
        return run(timeoutSeconds, null, a);
    }

    static Result inNs(String ns, long timeoutSeconds, List<String> argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(argv);
        return run(timeoutSeconds, null, a);
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static boolean installed(String program) {
        for (String d : List.of("/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/")) {
            if (new java.io.File(d + program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
