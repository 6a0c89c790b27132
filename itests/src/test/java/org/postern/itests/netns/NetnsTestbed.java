package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces joined by a veth pair, made for one test class and removed after it: a client
 * namespace and a gateway namespace whose INPUT policy drops everything but loopback, established
 * traffic, ICMP and udp/62201, with a protected TCP service that stays closed until a grant opens it.
 * All addresses live only inside these namespaces.
 */
final class NetnsTestbed implements AutoCloseable {

    static final int SPA_PORT = 62201;
    static final int SERVICE_PORT = 2222;

    final String id;
    final String clientNs;
    final String serverNs;
    final String clientIf;
    final String serverIf;
    final String clientIp;
    final String serverIp;
    /** IPv6 addresses on the same veth pair (no DAD); the base policy leaves IPv6 alone. */
    final String clientIp6;
    final String serverIp6;
    final String iptables;
    /** The gateway's policy is made with nft ({@code inet filter input}) instead of iptables. */
    private boolean nftPolicy;
    private final List<Process> background = new ArrayList<>();
    /** Namespaces beyond the client and the gateway (internal hosts), removed with the testbed. */
    private final List<String> extraNs = new ArrayList<>();

    NetnsTestbed(String iptables) {
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        this.id = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 9999));
        this.clientNs = "pcli" + id;
        this.serverNs = "psrv" + id;
        this.clientIf = "vc" + id;
        this.serverIf = "vs" + id;
        this.clientIp = "10.201." + n + ".1";
        this.serverIp = "10.201." + n + ".2";
        this.clientIp6 = "fd00:201:" + n + "::1";
        this.serverIp6 = "fd00:201:" + n + "::2";
        this.iptables = iptables;
    }

    /** A testbed whose gateway drops by default through nft's {@code inet filter input}, as an nftables.conf would. */
    static NetnsTestbed withNftablesPolicy() {
        NetnsTestbed b = new NetnsTestbed("/usr/sbin/iptables-nft");
        b.nftPolicy = true;
        return b;
    }

    NetnsTestbed up() {
        must(Exec.run(10, "ip", "netns", "add", clientNs));
        must(Exec.run(10, "ip", "netns", "add", serverNs));
        must(Exec.run(10, "ip", "-n", clientNs, "link", "set", "lo", "up"));
        must(Exec.run(10, "ip", "-n", serverNs, "link", "set", "lo", "up"));
        must(Exec.run(10, "ip", "link", "add", clientIf, "netns", clientNs, "type", "veth", "peer", "name", serverIf,
                "netns", serverNs));
        must(Exec.run(10, "ip", "-n", clientNs, "addr", "add", clientIp + "/24", "dev", clientIf));
        must(Exec.run(10, "ip", "-n", serverNs, "addr", "add", serverIp + "/24", "dev", serverIf));
        must(Exec.run(10, "ip", "-n", clientNs, "addr", "add", clientIp6 + "/64", "dev", clientIf, "nodad"));
        must(Exec.run(10, "ip", "-n", serverNs, "addr", "add", serverIp6 + "/64", "dev", serverIf, "nodad"));
        must(Exec.run(10, "ip", "-n", clientNs, "link", "set", clientIf, "up"));
        must(Exec.run(10, "ip", "-n", serverNs, "link", "set", serverIf, "up"));
        baseFirewall();
        startService();
        assertTrue(Exec.inNs(clientNs, 5, "ping", "-c", "1", "-W", "2", serverIp).ok(), "veth pair does not carry ICMP");
        assertTrue(!serviceOpen(), "tcp/" + SERVICE_PORT + " must be closed before any SPA");
        return this;
    }

    /** fwknop's test bed policy: default drop, the service explicitly dropped. */
    void baseFirewall() {
        if (nftPolicy) {
            nftPolicy();
            return;
        }
        srv(iptables, "-w", "-P", "INPUT", "DROP");
        srv(iptables, "-w", "-F", "INPUT");
        srv(iptables, "-w", "-A", "INPUT", "-i", "lo", "-j", "ACCEPT");
        srv(iptables, "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        srv(iptables, "-w", "-A", "INPUT", "-p", "icmp", "-j", "ACCEPT");
        srv(iptables, "-w", "-A", "INPUT", "-p", "udp", "--dport", Integer.toString(SPA_PORT), "-j", "ACCEPT");
        srv(iptables, "-w", "-A", "INPUT", "-p", "tcp", "--dport", Integer.toString(SERVICE_PORT), "-j", "DROP");
    }

    /** The same policy in nft's {@code inet filter input}: default drop for IPv4 (IPv6 stays open, as above). */
    private void nftPolicy() {
        try {
            java.nio.file.Path f = java.nio.file.Files.createTempFile("policy", ".nft");
            java.nio.file.Files.writeString(f, "flush ruleset\n"
                    + "table inet filter {\n"
                    + "  chain input {\n"
                    + "    type filter hook input priority 0; policy accept;\n"
                    + "    iif lo accept\n"
                    + "    ct state established,related accept\n"
                    + "    meta nfproto ipv6 accept\n"
                    + "    ip protocol icmp accept\n"
                    + "    udp dport " + SPA_PORT + " accept\n"
                    + "    tcp dport " + SERVICE_PORT + " drop\n"
                    + "    meta nfproto ipv4 drop\n"
                    + "  }\n"
                    + "}\n");
            Exec.Result r = srv("nft", "-f", f.toString());
            java.nio.file.Files.delete(f);
            must(r);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** True when the nftables backend's IPv4 set holds an element for {@code source} and {@code port}. */
    boolean nftElementFor(String source, int port) {
        return nftElementFor("inet", "filter", source, port);
    }

    /** As above, for the set in another table ({@code ip filter} when hooked into iptables-nft's INPUT). */
    boolean nftElementFor(String family, String table, String source, int port) {
        Exec.Result r = srv("nft", "list", "set", family, table, "postern_allow4");
        return r.ok() && r.out().contains(source + " . tcp . " + port);
    }

    private void startService() {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", serverNs, "nc", "-dlk", serverIp,
                    Integer.toString(SERVICE_PORT)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            background.add(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start nc", e);
        }
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> Exec.inNs(serverNs, 5, "ss", "-Hltn",
                "sport = :" + SERVICE_PORT).out().contains("LISTEN")), "protected service did not start");
    }

    /**
     * Starts {@code argv} in namespace {@code ns} in the background, output appended to {@code log}; it is
     * killed with the testbed.
     */
    Process background(String ns, java.nio.file.Path log, List<String> argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        a.addAll(argv);
        try {
            Process p = new ProcessBuilder(a).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            background.add(p);
            return p;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start " + argv, e);
        }
    }

    /** A further veth pair between the client and the gateway namespace, on a /24 of its own. */
    record Link(String clientIf, String serverIf, String clientIp, String serverIp) {
    }

    private int links;

    /** Adds a veth pair (removed with the namespaces); the gateway's policy applies to it as to the first. */
    Link addLink() {
        links++;
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        Link l = new Link("vc" + id + "l" + links, "vs" + id + "l" + links, "10.202." + n + ".1", "10.202." + n + ".2");
        return create(l);
    }

    /** Deletes the pair of {@code l} (both ends go) and makes it again, same names and addresses. */
    void recreate(Link l) {
        must(srv("ip", "link", "del", l.serverIf()));
        create(l);
    }

    /** Deletes the pair of {@code l} (both ends go): a capture interface that vanishes. */
    void remove(Link l) {
        must(srv("ip", "link", "del", l.serverIf()));
    }

    /** Makes the pair of {@code l} again after {@link #remove}, same names and addresses. */
    void restore(Link l) {
        create(l);
    }

    private Link create(Link l) {
        must(Exec.run(10, "ip", "link", "add", l.clientIf(), "netns", clientNs, "type", "veth", "peer", "name",
                l.serverIf(), "netns", serverNs));
        must(Exec.run(10, "ip", "-n", clientNs, "addr", "add", l.clientIp() + "/24", "dev", l.clientIf()));
        must(Exec.run(10, "ip", "-n", serverNs, "addr", "add", l.serverIp() + "/24", "dev", l.serverIf()));
        must(Exec.run(10, "ip", "-n", clientNs, "link", "set", l.clientIf(), "up"));
        must(Exec.run(10, "ip", "-n", serverNs, "link", "set", l.serverIf(), "up"));
        assertTrue(Exec.inNs(clientNs, 5, "ping", "-c", "1", "-W", "2", l.serverIp()).ok(), "link " + l + " does not carry ICMP");
        return l;
    }

    /**
     * A third namespace behind the gateway (fwknop's NAT layout: client | gateway | internal host): its own veth
     * pair to the gateway on a /24 of its own, a TCP service on {@code servicePort}, no route back to the client
     * unless {@link #routeBack} adds one (so a reply reaches the client only through the gateway's SNAT or
     * MASQUERADE, or the route).
     *
     * @param ns         the internal host's namespace
     * @param gatewayIf  the gateway's end of the pair
     * @param gatewayIp  the gateway's address on the internal /24
     * @param ip         the internal host's address
     * @param port       its service port
     */
    record InternalHost(String ns, String gatewayIf, String gatewayIp, String ip, int port) {
    }

    /**
     * Adds an internal host and makes the gateway forward: ip_forward on, and a FORWARD policy of drop with only
     * established/related traffic accepted (in iptables, or in nft's {@code inet filter forward} for a testbed
     * {@link #withNftablesPolicy()}), so a forwarded connection stays closed until a grant opens it.
     */
    InternalHost addInternalHost(int servicePort) {
        int n = ThreadLocalRandom.current().nextInt(10, 250);
        String ns = "pint" + id;
        InternalHost h = new InternalHost(ns, "vg" + id, "10.203." + n + ".1", "10.203." + n + ".2", servicePort);
        must(Exec.run(10, "ip", "netns", "add", ns));
        extraNs.add(ns);
        must(Exec.run(10, "ip", "-n", ns, "link", "set", "lo", "up"));
        must(Exec.run(10, "ip", "link", "add", "vi" + id, "netns", ns, "type", "veth", "peer", "name", h.gatewayIf(),
                "netns", serverNs));
        must(Exec.run(10, "ip", "-n", ns, "addr", "add", h.ip() + "/24", "dev", "vi" + id));
        must(Exec.run(10, "ip", "-n", serverNs, "addr", "add", h.gatewayIp() + "/24", "dev", h.gatewayIf()));
        must(Exec.run(10, "ip", "-n", ns, "link", "set", "vi" + id, "up"));
        must(Exec.run(10, "ip", "-n", serverNs, "link", "set", h.gatewayIf(), "up"));
        must(srv("sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
        if (nftPolicy) {
            must(srv("nft", "add chain inet filter forward { type filter hook forward priority 0; policy drop; }"));
            must(srv("nft", "add rule inet filter forward ct state established,related accept"));
        } else {
            must(srv(iptables, "-w", "-P", "FORWARD", "DROP"));
            must(srv(iptables, "-w", "-F", "FORWARD"));
            must(srv(iptables, "-w", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j",
                    "ACCEPT"));
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", ns, "nc", "-dlk", h.ip(), Integer.toString(servicePort))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            background.add(p);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start nc", e);
        }
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> Exec.inNs(ns, 5, "ss", "-Hltn",
                "sport = :" + servicePort).out().contains("LISTEN")), "internal service did not start");
        assertTrue(Exec.inNs(serverNs, 5, "ping", "-c", "1", "-W", "2", h.ip()).ok(), "gateway cannot reach " + h.ip());
        return h;
    }

    /** Gives the internal host a default route through the gateway (on), or takes it away (off). */
    void routeBack(InternalHost h, boolean on) {
        Exec.Result r = Exec.inNs(h.ns(), 10, "ip", "route", on ? "replace" : "del", "default", "via", h.gatewayIp());
        if (on) {
            must(r);
        }
    }

    /** A TCP connect from the client namespace to {@code ip}:{@code port} within {@code seconds}. */
    boolean clientConnects(String ip, int port, int seconds) {
        return Exec.inNs(clientNs, seconds + 3, "nc", "-z", "-w", Integer.toString(seconds), ip,
                Integer.toString(port)).ok();
    }

    /** Lets TCP to {@code port} of the gateway through its default-drop iptables policy. */
    void acceptTcp(int port) {
        must(srv(iptables, "-w", "-I", "INPUT", "1", "-p", "tcp", "--dport", Integer.toString(port), "-j", "ACCEPT"));
    }

    /** Lets UDP to {@code port} of the gateway through its default-drop iptables policy. */
    void acceptUdp(int port) {
        must(srv(iptables, "-w", "-I", "INPUT", "1", "-p", "udp", "--dport", Integer.toString(port), "-j", "ACCEPT"));
    }

    /** A TCP connect from the client to the protected service within {@code seconds}. */
    boolean serviceOpen(int seconds) {
        return Exec.inNs(clientNs, seconds + 3, "nc", "-z", "-w", Integer.toString(seconds), serverIp,
                Integer.toString(SERVICE_PORT)).ok();
    }

    boolean serviceOpen() {
        return serviceOpen(2);
    }

    /** The rules of a chain in the gateway, {@code -S} form; empty when the chain is absent. */
    String rules(String chain) {
        Exec.Result r = Exec.inNs(serverNs, 10, iptables, "-w", "-S", chain);
        return r.ok() ? r.out() : "";
    }

    boolean ruleFor(String chain, String source, int port) {
        String rules = rules(chain);
        return rules.lines().anyMatch(l -> l.contains("-s " + source + "/32") && l.contains("--dport " + port)
                && l.contains("_exp_"));
    }

    Exec.Result srv(String... argv) {
        return Exec.inNs(serverNs, 20, argv);
    }

    Exec.Result cli(String... argv) {
        return Exec.inNs(clientNs, 30, argv);
    }

    Exec.Result cli(List<String> argv) {
        return Exec.inNs(clientNs, 30, argv);
    }

    /**
     * Sends a saved packet (fwknop's --save-packet file: the payload and a newline) as one UDP datagram
     * from the client namespace, without the newline.
     */
    void sendUdp(java.nio.file.Path savedPacket, int port) {
        try {
            java.nio.file.Path raw = java.nio.file.Files.createTempFile("spa", ".bin");
            java.nio.file.Files.writeString(raw, java.nio.file.Files.readString(savedPacket).strip());
            Exec.Result r = Exec.run(10, raw, List.of("ip", "netns", "exec", clientNs, "nc", "-u", "-w", "1", "-q", "0",
                    serverIp, Integer.toString(port)));
            java.nio.file.Files.delete(raw);
            if (!r.ok()) {
                throw new IllegalStateException("nc could not send the packet (" + r.exit() + "): " + r.out());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends {@code payload} byte for byte as one UDP datagram from the client namespace (more than the MTU goes
     * out as IP fragments).
     */
    void sendUdpBytes(byte[] payload, int port) {
        try {
            java.nio.file.Path raw = java.nio.file.Files.createTempFile("raw", ".bin");
            java.nio.file.Files.write(raw, payload);
            Exec.Result r = Exec.run(10, raw, List.of("ip", "netns", "exec", clientNs, "nc", "-u", "-w", "1", "-q", "0",
                    serverIp, Integer.toString(port)));
            java.nio.file.Files.delete(raw);
            if (!r.ok()) {
                throw new IllegalStateException("nc could not send the datagram (" + r.exit() + "): " + r.out());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void must(Exec.Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("testbed command failed (" + r.exit() + "): " + r.out());
        }
    }

    @Override
    public void close() {
        for (Process p : background) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        List<String> all = new ArrayList<>(extraNs);
        all.addAll(List.of(clientNs, serverNs));
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
