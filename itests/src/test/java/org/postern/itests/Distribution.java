package org.postern.itests;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution (system property {@code postern.assembly}) and the means to
 * drive it from outside as an operator would: start scripts, {@code bin/client} commands, listening sockets.
 * Every wait polls a condition against a deadline; every child process is bounded by {@code timeout} or a
 * deadline and killed when it overstays.
 */
public final class Distribution {

    static final String USER = "karaf";
    static final Duration BOOT = Duration.ofSeconds(90);
    static final Duration CLIENT = Duration.ofSeconds(60);

    /** The copy of the distribution. */
    public final Path home;
    /** Beside the copy: logs, run directories, client input. */
    final Path scratch;

    private Distribution(Path home, Path scratch) {
        this.home = home;
        this.scratch = scratch;
    }

    /** The assembly this build made; fails when it is missing (build karaf-assembly first). */
    static Path assembly() {
        String location = System.getProperty("postern.assembly");
        assertTrue(location != null && !location.isBlank(), "system property postern.assembly is not set");
        Path assembly = Paths.get(location).toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(assembly.resolve("bin/karaf")), "no distribution at " + assembly);
        return assembly;
    }

    /**
     * Copies the assembly into {@code root/dist} and enables the {@code karaf} user there only (the shipped
     * distribution has it disabled).
     */
    public static Distribution copyOf(Path assembly, Path root) throws IOException {
        Path target = root.resolve("dist");
        Files.walkFileTree(assembly, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(target.resolve(assembly.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, target.resolve(assembly.relativize(file).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
        Path users = target.resolve("etc/users.properties");
        String text = Files.readString(users, StandardCharsets.UTF_8);
        String enabled = text.replace("#karaf = karaf,_g_:admingroup", "karaf = karaf,_g_:admingroup")
                .replace("#_g_\\:admingroup = ", "_g_\\:admingroup = ");
        assertTrue(!enabled.equals(text), "users.properties has no commented karaf user to enable");
        Files.writeString(users, enabled, StandardCharsets.UTF_8);
        return new Distribution(target, root);
    }

    /**
     * Points the server at configuration files of the test's own, so that whatever /etc/fwknop holds on
     * this machine is not used (it could configure a live capture and the host's firewall).
     */
    void isolateServer(Path fwknopdConf, Path accessConf) throws IOException {
        Files.writeString(home.resolve("etc/org.postern.server.cfg"),
                "fwknopdConf = " + fwknopdConf + "\naccessConf = " + accessConf + "\napplyFwknopdConf = false\n",
                StandardCharsets.UTF_8);
    }

    /** An access.conf with one stanza and throw-away keys. */
    static void writeAccessConf(Path file) throws IOException {
        Files.writeString(file, String.join("\n",
                "SOURCE              ANY",
                "KEY_BASE64          wzNP62oPPgEc+kXDPQLHPOayQBuNbYUTPP+QrErNDmg=",
                "HMAC_KEY_BASE64     Yh+xizBnl6FotC5ec7FanVGClRTlQrOX5HT1X+hbxXqhrCmg0tWB4Bd2OsmzEeqy8xC8ZIXwnh0mpWULzTPCtA==",
                "OPEN_PORTS          tcp/22",
                "FW_ACCESS_TIMEOUT   30", ""), StandardCharsets.UTF_8);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts a script of the distribution, output (stdout and stderr) to {@code log}. */
    Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                        new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        return builder.start();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + what);
            }
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Result of one {@code bin/client} call. */
    record ClientResult(int exitCode, String output) {

        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }

        String lastLine() {
            List<String> lines = lines();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    /**
     * Runs shell commands through {@code bin/client -b} with the commands on stdin (notes, pitfall 5),
     * bounded by {@code timeout}. ANSI colours and the unverified-host-key notice are removed.
     */
    ClientResult client(int port, String... commands) throws IOException, InterruptedException {
        Path in = Files.createTempFile(scratch, "client", ".in");
        Path out = Files.createTempFile(scratch, "client", ".out");
        try {
            Files.writeString(in, String.join("\n", commands) + "\n", StandardCharsets.UTF_8);
            Process process = new ProcessBuilder("timeout", Long.toString(CLIENT.toSeconds()),
                    home.resolve("bin/client").toString(), "-a", Integer.toString(port), "-u", USER, "-p", USER, "-b")
                    .directory(home.toFile()).redirectErrorStream(true).redirectInput(in.toFile())
                    .redirectOutput(out.toFile()).start();
            if (!process.waitFor(CLIENT.toSeconds() + 10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("bin/client did not return");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
            String kept = text.lines().filter(l -> !l.contains("unverified")).collect(Collectors.joining("\n"));
            return new ClientResult(process.exitValue(), kept);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    /** Waits until {@code bin/client} runs {@code spa:status}: SSH is up and the spa commands are registered. */
    ClientResult awaitShell(int port) {
        ClientResult[] last = {null};
        await("the spa commands over bin/client on port " + port, BOOT, () -> {
            if (!accepts(port)) {
                return false;
            }
            try {
                last[0] = client(port, "spa:status");
                return last[0].exitCode() == 0 && last[0].output().contains("components");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return last[0];
    }

    private static final Pattern SS_LINE = Pattern.compile("^(\\S+)\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\S+)\\s+(\\S+).*pid=(\\d+),");

    /** The TCP and UDP sockets {@code pid} listens on (or is bound to), as {@code proto local-address}. */
    static List<String> listeners(long pid) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("ss", "-H", "-l", "-t", "-u", "-n", "-p").redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ss did not return");
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SS_LINE.matcher(line);
            if (m.find() && Long.parseLong(m.group(4)) == pid) {
                out.add(m.group(1) + " " + m.group(2));
            }
        }
        return out;
    }

    static boolean isLoopback(String localAddress) {
        return localAddress.startsWith("127.") || localAddress.startsWith("[::ffff:127.")
                || localAddress.startsWith("[::1]");
    }

    /** SIGTERM, then a bounded wait, then SIGKILL; the exit code, or -1 when it had to be killed. */
    static int stop(Process process, Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(grace.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(grace.toSeconds(), TimeUnit.SECONDS);
                return -1;
            }
        }
        return process.exitValue();
    }

    /** Files under the distribution changed after {@code since}, outside the data/ directory. */
    List<Path> changedSince(Instant since) throws IOException {
        try (Stream<Path> files = Files.walk(home)) {
            return files.filter(p -> !home.relativize(p).startsWith("data"))
                    .filter(p -> {
                        try {
                            return Files.getLastModifiedTime(p).toInstant().isAfter(since);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .collect(Collectors.toList());
        }
    }

    String log(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return text.length() > 20000 ? text.substring(text.length() - 20000) : text;
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
