package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Three gateways as one cluster (feature postern-cluster, installed into running daemons) and one client on
 * a shared segment: a packet accepted by one gateway is a replay at the others; a killed gateway leaves the
 * others working and rejoins; a partitioned gateway refuses (partition.policy closed) or accepts on its local
 * cache (open), and after healing no packet is accepted twice anywhere; grants are seen and revoked across gateways; a
 * stanza made or edited on one gateway (its etc/org.postern.stanza-*.cfg, new keys) is in force on the others within
 * 5 s: a packet with the new key is accepted there and its replay refused everywhere else; removed on one, it is
 * gone everywhere.
 */
class ClusterIT {

    static final int CLUSTER_PORT = 5701;
    static final String ACCEPTED = "accepted by stanza";
    static final String REFUSED = "Refused SPA packet from";

    static SharedSegment segment;
    static Path assembly;
    static String key;
    static String hmac;
    static final List<Node> nodes = new ArrayList<>();

    /** A gateway: its namespace, its own copy of the distribution (own etc/), its run directory and daemon. */
    record Node(SharedSegment.Gateway gw, Path home, Path dir, DaemonProcess daemon) {
        Path karafLog() {
            return dir.resolve("karaf/log/karaf.log");
        }

        String log() {
            try {
                return Files.exists(karafLog()) ? Files.readString(karafLog(), StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                return "";
            }
        }

        long count(String text) {
            return log().lines().filter(l -> l.contains(text)).count();
        }

        String name() {
            return gw.name();
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(Exec.isRoot(), "namespace tests need root");
        assumeTrue(Exec.installed("fwknop") && Exec.installed("iptables-nft") && Exec.installed("nc"),
                "fwknop client, iptables-nft and nc needed");
        assembly = Paths.get(System.getProperty("postern.assembly", "../karaf-assembly/target/assembly"))
                .toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(assembly.resolve("bin/fwknopd")), "no distribution at " + assembly);
        SecureRandom r = new SecureRandom();
        byte[] k = new byte[32];
        byte[] h = new byte[64];
        r.nextBytes(k);
        r.nextBytes(h);
        key = Base64.getEncoder().encodeToString(k);
        hmac = Base64.getEncoder().encodeToString(h);
        segment = new SharedSegment(CLUSTER_PORT).up("A", "B", "C");
        StringBuilder members = new StringBuilder();
        for (SharedSegment.Gateway g : segment.gateways) {
            members.append(members.length() == 0 ? "" : ",").append(g.ip()).append(':').append(CLUSTER_PORT);
        }
        for (SharedSegment.Gateway g : segment.gateways) {
            Path root = Files.createTempDirectory("postern-it-cluster-" + g.name());
            Distribution dist = Distribution.copyOf(assembly, root);
            Files.writeString(dist.home.resolve("etc/org.postern.cluster.cfg"), String.join("\n",
                    "cluster.name = itcluster",
                    "cluster.secret = it-secret-" + key.substring(0, 8),
                    "gateway.name = " + g.name(),
                    "bind.address = " + g.ip(),
                    "port = " + CLUSTER_PORT,
                    "members = " + members,
                    "partition.policy = closed",
                    "confirm.timeout.ms = 3000",
                    "heartbeat.tolerance.ms = 3000",
                    "failure.detection.seconds = 4",
                    "merge.delay.seconds = 5",
                    "share.stanzas = true", ""), StandardCharsets.UTF_8);
            Path dir = Files.createDirectories(root.resolve("run"));
            Files.writeString(dir.resolve("fwknopd.conf"), String.join("\n",
                    "ENABLE_UDP_SERVER Y;", "UDPSERV_PORT " + SharedSegment.SPA_PORT + ";",
                    "ENABLE_SPA_PACKET_AGING Y;", "MAX_SPA_PACKET_AGE 120;", "ENABLE_DIGEST_PERSISTENCE Y;",
                    "FIREWALL_EXE " + SharedSegment.IPTABLES + ";", "FLUSH_IPT_AT_INIT Y;", "FLUSH_IPT_AT_EXIT Y;",
                    "FWKNOP_RUN_DIR " + dir + ";", "FWKNOP_CONF_DIR " + dir + ";",
                    "FWKNOP_PID_FILE " + dir.resolve("fwknopd.pid") + ";", "DIGEST_FILE " + dir.resolve("digest.cache") + ";",
                    "LOCALE C;", ""));
            Files.writeString(dir.resolve("access.conf"), "SOURCE ANY\nKEY_BASE64 " + key + "\nHMAC_KEY_BASE64 " + hmac
                    + "\nFW_ACCESS_TIMEOUT 60\n");
            nodes.add(new Node(g, dist.home, dir, DaemonProcess.posternIn(g.ns(), dist.home, dir, true)));
        }
    }

