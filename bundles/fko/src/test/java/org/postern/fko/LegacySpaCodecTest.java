package org.postern.fko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/** fwknop 1.9.12 plaintexts (reference §5.1). */
class LegacySpaCodecTest {

    static final String VECTOR = "1234567890123456:cm9vdA==:1250000000:1.9.12:1:MTI3LjAuMC4yLHRjcC8yMg==:"
            + "BHP7usqG84neeWp7d6AUXUopf7AeH9eQ64h+beDWpOw";

    /** A 1.9.12 plaintext as the Perl client builds it: padded base64 fields, then the digest. */
    static String plain19(DigestType dt, String type, String msg, String... extras) {
        StringBuilder sb = new StringBuilder("1234567890123456:" + b64("root") + ":1250000000:1.9.12:" + type + ":"
                + b64(msg));
        for (String e : extras) {
            sb.append(':').append(e);
        }
        return sb + ":" + SpaBase64.encode(dt.hash(sb.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void referenceVector() throws Exception {
        assertTrue(LegacySpaCodec.isLegacy(VECTOR));
        SpaMessage m = LegacySpaCodec.decode(VECTOR);
        assertEquals("root", m.username());
        assertEquals(1_250_000_000L, m.timestamp());
        assertEquals("1.9.12", m.version());
        assertEquals(MessageType.ACCESS, m.type());
        assertEquals("127.0.0.2,tcp/22", m.message());
        assertEquals(DigestType.SHA256, m.digestType());
        assertNull(m.serverAuth());
        assertEquals("V5unccibHFCys76rtK2iBrjwbDankRVxfW8Be9knSDg",
                SpaBase64.encode(DigestType.SHA256.hash(VECTOR.getBytes(StandardCharsets.US_ASCII))),
                "the replay digest of §5.1");
    }

    @Test
    void digestsByLengthServerAuthNatAndTimeout() throws Exception {
        SpaMessage md5 = LegacySpaCodec.decode(plain19(DigestType.MD5, "1", "10.0.0.1,tcp/22", b64("crypt,pw")));
        assertEquals(DigestType.MD5, md5.digestType());
        assertEquals("crypt,pw", md5.serverAuth());
        assertEquals(DigestType.SHA1, LegacySpaCodec.decode(plain19(DigestType.SHA1, "1", "10.0.0.1,udp/53"))
                .digestType());
        SpaMessage t3 = LegacySpaCodec.decode(plain19(DigestType.SHA256, "3", "10.0.0.1,tcp/22", "45"));
        assertEquals(45, t3.clientTimeout());
        SpaMessage t4 = LegacySpaCodec.decode(plain19(DigestType.SHA256, "4", "10.0.0.1,tcp/22",
                b64("192.168.1.2,22"), "60"));
        assertEquals("192.168.1.2,22", t4.natAccess());
        assertEquals(60, t4.clientTimeout());
        SpaMessage t2 = LegacySpaCodec.decode(plain19(DigestType.SHA256, "2", "10.0.0.1,tcp/22",
                b64("192.168.1.2,22")));
        assertEquals("192.168.1.2,22", t2.natAccess());
    }

    @Test
    void refusals() {
        assertEquals(RefusalReason.DIGEST_MISMATCH, reason(VECTOR.replace("cm9vdA==", "cm9vdB==")));
        assertEquals(RefusalReason.MALFORMED, reason(plain19(DigestType.SHA256, "1", "10.0.0.1,tcp/22",
                b64("crypt,a"), "5")));
        // 1.9 reads field 7 of a type-3 packet as the timeout: the client's server_auth there breaks it
        assertEquals(RefusalReason.BAD_CLIENT_TIMEOUT, reason(plain19(DigestType.SHA256, "3", "10.0.0.1,tcp/22",
                b64("crypt,a"), "5")));
        assertEquals(RefusalReason.BAD_NAT_ACCESS, reason(plain19(DigestType.SHA256, "2", "10.0.0.1,tcp/22")));
        assertEquals(RefusalReason.BAD_MESSAGE_TYPE, reason(plain19(DigestType.SHA256, "7", "10.0.0.1,tcp/22")));
        assertEquals(RefusalReason.BAD_MESSAGE, reason(plain19(DigestType.SHA256, "1", "10.0.0.1,xyz/22")));
        assertEquals(RefusalReason.MALFORMED, reason("x".repeat(40)));
        assertFalse(LegacySpaCodec.isLegacy("1234567890123456:cm9vdA:1250000000:3.0.0:1:xx:yy"));
    }

    @Test
    void encodeRoundTripAndTheVector() throws Exception {
        SpaMessage m = LegacySpaCodec.decode(VECTOR);
        assertEquals(VECTOR, LegacySpaCodec.encode(m));
        SpaMessage auth = new SpaMessageBuilder().username("alice").timestamp(1_250_000_000L)
                .version(LegacySpaCodec.VERSION_1_9_12).allowIp("10.0.0.1").access("tcp/22").serverAuth("crypt,pw")
                .digestType(DigestType.MD5).build();
        String plain = LegacySpaCodec.encode(auth);
        assertTrue(plain.contains(":" + b64("crypt,pw") + ":"), plain);
        assertEquals("crypt,pw", LegacySpaCodec.decode(plain).serverAuth());
        assertThrows(IllegalArgumentException.class, () -> LegacySpaCodec.encode(new SpaMessageBuilder()
                .username("a").timestamp(1).allowIp("10.0.0.1").access("tcp/22").digestType(DigestType.SHA512)
                .build()));
    }

    @Test
    void versionNumbers() {
        assertEquals(1912, LegacySpaCodec.versionNumber("1.9.12"));
        assertEquals(192, LegacySpaCodec.versionNumber("1.9.2"));
        assertEquals(190, LegacySpaCodec.versionNumber("1.9.0-pre3"));
        assertEquals(93, LegacySpaCodec.versionNumber("0.9.3"));
        assertEquals(-1, LegacySpaCodec.versionNumber("1.x"));
    }

    private static RefusalReason reason(String plain) {
        return assertThrows(SpaException.class, () -> LegacySpaCodec.decode(plain)).reason();
    }
}
