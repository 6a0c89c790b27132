package org.postern.itests.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cluster benchmark (issue 12), run by {@code sudo scripts/perf.sh --cluster [--packets N] [--out DIR]}, not by CI:
 * the latency the cluster check adds to each accepted packet, three members on this machine. Uses
 * {@link ClusterIT}'s set-up (one client, three gateways A, B, C on one bridged segment, each its own copy of the
 * distribution, the real fwknop client making the packets).
 *
 * <ol>
 * <li>alone: the three daemons run without the cluster; {@code N} fresh packets, one at a time, to A: each accepted;
 * A's pipeline decision time (MBean {@code LatencySumMicros / LatencyCount}, from receipt to grant opened) over them.
 * <li>cluster: {@code feature:install postern-cluster} on all three, majority confirmed, the ReplayGuard's debug
 * probe on ({@code Cluster claim confirmed in N us}: the time of {@code SharedReplayGuard.claim}, the atomic insert
 * into the replay map replicated to both other members); {@code N} fresh packets to A again.
 * </ol>
 * The same number of warm-up packets precedes each phase and is not counted. Writes {@code cluster-results.md}
 * into the output directory and prints it. Never fails on a number.
 */
public final class ClusterBench {

    private static final String METRICS = "org.postern:type=Daemon,name=metrics";
    private static final Pattern CLAIM = Pattern.compile("Cluster claim confirmed in (\\d+) us");

    private ClusterBench() {
    }

