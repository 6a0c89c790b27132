package org.postern.itests.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An SPA daemon in the gateway namespace, Postern's {@code bin/fwknopd} or the real fwknopd 2.6.10, both
 * started with the same fwknopd.conf / access.conf (fwknop syntax) and the same flags, in the foreground,
 * logging to a file the test reads.
 */
final class DaemonProcess implements AutoCloseable {

    final Path dir;
    final Path log;
    final Path digestFile;
    final Path pidFile;
    private final List<String> argv;
    private Process process;
    /** Postern's bin/fwknopd (not the reference fwknopd): its logs are checked for key material on close. */
    private boolean postern;
    /** Extra environment for the daemon (e.g. JAVA_MAX_MEM, EXTRA_JAVA_OPTS for Postern's bin/fwknopd). */
    private final java.util.Map<String, String> env = new java.util.HashMap<>();

    private DaemonProcess(Path dir, List<String> argv) {
        this.dir = dir;
        this.log = dir.resolve("daemon.log");
        this.digestFile = dir.resolve("digest.cache");
        this.pidFile = dir.resolve("fwknopd.pid");
        this.argv = argv;
    }

    /** Config for a gateway sniffing (or, with udpServer, listening on) the testbed's interface. */
    static Path writeConfig(Path dir, NetnsTestbed bed, boolean udpServer, List<String> extraConf,
            String accessConf) throws IOException {
        Files.createDirectories(dir);
        StringBuilder c = new StringBuilder();
        c.append("PCAP_INTF ").append(bed.serverIf).append(";\n");
        c.append("PCAP_FILTER udp dst port ").append(NetnsTestbed.SPA_PORT).append(";\n");
        c.append("ENABLE_SPA_PACKET_AGING Y;\nMAX_SPA_PACKET_AGE 120;\nENABLE_DIGEST_PERSISTENCE Y;\n");
        if (udpServer) {
            c.append("ENABLE_UDP_SERVER Y;\nUDPSERV_PORT ").append(NetnsTestbed.SPA_PORT).append(";\n");
        }
        c.append("FIREWALL_EXE ").append(bed.iptables).append(";\n");
        c.append("FLUSH_IPT_AT_INIT Y;\nFLUSH_IPT_AT_EXIT Y;\n");
        c.append("FWKNOP_RUN_DIR ").append(dir).append(";\n");
        c.append("FWKNOP_CONF_DIR ").append(dir).append(";\n");
        c.append("FWKNOP_PID_FILE ").append(dir.resolve("fwknopd.pid")).append(";\n");
        c.append("DIGEST_FILE ").append(dir.resolve("digest.cache")).append(";\n");
        c.append("LOCALE C;\n");
        for (String l : extraConf) {
            c.append(l).append(";\n");
        }
        Files.writeString(dir.resolve("fwknopd.conf"), c.toString());
        Files.writeString(dir.resolve("access.conf"), accessConf);
        return dir;
    }

    /** As {@link #writeConfig(Path, NetnsTestbed, boolean, List, String)}, with another PCAP_FILTER. */
    static Path writeConfig(Path dir, NetnsTestbed bed, boolean udpServer, String pcapFilter, List<String> extraConf,
            String accessConf) throws IOException {
        writeConfig(dir, bed, udpServer, extraConf, accessConf);
        Path conf = dir.resolve("fwknopd.conf");
        String text = Files.readString(conf).replace("PCAP_FILTER udp dst port " + NetnsTestbed.SPA_PORT + ";",
                "PCAP_FILTER " + pcapFilter + ";");
        Files.writeString(conf, text);
        return dir;
    }

