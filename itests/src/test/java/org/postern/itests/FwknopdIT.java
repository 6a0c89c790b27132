package org.postern.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/fwknopd as an init system or a test harness drives it: {@code -f} in the foreground with the log on
 * the console, state under {@code -r}, {@code -S} for the status, and SIGTERM for an orderly stop with exit
 * status 0. Test mode ({@code -t}) and the UDP server ({@code -U}) keep it away from the host's firewall and
 * from privileged capture, so it runs as any user.
 */
class FwknopdIT {

    @TempDir
    Path root;

    @Test
    void runsInTheForegroundAndStopsCleanlyOnSigterm() throws Exception {
        Distribution dist = Distribution.copyOf(Distribution.assembly(), root);
        int udpPort;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udpPort = probe.getLocalPort();
        }
        Path conf = root.resolve("fwknopd.conf");
        Files.writeString(conf, "ENABLE_UDP_SERVER    Y;\nUDPSERV_PORT         " + udpPort + ";\n",
                StandardCharsets.UTF_8);
        Path access = root.resolve("access.conf");
        Distribution.writeAccessConf(access);
        Path run = root.resolve("run");
        Path console = root.resolve("fwknopd.out");
        int sshPort = Distribution.freePort();
        Instant started = Files.getLastModifiedTime(Files.createFile(root.resolve("start.marker"))).toInstant();

        Process fwknopd = dist.start(List.of(dist.home.resolve("bin/fwknopd").toString(), "-f", "-t", "-U", "-v",
                "-c", conf.toString(), "-a", access.toString(), "-r", run.toString()),
                Map.of("ORG_APACHE_KARAF_SHELL_SSHPORT", Integer.toString(sshPort)), console);
        try {
            Distribution.await("'Postern fwknopd ready' on the console", Distribution.BOOT,
                    () -> dist.log(console).contains("Postern fwknopd ready") || !fwknopd.isAlive());
            assertTrue(fwknopd.isAlive(), "bin/fwknopd ended:\n" + dist.log(console));

            Path pidFile = run.resolve("fwknopd.pid");
            long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
            Optional<ProcessHandle> jvm = ProcessHandle.of(pid);
            assertTrue(jvm.isPresent() && jvm.get().isAlive(), "no process " + pid);
            assertEquals(Optional.of(fwknopd.pid()), jvm.get().parent().map(ProcessHandle::pid),
                    "the pid file does not name the script's Karaf JVM");
            assertTrue(Files.isRegularFile(run.resolve("karaf/log/karaf.log")), "no log under the run directory");
            assertTrue(Files.isRegularFile(run.resolve("digest.cache")),
                    "the replay cache is not in the run directory");

            Process status = new ProcessBuilder(dist.home.resolve("bin/fwknopd").toString(), "-S", "-r", run.toString())
                    .redirectErrorStream(true).start();
            String said = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(status.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, status.exitValue(), said);
            assertTrue(said.contains("Detected fwknopd is running (pid=" + pid + ")"), said);

            assertEquals(List.of(), dist.changedSince(started), "the daemon wrote into the distribution");

            int rc = Distribution.stop(fwknopd, Duration.ofSeconds(30));
            assertEquals(0, rc, "bin/fwknopd did not exit 0 after SIGTERM:\n" + dist.log(console));
            Distribution.await("the Karaf JVM to end", Duration.ofSeconds(10), () -> !jvm.get().isAlive());
            assertFalse(Files.exists(pidFile), "the pid file is left behind");
            assertTrue(dist.log(console).contains("Postern fwknopd stopped"), "no orderly stop:\n" + dist.log(console));
        } finally {
            Distribution.stop(fwknopd, Duration.ofSeconds(30));
        }
    }

    @Test
    void rejectsWhatItDoesNotSupport() throws IOException, InterruptedException {
        Path fwknopd = Distribution.assembly().resolve("bin/fwknopd");
        assertEquals("fwknopd: not supported yet: --exit-parse-digest-cache",
                run(fwknopd, 1, "--exit-parse-digest-cache"));
        assertEquals("fwknopd: not supported yet: -A", run(fwknopd, 1, "-A"));
        assertTrue(run(fwknopd, 1, "--no-such-option").startsWith("fwknopd: unrecognized option '--no-such-option'"));
        assertTrue(run(fwknopd, 0, "-V").startsWith("fwknopd server 2.6.10 (Postern "));
        assertTrue(run(fwknopd, 0, "-h").contains("--foreground"));
        assertEquals("No running fwknopd detected.", run(fwknopd, 1, "-S", "-r", root.resolve("nothing").toString()));
    }

    private static String run(Path script, int expectedExit, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "no exit: " + command);
        assertEquals(expectedExit, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
