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
        return new DaemonProcess(dir, a);
    }

    static DaemonProcess postern(Path assembly, Path dir, NetnsTestbed bed, boolean udpServer, String... extraFlags) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", bed.serverNs,
                assembly.resolve("bin/fwknopd").toString()));
        a.addAll(flags(dir, udpServer));
        a.addAll(List.of(extraFlags));
        return new DaemonProcess(dir, a);
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
        process = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        if (!Wait.until(limit, () -> logText().indexOf(ready, offset) >= 0 || !process.isAlive())) {
            throw new IllegalStateException("daemon not ready within " + limit + "; log:\n" + logText());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("daemon exited " + process.exitValue() + "; log:\n" + logText());
        }
        return this;
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
    }
}
