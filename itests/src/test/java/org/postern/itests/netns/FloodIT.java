package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;

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

import org.junit.jupiter.api.Test;

/**
 * A flood of garbage SPA-looking datagrams (about 50,000 per second for at most 20 s, from {@link UdpBlaster} in
 * the client namespace) does not lock out a real client, does not make the daemon's memory run away and never
 * reaches the replay cache: the HMAC is checked before a digest is recorded, so the digest file grows by exactly
 * the one valid packet.
 * <p>
 * RSS bound: bin/fwknopd caps the heap at 256 MB (JAVA_MAX_MEM), so a heap leak shows as an OutOfMemoryError, not
 * as RSS; the rest of a Karaf JVM (metaspace, code cache, thread stacks, direct buffers) measures well under
 * 200 MB. 512 MB therefore only fails on an off-heap leak or a grossly unbounded queue.
 */
class FloodIT extends GatewaySupport {

    static final int RATE = 50_000;
    static final int SECONDS = 20;
    static final double RSS_BOUND_MB = 512;

    @Test
    void validSpaOpensDuringGarbageFloodAndGarbageNeverEntersReplayCache() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("flood"), bed, true, List.of(), stanza());
        Path garbage = dir.resolve("garbage.txt");
        SecureRandom r = new SecureRandom();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            byte[] b = new byte[120 + r.nextInt(120)];
            r.nextBytes(b);
            lines.add(Base64.getEncoder().withoutPadding().encodeToString(b));
        }
        Files.write(garbage, lines, StandardCharsets.US_ASCII);

        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            long digestsBefore = digestLines(d.digestFile);
            double rssBefore = LoadHarness.rssMb(d);
            Process blaster = sender(garbage, RATE, (long) RATE * SECONDS);
            List<String> out = new ArrayList<>();
            Thread reader = new Thread(() -> out.addAll(readAll(blaster)));
            reader.start();
            double rssMax = rssBefore;
            try {
                // let the flood establish itself for ~3 s, sampling RSS meanwhile
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 3_000_000_000L && blaster.isAlive()) {
                    rssMax = Math.max(rssMax, LoadHarness.rssMb(d));
                    Wait.until(Duration.ofMillis(250), () -> !blaster.isAlive());
                }
                assertTrue(blaster.isAlive(), "the flood ended too early: " + out);
                long knock = System.nanoTime();
                assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
                boolean opened = Wait.until(Duration.ofSeconds(15),
                        () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));
                long openMs = (System.nanoTime() - knock) / 1_000_000;
                boolean floodStillOn = blaster.isAlive();
                assertTrue(opened, "the valid SPA did not open under the flood; log:\n" + tail(d.logText()));
                assertTrue(floodStillOn, "the flood was over before the valid SPA opened (" + openMs + " ms)");
                System.out.println("FloodIT: valid SPA opened after " + openMs + " ms under the flood");
                long until = System.nanoTime() + (SECONDS + 10) * 1_000_000_000L;
                while (blaster.isAlive() && System.nanoTime() < until) {
                    rssMax = Math.max(rssMax, LoadHarness.rssMb(d));
                    Wait.until(Duration.ofMillis(500), () -> !blaster.isAlive());
                }
            } finally {
                blaster.destroyForcibly();
                reader.join(5000);
            }
            double rssAfter = LoadHarness.rssMb(d);
            rssMax = Math.max(rssMax, rssAfter);
            long digestsAfter = digestLines(d.digestFile);
            String summary = out.isEmpty() ? "?" : out.get(out.size() - 1);
            System.out.printf("FloodIT: blaster %s (target %d/s); RSS before %.1f MB, max %.1f MB, after %.1f MB"
                    + " (bound %.0f MB); digest lines before %d after %d; daemon alive %b%n", summary, RATE,
                    rssBefore, rssMax, rssAfter, RSS_BOUND_MB, digestsBefore, digestsAfter, d.alive());
            assertTrue(d.alive(), "daemon died under the flood; log:\n" + tail(d.logText()));
            long refusalLines = d.count("Refused SPA");
            System.out.println("FloodIT: refusal log lines " + refusalLines + "; last: " + d.logText().lines()
                    .filter(l -> l.contains("Refused") || l.contains("suppressed")).reduce((a, b) -> b).orElse("-"));
            assertTrue(refusalLines > 0, "the garbage never reached the daemon's checks");
            assertTrue(rssMax < RSS_BOUND_MB, "RSS " + rssMax + " MB over the bound " + RSS_BOUND_MB);
            assertTrue(digestsAfter == digestsBefore + 1, "garbage entered the replay cache or the valid digest"
                    + " was not recorded: " + digestsBefore + " -> " + digestsAfter);
        }
    }

    static long digestLines(Path f) throws IOException {
        if (!Files.exists(f)) {
            return 0;
        }
        return Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).count();
    }

    static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    static Process sender(Path file, double rate, long count) throws IOException {
        List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", bed.clientNs,
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), UdpBlaster.class.getName(), bed.serverIp,
                Integer.toString(NetnsTestbed.SPA_PORT), file.toString(), "blast", Double.toString(rate),
                Long.toString(count)));
        return new ProcessBuilder(a).redirectErrorStream(true).start();
    }

    static List<String> readAll(Process p) {
        try {
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
