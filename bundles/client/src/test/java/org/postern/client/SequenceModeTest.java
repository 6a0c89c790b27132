package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwknop 1.9's --Server-mode knock|shared on the command line. */
class SequenceModeTest {

    @TempDir
    Path home;

    record Result(int status, String out, String err) {
    }

    Result run(String... args) {
        return runWithPassword(null, args);
    }

    Result runWithPassword(String password, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClientContext ctx = new ClientContext(Map.of(), home, "tester", new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> password == null ? null : password.toCharArray(),
                () -> 1_250_000_000L);
        int status = new Fwknop(ctx).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shortLettersTake19MeaningsOnlyInKnockMode() throws Exception {
        CommandLineOptions o = Fwknop.parse(new String[] {"--Server-mode", "knock", "-r", "-t", "3", "-u", "f",
            "-D", "-r", "-a", "1.2.3.4"});
        assertTrue(o.rotateProto);
        assertFalse(o.randPort);
        assertEquals(3, o.timeDelay);
        assertEquals("f", o.userRc);
        assertEquals("-r", o.destination, "a value that looks like -r stays a value");
        o = Fwknop.parse(new String[] {"-Server-mode=shared", "-t0", "-useq"});
        assertEquals(0, o.timeDelay);
        assertEquals("seq", o.userRc);
        o = Fwknop.parse(new String[] {"-r", "-u", "agent", "-A", "tcp/22"});
        assertTrue(o.randPort);
        assertFalse(o.rotateProto);
        assertEquals("agent", o.userAgent);
        o = Fwknop.parse(new String[] {"--Server-mode", "knock", "--offset", "62000", "--rotate-proto",
            "--time-delay", "2", "--user-rc", "x"});
        assertEquals(62000, o.offset);
        assertTrue(o.rotateProto);
        assertEquals(2, o.timeDelay);
    }

    @Test
    void testModePrintsTheEncryptedSequence() {
        Result r = run("--Server-mode", "knock", "-A", "tcp/22", "-a", "127.0.0.2", "--key-rijndael", "fwknoptest",
                "-U", "root", "-T");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("[+] Clear-text sequence (12 bytes): 127 0 0 2 0 22 6 157 114 111 111 116"), r.out);
        assertTrue(r.out.contains("Cipher-text sequence (32 bytes): 83 97 108 116 101 100 95 95"), r.out);
        assertTrue(r.out.contains("Knock sequence: tcp/61083 tcp/61097 tcp/61108"), r.out);
        Result rot = run("--Server-mode", "knock", "-A", "udp/53", "-s", "--key-rijndael", "fwknoptest",
                "-r", "--offset", "1000", "-T");
        assertEquals(0, rot.status, rot.err);
        assertTrue(rot.out.contains("Knock sequence: tcp/1083 udp/1097 tcp/1108 udp/1116"), rot.out);
        assertTrue(rot.out.contains("Clear-text sequence (14 bytes): 0 0 0 0 0 53 17 70 116 101 115 116 101 114"),
                rot.out);
    }

    @Test
    void refusals() {
        assertTrue(run("--Server-mode", "knock", "-A", "tcp/22", "-s", "--key-rijndael", "short", "-T").err
                .contains("at least 8"));
        assertTrue(run("--Server-mode", "knock", "-A", "tcp/22", "--key-rijndael", "12345678", "-T").err
                .contains("[-s|-R|-a]"));
        assertTrue(run("--Server-mode", "knock", "-A", "tcp/22", "-s", "--key-rijndael", "12345678", "-T",
                "--offset", "65280").err.contains("--offset must be"));
        assertTrue(run("--Server-mode", "shared", "-A", "tcp/1,udp/2", "-r", "-T").err.contains("--rotate-proto"));
        assertTrue(run("--Server-mode", "spa", "-T").err.contains("--Server-mode must be"));
        assertTrue(run("--Server-mode", "shared", "-D", "127.0.0.1", "-T").err.contains("Could not read"));
        assertTrue(run("--time-delay", "0", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T").err
                .contains("--Server-mode"));
    }

    @Test
    void sharedSequenceFromTheRcFile() throws Exception {
        Files.writeString(home.resolve(".fwknoprc"), "# 1.9 shared sequences\n127.0.0.9: tcp/1\n"
                + "127.0.0.1: tcp/1000, udp/2000,icmp TCP/5 bogus udp/3000\n");
        Result r = run("--Server-mode", "shared", "-D", "127.0.0.1", "-T");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("Knock sequence: tcp/1000 udp/2000 icmp udp/3000"), r.out);
        Result single = run("--Server-mode", "shared", "-D", "127.0.0.9", "-T");
        assertTrue(single.err.contains("No shared sequence"), single.err);
        Path other = home.resolve("seq");
        Files.writeString(other, "localhost: udp/7, udp/8\n");
        Result u = run("--Server-mode", "shared", "-D", "127.0.0.1", "-u", "seq", "-T");
        assertEquals(0, u.status, u.err);
        assertTrue(u.out.contains("Knock sequence: udp/7 udp/8"), u.out);
    }

