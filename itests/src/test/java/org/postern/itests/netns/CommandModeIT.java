package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Command mode end to end: the real fwknop 2.6.10 client's {@code --server-cmd} runs the command on the gateway
 * as CMD_EXEC_USER (an argument vector through runuser, never a shell); a command outside CMD_REGEX, one a shell
 * would interpret, and one sent to a stanza without ENABLE_CMD_EXEC are refused with their reasons.
 */
class CommandModeIT extends GatewaySupport {

    static DaemonProcess daemon;
    static String otherKey;
    static String otherHmac;
    static Path work;

    @BeforeAll
    static void daemon() throws Exception {
        SecureRandom r = new SecureRandom();
        byte[] k = new byte[32];
        byte[] h = new byte[64];
        r.nextBytes(k);
        r.nextBytes(h);
        otherKey = Base64.getEncoder().encodeToString(k);
        otherHmac = Base64.getEncoder().encodeToString(h);
        // a directory nobody may write in, with a short name: fwknop's Rijndael data must stay under 400 base64
        // characters (reference 2.6: a longer command fails in fwknopd too)
        work = Files.createDirectory(Path.of("/tmp/pc" + name().substring(0, 6)));
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        String access = stanza("ENABLE_CMD_EXEC Y", "CMD_EXEC_USER nobody", "CMD_REGEX touch " + work + "/[a-z0-9]+( "
                + work + "/[^ ]+)*")
                + "\nSOURCE ANY\nKEY_BASE64 " + otherKey + "\nHMAC_KEY_BASE64 " + otherHmac + "\nENABLE_CMD_EXEC N\n";
        Path dir = DaemonProcess.writeConfig(tempDir("cmd"), bed, true, List.of("CMD_EXEC_TIMEOUT 10"), access);
        daemon = DaemonProcess.postern(assembly, dir, bed, true).start("Capture source udp:fwknopd running",
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        if (work != null) {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static String name() {
        byte[] b = new byte[3];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void logged(String text) {
        assertTrue(Wait.until(Duration.ofSeconds(15), () -> daemon.logText().contains(text)),
                "expected '" + text + "' in the log:\n" + daemon.logText());
    }

    @Test
    void commandRunsAsCmdExecUser() throws Exception {
        Path made = work.resolve(name());
        Exec.Result r = realClient(with(keys(), "--server-cmd", "touch " + made));
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(15), () -> Files.exists(made)),
                made + " not made; log:\n" + daemon.logText());
        assertEquals("nobody", Files.readAttributes(made, PosixFileAttributes.class).owner().getName());
        logged("running command 'touch " + made + "' as nobody");
        logged("exited 0");
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "a command opened a port");
    }

    @Test
    void commandOutsideCmdRegexIsRefused() throws Exception {
        Path target = work.resolve(name());
        Exec.Result r = realClient(with(keys(), "--server-cmd", "rm -rf " + target));
        assertTrue(r.ok(), r.out());
        logged("POLICY/COMMAND_REGEX_MISMATCH: command 'rm -rf " + target + "' does not match CMD_REGEX");
    }

    @Test
    void shellSyntaxIsRefusedNotInterpreted() throws Exception {
        Path a = work.resolve(name());
        Path b = work.resolve(name());
        // matches CMD_REGEX, but ';' would be a shell's: refused, and neither file appears
        Exec.Result r = realClient(with(keys(), "--server-cmd", "touch " + a + " " + work + "/x;touch " + b));
        assertTrue(r.ok(), r.out());
        logged("POLICY/COMMAND_NOT_SPLITTABLE: command cannot be split safely: unquoted shell character ';'");
        assertFalse(Files.exists(a) || Files.exists(b));
    }

    @Test
    void stanzaWithoutCmdExecRefuses() throws Exception {
        Path made = work.resolve(name());
        Exec.Result r = realClient("--key-base64-rijndael", otherKey, "--key-base64-hmac", otherHmac, "--server-cmd",
                "touch " + made);
        assertTrue(r.ok(), r.out());
        logged("POLICY/COMMAND_NOT_ALLOWED: SPA Command messages are not allowed in the current configuration.");
        assertFalse(Files.exists(made));
    }
}