    public static void main(String[] args) throws Exception {
        int packets = 300;
        int warmup = 30;
        Path out = Paths.get("itests/target/perf");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--packets" -> packets = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--out" -> out = Paths.get(args[++i]);
                case "--cluster" -> { }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--packets N, --warmup N, --out DIR)");
            }
        }
        if (!Exec.isRoot()) {
            System.err.println("ClusterBench needs root (namespaces)");
            System.exit(2);
        }
        Files.createDirectories(out);
        String report;
        try {
            ClusterIT.setUp();
            report = run(packets, warmup);
        } finally {
            ClusterIT.tearDown();
        }
        Files.writeString(out.resolve("cluster-results.md"), report, StandardCharsets.UTF_8);
        System.out.println(report);
        System.out.println("written: " + out.resolve("cluster-results.md"));
        System.exit(0); // the daemons' helper threads of ClusterIT's set-up are gone; nothing else to wait for
    }

    static String run(int packets, int warmup) throws Exception {
        List<ClusterIT.Node> nodes = ClusterIT.nodes;
        ClusterIT.Node a = nodes.get(0);
        for (ClusterIT.Node n : nodes) {
            n.daemon().start("Capture source udp:fwknopd running", Duration.ofSeconds(120));
        }
        for (ClusterIT.Node n : nodes) {
            must(Wait.until(Duration.ofSeconds(60), () -> ClusterIT.shell(n, "spa:status").contains("components")),
                    "the shell of " + n.name() + " did not come up");
        }
        System.out.println("ClusterBench: phase alone (no cluster), " + packets + " packets to A");
        double[] alone = phase(a, "alone", packets, warmup);

        for (ClusterIT.Node n : nodes) {
            ClusterIT.shell(n, "feature:install postern-cluster");
        }
        for (ClusterIT.Node n : nodes) {
            must(Wait.until(Duration.ofSeconds(60), () -> n.count("Members {size:3") > 0),
                    n.name() + " did not see three members");
            must(Wait.until(Duration.ofSeconds(15), () -> n.count("majority confirmed") > 0), n.name() + ": no majority");
            ClusterIT.shell(n, "log:set DEBUG org.postern.cluster.ReplayGuard");
        }
        System.out.println("ClusterBench: phase cluster (3 members), " + packets + " packets to A");
        int claimLinesBefore = claims(a).size();
        double[] clustered = phase(a, "cluster", packets, warmup);
        List<Long> all = claims(a);
        List<Long> measured = new ArrayList<>(all.subList(Math.min(all.size(), claimLinesBefore + warmup), all.size()));
        Collections.sort(measured);

        StringBuilder r = new StringBuilder();
        r.append("# Cluster check latency (issue 12)\n\n");
        r.append("Run ").append(Instant.now()).append(" on this machine (").append(Runtime.getRuntime().availableProcessors())
                .append(" cores): three gateways (A, B, C) in namespaces on one bridged segment, each a full Postern ")
                .append("distribution (`bin/fwknopd`, UDP server capture, iptables-nft); the real fwknop client's packets ")
                .append("sent to A one at a time, each waited for (accepted); ").append(warmup)
                .append(" warm-up packets not counted, then ").append(packets).append(" counted per phase.\n\n");
        r.append("| measure | alone (no cluster) | cluster of 3 |\n|---|---|---|\n");
        r.append(String.format("| A's pipeline decision, mean (receipt to grant opened; MBean) | %.0f us | %.0f us |%n",
                alone[0], clustered[0]));
        r.append(String.format("| packets accepted / sent | %.0f / %d | %.0f / %d |%n", alone[1], packets, clustered[1], packets));
        if (measured.isEmpty()) {
            r.append("\nNo `Cluster claim confirmed` line was logged: the claim latency was not measured.\n");
        } else {
            r.append(String.format("%nThe cluster check itself (`SharedReplayGuard.claim` on A: atomic put-if-absent with TTL, "
                    + "synchronous backups on B and C), %d accepted packets: **p50 %s, p90 %s, p99 %s**, max %s, mean %s.%n",
                    measured.size(), ms(pct(measured, 0.50)), ms(pct(measured, 0.90)), ms(pct(measured, 0.99)),
                    ms(measured.get(measured.size() - 1)), ms(Math.round(mean(measured)))));
            r.append(String.format("Difference of the mean decision times: %+.0f us per accepted packet.%n",
                    clustered[0] - alone[0]));
        }
        return r.toString();
    }

    /** Sends warm-up then counted fresh packets to {@code n}; returns {mean decision us, accepted count}. */
    private static double[] phase(ClusterIT.Node n, String name, int packets, int warmup) throws IOException {
        for (int i = 0; i < warmup; i++) {
            ClusterIT.outcome(n, ClusterIT.packet(name + "-w" + i));
        }
        long[] before = metrics(n);
        int accepted = 0;
        for (int i = 0; i < packets; i++) {
            Path p = ClusterIT.packet(name + "-" + i);
            if (ClusterIT.outcome(n, p).equals("ACCEPTED")) {
                accepted++;
            }
            Files.deleteIfExists(p);
        }
        long[] after = metrics(n);
        long count = after[0] - before[0];
        return new double[] {count == 0 ? Double.NaN : (after[1] - before[1]) / (double) count, accepted};
    }

    /** {LatencyCount, LatencySumMicros} of {@code n}'s daemon, through its MBean. */
    private static long[] metrics(ClusterIT.Node n) {
        Exec.Result r = JmxProbe.run(n.gw().ns(), n.daemon().pid(), METRICS, "LatencyCount", "LatencySumMicros");
        Matcher c = Pattern.compile("LatencyCount=(\\d+)").matcher(r.out());
        Matcher s = Pattern.compile("LatencySumMicros=(\\d+)").matcher(r.out());
        must(c.find() && s.find(), "cannot read the metrics MBean: " + r.out());
        return new long[] {Long.parseLong(c.group(1)), Long.parseLong(s.group(1))};
    }

    private static List<Long> claims(ClusterIT.Node n) {
        List<Long> out = new ArrayList<>();
        Matcher m = CLAIM.matcher(n.log());
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        return out;
    }

    private static long pct(List<Long> sorted, double f) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(f * sorted.size()) - 1));
    }

    private static double mean(List<Long> v) {
        return v.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
    }

    private static String ms(long micros) {
        return String.format("%.3f ms", micros / 1000.0);
    }

    private static void must(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException(what);
        }
    }
}
