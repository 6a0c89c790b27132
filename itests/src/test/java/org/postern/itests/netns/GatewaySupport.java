package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Shared set-up for the namespace tests: one testbed per class (iptables-nft), fresh keys, the unpacked
 * distribution, and the real fwknop 2.6.10 client.
 */
abstract class GatewaySupport {

    static final String IPTABLES = "/usr/sbin/iptables-nft";
    static final int TIMEOUT = 5;

    static NetnsTestbed bed;
    static Path assembly;
    static String keyB64;
    static String hmacB64;

    @BeforeAll
    static void testbed() throws Exception {
        assumeTrue(Exec.isRoot(), "namespace tests need root");
        assumeTrue(Exec.installed("fwknop") && Exec.installed("fwknopd"), "fwknop 2.6.10 client and server needed");
        assumeTrue(Exec.installed("iptables-nft") && Exec.installed("nc"), "iptables-nft and nc needed");
        assembly = Paths.get(System.getProperty("postern.assembly", "../karaf-assembly/target/assembly"))
                .toAbsolutePath().normalize();
        assertTrue(Files.isExecutable(assembly.resolve("bin/fwknopd")), "no distribution at " + assembly);
        SecureRandom r = new SecureRandom();
        byte[] k = new byte[32];
        byte[] h = new byte[64];
        r.nextBytes(k);
        r.nextBytes(h);
        keyB64 = Base64.getEncoder().encodeToString(k);
        hmacB64 = Base64.getEncoder().encodeToString(h);
        DaemonProcess.SECRETS.clear();
        DaemonProcess.secret(keyB64); // every daemon's logs are checked for these when it is closed
        DaemonProcess.secret(hmacB64);
        bed = new NetnsTestbed(IPTABLES).up();
    }

    @AfterAll
    static void teardown() {
        if (bed != null) {
            bed.close();
            bed = null;
        }
    }

    static String stanza(String... extra) {
        StringBuilder s = new StringBuilder("SOURCE ANY\nKEY_BASE64 " + keyB64 + "\nHMAC_KEY_BASE64 " + hmacB64
                + "\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n");
        for (String e : extra) {
            s.append(e).append('\n');
        }
        return s.toString();
    }

    /** The real fwknop client in the client namespace, never touching ~/.fwknoprc or ~/.fwknop.run. */
    static Exec.Result realClient(String... args) {
        List<String> a = new ArrayList<>(List.of("fwknop", "--no-rc-file", "--no-save-args", "-D", bed.serverIp,
                "-a", bed.clientIp));
        a.addAll(List.of(args));
        return bed.cli(a);
    }

    static List<String> keys() {
        return List.of("--key-base64-rijndael", keyB64, "--key-base64-hmac", hmacB64);
    }

    /** Postern's bin/fwknop in the client namespace. */
    static Exec.Result posternClient(String... args) {
        List<String> a = new ArrayList<>(List.of(assembly.resolve("bin/fwknop").toString(), "--no-rc-file",
                "--no-save-args", "-D", bed.serverIp, "-a", bed.clientIp));
        a.addAll(List.of(args));
        return bed.cli(a);
    }

    static String[] with(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** Asserts the service is closed: the connect times out (not refused) after about two seconds. */
    static void assertClosedByTimeout(String when) {
        long t0 = System.nanoTime();
        boolean open = bed.serviceOpen(2);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertFalse(open, "service reachable " + when);
        assertTrue(ms >= 1500, "connect failed fast (" + ms + " ms) " + when + ": expected a timeout");
    }

    static boolean ruleAppears() {
        return Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));
    }

    static boolean ruleGone(int seconds) {
        return Wait.until(Duration.ofSeconds(seconds),
                () -> !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT));
    }

    /** One command through {@code home}'s bin/client inside the gateway namespace (SSH on its 127.0.0.1:8101). */
    static String shell(Path home, String command) {
        try {
            Path in = Files.createTempFile("shell", ".in");
            Files.writeString(in, command + "\n", java.nio.charset.StandardCharsets.UTF_8);
            Exec.Result r = Exec.run(70, in, List.of("ip", "netns", "exec", bed.serverNs, "timeout", "60",
                    home.resolve("bin/client").toString(), "-a", "8101", "-u", "karaf", "-p", "karaf", "-b"));
            Files.delete(in);
            return r.out().replaceAll("\u001B\\[[0-9;]*m", "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tempDir(String name) throws Exception {
        Path d = Files.createTempDirectory("postern-it-" + name);
        d.toFile().deleteOnExit();
        return d;
    }
}