    @AfterAll
    static void tearDown() {
        for (Node n : nodes) {
            n.daemon().close();
        }
        if (segment != null) {
            segment.close();
        }
        // each gateway's copy of the distribution is some 60 MB: remove it (the test prints log tails on failure)
        for (Node n : nodes) {
            deleteTree(n.dir().getParent());
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    @Test
    void threeGatewaysAsOne() throws Exception {
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Node c = nodes.get(2);
        long t0 = System.nanoTime();
        for (Node n : nodes) {
            n.daemon().start("Capture source udp:fwknopd running", Duration.ofSeconds(120));
        }
        // the cluster feature goes into running daemons: no restart
        for (Node n : nodes) {
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> shell(n, "spa:status").contains("components")),
                    "the shell of " + n.name() + " did not come up");
            shell(n, "feature:install postern-cluster");
        }
        for (Node n : nodes) {
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> n.count("Members {size:3") > 0),
                    n.name() + " did not see three members:\n" + tail(n));
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> n.count("majority confirmed") > 0),
                    n.name() + " has no majority:\n" + tail(n));
        }
        for (Node n : nodes) {
            assertTrue(n.count("Replay cache shared with the cluster") > 0, n.name() + ": the server did not bind the guard");
            assertEquals(0, n.count("Postern fwknopd stopped"), n.name() + ": installing the feature restarted the server");
        }
        // cluster traffic only on the configured member address, never on every address
        for (Node n : nodes) {
            String listening = Exec.inNs(n.gw().ns(), 10, "ss", "-Hltn", "sport = :" + CLUSTER_PORT).out();
            List<String> locals = listening.lines().filter(l -> !l.isBlank()).map(l -> l.trim().split("\\s+")[3])
                    .toList();
            assertTrue(!locals.isEmpty(), n.name() + " does not listen on " + CLUSTER_PORT);
            for (String local : locals) {
                // an IPv4 address, possibly IPv4-mapped on an IPv6 socket ([::ffff:10.x.y.z]:5701)
                assertTrue(local.equals(n.gw().ip() + ":" + CLUSTER_PORT)
                        || local.equals("[::ffff:" + n.gw().ip() + "]:" + CLUSTER_PORT),
                        n.name() + " listens beyond its member address: " + listening);
            }
        }

        // 1. accepted by A, a replay at B and C
        Path p1 = acceptedBy(a, "p1");
        assertEquals("REPLAY/REPLAY", outcome(b, p1));
        assertEquals("REPLAY/REPLAY", outcome(c, p1));

        step(t0, "1 replay at B and C");
        // 2. grants seen cluster-wide; B revokes A's grant
        String[] listing = new String[1];
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> (listing[0] = shell(b, "spa:grants --cluster --no-format"))
                .contains("A/")), "B does not list A's grant:\n" + listing[0]);
        Matcher m = Pattern.compile("(A/\\S+)").matcher(listing[0]);
        assertTrue(m.find());
        String revoked = shell(b, "spa:revoke " + m.group(1));
        assertTrue(revoked.contains("revoked " + m.group(1)), revoked);
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> a.count("revoked at the request of cluster member") > 0),
                "A did not revoke:\n" + tail(a));

        step(t0, "2 grants across gateways");
        // 3. a killed gateway: the others go on; it rejoins and knows what was accepted while it was away
        long leftBefore = a.count("member [" + c.gw().ip() + "]:" + CLUSTER_PORT + " left");
        c.daemon().killHard();
        assertTrue(Wait.until(Duration.ofSeconds(30), () -> a.count("member [" + c.gw().ip() + "]:" + CLUSTER_PORT
                + " left") > leftBefore), "A did not notice C's death:\n" + tail(a));
        Path p2 = acceptedBy(b, "p2");
        assertEquals("REPLAY/REPLAY", outcome(a, p2));
        long joinedBefore = c.count("Cluster itcluster joined");
        long membersBefore = c.count("Members {size:3");
        c.daemon().start("Capture source udp:fwknopd running", Duration.ofSeconds(120));
        assertTrue(Wait.until(Duration.ofSeconds(60), () -> c.count("Cluster itcluster joined") > joinedBefore
                && c.count("Members {size:3") > membersBefore), "C did not rejoin:\n" + tail(c));
        assertTrue(Wait.until(Duration.ofSeconds(15), () -> c.count("majority confirmed") > 1), tail(c));
        assertEquals("REPLAY/REPLAY", outcome(c, p2), "C accepted a packet B had accepted while C was down");
        assertEquals("REPLAY/REPLAY", outcome(c, p1));

        step(t0, "3 kill and rejoin");
        // 4. a partition: C alone refuses (closed); A and B go on; after healing no packet is accepted twice
        long noMajority = c.count("no majority of 3 members heard from");
        long leftBefore2 = a.count("member [" + c.gw().ip() + "]:" + CLUSTER_PORT + " left");
        segment.isolate(c.gw());
        boolean healed = false;
        try {
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> c.count("no majority of 3 members heard from")
                    > noMajority), "C did not notice the partition:\n" + tail(c));
            Path p3 = packet("p3");
            assertEquals("REPLAY/CLUSTER_UNCONFIRMED", outcome(c, p3));
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> a.count("member [" + c.gw().ip() + "]:"
                    + CLUSTER_PORT + " left") > leftBefore2), "A did not drop C:\n" + tail(a));
            Path p4 = acceptedBy(a, "p4");
            assertEquals("REPLAY/REPLAY", outcome(b, p4));
            assertTrue(outcome(c, p4).startsWith("REPLAY/"), "C accepted a packet while partitioned");
            long confirmed = c.count("majority confirmed");
            long flushed = c.count("are now in the shared replay cache");
            segment.heal(c.gw());
            healed = true;
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> c.count("majority confirmed") > confirmed
                    && c.count("are now in the shared replay cache") > flushed), "C did not merge back:\n" + tail(c));
            for (Path p : List.of(p1, p2, p3, p4)) {
                for (Node n : nodes) {
                    assertEquals("REPLAY/REPLAY", outcome(n, p), n.name() + " after healing, packet " + p.getFileName());
                }
            }
        } finally {
            if (!healed) {
                segment.heal(c.gw());
            }
        }
        assertEquals(2, a.count(ACCEPTED), "A accepted p1 and p4 only");
        assertEquals(1, b.count(ACCEPTED), "B accepted p2 only");
        assertEquals(0, c.count(ACCEPTED), "C accepted nothing");

        step(t0, "4 partition, closed");
        // 5. the open policy: C, cut off again, accepts on its local cache; after healing its digests are merged
        //    back, so what C accepted alone is a replay everywhere
        long joined = c.count("Cluster itcluster joined");
        long members3 = c.count("Members {size:3");
        shell(c, "config:edit org.postern.cluster\nconfig:property-set partition.policy open\nconfig:update");
        assertTrue(Wait.until(Duration.ofSeconds(60), () -> c.count("Cluster itcluster joined") > joined
                && c.count("Members {size:3") > members3 && c.log().contains("partition.policy open")),
                "C did not rejoin with the open policy:\n" + tail(c));
        long openNoMajority = c.count("local replay cache decides (partition.policy open)");
        long merged = c.count("is MERGED");
        segment.isolate(c.gw());
        healed = false;
        try {
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> c.count("local replay cache decides (partition.policy open)")
                    > openNoMajority), "C did not notice the partition:\n" + tail(c));
            Path p5 = acceptedBy(c, "p5");
            assertEquals("REPLAY/REPLAY", outcome(c, p5), "open, yet never twice on one gateway");
            segment.heal(c.gw());
            healed = true;
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> c.count("is MERGED") > merged),
                    "C did not merge back:\n" + tail(c));
            for (Node n : nodes) {
                assertEquals("REPLAY/REPLAY", outcome(n, p5), n.name() + ": C's packet after healing");
            }
        } finally {
            if (!healed) {
                segment.heal(c.gw());
            }
        }
        assertEquals(1, c.count(ACCEPTED), "C accepted p5 only");

        step(t0, "5 partition, open");
        // 6. a stanza made on A (etc/org.postern.stanza-itshared.cfg, a new key) is in force on B and C within
        //    5 s: a packet with the new key is accepted there and its replay refused everywhere else; an edit on
        //    A (another key) is in force everywhere too
        String[] key2 = {randomBase64(32), randomBase64(64)};
        List<Path> byB = List.of(packet("k2b", key2), packet("k2b2", key2));
        List<Path> byC = List.of(packet("k2c", key2), packet("k2c2", key2));
        long appliedB = b.count("applied from the cluster");
        long appliedC = c.count("applied from the cluster");
        long written = writeStanza(a, "itshared", key2);
        for (Node n : List.of(b, c)) {
            long ms = inForce(n, "itshared", written);
            System.out.println("ClusterIT: stanza made on A in force on " + n.name() + " " + ms + " ms after the file was written");
        }
        assertTrue(b.count("applied from the cluster") > appliedB && c.count("applied from the cluster") > appliedC);
        long published = stamp(a, "published to the cluster");
        for (Node n : List.of(b, c)) {
            System.out.println("ClusterIT: shared stanza applied on " + n.name() + " "
                    + (stamp(n, "applied from the cluster") - published) + " ms after A published it");
        }
        Path k2b = acceptedByAny(b, byB);
        assertEquals("REPLAY/REPLAY", outcome(a, k2b));
        assertEquals("REPLAY/REPLAY", outcome(c, k2b));
        Path k2c = acceptedByAny(c, byC);
        assertEquals("REPLAY/REPLAY", outcome(a, k2c));
        assertEquals("REPLAY/REPLAY", outcome(b, k2c));
        // no gateway logs the shared key (it travels sealed with cluster.secret: StanzaShare, Sealer)
        for (Node n : nodes) {
            assertEquals(0, n.count(key2[0]), n.name() + " logged the shared key");
        }
        step(t0, "6 shared stanza in force");

        // 7. an edit on A (new keys) replaces the stanza on B and C: the new key is accepted, the old refused
        String[] key3 = {randomBase64(32), randomBase64(64)};
        Path k3 = packet("k3", key3);
        Path k3b = packet("k3b", key3);
        Path old = packet("k2old", key2);
        written = writeStanza(a, "itshared", key3);
        for (Node n : List.of(b, c)) {
            long ms = inForce(n, "itshared", written);
            System.out.println("ClusterIT: stanza edited on A in force on " + n.name() + " " + ms + " ms after the file was written");
        }
        assertEquals("ACCEPTED", outcome(c, k3), "C does not take the edited stanza's key");
        assertEquals("REPLAY/REPLAY", outcome(b, k3));
        assertEquals("ACCEPTED", outcome(b, k3b), "B does not take the edited stanza's key");
        assertTrue(!outcome(b, old).equals("ACCEPTED"), "B still takes the old key");
        step(t0, "7 shared stanza edited");

        // 8. the file removed on A: the stanza is gone on B and C within 5 s, its key refused there
        Path gone = packet("k3gone", key3);
        Path gone2 = packet("k3gone2", key3);
        long removedAt = System.currentTimeMillis();
        Files.delete(a.home().resolve("etc/org.postern.stanza-itshared.cfg"));
        for (Node n : List.of(b, c)) {
            long ms = inForce(n, "itshared", removedAt);
            System.out.println("ClusterIT: stanza removed on A gone on " + n.name() + " " + ms + " ms after the file was deleted");
        }
        assertTrue(!outcome(b, gone).equals("ACCEPTED"), "B still takes the removed stanza's key");
        assertTrue(!outcome(c, gone2).equals("ACCEPTED"), "C still takes the removed stanza's key");
        step(t0, "8 shared stanza removed");
    }

    static String randomBase64(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** Writes {@code etc/org.postern.stanza-<name>.cfg} of {@code n} (atomically); returns the epoch ms it did. */
    static long writeStanza(Node n, String name, String[] keys) throws IOException {
        Path cfg = n.home().resolve("etc/org.postern.stanza-" + name + ".cfg");
        Path tmp = n.home().resolve("org.postern.stanza-" + name + ".cfg.tmp");
        Files.writeString(tmp, String.join("\n", "SOURCE = ANY", "KEY_BASE64 = " + keys[0],
                "HMAC_KEY_BASE64 = " + keys[1], "FW_ACCESS_TIMEOUT = 60", ""), StandardCharsets.UTF_8);
        long now = System.currentTimeMillis();
        Files.move(tmp, cfg, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return now;
    }

    /**
     * Waits (5 s) until {@code n} has reloaded its policy because native stanza {@code name} was configured or
     * removed after {@code since} (epoch ms); returns how long after {@code since} the reload line was logged.
     */
    static long inForce(Node n, String name, long since) {
        // the reload caused by that configuration: "Configuration reloaded (native stanza <pid> configured|removed)"
        String marker = "Configuration reloaded (native stanza org.postern.stanza~" + name + " ";
        long[] at = {0};
        boolean ok = Wait.until(Duration.ofSeconds(5), () -> {
            List<String> lines = n.log().lines().filter(l -> l.contains(marker)).toList();
            if (lines.isEmpty()) {
                return false;
            }
            at[0] = stampOf(lines.get(lines.size() - 1));
            return at[0] >= since; // the same host's clock, milliseconds
        });
        assertTrue(ok, n.name() + ": stanza " + name + " not in force within 5 s:\n" + tail(n));
        long ms = at[0] - since;
        assertTrue(ms < 5000, n.name() + " put the stanza in force " + ms + " ms after it was written");
        return ms;
    }

    /** The first of {@code packets} that {@code n} accepts (see {@link #acceptedBy}). */
    static Path acceptedByAny(Node n, List<Path> packets) {
        List<String> seen = new ArrayList<>();
        for (Path p : packets) {
            String o = outcome(n, p);
            if (o.equals("ACCEPTED")) {
                return p;
            }
            seen.add(o);
            assertEquals("REPLAY/CLUSTER_UNCONFIRMED", o, n.name() + " refused a fresh packet with the shared key");
        }
        throw new AssertionError(n.name() + " accepted no fresh packet with the shared key: " + seen + "\n" + tail(n));
    }

    static void step(long t0, String done) {
        System.out.printf("ClusterIT: %s done at %d s%n", done, (System.nanoTime() - t0) / 1_000_000_000L);
    }

    /** Epoch milliseconds of the last karaf.log line of {@code n} holding {@code text} (its timestamp). */
    static long stamp(Node n, String text) {
        List<String> lines = n.log().lines().filter(l -> l.contains(text)).toList();
        assertTrue(!lines.isEmpty(), n.name() + " logged no '" + text + "'");
        return stampOf(lines.get(lines.size() - 1));
    }

    /** Epoch milliseconds of a karaf.log line's timestamp. */
    static long stampOf(String line) {
        String t = line.substring(0, 23).replace(',', '.');
        return java.time.LocalDateTime.parse(t).atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
    }

    /**
     * A fresh packet that {@code n} accepts. While partitions move between members (a member just joined or left)
     * an insert may not be confirmed in time: such a packet is refused {@code CLUSTER_UNCONFIRMED}, never
     * accepted, and a fresh one is tried (three at most).
     */
    static Path acceptedBy(Node n, String name) throws IOException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path p = packet(name + "-" + i);
            String o = outcome(n, p);
            if (o.equals("ACCEPTED")) {
                return p;
            }
            seen.add(o);
            assertEquals("REPLAY/CLUSTER_UNCONFIRMED", o, n.name() + " refused a fresh packet");
        }
        throw new AssertionError(n.name() + " accepted no fresh packet: " + seen + "\n" + tail(n));
    }

    /** A fresh SPA packet for tcp/2222 from the client, made by the real fwknop client and saved, not sent. */
    static Path packet(String name) throws IOException {
        return packet(name, new String[] {key, hmac});
    }

    /** The same with other keys: {@code keys} = {Rijndael key, HMAC key}, base64. */
    static Path packet(String name, String[] keys) throws IOException {
        Path f = Files.createTempFile("cluster-" + name, ".spa");
        Files.delete(f);
        Exec.Result r = Exec.inNs(segment.clientNs, 30, "fwknop", "--no-rc-file", "--no-save-args", "-A", "tcp/2222",
                "-a", segment.clientIp, "-D", segment.gateways.get(0).ip(), "--key-base64-rijndael", keys[0],
                "--key-base64-hmac", keys[1], "--test", "-B", f.toString());
        assertTrue(r.ok() && Files.exists(f), "fwknop could not make a packet: " + r.out());
        return f;
    }

    /** Sends {@code packet} to {@code n} and returns ACCEPTED or the refusal's STEP/REASON. */
    static String outcome(Node n, Path packet) {
        long accepted = n.count(ACCEPTED);
        long refused = n.count(REFUSED);
        segment.send(packet, n.gw());
        assertTrue(Wait.until(Duration.ofSeconds(15), () -> n.count(ACCEPTED) > accepted || n.count(REFUSED) > refused),
                n.name() + " neither accepted nor refused " + packet.getFileName() + ":\n" + tail(n));
        if (n.count(ACCEPTED) > accepted) {
            return "ACCEPTED";
        }
        List<String> lines = n.log().lines().filter(l -> l.contains(REFUSED)).toList();
        Matcher m = Pattern.compile("\\): (\\w+/\\w+):").matcher(lines.get(lines.size() - 1));
        return m.find() ? m.group(1) : lines.get(lines.size() - 1);
    }

    /** One or more shell commands through {@code n}'s bin/client in its namespace (127.0.0.1:8101 there). */
    static String shell(Node n, String commands) {
        try {
            Path in = Files.createTempFile("shell", ".in");
            Files.writeString(in, commands + "\n", StandardCharsets.UTF_8);
            Exec.Result r = Exec.run(70, in, List.of("ip", "netns", "exec", n.gw().ns(), "timeout", "60",
                    n.home().resolve("bin/client").toString(), "-a", "8101", "-u", "karaf", "-p", "karaf", "-b"));
            Files.delete(in);
            return r.out().replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String tail(Node n) {
        List<String> lines = n.log().lines().toList();
        return n.name() + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
