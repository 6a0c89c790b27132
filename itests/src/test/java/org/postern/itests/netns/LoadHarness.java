package org.postern.itests.netns;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * Load harness (issue 10): Postern's assembled {@code bin/fwknopd} and the real fwknopd 2.6.10, one after the
 * other in the same run, in namespaces made here ({@link NetnsTestbed}, nft policy), fed the same pre-generated
 * packets (Postern's fko builder, all distinct, all valid unless meant otherwise) by the same sender
 * ({@link UdpBlaster}, its own JVM in the client namespace). An opening is seen the moment it happens through
 * {@code nft monitor} in the gateway namespace (a netlink listener: nothing polled, nothing probed), stamped
 * with the host clock the sender stamps its sends with. Postern runs its nftables backend (one long-lived
 * {@code nft -i} session), fwknopd its iptables-nft (one process per rule), each its natural set-up.
 *
 * <p>Per daemon, mode (pcap, udp = {@code -U}) and run: boot to ready (ready line, capture running, backend in
 * force); idle latency; garbage floods (random base64, wrong-key packets, replays) at each offered rate with
 * valid packets paced through them (latency under load, valid lost, garbage discarded per second); a blast of
 * distinct valid packets (accepted per second); the expiry error of those grants; resident memory. Then, pcap
 * only, the valid blast against 1,000 {@code SOURCE ANY} stanzas. Medians over the runs; one table with ratios,
 * {@code results.md}, {@code results.tsv} and {@code latency.png} in the output directory.
 *
 * <p>Run as root: {@code sudo scripts/perf.sh [--runs 3] [--grants 2000] [--floods 1000,10000,50000,100000,150000|none]
 * [--sender-threads 2] [--modes pcap,udp] [--timeout 15] [--heap 128m] [--jvm-opts '-XX:+UseSerialGC'] [--jfr] [--keep] [--smoke] [--grants10k] [--out DIR]}. It reports, it never fails
 * on a number.
 */
public final class LoadHarness {

    static final int LATENCY_PACKETS = 30;
    /** Valid packets sent (and opened) before any measurement: steady state, not the first JIT compilations. */
    static final int WARM_UP = 100;
    static final Pattern IPV4 = Pattern.compile("\\b10\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\b");

    // options
    int runs = 3;
    int grants = 2000;
    int stanzas = 1000;
    List<Integer> floods = List.of(1000, 10000, 50000, 100000, 150000);
    /** Threads (each its own socket) of the flood sender: one offers about 50,000 pps on a loaded 2-core machine. */
    int senderThreads = 2;
    /** Datagrams per second the last flood sender really sent (its own count over its own time). */
    double lastOffered = Double.NaN;
    List<String> modes = List.of("pcap", "udp");
    int timeout = 15;
    int floodSeconds = 4;
    String heap = "128m";
    /** More JVM options for Postern (EXTRA_JAVA_OPTS of bin/fwknopd): a small-footprint collector by default. */
    String jvmOpts = "-XX:+UseSerialGC";
    boolean jfr;
    /** Keeps the daemons' run directories (logs, configs) in /tmp after the run. */
    boolean keep;
    /** Adds the 10,000-live-grants phase (Postern only, pcap): expiry error and nft transactions per grant. */
    boolean grants10k;
    Path out = Paths.get("target/perf");

    NetnsTestbed bed;
    Path assembly;
    Path work;
    RijndaelCipher cipher = new RijndaelCipher();
    byte[] key = new byte[32];
    byte[] hmac = new byte[64];
    int nextIp = 1;
    final Monitor monitor = new Monitor();
    /** metric name -> daemon -> values over the runs. */
    final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
    final StringBuilder logLines = new StringBuilder();

    public static void main(String[] args) throws Exception {
        LoadHarness h = new LoadHarness();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> h.runs = Integer.parseInt(args[++i]);
                case "--grants" -> h.grants = Integer.parseInt(args[++i]);
                case "--stanzas" -> h.stanzas = Integer.parseInt(args[++i]);
                case "--floods" -> h.floods = parseInts(args[++i]);
                case "--sender-threads" -> h.senderThreads = Integer.parseInt(args[++i]);
                case "--modes" -> h.modes = List.of(args[++i].split(","));
                case "--timeout" -> h.timeout = Integer.parseInt(args[++i]);
                case "--heap" -> h.heap = args[++i];
                case "--jfr" -> h.jfr = true;
                case "--keep" -> h.keep = true;
                case "--jvm-opts" -> h.jvmOpts = args[++i];
                case "--grants10k" -> h.grants10k = true;
                case "--out" -> h.out = Paths.get(args[++i]);
                case "--smoke" -> {
                    h.runs = 1;
                    h.grants = 200;
                    h.stanzas = 0;
                    h.floods = List.of(1000);
                    h.modes = List.of("udp");
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        h.run();
    }

    static List<Integer> parseInts(String s) {
        List<Integer> l = new ArrayList<>();
        if (s.equals("none")) {
            return l; // no floods: idle latency only
        }
        for (String p : s.split(",")) {
            l.add(Integer.parseInt(p.strip()));
        }
        return l;
    }

    void run() throws Exception {
        if (!Exec.isRoot() || !Exec.installed("fwknopd") || !Exec.installed("nft")) {
            throw new IllegalStateException("needs root, fwknopd 2.6.10 and nft");
        }
        assembly = Paths.get(System.getProperty("postern.assembly", "karaf-assembly/target/assembly")).toAbsolutePath()
                .normalize();
        if (!Files.isExecutable(assembly.resolve("bin/fwknopd"))) {
            throw new IllegalStateException("no distribution at " + assembly + " (build karaf-assembly first)");
        }
        Files.createDirectories(out);
        out = out.toAbsolutePath();
        work = Files.createTempDirectory("postern-perf");
        SecureRandom r = new SecureRandom();
        r.nextBytes(key);
        r.nextBytes(hmac);
        say("load average at start: " + loadavg());
        bed = NetnsTestbed.withNftablesPolicy().up();
        Thread cleanup = new Thread(() -> {
            monitor.stop();
            bed.close(); // kills what runs in the namespaces (the daemons) and removes them
        });
        Runtime.getRuntime().addShutdownHook(cleanup); // also on Ctrl-C / SIGTERM
        try {
            monitor.start(bed);
            for (int run = 1; run <= runs; run++) {
                for (String mode : modes) {
                    boolean pcap = mode.equals("pcap");
                    Packets p = packets(pcap);
                    for (String daemon : List.of("postern", "fwknopd")) {
                        oneRun(daemon, mode, run, p, 1);
                    }
                    if (pcap && stanzas > 1) {
                        for (String daemon : List.of("postern", "fwknopd")) {
                            oneRun(daemon, mode, run, packets(false), stanzas);
                        }
                    }
                }
            }
            if (grants10k) {
                tenThousandGrants();
            }
        } finally {
            monitor.stop();
            bed.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        say("load average at end: " + loadavg());
        report();
        if (!keep) {
            deleteTree(work); // daemon run dirs: ~100 MB per Postern run (its Karaf state)
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Packets for one round: the same files for both daemons. */
    record Packets(Path warm, List<String> warmIps, Path idle, List<String> idleIps, Map<Integer, Path> floodValid, Map<Integer, List<String>> floodIps,
            Path flood, Path valid, List<String> validIps) {
    }

    Packets packets(boolean withFloods) throws Exception {
        Path d = Files.createTempDirectory(work, "packets");
        List<String> warmIps = new ArrayList<>();
        Path warm = write(d.resolve("warm-up.txt"), valid(WARM_UP, warmIps, key, hmac));
        List<String> idleIps = new ArrayList<>();
        Path idle = write(d.resolve("idle.txt"), valid(LATENCY_PACKETS, idleIps, key, hmac));
        Map<Integer, Path> fv = new TreeMap<>();
        Map<Integer, List<String>> fi = new TreeMap<>();
        for (int rate : withFloods ? floods : List.<Integer>of()) {
            List<String> ips = new ArrayList<>();
            fv.put(rate, write(d.resolve("flood-valid-" + rate + ".txt"), valid(floodSeconds * 5, ips, key, hmac)));
            fi.put(rate, ips);
        }
        // the flood: a third random base64, a third wrong-key packets (bad HMAC), a third replays of the idle set
        SecureRandom r = new SecureRandom();
        byte[] wk = new byte[32];
        byte[] wh = new byte[64];
        r.nextBytes(wk);
        r.nextBytes(wh);
        List<String> wrong = valid(500, new ArrayList<>(), wk, wh);
        List<String> mix = new ArrayList<>();
        String b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        List<String> idleLines = Files.readAllLines(idle);
        for (int i = 0; i < 1500; i++) {
            switch (i % 3) {
                case 0 -> {
                    int len = 183 + r.nextInt(65);
                    StringBuilder s = new StringBuilder(len);
                    for (int k = 0; k < len; k++) {
                        s.append(b64.charAt(r.nextInt(64)));
                    }
                    mix.add(s.toString());
                }
                case 1 -> mix.add(wrong.get(i % wrong.size()));
                default -> mix.add(idleLines.get(i % idleLines.size()));
            }
        }
        Path flood = write(d.resolve("flood.txt"), mix);
        List<String> validIps = new ArrayList<>();
        Path validFile = write(d.resolve("valid.txt"), valid(grants, validIps, key, hmac));
        return new Packets(warm, warmIps, idle, idleIps, fv, fi, flood, validFile, validIps);
    }

    List<String> valid(int n, List<String> ips, byte[] k, byte[] h) throws Exception {
        RijndaelKey rk = new RijndaelKey(k, EncryptionMode.CBC);
        HmacKey hk = new HmacKey(h, HmacType.SHA256);
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int x = nextIp++;
            String ip = "10." + (64 + (x >> 16)) + "." + ((x >> 8) & 255) + "." + (x & 255);
            ips.add(ip);
            SpaMessage m = new SpaMessageBuilder().username("perf").allowIp(ip)
                    .access("tcp/" + NetnsTestbed.SERVICE_PORT).build();
            l.add(SpaWire.seal(m, cipher, rk, hk));
        }
        return l;
    }

    static Path write(Path f, List<String> lines) throws IOException {
        Files.write(f, lines, StandardCharsets.US_ASCII);
        return f;
    }

    void oneRun(String daemon, String mode, int run, Packets p, int stanzaCount) throws Exception {
        boolean udp = mode.equals("udp");
        boolean postern = daemon.equals("postern");
        String tag = stanzaCount > 1 ? "pcap-" + stanzaCount + "stanzas" : mode;
        Path dir = Files.createTempDirectory(work, daemon + "-" + tag + "-" + run);
        StringBuilder access = new DecoyStanzas(stanzaCount).text();
        access.append("SOURCE ANY\nKEY_BASE64 ").append(b64(key)).append("\nHMAC_KEY_BASE64 ").append(b64(hmac))
                .append("\nFW_ACCESS_TIMEOUT ").append(timeout).append('\n');
        List<String> conf = postern ? List.of("FIREWALL_TYPE nftables", "FIREWALL_EXE /usr/sbin/nft")
                : List.of("FIREWALL_EXE /usr/sbin/iptables-nft");
        DaemonProcess.writeConfig(dir, bed, udp, conf, access.toString());
        Path c = dir.resolve("fwknopd.conf");
        Files.writeString(c, Files.readString(c).replace("MAX_SPA_PACKET_AGE 120", "MAX_SPA_PACKET_AGE 3600")
                .replace("FIREWALL_EXE " + bed.iptables + ";\n", ""));
        DaemonProcess d = postern ? DaemonProcess.postern(assembly, dir, bed, udp) : DaemonProcess.fwknopd(dir, bed, udp);
        if (postern) {
            d.env("JAVA_MAX_MEM", heap);
            d.env("EXTRA_JAVA_OPTS", jvmOpts + (jfr ? " -XX:StartFlightRecording=filename=" + out.resolve("postern-"
                    + tag + "-" + run + ".jfr") + ",settings=profile" : ""));
        }
        String prefix = tag + " " + daemon + " run " + run + ": ";
        long t0 = System.nanoTime();
        try (d) {
            d.start(postern ? "Postern fwknopd ready" : udp ? "Kicking off UDP server" : "Starting fwknopd main event loop",
                    Duration.ofSeconds(120));
            if (postern && !Wait.until(Duration.ofSeconds(60), () -> d.logText().contains("Firewall backend in force")
                    && d.logText().contains("Capture source " + (udp ? "udp" : "pcap") + ":fwknopd running"))) {
                throw new IllegalStateException("Postern did not get its capture and backend; log:\n" + d.logText());
            }
            double boot = (System.nanoTime() - t0) / 1e6;
            monitor.added.clear(); // the same packets (addresses) go to both daemons: only this run's openings count
            if (stanzaCount == 1) {
                put(mode + " boot to ready (ms)", daemon, boot);
                say(prefix + String.format("ready in %.0f ms", boot));
                blast(p.warm, p.warmIps);
                Lat idle = latency(p.idle, p.idleIps, 10, null, 0);
                put(mode + " latency idle p50 (ms)", daemon, idle.p50);
                put(mode + " latency idle p99 (ms)", daemon, idle.p99);
                put(mode + " latency at 0 pps lost", daemon, idle.lost);
                say(prefix + "idle latency " + idle);
                double bestGarbage = 0;
                if (!p.floodValid.isEmpty()) {
                    // not measured: the refusal paths (bad base64, bad HMAC, replays) are cold after the idle phase;
                    // Postern's JIT compiles them within the first tens of thousands of packets, which otherwise fall
                    // into the first measured flood. Both daemons get the same.
                    read(sender(p.flood, "blast", 10_000, 20_000, senderThreads), 120);
                    settle(() -> refusals(d, postern));
                }
                for (int rate : p.floodValid.keySet()) {
                    long before = refusals(d, postern);
                    long f0 = System.nanoTime();
                    // when the count last grew, watched from the start: settle() alone starts its clock only after
                    // latency() returns, which is 10 s later when a valid packet was lost (it waits for the opening)
                    LastGrowth growth = new LastGrowth(() -> refusals(d, postern));
                    Lat l;
                    try {
                        l = latency(p.floodValid.get(rate), p.floodIps.get(rate), 5, p.flood, rate);
                        settle(() -> refusals(d, postern));
                    } finally {
                        growth.stop();
                    }
                    long settled = growth.at();
                    // Postern's last summary line comes up to 1 s after its last refusal: not processing time
                    double secs = Math.max(floodSeconds, (settled - f0) / 1e9 - (postern ? 1.0 : 0));
                    double discarded = (refusals(d, postern) - before) / secs;
                    put(mode + " latency at " + rate + " pps p50 (ms)", daemon, l.p50);
                    put(mode + " latency at " + rate + " pps p99 (ms)", daemon, l.p99);
                    put(mode + " latency at " + rate + " pps lost", daemon, l.lost);
                    put(mode + " garbage discarded/s at " + rate + " pps", daemon, discarded);
                    put(mode + " garbage offered/s at " + rate + " pps", daemon, lastOffered);
                    if (l.lost == 0) {
                        bestGarbage = Math.max(bestGarbage, discarded);
                    }
                    say(prefix + String.format("flood %d pps (sent %.0f/s): latency %s, garbage discarded %.0f/s", rate,
                            lastOffered, l, discarded));
                }
                if (!p.floodValid.isEmpty()) {
                    put(mode + " garbage discarded/s, 0 valid lost (best)", daemon, bestGarbage);
                }
            }
            if (udp && stanzaCount == 1 && modes.contains("pcap")) {
                put(mode + " RSS (MB)", daemon, rssMb(d));
                return; // rates, expiry and stanzas: measured in pcap mode
            }
            Blast b = blast(p.valid, p.validIps);
            String rateKey = stanzaCount > 1 ? "pcap valid accepted/s, " + stanzaCount + " stanzas" : mode
                    + " valid accepted/s";
            put(rateKey, daemon, b.rate);
            put(rateKey.replace("accepted/s", "lost"), daemon, b.lost);
            say(prefix + String.format("valid blast: %d of %d accepted, %.0f/s", b.accepted, p.validIps.size(), b.rate));
            if (stanzaCount == 1) {
                double rss = rssMb(d);
                put(mode + " RSS (MB)", daemon, rss);
                Expiry e = expiry(p.validIps, postern);
                put(mode + " expiry error p50 (ms), " + grants + " grants", daemon, e.p50);
                put(mode + " expiry error max (ms), " + grants + " grants", daemon, e.max);
                put(mode + " expiry: grants not closed within timeout + 30 s", daemon, e.open);
                say(prefix + String.format("RSS %.0f MB; expiry of %d grants: p50 %+.0f ms, max %+.0f ms, %d never closed",
                        rss, e.n, e.p50, e.max, e.open));
            }
        }
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    /** {@code n - 1} decoy stanzas (SOURCE ANY, keys of their own) in front of the real one. */
    record DecoyStanzas(int n) {
        StringBuilder text() {
            StringBuilder s = new StringBuilder();
            SecureRandom r = new SecureRandom();
            for (int i = 1; i < n; i++) {
                byte[] k = new byte[32];
                byte[] h = new byte[64];
                r.nextBytes(k);
                r.nextBytes(h);
                s.append("SOURCE ANY\nKEY_BASE64 ").append(b64(k)).append("\nHMAC_KEY_BASE64 ").append(b64(h))
                        .append("\n\n");
            }
            return s;
        }
    }

    /** The grants' lifetime in the 10,000-grant phase: longer than sending them all takes, so all are live at once. */
    static final int GRANTS_10K_TIMEOUT = 60;
    static final int GRANTS_10K = 10_000;
    /** Sent at this rate: below what the daemon takes on a busy 2-core machine, so none is lost. */
    static final int GRANTS_10K_PACE = 500;

    /**
     * {@code --grants10k}: Postern only (pcap mode, nftables): 10,000 distinct valid packets (each its own address,
     * so each its own grant) paced at {@value #GRANTS_10K_PACE}/s, all live at once ({@value #GRANTS_10K_TIMEOUT} s), then the expiry
     * error of each (Postern's close, the {@code delete} event in {@code nft monitor}, minus opened plus the timeout:
     * the kernel's own element timeout closes access on time whatever the daemon does, and silently) and the nft
     * transactions per grant for the openings and for the closings. fwknopd is not run: with 1,000 rules its
     * {@code iptables -L} listing already overflows and it closes none (see the 1,000-grant rows).
     */
    void tenThousandGrants() throws Exception {
        String daemon = "postern";
        Path dir = Files.createTempDirectory(work, "postern-10k");
        String access = "SOURCE ANY\nKEY_BASE64 " + b64(key) + "\nHMAC_KEY_BASE64 " + b64(hmac) + "\nFW_ACCESS_TIMEOUT "
                + GRANTS_10K_TIMEOUT + "\n";
        DaemonProcess.writeConfig(dir, bed, false, List.of("FIREWALL_TYPE nftables", "FIREWALL_EXE /usr/sbin/nft"), access);
        Path c = dir.resolve("fwknopd.conf");
        Files.writeString(c, Files.readString(c).replace("MAX_SPA_PACKET_AGE 120", "MAX_SPA_PACKET_AGE 3600")
                .replace("FIREWALL_EXE " + bed.iptables + ";\n", ""));
        List<String> ips = new ArrayList<>();
        Path file = write(Files.createTempDirectory(work, "packets-10k").resolve("valid-10k.txt"),
                valid(GRANTS_10K, ips, key, hmac));
        DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, false);
        d.env("JAVA_MAX_MEM", heap);
        d.env("EXTRA_JAVA_OPTS", jvmOpts);
        String prefix = "10k grants " + daemon + ": ";
        try (d) {
            d.start("Postern fwknopd ready", Duration.ofSeconds(120));
            if (!Wait.until(Duration.ofSeconds(60), () -> d.logText().contains("Firewall backend in force")
                    && d.logText().contains("Capture source pcap:fwknopd running"))) {
                throw new IllegalStateException("Postern did not get its capture and backend; log:\n" + d.logText());
            }
            monitor.added.clear();
            monitor.deleted.clear();
            long gen0 = monitor.generations.get();
            read(sender(file, "paced", GRANTS_10K_PACE, ips.size()), 120);
            Wait.until(Duration.ofSeconds(60), () -> ips.stream().allMatch(monitor.added::containsKey));
            long genOpen = monitor.generations.get() - gen0;
            List<Long> opened = new ArrayList<>();
            for (String ip : ips) {
                Long a = monitor.added.get(ip);
                if (a != null) {
                    opened.add(a);
                }
            }
            Collections.sort(opened);
            int n = opened.size();
            double rate = n < 2 ? 0 : (n - 1) / ((opened.get(n - 1) - opened.get(0)) / 1e6);
            Exec.Result list = bed.srv("nft", "list", "set", "inet", "filter", "postern_allow4");
            Matcher m = IPV4.matcher(list.out());
            int live = 0;
            while (m.find()) {
                live++;
            }
            put("10k grants: opened (of " + GRANTS_10K + ")", daemon, n);
            put("10k grants: live at once (elements in the set)", daemon, live);
            put("10k grants: accepted/s (paced at " + GRANTS_10K_PACE + "/s)", daemon, rate);
            put("10k grants: nft transactions per opening", daemon, n == 0 ? Double.NaN : (double) genOpen / n);
            say(prefix + String.format("%d of %d opened at %.0f/s, %d live at once, %d nft transactions", n, ips.size(),
                    rate, live, genOpen));
            // closings: due = opened + timeout; wait for the delete events (bounded: last due + 30 s)
            long lastDueMs = (n == 0 ? System.currentTimeMillis() * 1000 : opened.get(n - 1)) / 1000
                    + GRANTS_10K_TIMEOUT * 1000L;
            long gen1 = monitor.generations.get();
            java.util.function.Predicate<String> closed = ip -> monitor.deleted.getOrDefault(ip, 0L)
                    - monitor.added.get(ip) > GRANTS_10K_TIMEOUT * 500_000L; // a delete after half the lifetime
            Wait.until(Duration.ofMillis(Math.max(0, lastDueMs - System.currentTimeMillis()) + 30_000),
                    () -> ips.stream().filter(monitor.added::containsKey).allMatch(closed));
            long genClose = monitor.generations.get() - gen1;
            List<Double> err = new ArrayList<>();
            for (String ip : ips) {
                Long a = monitor.added.get(ip);
                Long g = monitor.deleted.get(ip);
                if (a != null && g != null && closed.test(ip)) {
                    err.add((g - a) / 1000.0 - GRANTS_10K_TIMEOUT * 1000.0);
                }
            }
            Collections.sort(err);
            double max = err.isEmpty() ? Double.NaN : err.get(err.size() - 1);
            put("10k grants: expiry error p50 (ms)", daemon, pct(err, 50));
            put("10k grants: expiry error p99 (ms)", daemon, pct(err, 99));
            put("10k grants: expiry error max (ms)", daemon, max);
            put("10k grants: not closed within timeout + 30 s", daemon, n - err.size());
            put("10k grants: nft transactions per closing", daemon, err.isEmpty() ? Double.NaN
                    : (double) genClose / err.size());
            put("10k grants: RSS (MB)", daemon, rssMb(d));
            say(prefix + String.format("expiry error p50 %+.0f ms, p99 %+.0f ms, max %+.0f ms, %d not closed; "
                    + "%d nft transactions for %d closings", pct(err, 50), pct(err, 99), max, n - err.size(), genClose,
                    err.size()));
        }
        say("10k grants: fwknopd not run (it cannot close 1,000 rules, see the 1,000-grant rows)");
    }

    // ---- measurements

    record Lat(double p50, double p99, int lost, int n) {
        @Override
        public String toString() {
            return String.format("p50 %.1f ms, p99 %.1f ms, %d of %d lost", p50, p99, lost, n);
        }
    }

    /** Sends {@code file} paced at {@code perSecond} (with a flood of {@code flood} at {@code rate} behind it). */
    Lat latency(Path file, List<String> ips, int perSecond, Path flood, int rate) throws Exception {
        Process f = null;
        if (flood != null) {
            f = sender(flood, "blast", rate, (long) rate * floodSeconds, senderThreads);
        }
        Process s = sender(file, "paced", perSecond, ips.size());
        List<String> lines = read(s, 120);
        if (f != null) {
            lastOffered = Double.NaN;
            for (String l : read(f, 120)) {
                String[] w = l.split(" "); // sent N in MS ms
                if (w.length == 5 && w[0].equals("sent") && Long.parseLong(w[3]) > 0) {
                    lastOffered = Long.parseLong(w[1]) * 1000.0 / Long.parseLong(w[3]);
                }
            }
        }
        Map<String, Long> sent = new LinkedHashMap<>();
        for (String l : lines) {
            String[] w = l.split(" ");
            if (w.length == 2 && !w[0].equals("sent")) {
                sent.put(ips.get(Integer.parseInt(w[0])), Long.parseLong(w[1]));
            }
        }
        Wait.until(Duration.ofSeconds(10), () -> ips.stream().allMatch(monitor.added::containsKey));
        List<Double> ms = new ArrayList<>();
        for (String ip : ips) {
            Long at = monitor.added.get(ip);
            Long t = sent.get(ip);
            if (at != null && t != null) {
                ms.add((at - t) / 1000.0);
            }
        }
        Collections.sort(ms);
        return new Lat(pct(ms, 50), pct(ms, 99), ips.size() - ms.size(), ips.size());
    }

    record Blast(int accepted, int lost, double rate) {
    }

    /** All of {@code file} as fast as the sender can; accepted per second from the first to the last opening. */
    Blast blast(Path file, List<String> ips) throws Exception {
        read(sender(file, "blast", 0, ips.size()), 120);
        // done when every opening is there or none came for 5 s (bounded: 180 s)
        long deadline = System.nanoTime() + 180_000_000_000L;
        int seen = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = (int) ips.stream().filter(monitor.added::containsKey).count();
            if (now != seen) {
                seen = now;
                lastChange = System.nanoTime();
            }
            if (now == ips.size() || System.nanoTime() - lastChange > 5_000_000_000L) {
                break;
            }
            Wait.until(Duration.ofMillis(200), () -> false);
        }
        List<Long> at = new ArrayList<>();
        for (String ip : ips) {
            Long a = monitor.added.get(ip);
            if (a != null) {
                at.add(a);
            }
        }
        Collections.sort(at);
        double rate = at.size() < 2 ? 0 : (at.size() - 1) / ((at.get(at.size() - 1) - at.get(0)) / 1e6);
        return new Blast(at.size(), ips.size() - at.size(), rate);
    }

    record Expiry(int n, double p50, double max, int open) {
    }

    /** Polls the ruleset until the grants of {@code ips} are gone: closed at minus opened at minus the timeout. */
    Expiry expiry(List<String> ips, boolean postern) {
        Set<String> opened = new HashSet<>();
        for (String ip : ips) {
            if (monitor.added.containsKey(ip)) {
                opened.add(ip);
            }
        }
        Map<String, Long> gone = new ConcurrentHashMap<>();
        long first = opened.stream().mapToLong(monitor.added::get).min().orElse(System.currentTimeMillis() * 1000);
        long waitMs = (first / 1000 + timeout * 1000L - 2000) - System.currentTimeMillis();
        if (waitMs > 0) {
            Wait.until(Duration.ofMillis(waitMs), () -> false);
        }
        long last = opened.stream().mapToLong(monitor.added::get).max().orElse(first);
        long deadline = System.nanoTime() + (last / 1000 - System.currentTimeMillis() + (timeout + 30) * 1000L) * 1_000_000L;
        while (gone.size() < opened.size() && System.nanoTime() < deadline) {
            long t = System.currentTimeMillis() * 1000;
            Exec.Result r = bed.srv(postern ? List.of("nft", "list", "set", "inet", "filter", "postern_allow4").toArray(
                    String[]::new) : new String[] {"iptables-nft", "-w", "-S", "FWKNOP_INPUT"});
            Set<String> present = new HashSet<>();
            Matcher m = IPV4.matcher(r.out());
            while (m.find()) {
                present.add(m.group());
            }
            for (String ip : opened) {
                if (!present.contains(ip)) {
                    gone.putIfAbsent(ip, t);
                }
            }
            Wait.until(Duration.ofMillis(100), () -> false);
        }
        List<Double> err = new ArrayList<>();
        for (String ip : opened) {
            Long g = gone.get(ip);
            if (g != null) {
                err.add((g - monitor.added.get(ip)) / 1000.0 - timeout * 1000.0);
            }
        }
        Collections.sort(err);
        return new Expiry(err.size(), pct(err, 50), err.isEmpty() ? Double.NaN : err.get(err.size() - 1),
                opened.size() - err.size());
    }

    long refusals(DaemonProcess d, boolean postern) {
        String text = d.logText();
        // Postern logs up to 200 refusals a second one by one, the rest in "Refused N more SPA packets" lines
        Pattern p = postern ? Pattern.compile("Refused SPA packet|Refused (\\d+) more SPA packets")
                : Pattern.compile("Error creating fko context|Replay detected");
        Matcher m = p.matcher(text);
        long n = 0;
        while (m.find()) {
            n += m.groupCount() > 0 && m.group(1) != null ? Long.parseLong(m.group(1)) : 1;
        }
        return n;
    }

    /** Polls a count every 100 ms on a thread of its own and keeps the time it last grew (bounded: 10 minutes). */
    static final class LastGrowth {
        private final Thread thread;
        private volatile boolean stopped;
        private volatile long at = System.nanoTime();

        LastGrowth(java.util.function.LongSupplier count) {
            thread = new Thread(() -> {
                long last = count.getAsLong();
                long end = System.nanoTime() + 600_000_000_000L;
                while (!stopped && System.nanoTime() < end) {
                    Wait.until(Duration.ofMillis(100), () -> stopped);
                    long now = count.getAsLong();
                    if (now != last) {
                        last = now;
                        at = System.nanoTime();
                    }
                }
            }, "refusal-count");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(10_000);
        }

        /** System.nanoTime() of the last growth seen (the start when none). */
        long at() {
            return at;
        }
    }

    /** Waits until the refusal count stops growing (2.5 s unchanged, at most 60 s); returns when it last grew. */
    long settle(java.util.function.LongSupplier count) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        long size = -1;
        long changed = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long s = count.getAsLong();
            if (s != size) {
                size = s;
                changed = System.nanoTime();
            } else if (System.nanoTime() - changed > 2_500_000_000L) {
                break;
            }
            Wait.until(Duration.ofMillis(100), () -> false);
        }
        return changed;
    }

    static double rssMb(DaemonProcess d) {
        long pid = d.pid();
        try {
            for (String l : Files.readAllLines(Paths.get("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return Double.NaN;
    }

    Process sender(Path file, String mode, double rate, long count) throws IOException {
        return sender(file, mode, rate, count, 1);
    }

    /** The sender in the client namespace; {@code threads} > 1 splits a blast over that many sockets. */
    Process sender(Path file, String mode, double rate, long count, int threads) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", bed.clientNs,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), UdpBlaster.class.getName(), bed.serverIp,
                Integer.toString(NetnsTestbed.SPA_PORT), file.toString(), mode, Double.toString(rate),
                Long.toString(count), Integer.toString(threads)));
        return new ProcessBuilder(a).redirectErrorStream(true).start();
    }

    static List<String> read(Process p, int seconds) throws Exception {
        List<String> lines = new ArrayList<>();
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null;) {
                    synchronized (lines) {
                        lines.add(l);
                    }
                }
            } catch (IOException e) {
                // ended
            }
        });
        t.start();
        if (!p.waitFor(seconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        t.join(5000);
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    /** {@code nft monitor} in the gateway: the first time each 10.x address is added, in epoch microseconds. */
    static final class Monitor {
        final Map<String, Long> added = new ConcurrentHashMap<>();
        /**
         * The last time each 10.x address was deleted: a daemon's revoke (the kernel's own expiry is silent), or the
         * delete inside a grant's own add-delete-add transaction when no revoke came.
         */
        final Map<String, Long> deleted = new ConcurrentHashMap<>();
        /** nft transactions (new generations) seen. */
        final java.util.concurrent.atomic.AtomicLong generations = new java.util.concurrent.atomic.AtomicLong();
        private Process process;

        void start(NetnsTestbed bed) throws IOException {
            process = new ProcessBuilder("ip", "netns", "exec", bed.serverNs, "stdbuf", "-oL", "nft", "monitor")
                    .redirectErrorStream(true).start();
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.US_ASCII))) {
                    for (String l; (l = r.readLine()) != null;) {
                        Instant now = Instant.now();
                        if (l.startsWith("# new generation")) {
                            generations.incrementAndGet();
                            continue;
                        }
                        boolean add = l.startsWith("add ");
                        if (!add && !l.startsWith("delete ")) {
                            continue;
                        }
                        long us = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
                        Matcher m = IPV4.matcher(l);
                        while (m.find()) {
                            if (add) {
                                added.putIfAbsent(m.group(), us);
                            } else {
                                deleted.put(m.group(), us); // the last: a grant's own transaction deletes too
                            }
                        }
                    }
                } catch (IOException e) {
                    // stopped
                }
            }, "nft-monitor");
            t.setDaemon(true);
            t.start();
        }

        void stop() {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    // ---- report

    void put(String metric, String daemon, double v) {
        results.computeIfAbsent(metric, k -> new LinkedHashMap<>()).computeIfAbsent(daemon, k -> new ArrayList<>()).add(v);
    }

    static double median(List<Double> v) {
        if (v == null || v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        s.removeIf(d -> d.isNaN());
        if (s.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(s);
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }

    double med(String metric, String daemon) {
        Map<String, List<Double>> m = results.get(metric);
        return m == null ? Double.NaN : median(m.get(daemon));
    }

    void report() throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("Postern vs fwknopd 2.6.10, ").append(Instant.now().toString(), 0, 16).append("Z, ")
                .append(machine()).append(", medians of ").append(runs).append(" run(s), ").append(grants)
                .append(" grants, FW_ACCESS_TIMEOUT ").append(timeout).append(" s, Postern heap ").append(heap)
                .append("\n\n").append(logLines.toString().lines().filter(l -> l.contains("load average"))
                        .map(l -> "- " + l + "\n").reduce("", String::concat)).append('\n');
        md.append("| metric | Postern | fwknopd | Postern/fwknopd |\n|---|---|---|---|\n");
        StringBuilder tsv = new StringBuilder("metric\tpostern\tfwknopd\tratio\n");
        for (String metric : results.keySet()) {
            double a = med(metric, "postern");
            double b = med(metric, "fwknopd");
            String ratio = b == 0 || Double.isNaN(a) || Double.isNaN(b) ? "–" : String.format("%.2f", a / b);
            md.append("| ").append(metric).append(" | ").append(fmt(a)).append(" | ").append(fmt(b)).append(" | ")
                    .append(ratio).append(" |\n");
            tsv.append(metric).append('\t').append(a).append('\t').append(b).append('\t').append(ratio).append('\n');
        }
        Files.writeString(out.resolve("results.md"), md);
        Files.writeString(out.resolve("results.tsv"), tsv);
        Files.writeString(out.resolve("harness.log"), logLines);
        plot(out.resolve("latency.png"));
        System.out.println();
        System.out.println(md);
        System.out.println("written: " + out.resolve("results.md") + ", results.tsv, latency.png, harness.log");
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return Math.abs(v) >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }

    static String machine() {
        int cpus = Runtime.getRuntime().availableProcessors();
        String model = "";
        try {
            model = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("");
        } catch (IOException e) {
            // unknown
        }
        return cpus + " cores " + model + ", kernel " + System.getProperty("os.version");
    }

    static String loadavg() {
        try {
            return Files.readString(Paths.get("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    void say(String s) {
        String l = Instant.now().toString().substring(11, 19) + " " + s;
        System.out.println(l);
        System.out.flush();
        logLines.append(l).append('\n');
    }

    /** Latency (p50 solid, p99 dashed, log scale) against the offered flood rate, per daemon and mode. */
    void plot(Path png) throws IOException {
        int w = 900;
        int h = 560;
        int left = 80;
        int right = 230;
        int top = 40;
        int bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        List<Integer> xs = new ArrayList<>(List.of(0));
        xs.addAll(floods);
        double lo = 0.1;
        double hi = 10_000;
        int pw = w - left - right;
        int ph = h - top - bottom;
        ToDoubleFunction<Double> y = v -> top + ph - (Math.log10(Math.max(lo, Math.min(hi, v))) - Math.log10(lo))
                / (Math.log10(hi) - Math.log10(lo)) * ph;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, pw, ph);
        for (double v = lo; v <= hi; v *= 10) {
            int yy = (int) y.applyAsDouble(v);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left + 1, yy, left + pw - 1, yy);
            g.setColor(Color.BLACK);
            g.drawString(v < 1 ? String.valueOf(v) : String.format("%.0f", v), left - 45, yy + 4);
        }
        for (int i = 0; i < xs.size(); i++) {
            int xx = left + (int) ((i + 0.5) * pw / xs.size());
            g.drawString(xs.get(i) == 0 ? "idle" : xs.get(i) + " pps", xx - 25, top + ph + 20);
        }
        g.drawString("offered garbage load (random base64, wrong keys, replays)", left + 80, h - 15);
        g.drawString("send -> opening (ms, log)", 10, top - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Postern vs fwknopd 2.6.10: latency against offered load", left + 80, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        Color[] colors = {new Color(0, 90, 200), new Color(0, 170, 220), new Color(210, 40, 40), new Color(240, 140, 0)};
        int ci = 0;
        int legend = top + 10;
        for (String daemon : List.of("postern", "fwknopd")) {
            for (String mode : modes) {
                Color c = colors[ci++ % colors.length];
                for (String q : List.of("p50", "p99")) {
                    g.setColor(c);
                    g.setStroke(q.equals("p50") ? new BasicStroke(2.5f) : new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                            BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
                    int px = -1;
                    int py = -1;
                    for (int i = 0; i < xs.size(); i++) {
                        String metric = mode + " latency " + (xs.get(i) == 0 ? "idle " + q : "at " + xs.get(i) + " pps " + q)
                                + " (ms)";
                        double v = med(metric, daemon);
                        if (Double.isNaN(v)) {
                            px = -1;
                            continue;
                        }
                        int xx = left + (int) ((i + 0.5) * pw / xs.size());
                        int yy = (int) y.applyAsDouble(v);
                        g.fillOval(xx - 3, yy - 3, 7, 7);
                        if (px >= 0) {
                            g.drawLine(px, py, xx, yy);
                        }
                        px = xx;
                        py = yy;
                    }
                    g.drawLine(left + pw + 15, legend, left + pw + 45, legend);
                    g.setColor(Color.BLACK);
                    g.drawString(daemon + " " + mode + " " + q, left + pw + 52, legend + 4);
                    legend += 20;
                }
            }
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
