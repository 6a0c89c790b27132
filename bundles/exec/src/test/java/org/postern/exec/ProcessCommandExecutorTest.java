package org.postern.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.CommandResult;

class ProcessCommandExecutorTest {

    private final ProcessCommandExecutor executor = new ProcessCommandExecutor();

    @Test
    void argumentReachesTheProgramLiterallyWithoutAShell() {
        String hostile = "a b; $(id) `x` \"q\" 'q' ${HOME} * | > /tmp/never && exit 3";
        CommandResult r = executor.run(List.of("/bin/echo", hostile), Duration.ofSeconds(5));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals(hostile + "\n", r.stdout());
        assertEquals("", r.stderr());
    }

    @Test
    void eachElementIsOneArgumentEvenWhenEmptyOrBlank() {
        CommandResult r = executor.run(List.of("/usr/bin/printf", "[%s]", "", " two words ", "x"),
                Duration.ofSeconds(5));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals("[][ two words ][x]", r.stdout());
    }

    @Test
    void timeoutKillsTheProgram() {
        long start = System.nanoTime();
        CommandResult r = executor.run(List.of("sleep", "5"), Duration.ofMillis(300));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(-2, r.exitCode(), r.summary());
        assertTrue(elapsedMs < 2000, "took " + elapsedMs + " ms");
        assertTrue(r.stderr().contains("timeout"), r.stderr());
    }

    @Test
    void missingProgramGivesMinusOneAndTheReason() {
        CommandResult r = executor.run(List.of("/nonexistent/postern-no-such-program", "x"), Duration.ofSeconds(5));

        assertEquals(-1, r.exitCode());
        assertTrue(r.stderr().contains("/nonexistent/postern-no-such-program"), r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void stdinIsDelivered() {
        byte[] input = "line one\nline two with $(id)\n".getBytes(StandardCharsets.UTF_8);
        CommandResult r = executor.run(List.of("cat"), input, Duration.ofSeconds(5));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals("line one\nline two with $(id)\n", r.stdout());
    }

    @Test
    void withoutStdinTheProgramSeesEndOfInput() {
        CommandResult r = executor.run(List.of("cat"), Duration.ofSeconds(5));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals("", r.stdout());
    }

    @Test
    void exitCodeAndStderrAreReported() {
        CommandResult r = executor.run(List.of("ls", "/nonexistent-postern-dir"), Duration.ofSeconds(5));

        assertTrue(r.exitCode() > 0, r.summary());
        assertTrue(r.stderr().contains("No such file or directory"), "LC_ALL=C English message: " + r.stderr());
        assertTrue(r.summary().contains("-> exit " + r.exitCode()), r.summary());
    }

    @Test
    void localeIsC() {
        CommandResult r = executor.run(List.of("/usr/bin/env"), Duration.ofSeconds(5));

        assertTrue(r.stdout().lines().anyMatch("LC_ALL=C"::equals), r.stdout());
    }

    @Test
    void outputIsBoundedButTheProgramRunsToTheEnd() {
        ProcessCommandExecutor small = new ProcessCommandExecutor(1000);
        CommandResult r = small.run(List.of("head", "-c", "300000", "/dev/zero"), Duration.ofSeconds(10));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals(1000, r.stdout().length());
    }

    @Test
    void defaultLimitKeeps64KiB() {
        CommandResult r = executor.run(List.of("head", "-c", "200000", "/dev/zero"), Duration.ofSeconds(10));

        assertEquals(0, r.exitCode(), r.summary());
        assertEquals(64 * 1024, r.stdout().length());
    }

    @Test
    void rejectsAnEmptyCommand() {
        assertThrows(IllegalArgumentException.class, () -> executor.run(List.of(), Duration.ofSeconds(1)));
    }

    /**
     * Command mode runs {@code runuser -u USER -- cmd}: at the timeout the watchdog's SIGTERM reaches runuser,
     * which passes it on, so the user's command does not outlive the limit (needs root and runuser).
     */
    @Test
    void timeoutAlsoEndsTheCommandUnderRunuser() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name"))
                && java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/runuser")));
        String marker = "7" + System.nanoTime() % 100000;
        CommandResult r = executor.run(List.of("/usr/sbin/runuser", "-u", "nobody", "--", "sleep", marker),
                Duration.ofMillis(500));
        assertEquals(-2, r.exitCode(), r.summary());
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        boolean gone = false;
        while (!gone && System.nanoTime() < deadline) {
            gone = ProcessHandle.allProcesses().noneMatch(p -> p.info().commandLine().orElse("").equals("/usr/bin/sleep " + marker)
                    || p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false));
            if (!gone) {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll interval
            }
        }
        assertTrue(gone, "sleep " + marker + " outlived the timeout");
    }
}
