package org.postern.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaMessageCodec;

/**
 * Postern's GnuPG cipher against the real gpg 2.x, with throwaway keys made by {@code gpg --batch}: what we
 * encrypt and sign, gpg decrypts and calls a good signature; what gpg encrypts and signs, we open; and every
 * key store format gpg writes is read: {@code pubring.kbx}, {@code private-keys-v1.d} in the extended and the
 * canonical format, unprotected, {@code openpgp-s2k3-ocb-aes}, {@code openpgp-s2k3-sha1-aes-cbc} and
 * {@code openpgp-native} (imported, plain and passphrase-protected), GnuPG 1.x {@code pubring.gpg} /
 * {@code secring.gpg}, and exported files (armoured and binary). ECC keys give PKESK headers other than
 * {@code hQ} (upstream #247), which the prefix candidates recover, with and without HMAC.
 */
class GnupgInteropTest {

    static GnupgHome server;
    static GnupgHome client;
    static String serverFpr;
    static String clientFpr;
    final GpgCipher cipher = new GpgCipher();

    @BeforeAll
    static void homes() throws IOException {
        assumeTrue(GnupgHome.available(), "gpg not installed");
        server = new GnupgHome();
        client = new GnupgHome();
        serverFpr = server.generate("spa server <server@test.invalid>", "rsa2048", "rsa2048", null);
        clientFpr = client.generate("spa client <client@test.invalid>", "rsa2048", "rsa2048", null);
        server.importFile(client.exportPublic(clientFpr, false));
        client.importFile(server.exportPublic(serverFpr, true));
        server.trust(clientFpr);
        client.trust(serverFpr);
    }

    @AfterAll
    static void cleanup() {
        if (server != null) {
            server.close();
        }
        if (client != null) {
            client.close();
        }
    }

    static String plaintext() {
        SpaMessage m = new SpaMessageBuilder().username("alice").timestamp(System.currentTimeMillis() / 1000)
                .allowIp("10.0.0.1").access("tcp/22").build();
        return SpaMessageCodec.encode(m);
    }

    static String last8(String fpr) {
        return fpr.substring(fpr.length() - 8);
    }

    private GpgKey serverKey(GnupgHome h, String fpr, String signerFpr, char[] pw) {
        return GpgKey.builder().homeDir(h.dir).decryptId(last8(fpr)).decryptPassphrase(pw).signerId(last8(signerFpr))
                .build();
    }

    private GpgKey clientKey(GnupgHome h, String recipient, String signer, char[] pw) {
        return GpgKey.builder().homeDir(h.dir).recipient(recipient).signer(signer).signerPassphrase(pw).build();
    }

    /** Decrypts our message with the real gpg; returns its status lines and output. */
    static GnupgHome.Result gpgDecrypt(GnupgHome h, String base64) throws IOException {
        Path f = Files.createTempFile(h.dir, "msg", ".gpg");
        Files.write(f, SpaBase64.decode(base64));
        return h.gpg(null, "--status-fd", "1", "--decrypt", f.toString());
    }

