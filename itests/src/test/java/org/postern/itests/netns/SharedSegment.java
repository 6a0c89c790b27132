package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client and several gateways on one shared segment: a bridge in the client namespace, one veth pair per
 * gateway namespace. Each gateway drops by default (iptables-nft), letting in loopback, established traffic,
 * ICMP, udp/62201 (SPA) and the cluster port from the segment only. {@link #isolate} drops a gateway's cluster
 * traffic both ways (a partition); {@link #heal} lets it through again. Removed with {@link #close}.
 */
final class SharedSegment implements AutoCloseable {

    static final String IPTABLES = "/usr/sbin/iptables-nft";
    static final int SPA_PORT = NetnsTestbed.SPA_PORT;

    /** One gateway namespace and its address on the segment. */
    record Gateway(String name, String ns, String ip) {
    }

    final String id;
    final String clientNs;
    final String clientIp;
    final String prefix;
    final int clusterPort;
    final List<Gateway> gateways = new ArrayList<>();

    SharedSegment(int clusterPort) {
        this.id = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 9999));
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        this.prefix = "10.203." + n + ".";
        this.clientNs = "pseg" + id;
        this.clientIp = prefix + "1";
        this.clusterPort = clusterPort;
    }

    SharedSegment up(String... names) {
        must(Exec.run(10, "ip", "netns", "add", clientNs));
        must(Exec.inNs(clientNs, 10, "ip", "link", "set", "lo", "up"));
        must(Exec.inNs(clientNs, 10, "ip", "link", "add", "br0", "type", "bridge"));
        must(Exec.inNs(clientNs, 10, "ip", "addr", "add", clientIp + "/24", "dev", "br0"));
        must(Exec.inNs(clientNs, 10, "ip", "link", "set", "br0", "up"));
        for (int i = 0; i < names.length; i++) {
            String ns = "pgw" + id + names[i];
            Gateway g = new Gateway(names[i], ns, prefix + (11 + i));
            gateways.add(g);
            String side = "vb" + id + names[i];
            String inner = "vg" + id + names[i];
            must(Exec.run(10, "ip", "netns", "add", ns));
            must(Exec.inNs(ns, 10, "ip", "link", "set", "lo", "up"));
            must(Exec.run(10, "ip", "link", "add", side, "netns", clientNs, "type", "veth", "peer", "name", inner,
                    "netns", ns));
            must(Exec.inNs(clientNs, 10, "ip", "link", "set", side, "master", "br0"));
            must(Exec.inNs(clientNs, 10, "ip", "link", "set", side, "up"));
            must(Exec.inNs(ns, 10, "ip", "addr", "add", g.ip() + "/24", "dev", inner));
            must(Exec.inNs(ns, 10, "ip", "link", "set", inner, "up"));
            policy(g);
        }
        for (Gateway g : gateways) {
            assertTrue(Exec.inNs(clientNs, 5, "ping", "-c", "1", "-W", "2", g.ip()).ok(), "segment does not reach " + g);
        }
        return this;
    }

    private void policy(Gateway g) {
        must(ipt(g, "-P", "INPUT", "DROP"));
        must(ipt(g, "-A", "INPUT", "-i", "lo", "-j", "ACCEPT"));
        must(ipt(g, "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT"));
        must(ipt(g, "-A", "INPUT", "-p", "icmp", "-j", "ACCEPT"));
        must(ipt(g, "-A", "INPUT", "-p", "udp", "--dport", Integer.toString(SPA_PORT), "-j", "ACCEPT"));
        must(ipt(g, "-A", "INPUT", "-s", prefix + "0/24", "-p", "tcp", "--dport", Integer.toString(clusterPort),
                "-j", "ACCEPT"));
    }

    private static final List<List<String>> PARTITION_RULES = List.of(List.of("INPUT", "--dport"),
            List.of("INPUT", "--sport"), List.of("OUTPUT", "--dport"), List.of("OUTPUT", "--sport"));

    /** Drops every packet of the cluster port into and out of {@code g}, established connections included. */
    void isolate(Gateway g) {
        for (List<String> r : PARTITION_RULES) {
            must(ipt(g, "-I", r.get(0), "1", "-p", "tcp", r.get(1), Integer.toString(clusterPort), "-j", "DROP"));
        }
    }

    void heal(Gateway g) {
        for (List<String> r : PARTITION_RULES) {
            must(ipt(g, "-D", r.get(0), "-p", "tcp", r.get(1), Integer.toString(clusterPort), "-j", "DROP"));
        }
    }

    private Exec.Result ipt(Gateway g, String... args) {
        List<String> a = new ArrayList<>(List.of(IPTABLES, "-w"));
        a.addAll(List.of(args));
        return Exec.inNs(g.ns(), 20, a);
    }

    /** Sends a saved packet (fwknop --save-packet file) as one UDP datagram from the client to {@code g}. */
    void send(Path savedPacket, Gateway g) {
        try {
            Path raw = Files.createTempFile("spa", ".bin");
            Files.writeString(raw, Files.readString(savedPacket).strip());
            Exec.Result r = Exec.run(10, raw, List.of("ip", "netns", "exec", clientNs, "nc", "-u", "-w", "1", "-q", "0",
                    g.ip(), Integer.toString(SPA_PORT)));
            Files.delete(raw);
            must(r);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void must(Exec.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("segment command failed (" + r.exit() + "): " + r.out());
        }
    }

    @Override
    public void close() {
        List<String> all = new ArrayList<>();
        gateways.forEach(g -> all.add(g.ns()));
        all.add(clientNs);
        for (String ns : all) {
            for (String pid : Exec.run(10, "ip", "netns", "pids", ns).out().split("\\s+")) {
                if (!pid.isBlank()) {
                    Exec.run(5, "kill", "-9", pid.trim());
                }
            }
            Exec.run(10, "ip", "netns", "del", ns);
        }
    }
}
