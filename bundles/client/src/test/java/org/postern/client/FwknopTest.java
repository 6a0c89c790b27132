package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/** The CLI end to end, with an injected home directory, clock and streams (never the real ~/.fwknoprc). */
class FwknopTest {

    static final long NOW = 1_800_000_000L;
    static final String KEY_B64 = "c2VjcmV0a2V5"; // "secretkey"
    static final String HMAC_B64 = "aG1hY2tleTEyMw"; // "hmackey123"

    @TempDir
    Path home;

    record Result(int status, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : Arrays.asList(err.split("\n"));
        }
    }

    Result run(Map<String, String> env, ClientContext.KeyPrompt prompt, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClientContext ctx = new ClientContext(env, home, "tester", new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), prompt, () -> NOW);
        int status = new Fwknop(ctx).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    Result run(String... args) {
        return run(Map.of(), p -> null, args);
    }

    static SpaMessage open(String wire, HmacType hmac) throws Exception {
        return SpaWire.open(wire, new RijndaelCipher(), new RijndaelKey("secretkey".getBytes(), EncryptionMode.CBC),
                hmac == null ? null : new HmacKey("hmackey123".getBytes(), hmac));
    }

    @Test
    void testModeSavesAPacketThatDecodes() throws Exception {
        Path pkt = home.resolve("pkt.txt");
        String[] args = {"-A", "tcp/22", "-a", "10.200.0.1", "-D", "127.0.0.1", "--key-base64-rijndael", KEY_B64,
            "--key-base64-hmac", HMAC_B64, "-T", "-B", pkt.toString(), "--no-rc-file"};
        Result r = run(args);
        assertEquals(0, r.status, r.err);
        assertEquals("", r.err);
        assertTrue(r.out.startsWith("SPA Field Values:\n=================\n   Random Value: "), r.out);
        assertTrue(r.out.contains("\n       Username: tester\n"), r.out);
        assertTrue(r.out.contains("\n      Timestamp: " + NOW + "\n"), r.out);
        assertTrue(r.out.endsWith("\n\ntest mode enabled, SPA packet not actually sent.\n"), r.out);
        assertFalse(r.out.contains("Dump of the Decoded Data"));

        List<String> lines = Files.readAllLines(pkt);
        assertEquals(1, lines.size());
        assertTrue(r.out.contains(" Final SPA Data: " + lines.get(0) + "\n"), r.out);
        SpaMessage m = open(lines.get(0), HmacType.SHA256);
        assertEquals("tester", m.username());
        assertEquals(NOW, m.timestamp());
        assertEquals(MessageType.ACCESS, m.type());
        assertEquals("10.200.0.1,tcp/22", m.message());
        assertEquals(DigestType.SHA256, m.digestType());

        Path saved = home.resolve(".fwknop.run");
        assertEquals("fwknop " + String.join(" ", args) + " \n", Files.readString(saved));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)));
        assertFalse(Files.exists(home.resolve(".fwknoprc")), "no rc file is created");
    }

    @Test
    void savePacketAppends() throws Exception {
        Path pkt = home.resolve("pkt.txt");
        String[] args = {"-A", "tcp/22", "-s", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
            "-B", pkt.toString()};
        assertEquals(0, run(args).status);
        List<String> both = new ArrayList<>(Arrays.asList(args));
        both.add("-b");
        assertEquals(0, run(both.toArray(String[]::new)).status);
        List<String> lines = Files.readAllLines(pkt);
        assertEquals(2, lines.size());
        for (String l : lines) {
            assertEquals("0.0.0.0,tcp/22", open(l, null).message());
        }
        assertEquals(0, run(args).status);
        assertEquals(1, Files.readAllLines(pkt).size());
        assertFalse(Files.exists(home.resolve(".fwknop.run")));
    }

    @Test
    void verboseTestModeShowsTransmitOptionsAndTheDecodedDump() {
        Result r = run("-A", "tcp/22", "-a", "10.200.0.1", "-D", "gw.example", "--key-rijndael", "secretkey",
                "--key-hmac", "hmackey123", "--hmac-digest-type", "sha1", "-m", "md5", "-M", "cfb", "-f", "45",
                "-T", "-v", "--no-rc-file", "--no-save-args");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("""
                Generating SPA packet:
                            protocol: udp
                         source port: <OS assigned>
                    destination port: 62201
                             IP/host: gw.example
                test mode enabled, SPA packet not actually sent.
                send_spa_packet: bytes sent: 0

                Dump of the Decoded Data
                SPA Field Values:
                """), r.out);
        assertTrue(r.out.contains("   Message Type: 3 (Client timeout access msg)\n"), r.out);
        assertTrue(r.out.contains("      HMAC Type: 2 (SHA1)\n"), r.out);
        assertTrue(r.out.contains("    Digest Type: 1 (MD5)\n"), r.out);
        assertTrue(r.out.contains("Encryption Mode: 3 (CFB)\n"), r.out);
        assertTrue(r.out.contains(" Client Timeout: 45\n"), r.out);
    }

    @Test
    void httpTestModePrintsTheRequest() {
        Result r = run("-A", "tcp/22", "-a", "10.200.0.1", "-D", "gw.example", "--key-rijndael", "secretkey",
                "-P", "http", "-T", "-v", "--no-rc-file", "--no-save-args");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains(" HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nAccept: */*\r\nHost: gw.example\r\n"
                + "Connection: close\r\n\r\n\nTest mode enabled, SPA packet not actually sent.\n"), r.out);
        assertTrue(r.out.contains("            protocol: http\n"), r.out);
    }

    @Test
    void sendsOneUdpDatagramOverLoopback() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Result r = run("-A", "tcp/22,udp/53", "-a", "10.200.0.1", "-D", "127.0.0.1", "-p",
                    Integer.toString(server.getLocalPort()), "--key-base64-rijndael", KEY_B64, "--key-base64-hmac",
                    HMAC_B64, "--no-rc-file", "--no-save-args", "-U", "alice");
            assertEquals(0, r.status, r.err);
            assertEquals("", r.out);
            assertEquals("", r.err);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            server.receive(p);
            SpaMessage m = open(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII), HmacType.SHA256);
            assertEquals("10.200.0.1,tcp/22,udp/53", m.message());
            assertEquals("alice", m.username());
        }
    }

    @Test
    void verboseSendReportsBytesAndWarnsAboutSourceIp() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Result r = run("-A", "tcp/22", "-s", "-D", "127.0.0.1", "-p", Integer.toString(server.getLocalPort()),
                    "--key-rijndael", "secretkey", "--no-rc-file", "--no-save-args", "-v");
            assertEquals(0, r.status, r.err);
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            server.receive(p);
            assertTrue(r.out.contains("send_spa_packet: bytes sent: " + p.getLength() + "\n"), r.out);
            assertEquals(List.of("[-] WARNING: Should use -a or -R to harden SPA against potential MITM attacks"),
                    r.errLines());
        }
    }

    @Test
    void usernameComesFromTheEnvironmentUnlessSpoofed() throws Exception {
        Path pkt = home.resolve("p");
        String[] base = {"-A", "tcp/22", "-s", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
            "-B", pkt.toString()};
        assertEquals(0, run(Map.of("SPOOF_USER", "envuser", "LOGNAME", "x"), p -> null, base).status);
        assertEquals("envuser", open(Files.readAllLines(pkt).get(0), null).username());
        List<String> spoofed = new ArrayList<>(Arrays.asList(base));
        spoofed.addAll(List.of("-U", "alice"));
        assertEquals(0, run(Map.of("SPOOF_USER", "envuser"), p -> null, spoofed.toArray(String[]::new)).status);
        assertEquals("alice", open(Files.readAllLines(pkt).get(0), null).username());
    }

    @Test
    void lastOfAllowIpAndSourceIpWins() throws Exception {
        Path pkt = home.resolve("p");
        String[] common = {"-A", "tcp/22", "--key-rijndael", "secretkey", "-T", "--no-rc-file", "--no-save-args",
            "-B", pkt.toString()};
        assertEquals(0, run(concat(common, "-a", "10.1.1.1", "-s")).status);
        assertEquals("0.0.0.0,tcp/22", open(Files.readAllLines(pkt).get(0), null).message());
        assertEquals(0, run(concat(common, "-s", "-a", "10.1.1.1")).status);
        assertEquals("10.1.1.1,tcp/22", open(Files.readAllLines(pkt).get(0), null).message());
    }

    @Test
    void optionValuesMayStartWithADashAsWithGetopt() throws Exception {
        Path pkt = home.resolve("p");
        Result r = run("-sT", "--access=tcp/22", "--key-rijndael", "-secretkey", "--no-rc-file", "--no-save-args",
                "-B", pkt.toString());
        assertEquals(0, r.status, r.err);
        SpaMessage m = SpaWire.open(Files.readAllLines(pkt).get(0), new RijndaelCipher(),
                new RijndaelKey("-secretkey".getBytes(), EncryptionMode.CBC), null);
        assertEquals("0.0.0.0,tcp/22", m.message());
    }

    @Test
    void missingKeyIsAskedForWhenThereIsATerminal() throws Exception {
        Path pkt = home.resolve("p");
        List<String> prompts = new ArrayList<>();
        Result r = run(Map.of(), p -> {
            prompts.add(p);
            return (p.contains("HMAC") ? "hmackey123" : "secretkey").toCharArray();
        }, "-A", "tcp/22", "-s", "--use-hmac", "-T", "--no-rc-file", "--no-save-args", "-B", pkt.toString());
        assertEquals(0, r.status, r.err);
        assertEquals(List.of("Enter encryption key: ", "Enter HMAC key: "), prompts);
        assertEquals("0.0.0.0,tcp/22", open(Files.readAllLines(pkt).get(0), HmacType.SHA256).message());
    }

    @Test
    void rcFileNamedStanzaWithCommandLineOverrides() throws Exception {
        Path rc = home.resolve(".fwknoprc");
        Files.writeString(rc, """
                [default]
                HMAC_DIGEST_TYPE    sha512
                DIGEST_TYPE         sha384

                [gw]
                SPA_SERVER          gw.example
                ACCESS              tcp/22
                ALLOW_IP            10.200.0.1
                KEY_BASE64          %s
                HMAC_KEY_BASE64     %s
                SPOOF_USER          rcuser
                NO_SAVE_ARGS        Y
                """.formatted(KEY_B64, HMAC_B64));
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        Path pkt = home.resolve("p");
        Result r = run("-n", "gw", "-T", "-A", "udp/53", "-B", pkt.toString());
        assertEquals(0, r.status, r.err);
        assertEquals("", r.err);
        SpaMessage m = open(Files.readAllLines(pkt).get(0), HmacType.SHA512);
        assertEquals("10.200.0.1,udp/53", m.message());
        assertEquals("rcuser", m.username());
        assertEquals(DigestType.SHA384, m.digestType());
        assertFalse(Files.exists(home.resolve(".fwknop.run")), "NO_SAVE_ARGS Y");

        // [default] alone has no keys; --no-rc-file ignores the file altogether
        assertTrue(run("-T", "-A", "tcp/22", "-s", "--no-save-args").err.contains("no encryption key"));
        assertTrue(run("-T", "-A", "tcp/22", "-s", "--no-save-args", "--no-rc-file", "--key-rijndael", "secretkey",
                "-B", pkt.toString()).err.isEmpty());
        assertEquals(DigestType.SHA256, open(Files.readAllLines(pkt).get(0), null).digestType());
    }

    @Test
    void rcFileElsewhereAndItsPermissionsWarning() throws Exception {
        Path rc = home.resolve("other-rc");
        Files.writeString(rc, "[default]\nSPA_SERVER 127.0.0.1\nACCESS tcp/22\nALLOW_IP source\nKEY secretkey\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-r--r--"));
        Result r = run("--rc-file", rc.toString(), "-T", "--no-save-args");
        assertEquals(0, r.status, r.err);
        assertEquals(List.of("[-] file: " + rc + " permissions should only be user read/write (0600, -rw-------)"),
                r.errLines());
        assertTrue(r.out.contains(" Message String: 0.0.0.0,tcp/22\n"), r.out);
    }

    @Test
    void keyGenPrintsTwoPaddedBase64Keys() throws Exception {
        Result r = run("-k", "--no-rc-file");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.matches("KEY_BASE64: [A-Za-z0-9+/]{43}=\nHMAC_KEY_BASE64: [A-Za-z0-9+/]{86}==\n"), r.out);
        assertFalse(Files.exists(home.resolve(".fwknop.run")));

        Result shortKeys = run("-k", "--no-rc-file", "--key-len", "16", "--hmac-key-len", "32");
        assertTrue(shortKeys.out.matches("KEY_BASE64: \\S{24}\nHMAC_KEY_BASE64: \\S{44}\n"), shortKeys.out);

        Path file = home.resolve("keys");
        Result f = run("-K", file.toString(), "--no-rc-file");
        assertEquals(0, f.status, f.err);
        assertEquals("[+] Wrote Rijndael and HMAC keys to: " + file + "\n", f.out);
        assertTrue(Files.readString(file).matches("KEY_BASE64: \\S{44}\nHMAC_KEY_BASE64: \\S{88}\n"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        assertEquals(1, run("-k", "--no-rc-file", "--hmac-digest-type", "sha3_256").status);
        assertTrue(run("-k", "--no-rc-file", "--hmac-digest-type", "sha3_256", "--hmac-key-len", "32").out
                .matches("KEY_BASE64: \\S{44}\nHMAC_KEY_BASE64: \\S{44}\n"));
        assertEquals(1, run("-k", "--no-rc-file", "--key-len", "33").status);
    }

    @Test
    void versionAndHelp() {
        Result v = run("-V");
        assertEquals(0, v.status);
        assertEquals("fwknop client 2.6.10, FKO protocol version 3.0.0\n", v.out);
        Result h = run("-h");
        assertEquals(0, h.status);
        assertTrue(h.out.contains("Usage: fwknop -A <port list>"), h.out);
        assertTrue(h.out.contains("--key-base64-rijndael"), h.out);
        assertFalse(Files.exists(home.resolve(".fwknop.run")));
    }

    @Test
    void argumentErrorsAreOneLineAndExitOne() {
        String[] keys = {"--key-rijndael", "secretkey", "--no-rc-file", "--no-save-args"};
        assertError("Must use --destination unless --test mode is used", concat(keys, "-A", "tcp/22", "-s"));
        assertError("Must use one of [-s|-R|-a]", concat(keys, "-A", "tcp/22", "-D", "gw"));
        assertError("-A/--access", concat(keys, "-a", "10.1.1.1", "-D", "gw"));
        assertError("Unknown option: '-x'", concat(keys, "-x"));
        assertError("should not be identical", concat(keys, "-T", "-A", "tcp/22", "-s", "--key-hmac", "secretkey"));
        assertError("Legacy encryption mode is incompatible with HMAC usage.",
                concat(keys, "-T", "-A", "tcp/22", "-s", "--key-hmac", "h", "-M", "legacy"));
        assertError("Invalid digest type: sha2", concat(keys, "-T", "-m", "sha2"));
        assertError("Invalid hmac digest type: x", concat(keys, "-T", "--hmac-digest-type", "x"));
        assertError("Invalid encryption mode: pcbc", concat(keys, "-T", "-M", "pcbc"));
        assertError("--fw-timeout must be within [0-131072]", concat(keys, "-T", "-f", "131073"));
        assertError("Invalid time offset: 'soon'", concat(keys, "-T", "--time-offset-plus", "soon"));
        assertError("Unrecognized protocol: pigeon", concat(keys, "-T", "-P", "pigeon"));
        assertError("Invalid allow IP", concat(keys, "-T", "-A", "tcp/22", "-a", "1.2.3"));
        assertError("is not an int", concat(keys, "-T", "-p", "x"));
        assertError("--server-port must be in [1-65535]", concat(keys, "-T", "-p", "0"));
        assertError("Cannot set stanza name in --no-rc-file mode.", concat(keys, "-n", "gw"));
        assertError("Named configuration stanza: [gw] was not found.", "-n", "gw", "-T");
        assertError("no encryption key", "--no-rc-file", "-T", "-A", "tcp/22", "-s");
        assertError("Unmatched argument", concat(keys, "stray"));
    }

    private void assertError(String part, String... args) {
        Result r = run(args);
        assertEquals(1, r.status, r.out);
        assertEquals(1, r.errLines().size(), r.err);
        assertTrue(r.err.startsWith("fwknop: ") && r.err.contains(part), r.err);
        assertFalse(r.err.contains("secretkey"), r.err);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
