package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * bin/fwknopd's flags with fwknopd's meaning: -D (keys masked), --exit-parse-config, --key-gen; a digest.cache
 * written by the real fwknopd 2.6.10 honoured by Postern (the replayed packet refused); -S, --fw-list,
 * --fw-list-all, --fw-flush, -K on a running daemon; --rotate-digest-cache and -R on a background daemon.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FwknopdFlagsIT extends GatewaySupport {

    static Path dir;

    static Exec.Result fwknopd(long timeout, String... flags) {
        List<String> a = new ArrayList<>(List.of(assembly.resolve("bin/fwknopd").toString()));
        a.addAll(List.of(flags));
        return Exec.inNs(bed.serverNs, timeout, a);
    }

    static String[] files(String... more) {
        List<String> a = new ArrayList<>(List.of("-c", dir.resolve("fwknopd.conf").toString(), "-a",
                dir.resolve("access.conf").toString(), "-d", dir.resolve("digest.cache").toString(), "-p",
                dir.resolve("fwknopd.pid").toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    static Path config() throws Exception {
        if (dir == null) {
            dir = DaemonProcess.writeConfig(tempDir("flags"), bed, true, List.of(),
                    stanza("OPEN_PORTS tcp/" + NetnsTestbed.SERVICE_PORT));
        }
        return dir;
    }

    @Test
    @Order(1)
    void offlineFlags() throws Exception {
        config();
        Exec.Result d = fwknopd(30, files("-D"));
        assertEquals(0, d.exit(), d.out());
        assertTrue(d.out().contains("KEY_BASE64:  ********") && d.out().contains("HMAC_KEY_BASE64:  ********"), d.out());
        assertFalse(d.out().contains(keyB64) || d.out().contains(hmacB64), "key material in -D output:\n" + d.out());
        assertTrue(d.out().contains("PCAP_INTF") && d.out().contains(bed.serverIf), d.out());

        Exec.Result ok = fwknopd(30, files("--exit-parse-config"));
        assertEquals(0, ok.exit(), ok.out());
        Path bad = dir.resolve("bad-access.conf");
        Files.writeString(bad, stanza("OPEN_PORTS tcp/99999"));
        Exec.Result ko = fwknopd(30, "-c", dir.resolve("fwknopd.conf").toString(), "-a", bad.toString(),
                "--exit-parse-config");
        assertEquals(1, ko.exit(), ko.out());
        assertTrue(ko.out().contains(bad + ":5: OPEN_PORTS: "), ko.out());

        Path over = dir.resolve("override.conf");
        Files.writeString(over, "MAX_SPA_PACKET_AGE 77;\n");
        Exec.Result o = fwknopd(30, files("-D", "-O", over.toString()));
        assertEquals(0, o.exit(), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.contains("MAX_SPA_PACKET_AGE") && l.contains("'77'")
                && l.contains(over + ":1")), o.out());

        Exec.Result flags = fwknopd(30, files("-D", "--sudo-exe", "/usr/local/bin/doas", "--gpg-home-dir",
                "/srv/gnupg", "-P", "udp port 5555", "-i", "lo"));
        assertTrue(flags.out().lines().anyMatch(l -> l.contains("PCAP_FILTER") && l.contains("'udp port 5555'")),
                flags.out());
        assertTrue(flags.out().lines().anyMatch(l -> l.contains("PCAP_INTF") && l.contains("'lo'")), flags.out());
        assertEquals(0, flags.exit(), flags.out());
        assertTrue(flags.out().lines().anyMatch(l -> l.contains("SUDO_EXE") && l.contains("/usr/local/bin/doas")),
                flags.out());
        assertTrue(flags.out().lines().anyMatch(l -> l.contains("GPG_HOME_DIR") && l.contains("/srv/gnupg")),
                flags.out());

        // -D shows the native stanzas too (after access.conf's), keys masked; --key-gen-file writes the keys
        Path etc = assembly.resolve("etc/org.postern.stanza-flagstest.cfg");
        Files.writeString(etc, "SOURCE = 192.0.2.0/24\nKEY_BASE64 = " + keyB64 + "\nOPEN_PORTS = tcp/2323\n");
        try {
            Exec.Result n = fwknopd(30, files("-D"));
            assertEquals(0, n.exit(), n.out());
            assertTrue(n.out().lines().anyMatch(l -> l.contains("192.0.2.0/24") && l.contains("[flagstest]")), n.out());
            assertTrue(n.out().contains("tcp/2323"), n.out());
            assertFalse(n.out().contains(keyB64), "key material in -D output:\n" + n.out());
        } finally {
            Files.delete(etc);
        }
        Path keyFile = dir.resolve("keys.out");
        Exec.Result kf = fwknopd(30, "--key-gen-file", keyFile.toString(), "--key-gen");
        assertEquals(0, kf.exit(), kf.out());
        assertTrue(Files.readString(keyFile).matches("KEY_BASE64: [A-Za-z0-9+/]{43}=\nHMAC_KEY_BASE64: [A-Za-z0-9+/]{86}==\n"),
                Files.readString(keyFile));

        Exec.Result k = fwknopd(30, "--key-gen");
        assertEquals(0, k.exit(), k.out());
        assertTrue(k.out().matches("KEY_BASE64: [A-Za-z0-9+/]{43}=\nHMAC_KEY_BASE64: [A-Za-z0-9+/]{86}==\n"), k.out());
        assertEquals(1, fwknopd(30, files("-S")).exit(), "-S with no daemon must exit 1");
    }

    @Test
    @Order(2)
    void fwknopDigestCacheHonouredAndRunningDaemonFlags() throws Exception {
        config();
        Path pkt = dir.resolve("spa.pkt");
        // 1. the real fwknopd accepts a packet and records its digest in its digest.cache
        try (DaemonProcess f = DaemonProcess.fwknopd(dir, bed, true).start("Kicking off UDP server",
                Duration.ofSeconds(30))) {
            Exec.Result r = realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--save-packet",
                    pkt.toString()));
            assertTrue(r.ok(), r.out());
            assertTrue(ruleAppears(), "fwknopd opened nothing:\n" + f.logText());
            f.stop();
        }
        String fwknopCache = Files.readString(dir.resolve("digest.cache"));
        assertTrue(fwknopCache.lines().anyMatch(l -> l.matches("[A-Za-z0-9+/]{43} 17 .*")), fwknopCache);

        // 2. Postern reads that file: the same packet is a replay
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true).start(
                "Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            bed.sendUdp(pkt, NetnsTestbed.SPA_PORT);
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.logText().contains("Replay detected from source IP: "
                    + bed.clientIp)), "fwknopd's digest not honoured; log:\n" + d.logText());
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));

            // 3. flags acting on the running daemon
            Exec.Result s = fwknopd(30, files("-S"));
            assertEquals(0, s.exit(), s.out());
            assertTrue(s.out().contains("Detected fwknopd is running"), s.out());

            Exec.Result r = realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT));
            assertTrue(r.ok(), r.out());
            assertTrue(ruleAppears(), "no rule; log:\n" + d.logText());
            Exec.Result list = fwknopd(30, files("--fw-list"));
            assertEquals(0, list.exit(), list.out());
            assertTrue(list.out().contains(bed.clientIp) && list.out().contains(String.valueOf(NetnsTestbed.SERVICE_PORT)),
                    list.out());
            Exec.Result all = fwknopd(30, files("--fw-list-all"));
            assertEquals(0, all.exit(), all.out());
            assertTrue(all.out().contains("Live grants (1)"), all.out());
            Exec.Result flush = fwknopd(30, files("--fw-flush"));
            assertEquals(0, flush.exit(), flush.out());
            assertTrue(flush.out().contains("Revoked 1 live grant(s)"), flush.out());
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), bed.rules("FWKNOP_INPUT"));

            Exec.Result k = fwknopd(60, files("-K"));
            assertEquals(0, k.exit(), k.out());
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> !d.alive()), "-K did not stop the daemon");
        }
        assertEquals(1, fwknopd(30, files("-S")).exit());
    }

    @Test
    @Order(3)
    void rotateDigestCacheAndRestartInTheBackground() throws Exception {
        config();
        Path cache = dir.resolve("digest.cache");
        Path karafLog = dir.resolve("karaf/log/karaf.log");
        String before = Files.readString(cache);
        assertTrue(before.lines().count() >= 2, before);
        Files.deleteIfExists(karafLog);
        Exec.Result start = fwknopd(30, files("-U", "--rotate-digest-cache"));
        assertEquals(0, start.exit(), start.out());
        try {
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> count(karafLog, "Postern fwknopd ready") == 1),
                    "daemon not ready:\n" + read(karafLog));
            assertEquals(before, Files.readString(dir.resolve("digest.cache-old")));
            assertEquals("# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n", Files.readString(cache));
            String pid = Files.readString(dir.resolve("fwknopd.pid")).strip();

            // -R alone: a live reload of the instance named (-p), same process, grants kept
            Exec.Result reload = fwknopd(60, "-p", dir.resolve("fwknopd.pid").toString(), "-R");
            assertEquals(0, reload.exit(), reload.out());
            assertTrue(reload.out().contains("Reloaded: 1 access stanza(s) in force; live grants kept"), reload.out());
            assertEquals(pid, Files.readString(dir.resolve("fwknopd.pid")).strip());
            assertEquals(1, count(karafLog, "Postern fwknopd ready"));

            // SIGHUP (kill -HUP, systemd's ExecReload): the same live reload, never a shutdown
            Exec.run(10, "kill", "-HUP", pid);
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> count(karafLog, "Configuration reloaded (SIGHUP)") == 1),
                    "SIGHUP did not reload:\n" + read(karafLog));
            assertEquals(0, fwknopd(30, files("-S")).exit(), "SIGHUP stopped the daemon");

            // -R with start options: stopped and started again with them; the rotation was a one-shot
            Exec.Result restart = fwknopd(90, files("-U", "-R"));
            assertEquals(0, restart.exit(), restart.out());
            assertTrue(Wait.until(Duration.ofSeconds(60), () -> count(karafLog, "Postern fwknopd ready") >= 2),
                    "not ready again after -R:\n" + read(karafLog));
            assertNotEquals(pid, Files.readString(dir.resolve("fwknopd.pid")).strip());
            assertEquals(before, Files.readString(dir.resolve("digest.cache-old")));
            assertTrue(read(dir.resolve("karaf/postern.jvm.args")).contains("postern.udp.server"), "-R lost the flags");
        } finally {
            Exec.Result k = fwknopd(60, files("-K"));
            assertEquals(0, k.exit(), k.out());
        }
        assertEquals(1, fwknopd(30, files("-S")).exit());
    }

    @Test
    @Order(4)
    void packetLimitEndsTheDaemon() throws Exception {
        config();
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true, "-C", "2").start(
                "Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            assertTrue(d.logText().contains("the daemon exits after 2 packet(s)"), d.logText());
            long before = d.count("accepted by stanza"); // the log file is shared with the earlier daemons of dir
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.count("accepted by stanza") > before), d.logText());
            assertTrue(d.alive(), "exited after one packet");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(30), () -> !d.alive()), "-C 2 did not end the daemon:\n" + d.logText());
            assertTrue(d.logText().contains("Packet count limit (2) reached. Exiting."), d.logText());
            assertEquals(0, d.stop(), "the daemon must exit 0 at its packet limit");
        }
    }

    static long count(Path log, String text) {
        return read(log).lines().filter(l -> l.contains(text)).count();
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
