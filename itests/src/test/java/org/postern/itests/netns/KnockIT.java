package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.postern.itests.Distribution;

/**
 * fwknop 1.9's knock modes end to end: Postern's client ({@code --Server-mode knock|shared}) knocks from the client
 * namespace; the gateway runs Postern with feature {@code postern-knock} (installed into the running daemon), a
 * pcap knock feed on its veth and the 1.9 knock stanzas of its access.conf. An encrypted sequence and a shared one
 * open the protected port (closed before, open after, closed again after FW_ACCESS_TIMEOUT); a wrong key, a shared
 * sequence knocked too fast and one out of order are refused with their reasons and open nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KnockIT extends ClientSupport {

    static final String KEY = "knockkey19";
    static final String SHARED = "tcp/1001, udp/1002, tcp/1003";
    static final String SLOW = "tcp/1011, tcp/1012";
    /** Knocked at ports only the iptables LOG rules see (not in the pcap feed's filter). */
    static final String LOGGED = "tcp/1021, udp/1022";

    static DaemonProcess gateway;
    static Distribution dist;

    @BeforeAll
    static void daemon() throws Exception {
        clientSetUp("knock");
        Path root = work.resolve("gw");
        Files.createDirectories(root);
        dist = Distribution.copyOf(assembly, root);
        Path dir = root.resolve("conf");
        String access = stanza() + "\n"
                + "SOURCE: ANY;\nDATA_COLLECT_MODE: ENCRYPT_SEQUENCE;\nKEY: " + KEY + ";\nFW_ACCESS_TIMEOUT: " + TIMEOUT
                + ";\n\n"
                + "SOURCE: ANY;\nSHARED_SEQUENCE: " + SHARED + ";\nOPEN_PORTS: tcp/" + NetnsTestbed.SERVICE_PORT
                + ";\nMIN_TIME_DIFF: 0;\nMAX_TIME_DIFF: 10;\nFW_ACCESS_TIMEOUT: " + TIMEOUT + ";\n\n"
                + "SOURCE: ANY;\nSHARED_SEQUENCE: " + SLOW + ";\nOPEN_PORTS: tcp/" + NetnsTestbed.SERVICE_PORT
                + ";\nMIN_TIME_DIFF: 3;\nMAX_TIME_DIFF: 10;\nFW_ACCESS_TIMEOUT: " + TIMEOUT + ";\n\n"
                + "SOURCE: ANY;\nSHARED_SEQUENCE: " + LOGGED + ";\nOPEN_PORTS: tcp/" + NetnsTestbed.SERVICE_PORT
                + ";\nMIN_TIME_DIFF: 0;\nMAX_TIME_DIFF: 10;\nFW_ACCESS_TIMEOUT: " + TIMEOUT + ";\n";
        DaemonProcess.writeConfig(dir, bed, false, List.of(), access);
        Files.writeString(dist.home.resolve("etc/org.postern.server.knock.cfg"),
                "accessConf = " + dir.resolve("access.conf") + "\n");
        Files.writeString(dist.home.resolve("etc/org.postern.knock.pcap.cfg"), "interfaceName = " + bed.serverIf
                + "\nsharedKnocks = " + SHARED + ", " + SLOW + "\n");
        gateway = DaemonProcess.postern(dist.home, dir, bed, false).start("Capture source pcap:fwknopd running",
                Duration.ofSeconds(90));
        assertTrue(Wait.until(Duration.ofSeconds(60), () -> shell(dist.home, "spa:status").contains("components")),
                "no shell: " + shell(dist.home, "spa:status") + "\n" + gateway.logText());
        String installed = shell(dist.home, "feature:install -r postern-knock");
        // live once the gate has its stanzas and the feed's capture runs
        assertTrue(Wait.until(Duration.ofSeconds(60), () -> gateway.logText().contains("Knock gate: 4 knock stanzas")
                && gateway.logText().contains("Knock feed pcap:" + bed.serverIf + " capturing")),
                installed + "\n" + gateway.logText());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static boolean logged(String text, int seconds) {
        return Wait.until(Duration.ofSeconds(seconds), () -> gateway.logText().contains(text));
    }

    @Test
    @Order(1)
    void encryptedSequenceOpensThenCloses() {
        assertClosedByTimeout("before the knocks");
        Exec.Result r = knockSequence(KEY, "tcp/" + NetnsTestbed.SERVICE_PORT, "--rotate-proto");
        assertTrue(r.ok(), r.out());
        assertTrue(logged("Knock sequence from " + bed.clientIp + " accepted by stanza", 15), gateway.logText());
        assertTrue(opens(NetnsTestbed.SERVICE_PORT), "no rule; daemon:\n" + gateway.logText());
        assertTrue(bed.serviceOpen(3), "the service did not answer after the knocks");
        assertTrue(ruleGone(TIMEOUT + 10), "the rule outlived FW_ACCESS_TIMEOUT");
        assertClosedByTimeout("after expiry");
    }

    @Test
    @Order(2)
    void wrongKeyIsRefused() {
        Exec.Result r = knockSequence("not-the-key", "tcp/" + NetnsTestbed.SERVICE_PORT);
        assertTrue(r.ok(), r.out());
        assertTrue(logged("STANZA_TRIAL/KNOCK_BAD_CHECKSUM", 15), gateway.logText());
        assertFalse(opens(NetnsTestbed.SERVICE_PORT));
    }

    @Test
    @Order(3)
    void sharedSequenceOpensThenCloses() {
        Exec.Result r = sharedSequence(SHARED, "--time-delay", "1");
        assertTrue(r.ok(), r.out());
        assertTrue(opens(NetnsTestbed.SERVICE_PORT) || logged("Knock sequence from " + bed.clientIp, 10),
                gateway.logText());
        assertTrue(opens(NetnsTestbed.SERVICE_PORT), "no rule; daemon:\n" + gateway.logText());
        assertTrue(ruleGone(TIMEOUT + 10), "the rule outlived FW_ACCESS_TIMEOUT");
    }

    @Test
    @Order(4)
    void tooFastAndOutOfOrderAreRefused() {
        Exec.Result fast = sharedSequence(SLOW, "--time-delay", "1"); // MIN_TIME_DIFF 3
        assertTrue(fast.ok(), fast.out());
        assertTrue(logged("/KNOCK_TOO_FAST", 15), gateway.logText());
        assertFalse(opens(NetnsTestbed.SERVICE_PORT));
        Exec.Result swapped = sharedSequence("tcp/1001, tcp/1003, udp/1002", "--time-delay", "1");
        assertTrue(swapped.ok(), swapped.out());
        assertTrue(logged("/KNOCK_OUT_OF_ORDER", 15), gateway.logText());
        assertFalse(opens(NetnsTestbed.SERVICE_PORT));
    }

    /**
     * The second feed: iptables LOG lines. The gateway logs the knocks (LOG with --log-tcp-options, as 1.9 asked);
     * the test lets the kernel log rules of other namespaces too (net.netfilter.nf_log_all_netns, put back after)
     * and points the feed at a file that {@code dmesg --follow-new} writes, with the prefix {@code kernel: } a
     * syslog line carries.
     */
    @Test
    @Order(5)
    void sharedSequenceOverIptablesLogLines() throws Exception {
        Path sysctl = Path.of("/proc/sys/net/netfilter/nf_log_all_netns");
        String before = Files.readString(sysctl).strip();
        Path kernLog = work.resolve("kern.log");
        Files.writeString(kernLog, "");
        Process dmesg = new ProcessBuilder("timeout", "120", "dmesg", "--follow-new").redirectOutput(kernLog.toFile())
                .redirectErrorStream(true).start();
        try {
            Files.writeString(sysctl, "1");
            for (String rule : List.of("tcp --dport 1021 --syn", "udp --dport 1022")) {
                List<String> a = new java.util.ArrayList<>(List.of(bed.iptables, "-w", "-I", "INPUT", "1", "-p"));
                a.addAll(List.of(rule.split(" ")));
                a.addAll(List.of("-j", "LOG", "--log-prefix", "kernel: ", "--log-tcp-options"));
                assertTrue(bed.srv(a.toArray(String[]::new)).ok(), "LOG rule " + rule);
            }
            Files.writeString(dist.home.resolve("etc/org.postern.knock.log.cfg"), "file = " + kernLog
                    + "\npollMillis = 200\n");
            assertTrue(logged("Knock feed log:" + kernLog + " following", 30), gateway.logText());
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));
            long accepted = gateway.logText().lines().filter(l -> l.contains("Knock sequence from " + bed.clientIp
                    + " accepted")).count();
            Exec.Result r = sharedSequence(LOGGED, "--time-delay", "1");
            assertTrue(r.ok(), r.out());
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> gateway.logText().lines().filter(l -> l.contains(
                    "Knock sequence from " + bed.clientIp + " accepted")).count() > accepted),
                    "not granted; kernel log:\n" + Files.readString(kernLog) + "\ndaemon:\n" + gateway.logText());
            assertTrue(opens(NetnsTestbed.SERVICE_PORT), gateway.logText());
            assertTrue(ruleGone(TIMEOUT + 10), "the rule outlived FW_ACCESS_TIMEOUT");
        } finally {
            Files.writeString(sysctl, before);
            dmesg.destroy();
            if (!dmesg.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                dmesg.destroyForcibly();
            }
        }
    }
}