    /** Postern's bin/fwknopd in namespace {@code ns} (for instance the client's, as a host for the shell). */
    static DaemonProcess posternIn(String ns, Path assembly, Path dir, boolean udpServer, String... extraFlags) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns, assembly.resolve("bin/fwknopd").toString()));
        a.addAll(flags(dir, udpServer));
        a.addAll(List.of(extraFlags));
        DaemonProcess d = new DaemonProcess(dir, a);
        d.postern = true;
        return d;
    }

    static DaemonProcess postern(Path assembly, Path dir, NetnsTestbed bed, boolean udpServer, String... extraFlags) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", bed.serverNs,
                assembly.resolve("bin/fwknopd").toString()));
        a.addAll(flags(dir, udpServer));
        a.addAll(List.of(extraFlags));
        DaemonProcess d = new DaemonProcess(dir, a);
        d.postern = true;
        return d;
    }

    static DaemonProcess fwknopd(Path dir, NetnsTestbed bed, boolean udpServer, String... extraFlags) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", bed.serverNs, "fwknopd"));
        a.addAll(flags(dir, udpServer));
        a.addAll(List.of("-r", dir.toString()));
        a.addAll(List.of(extraFlags));
        return new DaemonProcess(dir, a);
    }

    private static List<String> flags(Path dir, boolean udpServer) {
        List<String> f = new ArrayList<>(List.of("-f", "-c", dir.resolve("fwknopd.conf").toString(), "-a",
                dir.resolve("access.conf").toString(), "-d", dir.resolve("digest.cache").toString(), "-p",
                dir.resolve("fwknopd.pid").toString()));
        if (udpServer) {
            f.add("-U");
        }
        return f;
    }

    /** Starts it and waits until {@code ready} appears in its log. */
    DaemonProcess start(String ready, Duration limit) throws IOException {
        Files.deleteIfExists(pidFile);
        int offset = logText().length(); // a restart appends to the same log: only new lines count
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        if (!Wait.until(limit, () -> logText().indexOf(ready, offset) >= 0 || !process.isAlive())) {
            throw new IllegalStateException("daemon not ready within " + limit + "; log:\n" + logText());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("daemon exited " + process.exitValue() + "; log:\n" + logText());
        }
        return this;
    }

    /** Sets an environment variable for the next {@link #start}. */
    DaemonProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** The daemon's own pid (the JVM for Postern), from its pid file; -1 when there is none yet. */
    long pid() {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Number of log lines containing {@code text}. */
    long count(String text) {
        return logText().lines().filter(l -> l.contains(text)).count();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM, then waits; returns the exit code (or -1 when it had to be killed). */
    int stop() {
        if (process == null) {
            return -1;
        }
        process.destroy();
        try {
            if (process.waitFor(30, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        return -1;
    }

    /**
     * {@code kill -9} of the JVM (its pid is in the pid file): nothing of the daemon's own shutdown runs, so the
     * firewall keeps whatever it held. Waits until the process has ended.
     */
    void killHard() throws IOException {
        String pid = Files.readString(pidFile).strip();
        Exec.Result r = Exec.run(10, "kill", "-9", pid);
        if (!r.ok()) {
            throw new IllegalStateException("kill -9 " + pid + ": " + r.out());
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (alive()) {
            stop();
        }
        if (postern) {
            assertNoSecretsInLogs(dir); // Postern's own logs only: the reference fwknopd is not ours to judge
        }
    }

    /**
     * Key material the current test class uses (base64 as configured and the raw bytes, Latin-1): set by
     * {@link GatewaySupport}; every daemon's logs are checked for it when the daemon is closed.
     */
    static final java.util.Set<String> SECRETS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Registers a base64 key: its text and its raw bytes (as Latin-1) must never reach a log. */
    static void secret(String base64) {
        SECRETS.add(base64);
        SECRETS.add(new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** Fails when any {@code *.log} file under {@code dir} (daemon.log, karaf/log/karaf.log, ...) holds a key. */
    static void assertNoSecretsInLogs(Path dir) {
        if (SECRETS.isEmpty() || !Files.isDirectory(dir)) {
            return;
        }
        List<Path> logs;
        try (java.util.stream.Stream<Path> w = Files.walk(dir, 6)) {
            logs = w.filter(f -> f.getFileName().toString().contains(".log") && Files.isRegularFile(f)).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (Path f : logs) {
            String text;
            try {
                text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                continue; // rotated away meanwhile
            }
            for (String k : SECRETS) {
                if (text.contains(k)) {
                    throw new AssertionError("key material found in " + f + " (a test key, "
                            + (k.matches("[A-Za-z0-9+/=]+") ? "base64" : "raw bytes") + ")");
                }
            }
        }
    }
}
