package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postern.cipher.rijndael.UpstreamPacketsTest.ascii;

import java.util.Arrays;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/** The Rijndael and wire rules of libfko 2.6.10 ({@code cipher_funcs.c}, {@code fko_encryption.c}, {@code fko_hmac.c}). */
class CipherQuirksTest {

    private static final byte[] SALT = ascii("saltsalt");

    private final RijndaelCipher cipher = new RijndaelCipher();
    private final RijndaelKey key = new RijndaelKey(ascii("secretkey"), EncryptionMode.CBC);

    @Test
    void quirkKeyAndIvComeFromEvpBytesToKeyMd5AndTheCipherIsAlwaysAes256() throws Exception {
        // OpenSSL "enc -aes-256-cbc -md md5 -S 73616c7473616c74 -pass pass:secretkey" of 16 bytes "0123456789abcdef"
        byte[] d1 = md5(ascii("secretkey"), SALT);
        byte[] d2 = md5(d1, ascii("secretkey"), SALT);
        byte[] d3 = md5(d2, ascii("secretkey"), SALT);
        byte[] aesKey = concat(d1, d2);
        byte[] pt = ascii("0123456789abcdef");
        Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(d3));
        byte[] expected = concat(ascii("Salted__"), SALT, c.doFinal(pt));
        assertArrayEquals(expected, cipher.encrypt(pt, key, SALT));
        // a one-byte passphrase still gives a 32-byte AES key
        assertEquals(48, RijndaelCipher.deriveKeyIv(new byte[] {1}, SALT).length);
    }

    @Test
    void quirkPkcs7PaddingIsAppliedInEveryModeIncludingTheStreamModes() throws Exception {
        for (EncryptionMode mode : new EncryptionMode[] {EncryptionMode.CBC, EncryptionMode.ECB, EncryptionMode.CFB,
            EncryptionMode.OFB, EncryptionMode.CTR, EncryptionMode.LEGACY}) {
            RijndaelKey k = new RijndaelKey(ascii("secretkey"), mode);
            for (int len = 30; len <= 48; len++) {
                byte[] pt = new byte[len];
                Arrays.fill(pt, (byte) 'p');
                byte[] raw = cipher.encrypt(pt, k, SALT);
                assertEquals(16 + (len / 16 + 1) * 16, raw.length, mode + " " + len);
            }
        }
    }

    @Test
    void quirkPaddingRemovalIsLenient() throws Exception {
        String body = validPlaintext();
        // no padding at all: the whole (block-aligned) plaintext is kept, no error
        String aligned = body + "#".repeat((16 - body.length() % 16) % 16);
        assertEquals(aligned, new String(cipher.decrypt(rawCbc(ascii(aligned)), key), "US-ASCII"));
        // inconsistent padding (last byte 3, the one before it not 3): kept as well
        String odd = aligned.substring(0, aligned.length() - 2) + "\u0007\u0003";
        assertEquals(odd, new String(cipher.decrypt(rawCbc(ascii(odd)), key), "US-ASCII"));
        // a full block of 16s is removed
        byte[] full = concat(ascii(aligned), filled(16, 16));
        assertEquals(aligned, new String(cipher.decrypt(rawCbc(full), key), "US-ASCII"));
    }

    @Test
    void quirkSixteenDigitsThenColonIsTheWrongKeyDetector() throws Exception {
        String wire = SpaWire.seal(message(), cipher, key, null);
        Random r = new Random(16);
        for (int i = 0; i < 200; i++) {
            byte[] wrong = new byte[1 + r.nextInt(32)];
            r.nextBytes(wrong);
            SpaException e = assertThrows(SpaException.class,
                    () -> SpaWire.open(wire, cipher, new RijndaelKey(wrong, EncryptionMode.CBC), null));
            assertEquals(RefusalReason.DECRYPTION_FAILED, e.reason());
        }
        // with the right key, a random value that is not 16 digits then ':' is the same refusal
        String fields = "123456789012345x:YWxpY2U:1700000000:3.0.0:1:MS4yLjMuNCx0Y3AvMjI";
        String bad = SpaWire.sealPlaintext(fields + ":" + SpaMessageCodec.digest(fields, org.postern.fko.DigestType.SHA256),
                cipher, key, null);
        assertEquals(RefusalReason.DECRYPTION_FAILED,
                assertThrows(SpaException.class, () -> SpaWire.open(bad, cipher, key, null)).reason());
    }

    @Test
    void quirkSaltedMagicIsNotChecked() throws Exception {
        byte[] raw = cipher.encrypt(ascii(validPlaintext()), key, SALT);
        System.arraycopy(ascii("NotSalt!"), 0, raw, 0, 8);
        assertEquals(validPlaintext(), new String(cipher.decrypt(SpaBase64.encode(raw), key), "US-ASCII"));
    }

    @Test
    void quirkCiphertextMustBeWholeBlocks() throws Exception {
        byte[] raw = cipher.encrypt(ascii(validPlaintext()), key, SALT);
        String cut = SpaBase64.encode(Arrays.copyOf(raw, raw.length - 1));
        assertEquals(RefusalReason.DECRYPTION_FAILED, assertThrows(SpaException.class, () -> cipher.decrypt(cut, key)).reason());
    }

    @Test
    void quirkWireDropsU2FsdGVkX1AndStartsWithOneOf89PlusSlash() throws Exception {
        for (int i = 0; i < 200; i++) {
            String wire = SpaWire.seal(message(), cipher, key, null);
            assertTrue("89+/".indexOf(wire.charAt(0)) >= 0, wire);
        }
        // a packet with the prefix put back decodes the same (fwknopd's pre-check, not the codec, drops it)
        String wire = SpaWire.seal(message(), cipher, key, null);
        assertEquals(SpaWire.open(wire, cipher, key, null), SpaWire.open(RijndaelCipher.PREFIX + wire, cipher, key, null));
    }

    @Test
    void quirkHmacCoversThePrefixedBase64AndIsAppendedWithoutSeparator() throws Exception {
        HmacKey h = new HmacKey(ascii("hmackey"), HmacType.SHA384);
        String wire = SpaWire.seal(message(), cipher, key, h);
        String body = wire.substring(0, wire.length() - 64);
        assertEquals(wire.substring(wire.length() - 64), h.macBase64(ascii(RijndaelCipher.PREFIX + body)));
        // a stanza with another HMAC type strips a different length and fails to verify
        assertEquals(RefusalReason.HMAC_MISMATCH, assertThrows(SpaException.class,
                () -> SpaWire.open(wire, cipher, key, new HmacKey(ascii("hmackey"), HmacType.SHA256))).reason());
    }

    @Test
    void quirkHmacKeysLongerThan136BytesAreRefusedAsLibfkoDoes() throws Exception {
        HmacKey ok = new HmacKey(filled(136, 7), HmacType.SHA3_256);
        String wire = SpaWire.seal(message(), cipher, key, ok);
        assertEquals(message().message(), SpaWire.open(wire, cipher, key, ok).message());
        HmacKey tooLong = new HmacKey(filled(137, 7), HmacType.SHA3_256);
        assertEquals(RefusalReason.HMAC_MISMATCH,
                assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, key, tooLong)).reason());
        assertThrows(SpaException.class, () -> SpaWire.seal(message(), cipher, key, tooLong));
    }

    @Test
    void quirkLegacyKeyIsPaddedWithZerosOrCutTo16() throws Exception {
        assertArrayEquals(ascii("abc0000000000000"),
                RijndaelCipher.passphrase(new RijndaelKey(ascii("abc"), EncryptionMode.LEGACY)));
        assertArrayEquals(ascii("0123456789abcdef"),
                RijndaelCipher.passphrase(new RijndaelKey(ascii("0123456789abcdefXYZ"), EncryptionMode.LEGACY)));
        assertArrayEquals(ascii("abc"), RijndaelCipher.passphrase(new RijndaelKey(ascii("abc"), EncryptionMode.CBC)));
        // legacy is CBC with the adjusted key
        byte[] raw = cipher.encrypt(ascii(validPlaintext()), new RijndaelKey(ascii("abc"), EncryptionMode.LEGACY), SALT);
        assertArrayEquals(raw, cipher.encrypt(ascii(validPlaintext()),
                new RijndaelKey(ascii("abc0000000000000"), EncryptionMode.CBC), SALT));
    }

    @Test
    void quirkRijndaelKeysLongerThan32BytesAreRefused() throws Exception {
        RijndaelKey k32 = new RijndaelKey(filled(32, 'k'), EncryptionMode.CBC);
        assertEquals(message().message(), SpaWire.open(SpaWire.seal(message(), cipher, k32, null), cipher, k32, null).message());
        RijndaelKey k33 = new RijndaelKey(filled(33, 'k'), EncryptionMode.CBC);
        assertEquals(RefusalReason.DECRYPTION_FAILED,
                assertThrows(SpaException.class, () -> SpaWire.seal(message(), cipher, k33, null)).reason());
        String wire = SpaWire.seal(message(), cipher, k32, null);
        assertEquals(RefusalReason.DECRYPTION_FAILED,
                assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, k33, null)).reason());
    }

    @Test
    void quirkRijndaelDataOf400CharactersOrMoreIsTakenForGnuPg() throws Exception {
        // libfko measures the data as received without HMAC, and the prefixed data after an HMAC check
        HmacKey h = new HmacKey(ascii("hmackey"), HmacType.SHA256);
        int accepted = 0;
        int refused = 0;
        for (int len = 100; len <= 200; len++) {
            SpaMessage m = new SpaMessageBuilder().allowIp("10.1.2.3").command("x".repeat(len)).build();
            for (HmacKey hmac : new HmacKey[] {null, h}) {
                String wire = SpaWire.seal(m, cipher, key, hmac);
                int seen = hmac == null ? wire.length() : RijndaelCipher.PREFIX.length() + wire.length() - 43;
                if (seen < SpaWire.GPG_THRESHOLD) {
                    assertEquals(m, SpaWire.open(wire, cipher, key, hmac));
                    accepted++;
                } else {
                    SpaException e = assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, key, hmac));
                    assertEquals(RefusalReason.DECRYPTION_FAILED, e.reason());
                    refused++;
                }
            }
        }
        assertTrue(accepted > 0 && refused > 0, accepted + "/" + refused);
    }

    @Test
    void quirkPcbcIsListedButRejectedAndModeNamesAreCaseInsensitive() {
        assertThrows(IllegalArgumentException.class, () -> EncryptionMode.parse("PCBC"));
        assertEquals(EncryptionMode.LEGACY, EncryptionMode.parse("legacy"));
        assertEquals(EncryptionMode.CTR, EncryptionMode.parse("Ctr"));
        assertEquals(EncryptionMode.ASYMMETRIC, EncryptionMode.parse("Asymmetric"));
    }

    @Test
    void quirkCtrModeCountsOver128BitsBigEndianFromTheIv() throws Exception {
        RijndaelKey ctr = new RijndaelKey(ascii("secretkey"), EncryptionMode.CTR);
        byte[] pt = ascii(validPlaintext());
        byte[] raw = cipher.encrypt(pt, ctr, SALT);
        byte[] keyIv = RijndaelCipher.deriveKeyIv(ascii("secretkey"), SALT);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"));
        byte[] counter = Arrays.copyOfRange(keyIv, 32, 48);
        for (int block = 0; block * 16 < raw.length - 16; block++) {
            byte[] stream = ecb.doFinal(counter);
            for (int i = 0; i < 16; i++) {
                int at = block * 16 + i;
                byte p = at < pt.length ? pt[at] : (byte) (16 - pt.length % 16);
                assertEquals(p, (byte) (raw[16 + at] ^ stream[i]));
            }
            for (int i = 15; i >= 0 && ++counter[i] == 0; i--) {
                // carry into the next byte
            }
        }
    }

    // ----------------------------------------------------------------------------------------------------

    private static SpaMessage message() {
        return new SpaMessageBuilder().username("alice").allowIp("10.1.2.3").access("tcp/22").build();
    }

    private static String validPlaintext() {
        return SpaMessageCodec.encode(new SpaMessageBuilder().random("1234567890123456").username("alice")
                .timestamp(1700000000L).allowIp("10.1.2.3").access("tcp/22").build());
    }

    /** CBC without any padding added, with the salted header: for the padding-removal tests. */
    private String rawCbc(byte[] blockAligned) throws Exception {
        byte[] keyIv = RijndaelCipher.deriveKeyIv(ascii("secretkey"), SALT);
        Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keyIv, 0, 32, "AES"), new IvParameterSpec(keyIv, 32, 16));
        return SpaBase64.encode(concat(ascii("Salted__"), SALT, c.doFinal(blockAligned)));
    }

    private static byte[] md5(byte[]... parts) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("MD5");
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
