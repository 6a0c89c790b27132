package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * A running gateway seen from outside and from its operator's shell: from the client namespace nothing of
 * the daemon answers (no SSH, RMI, JMX or SPA socket), and in the gateway {@code spa:grants},
 * {@code spa:stanzas}, {@code spa:captures}, {@code spa:status} and {@code spa:revoke} work on a live grant.
 */
class GatewayShellIT extends GatewaySupport {

    private Path home;

    @Test
    void stealthFromTheClientAndTheOperatorShell() throws Exception {
        Path root = tempDir("shell");
        Distribution dist = Distribution.copyOf(assembly, root);
        home = dist.home;
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false, List.of(), stanza());
        // the Prometheus endpoint, off by default, on 127.0.0.1 when enabled
        Files.writeString(dist.home.resolve("etc/org.postern.metrics.cfg"), "enabled = true\n");
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, false)
                .start("Capture source pcap:fwknopd running", Duration.ofSeconds(60))) {
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> shell("spa:status").contains("components")),
                    "the shell did not come up on 127.0.0.1:8101 in the gateway");

            // every socket the daemon holds is on loopback; in pcap mode it binds no SPA socket at all
            long pid = Long.parseLong(Files.readString(dir.resolve("fwknopd.pid")).trim());
            String sockets = bed.srv("ss", "-Hltunp").out();
            List<String> mine = new ArrayList<>();
            sockets.lines().filter(l -> l.contains("pid=" + pid + ",")).forEach(mine::add);
            assertFalse(mine.isEmpty(), "no listener of pid " + pid + " in\n" + sockets);
            for (String l : mine) {
                String local = l.trim().split("\\s+")[4];
                assertTrue(local.startsWith("127.0.0.1:") || local.startsWith("[::1]:") || local.startsWith("[::ffff:127.0.0.1]:"),
                        "daemon listens beyond loopback: " + l);
            }
            // from the client, with the gateway's firewall opened wide for the test, nothing answers
            bed.srv(IPTABLES, "-w", "-I", "INPUT", "1", "-s", bed.clientIp, "-j", "ACCEPT");
            try {
                for (int port : List.of(8101, 1099, 44444, 8181, NetnsTestbed.SPA_PORT)) {
                    assertFalse(bed.cli("nc", "-z", "-w", "2", bed.serverIp, Integer.toString(port)).ok(),
                            "tcp/" + port + " of the gateway answers the client");
                }
            } finally {
                bed.srv(IPTABLES, "-w", "-D", "INPUT", "-s", bed.clientIp, "-j", "ACCEPT");
            }

            // spa:explain of a packet made but not sent: every step's verdict, nothing recorded
            Path saved = root.resolve("saved.spa");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--test", "--save-packet",
                    saved.toString())).ok());
            String packet = Files.readString(saved).strip();
            String explained = shell("spa:explain --source " + bed.clientIp + " " + packet);
            assertTrue(explained.contains("Verdict: accepted"), explained);
            assertTrue(explained.contains("tcp/" + NetnsTestbed.SERVICE_PORT), explained);
            String wrongSource = shell("spa:explain --source 192.0.2.99 " + packet);
            assertTrue(wrongSource.contains("Verdict: accepted"), wrongSource); // SOURCE ANY: the source only sets $SRC
            assertTrue(shell("spa:replay-cache lookup " + packet).contains("not in the replay cache"));
            String keyGen = shell("spa:key-gen");
            assertTrue(keyGen.contains("KEY_BASE64: ") && keyGen.contains("HMAC_KEY_BASE64: "), keyGen);

            // the operator's view of a live grant (60 s, so that spa:revoke, not expiry, closes it)
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "-f", "60")).ok());
            assertTrue(ruleAppears(), d.logText());
            String grants = shell("spa:grants");
            String row = grants.lines().filter(l -> l.contains(bed.clientIp)).findFirst().orElse("");
            assertTrue(row.contains("tcp/" + NetnsTestbed.SERVICE_PORT), grants);
            String id = row.trim().split("\\s*\\|\\s*|\\s+")[0];

            String stanzas = shell("spa:stanzas");
            assertTrue(stanzas.contains("access.conf:1"), stanzas);
            assertFalse(stanzas.contains(keyB64) || stanzas.contains(hmacB64), "key material in spa:stanzas");

            String captures = shell("spa:captures");
            assertTrue(captures.contains("pcap") && captures.contains("RUNNING"), captures);
            String status = shell("spa:status");
            assertFalse(status.contains("problems"), status);

            String revoked = shell("spa:revoke " + id);
            assertTrue(revoked.contains("revoked " + id), revoked);
            assertTrue(Wait.until(Duration.ofSeconds(5),
                    () -> !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT)),
                    "spa:revoke left the rule: " + revoked);
            assertClosedByTimeout("after spa:revoke");
            assertTrue(shell("spa:grants").contains("no live grants"));
            String cache = shell("spa:replay-cache");
            assertTrue(cache.contains("1 digest(s) in "), cache);
            String stats = shell("spa:stats");
            assertTrue(stats.contains("accepted 1"), stats);
            assertTrue(stats.contains("HMAC_MISMATCH"), stats);
            assertTrue(stats.contains("Pipeline latency: p50"), stats);
            String scrape = scrape();
            assertTrue(scrape.startsWith("HTTP/1.1 200 OK"), scrape);
            assertTrue(scrape.contains("\npostern_packets_accepted_total 1\n"), scrape);
            assertTrue(scrape.contains("\npostern_grants_revoked_total 1\n"), scrape);
            assertTrue(scrape.contains("postern_pipeline_latency_seconds_count "), scrape);
            assertTrue(sockets().lines().anyMatch(l -> l.contains("127.0.0.1:9464") || l.contains("127.0.0.1]:9464")), "metrics not on 127.0.0.1:9464");

            assertEquals(0, d.stop());
        }
    }

    private static String sockets() {
        return bed.srv("ss", "-Hltunp").out();
    }

    /** GET /metrics on the gateway's 127.0.0.1:9464, with nc inside its namespace. */
    private static String scrape() throws java.io.IOException {
        Path in = Files.createTempFile("scrape", ".in");
        try {
            Files.writeString(in, "GET /metrics HTTP/1.0\r\n\r\n", StandardCharsets.ISO_8859_1);
            return Exec.run(20, in, List.of("ip", "netns", "exec", bed.serverNs, "nc", "-N", "-w", "5", "127.0.0.1",
                    "9464")).out();
        } finally {
            Files.delete(in);
        }
    }

    /** One command through bin/client inside the gateway namespace (SSH is on its 127.0.0.1). */
    private String shell(String command) {
        try {
            Path in = Files.createTempFile("shell", ".in");
            Files.writeString(in, command + "\n", StandardCharsets.UTF_8);
            Exec.Result r = Exec.run(70, in, List.of("ip", "netns", "exec", bed.serverNs, "timeout", "60",
                    home.resolve("bin/client").toString(), "-a", "8101", "-u", "karaf", "-p", "karaf", "-b"));
            Files.delete(in);
            return r.out().replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
