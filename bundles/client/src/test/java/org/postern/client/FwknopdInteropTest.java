package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.fko.testing.SpaPcap;

/**
 * Our client against the real fwknopd 2.6.10, offline: packets made by {@link Fwknop} with {@code -T -B} are
 * wrapped into a pcap file of Ethernet/IPv4/UDP frames (10.200.0.1 -> 10.200.0.2:62201) and replayed with
 * {@code fwknopd -t --pcap-file} (test mode: decode and authorise, never touch the firewall), inside a fresh
 * network namespace when {@code unshare -n} works. Skipped when fwknopd is not installed.
 */
class FwknopdInteropTest {

    private static final Path FWKNOPD = Path.of("/usr/sbin/fwknopd");

    @TempDir
    Path dir;

    @Test
    void realFwknopdAcceptsOurPackets() throws Exception {
        assumeTrue(Files.isExecutable(FWKNOPD), "fwknopd 2.6.10 is not installed");
        Path pkt = dir.resolve("packets.txt");
        knock("-A", "tcp/22", "-a", "10.200.0.1", "--key-rijndael", "secretkey", "--key-hmac", "hmackey123",
                "-B", pkt.toString());
        knock("-A", "tcp/22,udp/53", "-a", "10.200.0.1", "-D", "10.200.0.2", "--key-rijndael", "secretkey",
                "--key-hmac", "hmackey123", "--hmac-digest-type", "sha512", "-M", "ctr", "-m", "sha3_256", "-f", "45",
                "-N", "192.168.1.5:22", "-U", "alice", "-B", pkt.toString(), "-b");
        knock("-A", "udp/5353", "-s", "--key-rijndael", "legacykey", "-M", "legacy", "-m", "md5",
                "--time-offset-minus", "5min", "-B", pkt.toString(), "-b");
        List<String> wires = Files.readAllLines(pkt);
        assertEquals(3, wires.size());

        Path pcap = dir.resolve("spa.pcap");
        Files.write(pcap, SpaPcap.udpFrames(wires));
        Path conf = privateFile("fwknopd.conf", String.join("\n", "PCAP_INTF lo;", "ENABLE_SPA_PACKET_AGING N;",
                "ENABLE_IPT_FORWARDING Y;", "FWKNOP_RUN_DIR " + dir + ";", "FWKNOP_PID_FILE " + dir + "/fwknopd.pid;",
                "DIGEST_FILE " + dir + "/digest.cache;", ""));
        Path access = privateFile("access.conf", String.join("\n",
                "SOURCE ANY", "KEY secretkey", "HMAC_KEY hmackey123", "FW_ACCESS_TIMEOUT 30", "",
                "SOURCE ANY", "KEY secretkey", "HMAC_KEY hmackey123", "HMAC_DIGEST_TYPE sha512",
                "ENCRYPTION_MODE ctr", "",
                "SOURCE ANY", "KEY legacykey", "ENCRYPTION_MODE legacy", ""));

        List<String> cmd = new ArrayList<>();
        if (unshareWorks()) {
            cmd.addAll(List.of("unshare", "-n"));
        }
        cmd.addAll(List.of(FWKNOPD.toString(), "-f", "-t", "-v", "-v", "--pcap-file", pcap.toString(), "-C",
                Integer.toString(wires.size()), "-c", conf.toString(), "-a", access.toString(), "-d",
                dir.resolve("digest.cache").toString(), "-p", dir.resolve("fwknopd.pid").toString(), "-r",
                dir.toString()));
        String log = runBounded(cmd, 60);

        for (String w : wires) {
            assertTrue(log.contains("SPA Packet: '" + w + "'"), "fwknopd saw the packet\n" + log);
        }
        assertEquals(3, count(log, "SPA Decode (res=0)"), log);
        assertEquals(3, count(log, "--test mode enabled, skipping firewall manipulation."), log);
        assertTrue(log.contains("(stanza #1) SPA Decode (res=0)"), log);
        assertTrue(log.contains("(stanza #2) SPA Decode (res=0)"), log);
        assertTrue(log.contains("(stanza #3) SPA Decode (res=0)"), log);
        assertTrue(log.contains(" Message String: 10.200.0.1,tcp/22,udp/53\n"), log);
        assertTrue(log.contains("     Nat Access: 192.168.1.5,22\n"), log);
        assertTrue(log.contains("   Message Type: 4 (Client timeout NAT access msg)\n"), log);
        assertTrue(log.contains("       Username: alice\n"), log);
        assertTrue(log.contains("    Digest Type: 6 (SHA3_256)\n"), log);
        assertTrue(log.contains("Encryption Mode: 8 (legacy)\n"), log);
        assertTrue(log.contains(" Message String: 0.0.0.0,udp/5353\n"), log);
        assertTrue(log.contains("    Digest Type: 1 (MD5)\n"), log);
    }

    private void knock(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-T", "--no-rc-file", "--no-save-args"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream nowhere = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ClientContext ctx = new ClientContext(Map.of(), dir, "tester", nowhere,
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> null, () -> System.currentTimeMillis() / 1000);
        assertEquals(0, new Fwknop(ctx).run(all.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
    }

    private Path privateFile(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    /** Whether a new network namespace can be made here (root), so fwknopd cannot reach anything at all. */
    private static boolean unshareWorks() {
        try {
            return Files.isExecutable(Path.of("/usr/bin/unshare"))
                    && runBoundedStatus(List.of("/usr/bin/unshare", "-n", "true"), 10) == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static int runBoundedStatus(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static String runBounded(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("fwknopd did not finish within " + seconds + " s:\n" + out.get(10, TimeUnit.SECONDS));
        }
        return out.get(10, TimeUnit.SECONDS);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