    @Test
    void sharedKnocksReachLoopback() throws Exception {
        InetAddress lo = InetAddress.getByName("127.0.0.1");
        try (ServerSocket tcp = new ServerSocket(0, 5, lo); DatagramSocket udp = new DatagramSocket(0, lo)) {
            tcp.setSoTimeout(10_000);
            udp.setSoTimeout(10_000);
            Result r = run("--Server-mode", "shared", "-D", "127.0.0.1", "-A",
                    "udp/" + udp.getLocalPort() + ",tcp/" + tcp.getLocalPort(), "-t", "0", "-v");
            assertEquals(0, r.status, r.err);
            assertTrue(r.out.contains("2 knocks sent"), r.out);
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            udp.receive(p);
            assertArrayEquals(new byte[] {'0'}, java.util.Arrays.copyOf(p.getData(), p.getLength()));
            try (Socket s = tcp.accept()) {
                assertTrue(s.getInetAddress().isLoopbackAddress(), "the SYN reached the listener");
            }
        }
    }

    @Test
    void legacy19SpaPacket() throws Exception {
        Result r = runWithPassword("Hello world!", "--legacy-1.9", "-A", "tcp/22", "-a", "10.0.0.1", "--key-rijndael",
                "fwknoptest", "--Server-auth", "crypt", "-T", "--no-rc-file", "--no-save-args", "-B", "pkt");
        assertEquals(0, r.status, r.err);
        java.util.List<String> lines = Files.readAllLines(home.resolve("pkt"));
        String wire = lines.get(lines.size() - 1);
        org.postern.fko.SpaMessage m = org.postern.fko.SpaWire.openWithLegacy(wire,
                new org.postern.cipher.rijndael.RijndaelCipher(), new org.postern.api.RijndaelKey(
                        "fwknoptest".getBytes(StandardCharsets.US_ASCII), org.postern.api.EncryptionMode.LEGACY), null);
        assertEquals("1.9.12", m.version());
        assertEquals("crypt,Hello world!", m.serverAuth());
        assertEquals("10.0.0.1,tcp/22", m.message());
        String plain = org.postern.fko.SpaWire.openPlaintext(wire, new org.postern.cipher.rijndael.RijndaelCipher(),
                new org.postern.api.RijndaelKey("fwknoptest".getBytes(StandardCharsets.US_ASCII),
                        org.postern.api.EncryptionMode.LEGACY), null);
        assertTrue(plain.contains(":dGVzdGVy:"), plain); // user "tester", as 1.9 pads (here none needed)
        assertTrue(plain.contains(":MTAuMC4wLjEsdGNwLzIy:") || plain.contains("="), plain);
        assertTrue(run("--legacy-1.9", "-A", "tcp/22", "-a", "10.0.0.1", "--key-rijndael", "k", "--key-hmac", "h",
                "-T", "--no-rc-file", "--no-save-args").err.contains("no HMAC"));
        assertTrue(run("--legacy-1.9", "-A", "tcp/22", "-a", "10.0.0.1", "--key-rijndael", "k", "-m", "sha512",
                "-T", "--no-rc-file", "--no-save-args").err.contains("MD5, SHA1 and SHA256"));
    }
}
