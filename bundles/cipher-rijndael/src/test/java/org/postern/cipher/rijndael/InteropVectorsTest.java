package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Every Rijndael packet the real fwknop 2.6.10 client made decodes to the fields it recorded. */
class InteropVectorsTest {

    private final RijndaelCipher cipher = new RijndaelCipher();

    @TestFactory
    List<DynamicTest> vectorsDecodeToRecordedFields() throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/vectors/vectors.json")) {
            root = new ObjectMapper().readTree(in);
        }
        JsonNode keys = root.get("keys");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : root.get("vectors")) {
            String id = v.get("id").asText();
            if (v.get("fields").get("encryption_type").asText().contains("GPG")) {
                continue; // GnuPG vectors belong to cipher-gpg
            }
            tests.add(DynamicTest.dynamicTest(id, () -> check(v, keys)));
        }
        assertEquals(21, tests.size());
        return tests;
    }

    private void check(JsonNode v, JsonNode keys) throws Exception {
        JsonNode f = v.get("fields");
        String wire = v.get("spa_data").asText();
        String fileWire;
        try (InputStream in = getClass().getResourceAsStream("/vectors/" + v.get("file").asText())) {
            fileWire = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        }
        assertEquals(wire, fileWire);
        List<String> argv = new ArrayList<>();
        v.get("fwknop_argv").forEach(a -> argv.add(a.asText()));

        byte[] key;
        if (argv.contains("--key-rijndael")) {
            key = argv.get(argv.indexOf("--key-rijndael") + 1).getBytes(StandardCharsets.US_ASCII);
        } else {
            key = Base64.getDecoder().decode(keys.get("KEY_BASE64").asText());
        }
        EncryptionMode mode = EncryptionMode.CBC;
        int m = Math.max(argv.indexOf("-M"), argv.indexOf("--encryption-mode"));
        if (m >= 0) {
            mode = EncryptionMode.parse(argv.get(m + 1));
        }
        HmacKey hmac = null;
        HmacType htype = HmacType.SHA256;
        int ht = argv.indexOf("--hmac-digest-type");
        if (ht >= 0) {
            htype = HmacType.parse(argv.get(ht + 1));
        }
        if (argv.contains("--key-hmac")) {
            hmac = new HmacKey(argv.get(argv.indexOf("--key-hmac") + 1).getBytes(StandardCharsets.US_ASCII), htype);
        } else if (argv.contains("--key-base64-hmac")) {
            hmac = new HmacKey(Base64.getDecoder().decode(keys.get("HMAC_KEY_BASE64").asText()), htype);
        }

        SpaMessage msg = SpaWire.open(wire, cipher, new RijndaelKey(key, mode), hmac);
        assertEquals(f.get("random").asText(), msg.random());
        assertEquals(f.get("username").asText(), msg.username());
        assertEquals(f.get("timestamp").asLong(), msg.timestamp());
        assertEquals(f.get("version").asText(), msg.version());
        assertEquals(f.get("message_type").asInt(), msg.type().code());
        assertEquals(f.get("message").asText(), msg.message());
        if (f.get("nat_access").isNull()) {
            assertNull(msg.natAccess());
        } else {
            assertEquals(f.get("nat_access").asText(), msg.natAccess());
        }
        assertEquals(f.get("client_timeout").asInt(), msg.clientTimeout());
        assertEquals(f.get("digest_type").asText(), msg.digestType().code() + " (" + msg.digestType() + ")");
        assertEquals(f.get("encoded_data").asText(), SpaMessageCodec.encodeFields(msg));
        if (hmac != null) {
            assertEquals(f.get("hmac").asText(), wire.substring(wire.length() - htype.base64Length()));
            // one flipped character of the MAC is refused before decryption
            String bad = wire.substring(0, wire.length() - 1) + (wire.endsWith("A") ? "B" : "A");
            RijndaelKey k = new RijndaelKey(key, mode);
            HmacKey h = hmac;
            SpaException e = assertThrows(SpaException.class, () -> SpaWire.open(bad, cipher, k, h));
            assertEquals(RefusalReason.HMAC_MISMATCH, e.reason());
        }
        // a wrong key is refused with a typed reason
        byte[] wrong = key.clone();
        wrong[0] ^= 1;
        RijndaelKey wk = new RijndaelKey(wrong, mode);
        HmacKey h = hmac;
        SpaException e = assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, wk, h));
        assertEquals(h == null ? RefusalReason.DECRYPTION_FAILED : RefusalReason.DECRYPTION_FAILED, e.reason());
    }
}
