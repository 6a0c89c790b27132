package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.CommandExecutor;
import org.postern.api.CommandResult;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.exec.ProcessCommandExecutor;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/** Command mode through the pipeline: policy (ENABLE_CMD_EXEC, CMD_REGEX, splitting), argv, user, outcome. */
class CommandModeTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HMAC = "hmac-key-for-tests-hmac-key-for-tests".getBytes(StandardCharsets.US_ASCII);
    static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    final RijndaelCipher cipher = new RijndaelCipher();
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    final List<List<String>> ran = new ArrayList<>();
    int exitCode;
    final CommandExecutor recorder = (argv, stdin, timeout) -> {
        ran.add(argv);
        return new CommandResult(argv, exitCode, "out", exitCode == 0 ? "" : "boom");
    };

    final FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            throw new AssertionError("a command opens nothing");
        }

        public void revoke(AccessGrant g) {
        }

        public List<String> list() {
            return List.of();
        }

        public void flush() {
        }
    };

    Pipeline pipeline(String extra, CommandExecutor executor, boolean testMode) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY_BASE64 " + Base64.getEncoder().encodeToString(KEY)
                + "\nHMAC_KEY_BASE64 " + Base64.getEncoder().encodeToString(HMAC) + "\n" + extra);
        List<AccessStanza> stanzas = new AccessConfParser().parse(access);
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        Pipeline p = new Pipeline(new PolicySet(stanzas, true, 120, testMode), new DigestFile(null),
                new StanzaTrial(t -> cipher), new LiveGrants(slot, clock), new RefusalCounters(), clock);
        p.commands(new CommandMode(() -> executor, "/usr/bin/sudo", Duration.ofSeconds(5), "/usr/sbin/runuser"));
        return p;
    }

    CapturedPacket command(String cmd) throws Exception {
        String wire = SpaWire.seal(new SpaMessageBuilder().username("alice").timestamp(NOW).allowIp("10.200.0.1")
                .command(cmd).build(), cipher, new RijndaelKey(KEY, EncryptionMode.CBC), new HmacKey(HMAC, HmacType.SHA256));
        return new CapturedPacket(wire.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("10.200.0.1"),
                40000, InetAddress.getByName("10.200.0.2"), 62201, Transport.UDP, Instant.now(), "test");
    }

    RefusalReason refusal(Pipeline p, String cmd) throws Exception {
        CapturedPacket c = command(cmd);
        return assertThrows(SpaException.class, () -> p.process(c)).reason();
    }

    @Test
    void commandRunsAsArgumentVectorUnderTheStanzaUser() throws Exception {
        Pipeline p = pipeline("ENABLE_CMD_EXEC Y\nCMD_EXEC_USER nobody\nCMD_EXEC_GROUP nogroup\n", recorder, false);
        assertNull(p.process(command("touch '/tmp/a b' /tmp/c")));
        assertEquals(List.of(List.of("/usr/sbin/runuser", "-u", "nobody", "-g", "nogroup", "--", "touch", "/tmp/a b",
                "/tmp/c")), ran);
    }

    @Test
    void sudoPrefixAsFwknopd() throws Exception {
        Pipeline p = pipeline("ENABLE_CMD_EXEC Y\nENABLE_CMD_SUDO_EXEC Y\nCMD_SUDO_EXEC_USER operator\n", recorder, false);
        p.process(command("systemctl restart sshd"));
        assertEquals(List.of(List.of("/usr/bin/sudo", "-u", "operator", "--", "systemctl", "restart", "sshd")), ran);
    }

    @Test
    void refusalsHaveTheirReasonAndRunNothing() throws Exception {
        assertEquals(RefusalReason.COMMAND_NOT_ALLOWED, refusal(pipeline("", recorder, false), "touch /tmp/x"));
        assertEquals(RefusalReason.COMMAND_NOT_ALLOWED, refusal(pipeline("ENABLE_CMD_EXEC N\n", recorder, false), "touch /tmp/x"));
        Pipeline p = pipeline("ENABLE_CMD_EXEC Y\nCMD_REGEX touch /tmp/[a-z]+\n", recorder, false);
        assertEquals(RefusalReason.COMMAND_REGEX_MISMATCH, refusal(p, "rm /tmp/x"));
        // the whole command must match, not a part of it
        assertEquals(RefusalReason.COMMAND_REGEX_MISMATCH, refusal(p, "touch /tmp/x /etc/nologin"));
        Pipeline any = pipeline("ENABLE_CMD_EXEC Y\n", recorder, false);
        assertEquals(RefusalReason.COMMAND_NOT_SPLITTABLE, refusal(any, "touch /tmp/x; reboot"));
        assertEquals(RefusalReason.COMMAND_NOT_SPLITTABLE, refusal(any, "touch /tmp/$(id)"));
        assertTrue(ran.isEmpty(), ran.toString());
        assertNull(p.process(command("touch /tmp/abc")));
        assertEquals(1, ran.size());
    }

    @Test
    void failedCommandIsActionCommandFailed() throws Exception {
        exitCode = 3;
        Pipeline p = pipeline("ENABLE_CMD_EXEC Y\n", recorder, false);
        CapturedPacket c = command("false");
        SpaException e = assertThrows(SpaException.class, () -> p.process(c));
        assertEquals(RefusalReason.COMMAND_FAILED, e.reason());
        assertTrue(e.getMessage().contains("exit 3") && e.getMessage().contains("boom"), e.getMessage());
    }

    @Test
    void testModeRunsNothing() throws Exception {
        Pipeline p = pipeline("ENABLE_CMD_EXEC Y\n", recorder, true);
        assertNull(p.process(command("touch /tmp/x")));
        assertTrue(ran.isEmpty());
    }

    @Test
    void badCommandKeywordsStopTheStartWithFileLineKeyword() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> pipeline("ENABLE_CMD_EXEC Y\nCMD_REGEX touch (\n", recorder, false));
        assertTrue(e.getMessage().matches(".*access\\.conf:5: CMD_REGEX: not a valid regular expression.*"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> pipeline("CMD_EXEC_USER -rf\n", recorder, false));
        assertTrue(e.getMessage().contains("access.conf:4: CMD_EXEC_USER"), e.getMessage());
    }

    /** The real executor and runuser: the file the command makes belongs to CMD_EXEC_USER (needs root). */
    @Test
    void realCommandRunsAsTheConfiguredUser() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/runuser")));
        Path target = Files.createTempDirectory("postern-cmd");
        try {
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            Path made = target.resolve("made by nobody");
            Pipeline p = pipeline("ENABLE_CMD_EXEC Y\nCMD_EXEC_USER nobody\n", new ProcessCommandExecutor(), false);
            assertNull(p.process(command("touch '" + made + "'")));
            PosixFileAttributes a = Files.readAttributes(made, PosixFileAttributes.class);
            assertEquals("nobody", a.owner().getName());
        } finally {
            try (var s = Files.walk(target)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