    @Test
    void gpgDecryptsWhatWeSignAndEncrypt() throws Exception {
        String pt = plaintext();
        String ct = cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), clientKey(client, last8(serverFpr),
                last8(clientFpr), null));
        assertTrue(ct.startsWith("hQ"), ct.substring(0, 4));
        GnupgHome.Result r = gpgDecrypt(server, ct);
        assertTrue(r.ok(), r.out());
        assertTrue(r.out().contains("[GNUPG:] GOODSIG"), r.out());
        assertTrue(r.out().contains("[GNUPG:] VALIDSIG " + clientFpr), r.out());
        assertTrue(r.out().contains("[GNUPG:] DECRYPTION_OKAY"), r.out());
        assertTrue(r.out().contains(pt), r.out());
        // and we open it too, as a stanza would
        SpaMessage m = VectorsTest.open(cipher, ct.substring(2), serverKey(server, serverFpr, clientFpr, null), null);
        assertEquals("alice", m.username());
        // fwknop 1.9's --gpg-default-key: the home's only secret key signs
        String byDefault = cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), GpgKey.builder().homeDir(client.dir)
                .recipient(serverFpr).defaultSigner(true).build());
        assertEquals(pt, new String(cipher.decrypt(byDefault, serverKey(server, serverFpr, clientFpr, null)),
                StandardCharsets.US_ASCII));
    }

    @Test
    void weOpenWhatGpgSignsAndEncrypts() throws Exception {
        String pt = plaintext();
        Path in = Files.createTempFile(client.dir, "pt", ".txt");
        Files.writeString(in, pt);
        Path out = client.dir.resolve("out-" + System.nanoTime() + ".gpg");
        GnupgHome.Result r = client.gpg(null, "--trust-model", "always", "--output", out.toString(), "--recipient",
                last8(serverFpr), "--local-user", last8(clientFpr), "--sign", "--encrypt", in.toString());
        assertTrue(r.ok(), r.out());
        String ct = SpaBase64.encode(Files.readAllBytes(out));
        assertTrue(ct.startsWith("hQ"));
        String wire = ct.substring(2);
        HmacKey hmac = new HmacKey("an hmac key for the test".getBytes(StandardCharsets.US_ASCII), HmacType.SHA256);
        String withMac = wire + hmac.macBase64(ct.getBytes(StandardCharsets.US_ASCII));
        SpaMessage m = VectorsTest.open(cipher, withMac, serverKey(server, serverFpr, clientFpr, null), hmac);
        assertEquals(pt, SpaMessageCodec.encode(m));
        // unsigned data where a signature is required
        Path out2 = client.dir.resolve("out2-" + System.nanoTime() + ".gpg");
        r = client.gpg(null, "--trust-model", "always", "--output", out2.toString(), "--recipient", last8(serverFpr),
                "--encrypt", in.toString());
        assertTrue(r.ok(), r.out());
        String unsigned = SpaBase64.encode(Files.readAllBytes(out2));
        SpaException e = assertThrows(SpaException.class,
                () -> cipher.decrypt(unsigned, serverKey(server, serverFpr, clientFpr, null)));
        assertEquals(RefusalReason.SIGNATURE_MISSING, e.reason());
        GpgKey optional = GpgKey.builder().homeDir(server.dir).requireSignature(false).build();
        assertEquals(pt, new String(cipher.decrypt(unsigned, optional), StandardCharsets.US_ASCII));
    }

    @Test
    // gpg prints some random salts and nonces as quoted strings: ExtendedKeyText (about one key in six failed)
    void passphraseProtectedKeysInTheExtendedFormat() throws Exception {
        char[] pw = "server pass phrase".toCharArray();
        try (GnupgHome s = new GnupgHome(); GnupgHome c = new GnupgHome()) {
            String sf = s.generate("locked server <ls@test.invalid>", "rsa2048", "rsa2048", new String(pw));
            String cf = c.generate("locked client <lc@test.invalid>", "rsa2048", "rsa2048", "client pw");
            assertTrue(storeText(s).contains("openpgp-s2k3-ocb-aes"), "expected OCB protection");
            s.importFile(c.exportPublic(cf, false));
            c.importFile(s.exportPublic(sf, false));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII),
                    clientKey(c, sf, cf, "client pw".toCharArray()));
            assertTrue(cipher.decrypt(ct, serverKey(s, sf, cf, pw)).length > 0);
            SpaException wrong = assertThrows(SpaException.class,
                    () -> cipher.decrypt(ct, serverKey(s, sf, cf, "not it".toCharArray())));
            assertEquals(RefusalReason.DECRYPTION_FAILED, wrong.reason());
            assertTrue(wrong.getMessage().contains("passphrase"), wrong.getMessage());
            assertThrows(SpaException.class, () -> cipher.encrypt(new byte[] {'x'}, clientKey(c, sf, cf, null)));
            GnupgHome.Result r = gpgDecryptWith(s, ct, new String(pw));
            assertTrue(r.out().contains("[GNUPG:] GOODSIG"), r.out());
        }
    }

    @Test
    void canonicalFormatWithSha1AesCbcAndUnprotectedKeys() throws Exception {
        try (GnupgHome s = new GnupgHome(); GnupgHome c = new GnupgHome()) {
            Files.writeString(s.dir.resolve("gpg-agent.conf"), "disable-extended-key-format\n");
            Files.writeString(c.dir.resolve("gpg-agent.conf"), "disable-extended-key-format\n");
            String sf = s.generate("cbc server <cs@test.invalid>", "rsa2048", "rsa2048", "cbc pass");
            String cf = c.generate("plain client <pc@test.invalid>", "rsa2048", "rsa2048", null);
            assertTrue(storeText(s).contains("openpgp-s2k3-sha1-aes-cbc"), "expected CBC protection");
            assertTrue(storeText(s).startsWith("(21:protected-private-key"), "expected the canonical format");
            assertTrue(storeText(c).startsWith("(11:private-key"), "expected an unprotected canonical key");
            s.importFile(c.exportPublic(cf, true));
            c.importFile(s.exportPublic(sf, true));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII), clientKey(c, sf, cf, null));
            assertTrue(cipher.decrypt(ct, serverKey(s, sf, cf, "cbc pass".toCharArray())).length > 0);
            SpaException e = assertThrows(SpaException.class,
                    () -> cipher.decrypt(ct, serverKey(s, sf, cf, "wrong".toCharArray())));
            assertEquals(RefusalReason.DECRYPTION_FAILED, e.reason());
        }
    }

    @Test
    void importedProtectedKeyStaysInOpenpgpNativeForm() throws Exception {
        try (GnupgHome a = new GnupgHome(); GnupgHome b = new GnupgHome()) {
            String sf = a.generate("native server <ns@test.invalid>", "rsa2048", "rsa2048", "native pw");
            Path sec = a.exportSecret(sf, "native pw", true);
            b.gpg(null, "--import", client.exportPublic(clientFpr, false).toString());
            GnupgHome.Result r = b.gpg(null, "--import", sec.toString());
            assertTrue(r.ok(), r.out());
            b.stopAgent();
            String store = storeText(b);
            assertTrue(store.contains("openpgp-native") && store.contains("sha1"), store.substring(0, 200));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII), GpgKey.builder()
                    .homeDir(client.dir).keyData(Files.readAllBytes(a.exportPublic(sf, true))).recipient(sf)
                    .signer(clientFpr).build());
            assertTrue(cipher.decrypt(ct, serverKey(b, sf, clientFpr, "native pw".toCharArray())).length > 0);
            assertThrows(SpaException.class, () -> cipher.decrypt(ct, serverKey(b, sf, clientFpr, "no".toCharArray())));
        }
    }

    @Test
    void gnupg1KeyringsAndExportedFiles() throws Exception {
        try (GnupgHome h = new GnupgHome(); GnupgHome legacy = new GnupgHome()) {
            String sf = h.generate("legacy server <lg@test.invalid>", "rsa2048", "rsa2048", "legacy pw");
            // a GnuPG 1.x home: pubring.gpg and secring.gpg are plain transferable key sequences
            Files.copy(h.exportPublic(sf, false), legacy.dir.resolve("pubring.gpg"));
            Files.write(legacy.dir.resolve("pubring.gpg"), Files.readAllBytes(client.exportPublic(clientFpr, false)),
                    java.nio.file.StandardOpenOption.APPEND);
            Files.copy(h.exportSecret(sf, "legacy pw", false), legacy.dir.resolve("secring.gpg"));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII), GpgKey.builder()
                    .homeDir(client.dir).keyFile(h.exportPublic(sf, true)).recipient("legacy server").signer(clientFpr)
                    .build());
            assertTrue(cipher.decrypt(ct, serverKey(legacy, sf, clientFpr, "legacy pw".toCharArray())).length > 0);
            // exported files only: armoured secret + binary public
            GpgKey files = GpgKey.builder().keyFile(h.exportSecret(sf, "legacy pw", true))
                    .keyFile(client.exportPublic(clientFpr, false)).decryptId("<lg@test.invalid>")
                    .decryptPassphrase("legacy pw".toCharArray()).signerFingerprint(clientFpr).build();
            assertTrue(cipher.decrypt(ct, files).length > 0);
        }
    }

    @Test
    void eccKeysGiveAnotherPkeskHeaderWhichIsRecovered() throws Exception {
        try (GnupgHome s = new GnupgHome()) {
            String sf = s.generate("ecc server <ecc@test.invalid>", "ed25519", "cv25519", null);
            s.importFile(client.exportPublic(clientFpr, false));
            client.importFile(s.exportPublic(sf, false));
            GpgKey sk = serverKey(s, sf, clientFpr, null);
            HmacKey hmac = new HmacKey("hmac for ecc".getBytes(StandardCharsets.US_ASCII), HmacType.SHA256);
            for (int i = 0; i < 3; i++) {
                String pt = plaintext();
                String ct = cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), clientKey(client, sf, clientFpr, null));
                assertTrue(ct.startsWith("h"), ct.substring(0, 2));
                assertNotEquals("hQ", ct.substring(0, 2), "cv25519 PKESK is short: not fwknop's hQ");
                String wire = ct.substring(2); // what fwknop's client sends
                List<String> candidates = cipher.wirePrefixes(wire);
                assertTrue(candidates.contains(ct.substring(0, 2)), candidates.toString());
                assertEquals(pt, SpaMessageCodec.encode(VectorsTest.open(cipher, wire, sk, null)));
                String withMac = wire + hmac.macBase64(ct.getBytes(StandardCharsets.US_ASCII));
                assertEquals(pt, SpaMessageCodec.encode(VectorsTest.open(cipher, withMac, sk, hmac)));
                // fwknopd would put back hQ: that fails, as upstream #247 describes
                assertThrows(SpaException.class, () -> cipher.decrypt("hQ" + wire, sk));
            }
            // gpg's own ECC message
            Path in = Files.createTempFile(client.dir, "pt", ".txt");
            String pt = plaintext();
            Files.writeString(in, pt);
            Path out = client.dir.resolve("ecc-" + System.nanoTime() + ".gpg");
            GnupgHome.Result r = client.gpg(null, "--trust-model", "always", "--output", out.toString(), "--recipient",
                    sf, "--local-user", clientFpr, "--sign", "--encrypt", in.toString());
            assertTrue(r.ok(), r.out());
            String ct = SpaBase64.encode(Files.readAllBytes(out));
            assertEquals(pt, SpaMessageCodec.encode(VectorsTest.open(cipher, ct.substring(2), sk, null)));
            // and gpg opens ours
            String ours = cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), clientKey(client, sf, clientFpr, null));
            s.trust(clientFpr);
            r = gpgDecrypt(s, ours);
            assertTrue(r.out().contains("[GNUPG:] GOODSIG") && r.out().contains(pt), r.out());
        }
    }

    @Test
    void protectedEccKeysInBothAgentFormats() throws Exception {
        for (boolean extended : new boolean[] {true, false}) {
            try (GnupgHome s = new GnupgHome(); GnupgHome c = new GnupgHome()) {
                if (!extended) {
                    Files.writeString(s.dir.resolve("gpg-agent.conf"), "disable-extended-key-format\n");
                    Files.writeString(c.dir.resolve("gpg-agent.conf"), "disable-extended-key-format\n");
                }
                String sf = s.generate("ecc locked <el@test.invalid>", "ed25519", "cv25519", "ecc server pw");
                String cf = c.generate("ecc signer <es@test.invalid>", "ed25519", null, "ecc client pw");
                assertTrue(storeText(s).contains(extended ? "openpgp-s2k3-ocb-aes" : "openpgp-s2k3-sha1-aes-cbc"));
                s.importFile(c.exportPublic(cf, false));
                c.importFile(s.exportPublic(sf, false));
                String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII),
                        clientKey(c, sf, cf, "ecc client pw".toCharArray()));
                assertNotEquals("hQ", ct.substring(0, 2));
                GpgKey sk = serverKey(s, sf, cf, "ecc server pw".toCharArray());
                assertTrue(VectorsTest.open(cipher, ct.substring(2), sk, null).username().equals("alice"));
                SpaException e = assertThrows(SpaException.class,
                        () -> cipher.decrypt(ct, serverKey(s, sf, cf, "wrong".toCharArray())));
                assertEquals(RefusalReason.DECRYPTION_FAILED, e.reason(), e.toString());
            }
        }
    }

    @Test
    void eccSignerThroughEd25519() throws Exception {
        try (GnupgHome c = new GnupgHome()) {
            String cf = c.generate("ecc client <eccc@test.invalid>", "ed25519", null, null);
            c.importFile(server.exportPublic(serverFpr, false));
            server.importFile(c.exportPublic(cf, false));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII), clientKey(c, serverFpr, cf, null));
            assertTrue(ct.startsWith("hQ"));
            assertTrue(cipher.decrypt(ct, serverKey(server, serverFpr, cf, null)).length > 0);
            server.trust(cf);
            GnupgHome.Result r = gpgDecrypt(server, ct);
            assertTrue(r.out().contains("[GNUPG:] GOODSIG"), r.out());
        }
    }

    @Test
    void keyringIsReadAgainWhenTheHomeChanges() throws Exception {
        try (GnupgHome s = new GnupgHome()) {
            String sf = s.generate("late server <late@test.invalid>", "rsa2048", "rsa2048", null);
            GpgKey sk = serverKey(s, sf, clientFpr, null);
            client.importFile(s.exportPublic(sf, false));
            String ct = cipher.encrypt(plaintext().getBytes(StandardCharsets.US_ASCII), clientKey(client, sf, clientFpr, null));
            SpaException e = assertThrows(SpaException.class, () -> cipher.decrypt(ct, sk));
            assertEquals(RefusalReason.SIGNATURE_INVALID, e.reason()); // the client's public key is not there yet
            s.importFile(client.exportPublic(clientFpr, false));
            assertTrue(cipher.decrypt(ct, sk).length > 0);
        }
    }

    private static GnupgHome.Result gpgDecryptWith(GnupgHome h, String base64, String passphrase) throws IOException {
        Path f = Files.createTempFile(h.dir, "msg", ".gpg");
        Files.write(f, SpaBase64.decode(base64));
        return h.gpg(passphrase + "\n", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--status-fd", "1",
                "--decrypt", f.toString());
    }

    private static String storeText(GnupgHome h) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var s = Files.list(h.dir.resolve("private-keys-v1.d"))) {
            for (Path p : s.sorted().toList()) {
                sb.append(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return sb.toString();
    }

}
