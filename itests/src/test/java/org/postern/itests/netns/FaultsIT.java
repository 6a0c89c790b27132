package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Faults around the daemon: each one refuses the packet with a named reason and a clear log line (fail closed),
 * the daemon keeps running and serves the next packet once the fault is gone.
 */
class FaultsIT extends GatewaySupport {

    /**
     * Digest cache on a full tmpfs: an accepted digest that cannot be recorded must not open anything; a FAULT
     * alert naming the replay cache reaches syslog.
     */
    @Test
    void fullDigestCacheRefusesThenRecovers() throws Exception {
        Path root = tempDir("faults-full");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of(), stanza());
        Path fs = tempDir("faults-tmpfs");
        assertTrue(Exec.run(10, null, List.of("mount", "-t", "tmpfs", "-o", "size=64k", "postern-it", fs.toString()))
                .ok(), "cannot mount a tmpfs");
        try {
            Path cache = fs.resolve("digest.cache");
            Files.deleteIfExists(dir.resolve("digest.cache"));
            Files.createSymbolicLink(dir.resolve("digest.cache"), cache);
            // tmpfs allocates whole pages: a comment line fills the file's first page but 10 bytes, so the next
            // digest line is written short (10 bytes) and then needs a new page, which the filler below has taken
            Files.writeString(cache, "#" + "x".repeat(4084) + "\n", java.nio.charset.StandardCharsets.ISO_8859_1);
            try (Syslog syslog = Syslog.start(dist, root);
                    DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                    .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
                Path filler = fs.resolve("filler");
                fill(filler);
                assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
                assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.logText().contains("cannot be written")),
                        "no clear error for the full digest cache; log:\n" + FloodIT.tail(d.logText()));
                assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT),
                        "an unrecorded digest opened the firewall");
                assertFalse(bed.serviceOpen(2), "service reachable although the digest was not recorded");
                assertTrue(d.alive(), "daemon died on a full digest cache");
                String log = d.logText();
                System.out.println("FaultsIT full cache: " + log.lines()
                        .filter(l -> l.contains("cannot be written") || l.contains("Refused SPA")).toList());
                assertTrue(log.contains("Refused SPA"), "refusal not logged:\n" + FloodIT.tail(log));
                syslog.awaitFault("REPLAY_CACHE_UNAVAILABLE", d);

                Files.delete(filler); // the fault is gone: the next (new) SPA is recorded and opens
                assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
                assertTrue(ruleAppears(), "no recovery after space was freed; log:\n" + FloodIT.tail(d.logText()));
                List<String> recorded = Files.readAllLines(cache).stream().filter(l -> !l.startsWith("#")).toList();
                assertEquals(1, recorded.size(), "one digest line expected after recovery: " + recorded);
                assertEquals(7, recorded.get(0).split(" ").length,
                        "the failed short write left a fragment glued to the next digest: " + recorded);
            }
        } finally {
            Exec.run(10, null, List.of("umount", "-l", fs.toString()));
        }
        assertTrue(ruleGone(TIMEOUT + 5), "grant did not expire");
    }

    /**
     * The firewall command failing (an iptables wrapper that fails to add rules to FWKNOP_INPUT while a marker file
     * exists): the packet is refused ACTION/FIREWALL_FAILED with a FAULT alert naming the backend and iptables'
     * error, nothing is left applied, the daemon keeps running and the next packet opens once iptables works. Then
     * the FWKNOP_INPUT chain and its jump removed behind the daemon's back: the backend makes both again when the
     * next grant finds the chain gone, and that packet opens the port.
     */
    @Test
    void firewallCommandFailingThenChainRemovedBehindTheDaemonsBack() throws Exception {
        Path root = tempDir("faults-chain");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path marker = root.resolve("iptables-fails");
        Path wrapper = root.resolve("bin/iptables");
        Files.createDirectories(wrapper.getParent());
        Files.writeString(wrapper, "#!/bin/sh\ncase \" $* \" in\n  *\" -A FWKNOP_INPUT \"*)\n    if [ -e '" + marker
                + "' ]; then echo 'iptables: simulated failure (test)' >&2; exit 4; fi ;;\nesac\nexec " + bed.iptables
                + " \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of(), stanza());
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, Files.readString(conf).replace("FIREWALL_EXE " + bed.iptables + ";",
                "FIREWALL_EXE " + wrapper + ";"));
        try (Syslog syslog = Syslog.start(dist, root);
                DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            assertTrue(Wait.until(Duration.ofSeconds(30),
                    () -> bed.srv(IPTABLES, "-S", "INPUT").out().contains("-j FWKNOP_INPUT")), "backend not up");

            // iptables fails: refused, alerted, nothing applied
            Files.writeString(marker, "");
            int offset = d.logText().length();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(15),
                    () -> d.logText().substring(offset).contains("ACTION/FIREWALL_FAILED")),
                    "no FIREWALL_FAILED refusal; log:\n" + FloodIT.tail(d.logText()));
            String failed = syslog.awaitFault("FIREWALL_FAILED", d);
            assertTrue(failed.contains("iptables") && failed.contains("simulated failure"),
                    "the alert does not name what failed: " + failed);
            assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "a failed grant left a rule");
            assertEquals("-N FWKNOP_INPUT", bed.rules("FWKNOP_INPUT").strip(), "something was half-applied");
            assertFalse(bed.serviceOpen(2), "service reachable although the grant failed");
            assertTrue(d.alive(), "daemon died when iptables failed");

            // iptables works again: the next packet opens
            Files.delete(marker);
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(ruleAppears(), "no recovery once iptables worked again; log:\n" + FloodIT.tail(d.logText()));

            // the chain and its jump deleted behind the daemon's back
            for (String rule : bed.srv(IPTABLES, "-S", "INPUT").out().lines().toList()) {
                if (rule.contains("FWKNOP_INPUT")) {
                    List<String> del = new java.util.ArrayList<>(List.of(IPTABLES));
                    del.addAll(List.of(rule.replaceFirst("^-A", "-D").split(" ")));
                    assertTrue(bed.srv(del.toArray(String[]::new)).ok(), "cannot delete " + rule);
                }
            }
            bed.srv(IPTABLES, "-F", "FWKNOP_INPUT");
            assertTrue(bed.srv(IPTABLES, "-X", "FWKNOP_INPUT").ok(), "cannot delete the chain");
            assertFalse(bed.serviceOpen(2), "service reachable without the chain");
            int offset2 = d.logText().length();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(15),
                    () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT)),
                    "the chain was not made again; log:\n" + FloodIT.tail(d.logText()));
            String after = d.logText().substring(offset2);
            System.out.println("FaultsIT chain removed: " + after.lines()
                    .filter(l -> l.contains("ERROR") || l.contains("Refused") || l.contains("accepted")
                            || l.contains("WARN") || l.contains("made again")).toList());
            assertTrue(after.contains("FWKNOP_INPUT (iptables) is gone"), "the re-creation is not logged:\n" + after);
            assertTrue(bed.srv(IPTABLES, "-S", "INPUT").out().contains("-j FWKNOP_INPUT"), "no jump rule again");
            assertTrue(bed.serviceOpen(), "service not reachable after the chain was made again");
            assertTrue(d.alive(), "daemon died when its chain vanished");
        }
        assertTrue(ruleGone(TIMEOUT + 5), "grant did not expire");
    }

    /**
     * The firewall backend bundle stopped while a grant is live and packets arrive: the stopped backend flushes its
     * chain (fail closed), a packet meanwhile is refused ACTION/NO_FIREWALL after the bounded wait with a FAULT
     * alert, nothing is applied, the daemon keeps running; the bundle started again takes the live grant back on
     * (closed at its original expiry) and the next valid packet opens.
     */
    @Test
    void backendBundleStoppedInTheMiddleOfAGrant() throws Exception {
        int live = 45;
        int other = NetnsTestbed.SERVICE_PORT + 1;
        Path root = tempDir("faults-backend");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of(),
                stanza("FW_ACCESS_TIMEOUT " + live));
        try (Syslog syslog = Syslog.start(dist, root);
                DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            java.time.Instant knocked = java.time.Instant.now();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(ruleAppears(), "no rule; log:\n" + FloodIT.tail(d.logText()));

            String stopped = shell(dist.home, "bundle:stop org.postern.firewall.iptables");
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.logText().contains("Firewall backend iptables went away")),
                    "backend not gone: " + stopped + "\n" + FloodIT.tail(d.logText()));
            assertFalse(bed.srv(IPTABLES, "-S").out().contains("FWKNOP_INPUT"), "the stopped backend left its chain");
            assertFalse(bed.serviceOpen(2), "service reachable with no backend");

            int offset = d.logText().length();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + other)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(20),
                    () -> d.logText().substring(offset).contains("ACTION/NO_FIREWALL")),
                    "no NO_FIREWALL refusal; log:\n" + FloodIT.tail(d.logText()));
            syslog.awaitFault("NO_FIREWALL", d);
            assertFalse(bed.srv(IPTABLES, "-S").out().contains("FWKNOP_INPUT"), "a refused grant left something");
            assertTrue(d.alive(), "daemon died with no backend");

            String started = shell(dist.home, "bundle:start org.postern.firewall.iptables");
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.count("Firewall backend in force: iptables") >= 2),
                    "backend not back: " + started + "\n" + FloodIT.tail(d.logText()));
            assertTrue(ruleAppears(), "the live grant was not taken back on; log:\n" + FloodIT.tail(d.logText()));
            assertTrue(realClient(with(keys(), "-A", "tcp/" + other)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, other)),
                    "no grant after the backend came back; log:\n" + FloodIT.tail(d.logText()));

            java.time.Instant expiry = knocked.plusSeconds(live);
            assertTrue(Wait.until(Duration.between(java.time.Instant.now(), expiry.plusSeconds(3)),
                    () -> !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT)),
                    "the live grant outlived its expiry by more than 3 s; log:\n" + FloodIT.tail(d.logText()));
            assertTrue(d.alive());
            assertEquals(1, d.count("Postern fwknopd ready"), "the daemon was restarted");
            System.out.println("FaultsIT backend stopped: " + d.logText().lines()
                    .filter(l -> l.contains("NO_FIREWALL") || l.contains("went away") || l.contains("in force")
                            || l.contains("live grant") || l.contains("Grant ")).toList());
        }
    }

    /**
     * The interface a pcap capture reads deleted: a clear error and a FAULT alert, the daemon keeps running, and
     * once the interface is back the capture reopens it and a valid packet over it opens the port.
     */
    @Test
    void captureInterfaceVanishesAndComesBack() throws Exception {
        NetnsTestbed.Link link = bed.addLink();
        Path root = tempDir("faults-capture");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, false, List.of("PCAP_INTF " + link.serverIf()),
                stanza());
        String running = "Capture source pcap:fwknopd running"; // one interface: the source is named fwknopd
        try (Syslog syslog = Syslog.start(dist, root);
                DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, false).start(running, Duration.ofSeconds(90))) {
            bed.remove(link);
            String fault = syslog.awaitFault("Capture source pcap:fwknopd failed (" + link.serverIf(), d);
            assertTrue(d.logText().contains("Capture source pcap:fwknopd failed: "),
                    "no clear error in the log:\n" + FloodIT.tail(d.logText()));
            assertTrue(d.alive(), "daemon died when its capture interface vanished");

            long before = d.count(running);
            bed.restore(link);
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> d.count(running) > before),
                    "the capture did not reopen the interface:\n" + FloodIT.tail(d.logText()));
            Exec.Result r = bed.cli(with(List.of("fwknop", "--no-rc-file", "--no-save-args", "-D", link.serverIp(), "-a",
                    link.clientIp()), with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)));
            assertTrue(r.ok(), r.out());
            assertTrue(Wait.until(Duration.ofSeconds(10),
                    () -> bed.ruleFor("FWKNOP_INPUT", link.clientIp(), NetnsTestbed.SERVICE_PORT)),
                    "no grant over the restored interface; log:\n" + FloodIT.tail(d.logText()));
            assertEquals(1, d.count("Postern fwknopd ready"), "the daemon was restarted");
            System.out.println("FaultsIT capture vanished: alert " + fault);
        }
    }

    /**
     * A syslog receiver ({@code nc -u -l}, as in {@link AlertsIT}) on the gateway's 127.0.0.1 and the syslog cfg that
     * sends alerts there (RFC 5424: the alert kind is the MSGID).
     */
    static final class Syslog implements AutoCloseable {
        static final int PORT = 5515;
        private final Path out;
        private final Process nc;

        private Syslog(Path out, Process nc) {
            this.out = out;
            this.nc = nc;
        }

        static Syslog start(Distribution dist, Path root) throws IOException {
            Files.writeString(dist.home.resolve("etc/org.postern.alerts.syslog.cfg"),
                    "host = 127.0.0.1\nport = " + PORT + "\nformat = rfc5424\n");
            Path out = root.resolve("syslog.out");
            Process nc = new ProcessBuilder("ip", "netns", "exec", bed.serverNs, "timeout", "180", "nc", "-u", "-l",
                    "127.0.0.1", Integer.toString(PORT)).redirectOutput(out.toFile()).start();
            return new Syslog(out, nc);
        }

        String text() {
            try {
                return Files.exists(out) ? Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits for a FAULT alert containing {@code what}; returns its line. Never key material in it. */
        String awaitFault(String what, DaemonProcess d) {
            java.util.function.Supplier<java.util.Optional<String>> line = () -> java.util.Arrays
                    .stream(text().split("(?=<\\d{1,3}>)")).filter(l -> l.contains(" FAULT - ") && l.contains(what))
                    .findFirst();
            assertTrue(Wait.until(Duration.ofSeconds(20), () -> line.get().isPresent()),
                    "no FAULT alert with '" + what + "' on syslog:\n" + text() + "\n" + FloodIT.tail(d.logText()));
            String l = line.get().get();
            assertTrue(l.startsWith("<27>1 "), "a FAULT alert is not daemon.err: " + l);
            assertFalse(l.contains(keyB64) || l.contains(hmacB64), "key material in an alert");
            return l.strip();
        }

        @Override
        public void close() throws InterruptedException {
            nc.destroy(); // SIGTERM: timeout passes it on to nc
            if (!nc.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                nc.destroyForcibly();
            }
        }
    }

    static void fill(Path filler) {
        byte[] block = new byte[4096];
        try (OutputStream o = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1024; i++) { // the tmpfs holds 64 KiB: bounded well before this
                o.write(block);
                o.flush();
            }
        } catch (IOException e) {
            return; // ENOSPC: full
        }
        assertEquals("full", "not full", "the tmpfs did not fill up");
    }
}
