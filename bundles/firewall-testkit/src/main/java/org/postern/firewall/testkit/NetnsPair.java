package org.postern.firewall.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A client namespace and a gateway namespace joined by a veth pair with IPv4 and IPv6 addresses, and a TCP
 * service on {@link #PORT} in the gateway for both families. Made by one test class, removed after it; the
 * host's firewall is never touched. {@link #usable()} tells whether this machine can make it (root, ip, nc).
 */
public final class NetnsPair implements AutoCloseable {

    public static final int PORT = 2222;

    public final String gateway;
    public final String client;
    public final String clientIp4;
    public final String gatewayIp4;
    public final String clientIp6;
    public final String gatewayIp6;
    private final String id;
    private final List<Process> services = new ArrayList<>();

    private NetnsPair() {
        byte[] r = new byte[3];
        new SecureRandom().nextBytes(r);
        id = HexFormat.of().formatHex(r);
        int n = 10 + (r[0] & 0x7f);
        gateway = "pk-gw-" + id;
        client = "pk-cl-" + id;
        clientIp4 = "10.205." + n + ".1";
        gatewayIp4 = "10.205." + n + ".2";
        clientIp6 = "fd00:205:" + n + "::1";
        gatewayIp6 = "fd00:205:" + n + "::2";
    }

    /** True when running as root with ip and nc, so namespaces can be made. */
    public static boolean usable() {
        return "root".equals(System.getProperty("user.name")) && new File("/usr/bin/nc").canExecute()
                && run(List.of("ip", "-V")).ok();
    }

    /** Makes both namespaces, the veth pair and the services; all traffic passes until a test adds a policy. */
    public static NetnsPair create() {
        NetnsPair p = new NetnsPair();
        try {
            p.up();
            return p;
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void up() {
        must("ip", "netns", "add", gateway);
        must("ip", "netns", "add", client);
        for (String ns : List.of(gateway, client)) {
            must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        must("ip", "link", "add", "vc" + id, "netns", client, "type", "veth", "peer", "name", "vg" + id, "netns", gateway);
        must("ip", "-n", client, "addr", "add", clientIp4 + "/24", "dev", "vc" + id);
        must("ip", "-n", gateway, "addr", "add", gatewayIp4 + "/24", "dev", "vg" + id);
        must("ip", "-n", client, "addr", "add", clientIp6 + "/64", "dev", "vc" + id, "nodad");
        must("ip", "-n", gateway, "addr", "add", gatewayIp6 + "/64", "dev", "vg" + id, "nodad");
        must("ip", "-n", client, "link", "set", "vc" + id, "up");
        must("ip", "-n", gateway, "link", "set", "vg" + id, "up");
        for (List<String> listen : List.of(List.of("nc", "-dlk", gatewayIp4, "" + PORT),
                List.of("nc", "-6", "-dlk", gatewayIp6, "" + PORT))) {
            List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gateway));
            argv.addAll(listen);
            try {
                services.add(new ProcessBuilder(argv).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            } catch (IOException e) {
                throw new IllegalStateException("cannot start nc", e);
            }
        }
        if (!waitFor(Duration.ofSeconds(5), () -> inGateway("ss", "-Hltn", "sport = :" + PORT).out().lines().count() >= 2)) {
            throw new IllegalStateException("the services did not start");
        }
        if (!waitFor(Duration.ofSeconds(5), () -> reachable(gatewayIp4) && reachable(gatewayIp6))) {
            throw new IllegalStateException("the veth pair does not carry TCP");
        }
    }

    /** The gateway's address of the same family as {@code clientAddress}. */
    public String gatewayFor(String clientAddress) {
        return clientAddress.indexOf(':') >= 0 ? gatewayIp6 : gatewayIp4;
    }

    /** A TCP connect from the client to the service at {@code gatewayAddress} within one second. */
    public boolean reachable(String gatewayAddress) {
        return inClient("nc", "-z", "-w", "1", gatewayAddress, "" + PORT).ok();
    }

    public Result inGateway(String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", gateway));
        a.addAll(List.of(argv));
        return run(a);
    }

    public Result inClient(String... argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", client));
        a.addAll(List.of(argv));
        return run(a);
    }

    /** Runs in the gateway and fails unless it succeeds. */
    public String mustInGateway(String... argv) {
        Result r = inGateway(argv);
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.exit() + "): " + r.out());
        }
        return r.out();
    }

    /** {@code argv} prefixed with {@code ip netns exec <gateway>}, for backends' own process starts. */
    public List<String> gatewayCommand(List<String> argv) {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", gateway));
        a.addAll(argv);
        return a;
    }

    /** Polls {@code condition} until it holds or {@code limit} passes. */
    public static boolean waitFor(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Math.max(0, limit.toNanos());
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(50_000_000); // poll interval
        }
    }

    /** How a command ended. */
    public record Result(int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs a command with a 20 s limit, standard error merged into the output. */
    public static Result run(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
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

    private static void must(String... argv) {
        Result r = run(List.of(argv));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + r.exit() + "): " + r.out());
        }
    }

    @Override
    public void close() {
        services.forEach(Process::destroyForcibly);
        for (String ns : List.of(gateway, client)) {
            for (String pid : run(List.of("ip", "netns", "pids", ns)).out().split("\\s+")) {
                if (!pid.isBlank()) {
                    run(List.of("kill", "-9", pid.strip()));
                }
            }
            run(List.of("ip", "netns", "delete", ns));
        }
    }
}
