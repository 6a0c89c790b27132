package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.GpgKey;
import org.postern.cipher.gpg.GpgCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/**
 * {@code fwknop -g}: the GnuPG options of fwknop 2.6.10 (and 1.9's spellings) and the rc keywords, with the
 * interop vectors' test keys in a GnuPG 1.x style home. The packets are opened as a server opens them, with
 * the signature checked against GPG_REMOTE_ID.
 */
class FwknopGpgTest {

    static final long NOW = 1_800_000_000L;
    static final String SERVER = "A5A32BEF";
    static final String CLIENT = "61C117DC";
    static final String HMAC_B64 = "aG1hY2tleTEyMw"; // "hmackey123"

    @TempDir
    Path home;
    Path gnupg;
    Path serverHome;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = FwknopGpgTest.class.getResourceAsStream("/gpg/" + name)) {
            return in.readAllBytes();
        }
    }

    @BeforeEach
    void homes() throws IOException {
        gnupg = Files.createDirectory(home.resolve("gnupg"));
        Files.write(gnupg.resolve("pubring.gpg"), resource("server-public.asc"));
        Files.write(gnupg.resolve("secring.gpg"), resource("client-secret.asc"));
        serverHome = Files.createDirectory(home.resolve("server-gnupg"));
        Files.write(serverHome.resolve("pubring.gpg"), resource("client-public.asc"));
        Files.write(serverHome.resolve("secring.gpg"), resource("server-secret.asc"));
    }

    record Result(int status, String out, String err) {
    }

    Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ClientContext ctx = new ClientContext(Map.of(), home, "tester", new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> null, () -> NOW, home,
                new ByteArrayInputStream(stdin == null ? new byte[0] : stdin.getBytes(StandardCharsets.UTF_8)), null,
                false);
        int status = new Fwknop(ctx).run(args);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What a GnuPG stanza with GPG_REMOTE_ID 61C117DC does with the saved packet. */
    SpaMessage open(String wire, HmacKey hmac) throws Exception {
        GpgKey server = GpgKey.builder().homeDir(serverHome).decryptId(SERVER).signerId(CLIENT).build();
        String ct = SpaWire.authenticate(wire, "hQ", hmac);
        return SpaMessageCodec.decode(new String(new GpgCipher().decrypt(ct, server), StandardCharsets.ISO_8859_1));
    }

    String[] base(String... more) {
        String[] b = {"--no-rc-file", "-A", "tcp/22", "-a", "10.200.0.1", "-D", "127.0.0.1", "-T", "-B",
            home.resolve("pkt").toString()};
        String[] all = new String[b.length + more.length];
        System.arraycopy(b, 0, all, 0, b.length);
        System.arraycopy(more, 0, all, b.length, more.length);
        return all;
    }

    String packet() throws IOException {
        return Files.readAllLines(home.resolve("pkt")).get(0);
    }

    @Test
    void signedPacketAsFwknopMakesIt() throws Exception {
        Result r = run(null, base("-g", "--gpg-recipient-key", SERVER, "--gpg-signer-key", CLIENT, "--gpg-home-dir",
                gnupg + "/", "--gpg-no-signing-pw"));
        // fwknop -T then decrypts with the client's own keys, which lack the server's secret key: it fails so
        assertEquals(1, r.status, r.err);
        assertTrue(r.err.contains("No access to recipient private key?"), r.err);
        assertTrue(r.out.startsWith("[+] GPG mode set, signing passphrase not required\nSPA Field Values:"), r.out);
        assertTrue(r.out.contains("Encryption Type: 2 (GPG)\nEncryption Mode: 7 (Asymmetric)\n     GPG signer: "
                + CLIENT + "\n  GPG recipient: " + SERVER + "\n"), r.out);
        assertTrue(r.out.contains("   GPG home dir: " + gnupg + "\n"), r.out);
        String wire = packet();
        assertTrue(wire.length() > 400 && !wire.startsWith("hQ"), wire);
        SpaMessage m = open(wire, null);
        assertEquals("10.200.0.1,tcp/22", m.message());
        assertEquals("tester", m.username());
        assertEquals(NOW, m.timestamp());
    }

    @Test
    void hmacOnTopAndTheTestDecryptWhenTheHomeHoldsTheRecipientKey() throws Exception {
        Files.write(gnupg.resolve("secring.gpg"), resource("server-secret.asc"), java.nio.file.StandardOpenOption.APPEND);
        Result r = run(null, base("-g", "--gpg-recipient-key", SERVER, "--gpg-signer-key", CLIENT, "--gpg-home-dir",
                gnupg.toString(), "--gpg-no-signing-pw", "--key-base64-hmac", HMAC_B64, "-v"));
        assertEquals(0, r.status, r.err + r.out);
        assertTrue(r.out.contains("Dump of the Decoded Data"), r.out);
        assertTrue(r.out.contains("      HMAC Type: 3 (SHA256)\n"), r.out);
        HmacKey hmac = new HmacKey("hmackey123".getBytes(StandardCharsets.US_ASCII), HmacType.SHA256);
        assertEquals("10.200.0.1,tcp/22", open(packet(), hmac).message());
    }

    @Test
    void fwknop19SpellingsAndRcKeywords() throws Exception {
        Result r = run(null, base("--gpg-recipient", SERVER, "--gpg-signing-key", CLIENT, "--gpg-home-dir",
                gnupg.toString(), "--gpg-no-signing-pw", "--gpg-no-options", "--gpg-verbose", "--gpg-path",
                "/usr/bin/gpg"));
        assertTrue(r.out.contains("[+] GnuPG: recipient " + SERVER + ", signer " + CLIENT), r.out);
        assertTrue(r.out.contains("/usr/bin/gpg is not needed"), r.out);
        assertEquals("10.200.0.1,tcp/22", open(packet(), null).message());

        Path rc = home.resolve(".fwknoprc");
        Files.writeString(rc, "[gw]\nUSE_GPG Y\nGPG_RECIPIENT " + SERVER + "\nGPG_SIGNER " + CLIENT + "\nGPG_HOMEDIR "
                + gnupg + "\nGPG_NO_SIGNING_PW Y\nACCESS tcp/22\nALLOW_IP 10.200.0.1\nSPA_SERVER 127.0.0.1\n");
        Files.setPosixFilePermissions(rc, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        r = run(null, "-n", "gw", "-T", "-B", home.resolve("pkt").toString());
        assertTrue(r.out.contains("Encryption Type: 2 (GPG)"), r.out + r.err);
        assertEquals("10.200.0.1,tcp/22", open(packet(), null).message());
        // the recipient alone does not turn GnuPG on in the rc file (only USE_GPG does), as in fwknop
        Files.writeString(rc, "[gw]\nGPG_RECIPIENT " + SERVER + "\nKEY secretkey\nACCESS tcp/22\n");
        r = run(null, "-n", "gw", "-a", "10.200.0.1", "-T");
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.contains("Encryption Type: 1 (Rijndael)"), r.out);
    }

    @Test
    void signingPassphraseFromStdinAndUnsignedPackets() throws Exception {
        // the vector keys have no passphrase: one given is simply not needed by the key
        Result r = run("unused passphrase\n", base("-g", "--gpg-recipient-key", SERVER, "--gpg-signer-key", CLIENT,
                "--gpg-home-dir", gnupg.toString(), "--stdin"));
        assertTrue(r.out.contains("Encryption Type: 2 (GPG)"), r.out + r.err);
        assertEquals("10.200.0.1,tcp/22", open(packet(), null).message());
        // no passphrase source at all: the error says what to use
        r = run(null, base("-g", "--gpg-recipient-key", SERVER, "--gpg-signer-key", CLIENT, "--gpg-home-dir",
                gnupg.toString()));
        assertEquals(1, r.status);
        assertTrue(r.err.contains("no signing passphrase"), r.err);
        // unsigned: encrypted only; a stanza requiring a signature refuses it
        run(null, base("-g", "--gpg-recipient-key", SERVER, "--gpg-home-dir", gnupg.toString()));
        String unsigned = packet();
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> open(unsigned, null));
        assertTrue(e.toString().contains("SIGNATURE_MISSING"), e.toString());
    }

    @Test
    void errorsAsFwknop() {
        Result r = run(null, base("-g", "--gpg-home-dir", gnupg.toString()));
        assertEquals(1, r.status);
        assertEquals("fwknop: Must specify --gpg-recipient-key when GPG is used.\n", r.err);
        r = run(null, base("-M", "asymmetric", "--key-rijndael", "abc"));
        assertEquals("fwknop: Must specify GPG recipient/signing keys when Asymmetric encryption mode is used.\n", r.err);
        r = run(null, base("-g", "--gpg-recipient-key", "nobody@nowhere", "--gpg-home-dir", gnupg.toString()));
        assertEquals(1, r.status);
        assertTrue(r.err.contains("GnuPG recipient key nobody@nowhere not found"), r.err);
    }
}
