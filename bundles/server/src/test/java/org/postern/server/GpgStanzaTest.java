package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.gpg.GpgCipher;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * GnuPG access stanzas with fwknopd's rules, through the whole pipeline: the real fwknop 2.6.10 vectors v22
 * (signed) and v23 (signed + HMAC-SHA256) open the port at their timestamp; a signer outside GPG_REMOTE_ID is
 * refused (and its digest kept, as fwknopd keeps it); a stanza may hold a KEY and GnuPG keys; a signature
 * required without GPG_REMOTE_ID / GPG_FINGERPRINT_ID stops the start. The GnuPG home is a GnuPG 1.x style
 * one (pubring.gpg, secring.gpg) made from the vectors' exported keys, so no gpg binary is needed.
 */
class GpgStanzaTest {

    static final long VECTOR_TIME = 1795862855L;
    static final String HMAC_B64 = "NHWp+Vzz9XmIp6g9dHCAjTpeelCz2R3Z9VoOxXIFGKwYb0t3LWMJIJo1ylt1l0tOO5KbypkSyrm1rFqBCJUfhA==";

    @TempDir
    Path dir;
    Path home;
    final List<String> fw = new ArrayList<>();
    final SpaCipher rijndael = new RijndaelCipher();
    final SpaCipher gpg = new GpgCipher();
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(VECTOR_TIME), ZoneOffset.UTC);

    final FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            fw.add("grant " + g.source().getHostAddress() + " " + g.ports());
        }

        public void revoke(AccessGrant g) {
        }

        public List<String> list() {
            return fw;
        }

        public void flush() {
        }
    };

    static byte[] resource(String name) throws IOException {
        try (InputStream in = GpgStanzaTest.class.getResourceAsStream("/vectors/" + name)) {
            return in.readAllBytes();
        }
    }

    static String wire(String id) throws IOException {
        return new String(resource(id + ".spa"), StandardCharsets.US_ASCII).strip();
    }

    @BeforeEach
    void gnupgHome() throws IOException {
        home = Files.createDirectory(dir.resolve("gnupg"));
        Files.write(home.resolve("pubring.gpg"), resource("gpg/client-public.asc"));
        Files.write(home.resolve("secring.gpg"), resource("gpg/server-secret.asc"));
    }

    String gpgStanza(String... extra) {
        StringBuilder s = new StringBuilder("SOURCE ANY\nGPG_HOME_DIR " + home + "\nGPG_DECRYPT_ID A5A32BEF\n"
                + "GPG_ALLOW_NO_PW Y\nFW_ACCESS_TIMEOUT 5\n");
        for (String e : extra) {
            s.append(e).append('\n');
        }
        return s.toString();
    }

    Pipeline pipeline(String accessConf, DigestFile cache) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, accessConf);
        List<AccessStanza> stanzas = new AccessConfParser().parse(access);
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        return new Pipeline(new PolicySet(stanzas, true, 120, false), cache,
                new StanzaTrial(t -> t.equals(GpgKey.TYPE) ? gpg : rijndael), new LiveGrants(slot, clock),
                new RefusalCounters(), clock);
    }

    static CapturedPacket captured(String wire) throws Exception {
        return new CapturedPacket(wire.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("10.200.0.1"),
                40000, InetAddress.getByName("10.200.0.2"), 62201, Transport.UDP, Instant.now(), "test");
    }

    RefusalReason refusal(Pipeline p, String wire) throws Exception {
        CapturedPacket c = captured(wire);
        return assertThrows(SpaException.class, () -> p.process(c)).reason();
    }

    @Test
    void realFwknopGpgPacketsOpenThePort() throws Exception {
        Pipeline p = pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC"), new DigestFile(null));
        assertNotNull(p.process(captured(wire("v22-gpg"))));
        assertEquals(List.of("grant 10.200.0.1 [tcp/22]"), fw);
        assertEquals(RefusalReason.REPLAY, refusal(p, wire("v22-gpg")));
        Pipeline withHmac = pipeline(gpgStanza("GPG_FINGERPRINT_ID E39B866D1E39077528BE6F793F693E1961C117DC",
                "HMAC_KEY_BASE64 " + HMAC_B64), new DigestFile(null));
        assertNotNull(withHmac.process(captured(wire("v23-gpg-hmac"))));
        // without the HMAC key the stanza takes the MAC for ciphertext: nothing opens
        assertEquals(2, fw.size());
        assertTrue(refusal(pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC"), new DigestFile(null)), wire("v23-gpg-hmac"))
                .step() == RefusalReason.Step.STANZA_TRIAL);
    }

    @Test
    void signerOutsideRemoteIdIsRefusedAndItsDigestKept() throws Exception {
        Pipeline p = pipeline(gpgStanza("GPG_REMOTE_ID A5A32BEF"), new DigestFile(null));
        assertEquals(RefusalReason.SIGNER_NOT_ALLOWED, refusal(p, wire("v22-gpg")));
        assertEquals(RefusalReason.REPLAY, refusal(p, wire("v22-gpg")));
        Pipeline both = pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC",
                "GPG_FINGERPRINT_ID 6836E410C02644A4860CE089AF362CBBA5A32BEF"), new DigestFile(null));
        assertEquals(RefusalReason.SIGNER_NOT_ALLOWED, refusal(both, wire("v22-gpg")));
        assertTrue(fw.isEmpty());
    }

    @Test
    void wrongRecipientAndMissingSignerKey() throws Exception {
        Path other = Files.createDirectory(dir.resolve("other"));
        Files.write(other.resolve("secring.gpg"), resource("gpg/client-secret.asc"));
        String conf = "SOURCE ANY\nGPG_HOME_DIR " + other + "\nGPG_ALLOW_NO_PW Y\nGPG_REMOTE_ID 61C117DC\n";
        assertEquals(RefusalReason.WRONG_RECIPIENT, refusal(pipeline(conf, new DigestFile(null)), wire("v22-gpg")));
        Files.delete(home.resolve("pubring.gpg"));
        assertEquals(RefusalReason.SIGNATURE_INVALID,
                refusal(pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC"), new DigestFile(null)), wire("v22-gpg")));
        assertNotNull(pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC", "GPG_IGNORE_SIG_VERIFY_ERROR Y"),
                new DigestFile(null)).process(captured(wire("v22-gpg"))));
        assertNotNull(pipeline(gpgStanza("GPG_DISABLE_SIG Y"), new DigestFile(null)).process(captured(wire("v22-gpg"))));
    }

    @Test
    void aStanzaWithKeyAndGpgOpensBoth() throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Pipeline p = pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC", "KEY 0123456789abcdef0123456789abcdef"),
                new DigestFile(null));
        String rijndaelWire = SpaWire.seal(new SpaMessageBuilder().username("bob").timestamp(VECTOR_TIME)
                .allowIp("10.200.0.1").access("tcp/2222").build(), rijndael, new RijndaelKey(key, EncryptionMode.CBC),
                null);
        assertNotNull(p.process(captured(rijndaelWire)));
        assertNotNull(p.process(captured(wire("v22-gpg"))));
        assertEquals(List.of("grant 10.200.0.1 [tcp/2222]", "grant 10.200.0.1 [tcp/22]"), fw);
        // a GnuPG-only stanza has nothing for a short (Rijndael-length) packet
        Pipeline gpgOnly = pipeline(gpgStanza("GPG_REMOTE_ID 61C117DC"), new DigestFile(null));
        String again = SpaWire.seal(new SpaMessageBuilder().username("bob").timestamp(VECTOR_TIME)
                .allowIp("10.200.0.1").access("tcp/2222").build(), rijndael, new RijndaelKey(key, EncryptionMode.CBC),
                null);
        assertEquals(RefusalReason.CIPHER_UNAVAILABLE, refusal(gpgOnly, again));
    }

    @Test
    void fwknopdStartRules() throws Exception {
        Path access = dir.resolve("rules.conf");
        Files.writeString(access, gpgStanza());
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        assertTrue(e.getMessage().contains("neither GPG_REMOTE_ID nor GPG_FINGERPRINT_ID"), e.getMessage());
        Files.writeString(access, gpgStanza("GPG_REQUIRE_SIG N"));
        assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access)); // only GPG_DISABLE_SIG turns it off
        Files.writeString(access, gpgStanza("GPG_REQUIRE_SIG Y", "GPG_DISABLE_SIG Y"));
        assertTrue(new AccessConfParser().parse(access).get(0).gpgKey().requireSignature()); // "will check sigs"
        Files.writeString(access, gpgStanza("GPG_DISABLE_SIG Y", "GPG_DECRYPT_PW same", "HMAC_KEY same"));
        assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        Files.writeString(access, gpgStanza("GPG_DISABLE_SIG Y", "GPG_EXE /usr/bin/gpg", "GPG_DECRYPT_PW secret pw"));
        AccessConfParser parser = new AccessConfParser();
        AccessStanza s = parser.parse(access).get(0);
        assertNull(s.key());
        assertTrue(!s.gpgKey().requireSignature());
        assertEquals("secret pw", new String(s.gpgKey().decryptPassphrase()));
        assertEquals("********", s.display().get("GPG_DECRYPT_PW"));
        assertTrue(parser.notices().get(0).contains("GPG_EXE at " + access + ":7 is not needed"), parser.notices().toString());
        // GPG_HOME_DIR defaults to fwknopd.conf's
        Files.writeString(access, "SOURCE ANY\nGPG_ALLOW_NO_PW Y\nGPG_REMOTE_ID 61C117DC\n");
        assertEquals(Path.of("/etc/gnupg-test"),
                new AccessConfParser().gpgHome(Path.of("/etc/gnupg-test")).parse(access).get(0).gpgKey().homeDir());
        assertEquals(Path.of("/root/.gnupg"), new AccessConfParser().parse(access).get(0).gpgKey().homeDir());
        // a remote ID that can never match is reported
        Files.writeString(access, "SOURCE ANY\nGPG_ALLOW_NO_PW Y\nGPG_REMOTE_ID 0x61c117dc\n");
        parser = new AccessConfParser();
        parser.parse(access);
        assertTrue(parser.notices().get(0).contains("will never match"), parser.notices().toString());
    }
}
