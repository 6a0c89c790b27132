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

/**
 * Faults around the daemon: each one refuses the packet with a named reason and a clear log line (fail closed),
 * the daemon keeps running and serves the next packet once the fault is gone.
 */
class FaultsIT extends GatewaySupport {

    /** Digest cache on a full tmpfs: an accepted digest that cannot be recorded must not open anything. */
    @Test
    void fullDigestCacheRefusesThenRecovers() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("faults-full"), bed, true, List.of(), stanza());
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
            try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
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

    /** The FWKNOP_INPUT chain removed behind the daemon's back: the grant fails with a clear error, no crash. */
    @Test
    void chainRemovedBehindTheDaemonsBack() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("faults-chain"), bed, true, List.of(), stanza());
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            // the backend comes up after the daemon's readiness line (its configuration arrives as an event):
            // remove the chain only once the backend has made it and its jump
            assertTrue(Wait.until(Duration.ofSeconds(30),
                    () -> bed.srv(IPTABLES, "-S", "INPUT").out().contains("-j FWKNOP_INPUT")), "backend not up");
            for (String rule : bed.srv(IPTABLES, "-S", "INPUT").out().lines().toList()) {
                if (rule.contains("FWKNOP_INPUT")) {
                    List<String> del = new java.util.ArrayList<>(List.of(IPTABLES));
                    del.addAll(List.of(rule.replaceFirst("^-A", "-D").split(" ")));
                    assertTrue(bed.srv(del.toArray(String[]::new)).ok(), "cannot delete " + rule);
                }
            }
            bed.srv(IPTABLES, "-F", "FWKNOP_INPUT");
            assertTrue(bed.srv(IPTABLES, "-X", "FWKNOP_INPUT").ok(), "cannot delete the chain");
            int offset = d.logText().length();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.logText().substring(offset).contains("ERROR")
                    || d.logText().substring(offset).contains("Refused SPA")),
                    "no error for the missing chain; log:\n" + FloodIT.tail(d.logText()));
            // the refusal line follows the backend's ERROR line: wait for it too
            Wait.until(Duration.ofSeconds(10), () -> d.logText().substring(offset).contains("ACTION/FIREWALL_FAILED"));
            String after = d.logText().substring(offset);
            System.out.println("FaultsIT chain removed: " + after.lines()
                    .filter(l -> l.contains("ERROR") || l.contains("Refused") || l.contains("accepted")
                            || l.contains("WARN")).toList());
            assertTrue(after.contains("ACTION/FIREWALL_FAILED"), "refusal not named:\n" + after);
            assertTrue(d.alive(), "daemon died when its chain vanished");
            assertFalse(bed.serviceOpen(2), "service reachable although the grant failed");
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
