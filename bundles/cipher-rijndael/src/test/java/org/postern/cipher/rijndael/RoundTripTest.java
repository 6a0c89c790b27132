package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/** encode then decode is the identity, in every mode, digest and HMAC type, over random messages. */
class RoundTripTest {

    private final RijndaelCipher cipher = new RijndaelCipher();

    @TestFactory
    List<DynamicTest> everyModeDigestAndHmac() {
        List<DynamicTest> out = new ArrayList<>();
        Random r = new Random(42);
        for (EncryptionMode mode : EncryptionMode.values()) {
            if (mode == EncryptionMode.ASYMMETRIC) {
                continue;
            }
            for (DigestType d : DigestType.values()) {
                for (HmacType h : HmacType.values()) {
                    long seed = r.nextLong();
                    out.add(DynamicTest.dynamicTest(mode + "/" + d + "/" + h, () -> roundTrip(mode, d,
                            mode == EncryptionMode.LEGACY ? null : h, new Random(seed))));
                }
            }
        }
        return out;
    }

    private void roundTrip(EncryptionMode mode, DigestType d, HmacType h, Random r) throws Exception {
        for (int i = 0; i < 20; i++) {
            byte[] key = new byte[mode == EncryptionMode.LEGACY ? 8 + r.nextInt(9) : 1 + r.nextInt(32)];
            r.nextBytes(key);
            byte[] hk = new byte[1 + r.nextInt(128)];
            r.nextBytes(hk);
            SpaMessageBuilder b = new SpaMessageBuilder().digestType(d).username("u" + r.nextInt(100000))
                    .timestamp(1_700_000_000L + r.nextInt(100_000_000))
                    .allowIp(r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256) + "." + r.nextInt(256));
            switch (r.nextInt(5)) {
                case 0 -> b.command("echo " + r.nextInt());
                case 1 -> b.access("tcp/" + (1 + r.nextInt(65535)) + ",udp/" + (1 + r.nextInt(65535)));
                case 2 -> b.access("tcp/22").natAccess("192.168.1." + r.nextInt(255) + "," + (1 + r.nextInt(65535)));
                case 3 -> b.access("udp/53").localNat("10.0.0.1," + (1 + r.nextInt(65535)));
                default -> b.access("tcp/443");
            }
            if (r.nextBoolean()) {
                b.clientTimeout(1 + r.nextInt(65536));
            }
            if (r.nextInt(4) == 0) {
                b.serverAuth("crypt,pw" + r.nextInt(1000));
            }
            SpaMessage m = b.build();
            RijndaelKey k = new RijndaelKey(key, mode);
            HmacKey hmac = h == null ? null : new HmacKey(hk, h);
            String wire = SpaWire.seal(m, cipher, k, hmac);
            assertTrue(!wire.startsWith(RijndaelCipher.PREFIX));
            assertEquals(m, SpaWire.open(wire, cipher, k, hmac));
        }
    }

    @Test
    void typePromotionFollowsLibfko() {
        SpaMessageBuilder b = new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22");
        assertEquals(MessageType.ACCESS, b.build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, b.clientTimeout(30).build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, b.natAccess("10.0.0.2,22").build().type());
        assertEquals(MessageType.NAT_ACCESS, b.clientTimeout(0).build().type());
        assertEquals(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS,
                new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").localNat("h,1").clientTimeout(5).build().type());
    }

    @Test
    void quirkIcmpAndNoneZeroAreRejectedAsLibfkoDoes() {
        // the '/' of "icmp/0" and "none/0" sits past the first four characters, which libfko refuses
        SpaMessageBuilder b = new SpaMessageBuilder().allowIp("1.2.3.4");
        assertThrows(IllegalArgumentException.class, () -> b.access("icmp/0").build());
        assertThrows(IllegalArgumentException.class, () -> b.access("none/0").build());
    }

    @Test
    void quirkY2038TimestampsAreRefused() throws Exception {
        SpaMessage m = new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").timestamp(2147483648L).build();
        SpaException e = assertThrows(SpaException.class, () -> SpaMessageCodec.decode(SpaMessageCodec.encode(m)));
        assertEquals(RefusalReason.BAD_TIMESTAMP, e.reason());
        SpaMessage ok = new SpaMessageBuilder().allowIp("1.2.3.4").access("tcp/22").timestamp(2147483647L).build();
        assertEquals(ok, SpaMessageCodec.decode(SpaMessageCodec.encode(ok)));
    }

    @Test
    void quirkPaddedInnerBase64FromThePerlClientIsAccepted() throws Exception {
        // 1.9.x Perl keeps '=' padding on inner fields; libfko's lenient reader accepts it
        String fields = "1234567890123456:YWxpY2U=:1700000000:1.9.12:1:MS4yLjMuNCx0Y3AvMjI=";
        String plain = fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256);
        SpaMessage m = SpaMessageCodec.decode(plain);
        assertEquals("alice", m.username());
        assertEquals("1.2.3.4,tcp/22", m.message());
        assertEquals("1.9.12", m.version());
    }

    @Test
    void aDigestThatDoesNotMatchIsRefused() {
        String fields = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:MS4yLjMuNCx0Y3AvMjI";
        String plain = fields + ":" + SpaMessageCodec.digest(fields + "x", DigestType.SHA256);
        SpaException e = assertThrows(SpaException.class, () -> SpaMessageCodec.decode(plain));
        assertEquals(RefusalReason.DIGEST_MISMATCH, e.reason());
    }

    @Test
    void malformedInputNeverThrowsAnythingButATypedRefusal() {
        Random r = new Random(7);
        RijndaelKey k = new RijndaelKey("key".getBytes(), EncryptionMode.CBC);
        HmacKey h = new HmacKey("hmac".getBytes(), HmacType.SHA256);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=:,!\0";
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(400);
            for (int j = 0; j < n; j++) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            try {
                SpaWire.open(s, cipher, k, r.nextBoolean() ? h : null);
            } catch (SpaException expected) {
                // typed refusal
            }
            try {
                SpaMessageCodec.decode(s);
            } catch (SpaException expected) {
                // typed refusal
            }
        }
    }
}
