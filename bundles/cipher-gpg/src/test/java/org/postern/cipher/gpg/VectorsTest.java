package org.postern.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The two GnuPG vectors made by the real fwknop 2.6.10 client (gpgme, RSA-2048 keys): v22 signed, v23 signed
 * and HMAC-SHA256. Each decrypts with the server's secret key, its signature is checked against the client's
 * public key and GPG_REMOTE_ID / GPG_FINGERPRINT_ID, and the plaintext is exactly fwknop's
 * {@code encoded_data:digest}. The keys come from the exported .asc files, and again from a GnuPG home the
 * real gpg imported them into ({@code pubring.kbx} + {@code private-keys-v1.d}).
 */
class VectorsTest {

    static final String SERVER_FPR = "6836E410C02644A4860CE089AF362CBBA5A32BEF";
    static final String CLIENT_FPR = "E39B866D1E39077528BE6F793F693E1961C117DC";
    static final String HMAC_KEY = "NHWp+Vzz9XmIp6g9dHCAjTpeelCz2R3Z9VoOxXIFGKwYb0t3LWMJIJo1ylt1l0tOO5KbypkSyrm1rFqBCJUfhA==";

    private final SpaCipher cipher = new GpgCipher();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = VectorsTest.class.getResourceAsStream("/vectors/" + name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            return in.readAllBytes();
        }
    }

    static String wire(String id) throws IOException {
        return new String(resource(id + ".spa"), StandardCharsets.US_ASCII).strip();
    }

    static JsonNode vector(String id) throws IOException {
        for (JsonNode v : new ObjectMapper().readTree(resource("vectors.json")).get("vectors")) {
            if (v.get("id").asText().equals(id)) {
                return v;
            }
        }
        throw new IOException("no vector " + id);
    }

    static GpgKey.Builder serverKeys() throws IOException {
        return GpgKey.builder().keyData(resource("gpg/server-secret.asc")).keyData(resource("gpg/client-public.asc"))
                .decryptId("A5A32BEF");
    }

    /** What a server does with a GnuPG stanza: each plausible prefix, HMAC first, then decryption and decoding. */
    static SpaMessage open(SpaCipher cipher, String wire, GpgKey key, HmacKey hmac) throws SpaException {
        SpaException last = null;
        for (String prefix : cipher.wirePrefixes(wire)) {
            String ct;
            try {
                ct = SpaWire.authenticate(wire, prefix, hmac);
            } catch (SpaException e) {
                last = e;
                continue;
            }
            byte[] plain;
            try {
                plain = cipher.decrypt(ct, key);
            } catch (SpaException e) {
                if (e.reason().step() == RefusalReason.Step.POLICY || hmac != null) {
                    throw e;
                }
                last = e;
                continue;
            }
            return SpaMessageCodec.decode(new String(plain, StandardCharsets.ISO_8859_1));
        }
        throw last;
    }

    private static void assertFields(SpaMessage m, JsonNode v) {
        JsonNode f = v.get("fields");
        assertEquals(f.get("random").asText(), m.random());
        assertEquals(f.get("username").asText(), m.username());
        assertEquals(f.get("timestamp").asLong(), m.timestamp());
        assertEquals(f.get("message").asText(), m.message());
        assertEquals(f.get("encoded_data").asText(), SpaMessageCodec.encodeFields(m));
        assertEquals(f.get("spa_digest").asText(), SpaMessageCodec.digest(SpaMessageCodec.encodeFields(m), m.digestType()));
    }

    @Test
    void v22DecryptsWithTheSignatureChecked() throws Exception {
        String w = wire("v22-gpg");
        assertEquals(vector("v22-gpg").get("spa_data").asText(), w);
        assertEquals(java.util.List.of("hQ"), cipher.wirePrefixes(w));
        byte[] plain = cipher.decrypt("hQ" + w, serverKeys().signerId("61C117DC").build());
        JsonNode f = vector("v22-gpg").get("fields");
        assertEquals(f.get("encoded_data").asText() + ":" + f.get("spa_digest").asText(),
                new String(plain, StandardCharsets.US_ASCII));
        assertFields(open(cipher, w, serverKeys().signerId("61C117DC").build(), null), vector("v22-gpg"));
        assertFields(open(cipher, w, serverKeys().signerFingerprint(CLIENT_FPR).build(), null), vector("v22-gpg"));
        assertFields(open(cipher, w, serverKeys().signerFingerprint(CLIENT_FPR).signerId("61C117DC").build(), null),
                vector("v22-gpg"));
    }

    @Test
    void v23AuthenticatesThenDecrypts() throws Exception {
        String w = wire("v23-gpg-hmac");
        HmacKey hmac = new HmacKey(Base64.getDecoder().decode(HMAC_KEY), HmacType.SHA256);
        assertFields(open(cipher, w, serverKeys().signerId("61C117DC").build(), hmac), vector("v23-gpg-hmac"));
        assertTrue(w.endsWith(vector("v23-gpg-hmac").get("fields").get("hmac").asText()));
        HmacKey wrong = new HmacKey("not the key".getBytes(StandardCharsets.US_ASCII), HmacType.SHA256);
        SpaException e = assertThrows(SpaException.class,
                () -> open(cipher, w, serverKeys().signerId("61C117DC").build(), wrong));
        assertEquals(RefusalReason.HMAC_MISMATCH, e.reason());
    }

    @Test
    void signerNotInRemoteIdIsRefused() throws Exception {
        SpaException e = assertThrows(SpaException.class,
                () -> cipher.decrypt("hQ" + wire("v22-gpg"), serverKeys().signerId("A5A32BEF").build()));
        assertEquals(RefusalReason.SIGNER_NOT_ALLOWED, e.reason());
        assertTrue(e.getMessage().contains("61C117DC"), e.getMessage());
        // case-sensitive, as fwknop compares
        e = assertThrows(SpaException.class,
                () -> cipher.decrypt("hQ" + wire("v22-gpg"), serverKeys().signerId("61c117dc").build()));
        assertEquals(RefusalReason.SIGNER_NOT_ALLOWED, e.reason());
        // both lists must match when both are set
        e = assertThrows(SpaException.class, () -> cipher.decrypt("hQ" + wire("v22-gpg"),
                serverKeys().signerId("61C117DC").signerFingerprint(SERVER_FPR).build()));
        assertEquals(RefusalReason.SIGNER_NOT_ALLOWED, e.reason());
    }

    @Test
    void signerWithoutPublicKeyIsInvalidUnlessIgnored() throws Exception {
        GpgKey.Builder noSignerKey = GpgKey.builder().keyData(resource("gpg/server-secret.asc")).decryptId("A5A32BEF")
                .signerId("61C117DC");
        SpaException e = assertThrows(SpaException.class,
                () -> cipher.decrypt("hQ" + wire("v22-gpg"), noSignerKey.build()));
        assertEquals(RefusalReason.SIGNATURE_INVALID, e.reason());
        assertTrue(e.getMessage().contains("NO_PUBLIC_KEY"), e.getMessage());
        // GPG_IGNORE_SIG_VERIFY_ERROR: the ID is still checked, against the issuer fingerprint in the signature
        byte[] plain = cipher.decrypt("hQ" + wire("v22-gpg"), noSignerKey.ignoreSignatureErrors(true).build());
        assertTrue(new String(plain, StandardCharsets.US_ASCII).startsWith("6059527291052874:"));
    }

    @Test
    void signatureNotRequiredIsNotEvaluated() throws Exception {
        GpgKey k = GpgKey.builder().keyData(resource("gpg/server-secret.asc")).requireSignature(false).build();
        assertTrue(new String(cipher.decrypt("hQ" + wire("v22-gpg"), k), StandardCharsets.US_ASCII)
                .startsWith("6059527291052874:"));
    }

    @Test
    void wrongRecipientIsRefused() throws Exception {
        GpgKey clientOnly = GpgKey.builder().keyData(resource("gpg/client-secret.asc"))
                .keyData(resource("gpg/client-public.asc")).signerId("61C117DC").build();
        SpaException e = assertThrows(SpaException.class, () -> cipher.decrypt("hQ" + wire("v22-gpg"), clientOnly));
        assertEquals(RefusalReason.WRONG_RECIPIENT, e.reason());
        assertTrue(e.getMessage().contains("0C221A7417B27DCD"), e.getMessage());
        e = assertThrows(SpaException.class, () -> open(cipher, wire("v22-gpg"), clientOnly, null));
        assertEquals(RefusalReason.WRONG_RECIPIENT, e.reason());
    }

    @Test
    void decryptIdNamingNoSecretKeyIsAnError() throws Exception {
        SpaException e = assertThrows(SpaException.class, () -> cipher.decrypt("hQ" + wire("v22-gpg"),
                serverKeys().decryptId("61C117DC").signerId("61C117DC").build()));
        assertEquals(RefusalReason.DECRYPTION_FAILED, e.reason());
    }

    @Test
    void keysFromAGnupgHomeTheRealGpgImportedInto() throws Exception {
        assumeTrue(GnupgHome.available(), "gpg not installed");
        try (GnupgHome home = new GnupgHome()) {
            for (String f : new String[] {"server-secret.asc", "client-public.asc"}) {
                Path p = home.dir.resolve(f);
                Files.write(p, resource("gpg/" + f));
                home.importFile(p);
            }
            home.stopAgent();
            assertTrue(Files.exists(home.dir.resolve("pubring.kbx")));
            GpgKey k = GpgKey.builder().homeDir(home.dir).decryptId("A5A32BEF").signerId("61C117DC").build();
            assertFields(open(cipher, wire("v22-gpg"), k, null), vector("v22-gpg"));
            HmacKey hmac = new HmacKey(Base64.getDecoder().decode(HMAC_KEY), HmacType.SHA256);
            assertFields(open(cipher, wire("v23-gpg-hmac"), k, hmac), vector("v23-gpg-hmac"));
            // the imported secret key is still in gpg's transfer form (openpgp-native, unprotected)
            try (var s = Files.list(home.dir.resolve("private-keys-v1.d"))) {
                assertTrue(s.anyMatch(p -> {
                    try {
                        return Files.readString(p, StandardCharsets.ISO_8859_1).contains("openpgp-native");
                    } catch (IOException e) {
                        return false;
                    }
                }));
            }
        }
    }
}
