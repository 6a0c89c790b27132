package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.postern.cipher.rijndael.UpstreamPacketsTest.ascii;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.DigestType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageCodec;
import org.postern.fko.SpaWire;

/**
 * SPA packets of the Perl fwknop 1.9.12 client: same field layout, inner base64 kept padded, version
 * {@code 1.9.12}, a {@code crypt,<password>} server_auth field, Crypt::CBC with the passphrase padded with
 * '0' to 16 characters (our LEGACY mode), {@code U2FsdGVkX1} stripped from the wire unless
 * {@code --Include-salted}, trailing {@code =} stripped unless {@code --Include-equals}. No HMAC.
 */
class LegacyPerlTest {

    /** The 1.9.12 reference vector (the Perl modules and an independent Python implementation agree). */
    private static final String PLAINTEXT = "1234567890123456:cm9vdA==:1250000000:1.9.12:1:MTI3LjAuMC4yLHRjcC8yMg==:"
            + "BHP7usqG84neeWp7d6AUXUopf7AeH9eQ64h+beDWpOw";
    private static final String SALTED_B64 = "U2FsdGVkX19BQkNERUZHSA7VbH6r9339p7nzPlK2JGaRFMO/UXBEOOmcxxzOLSO8D7487u"
            + "71wbAQv85u3vCx7t0+chgte7P7A3NgaS5CnCFJPo8ohtSe8jBqBXzScp610Ty05s5xHFN41x0PpQMUTMYp1u2wi2qHLXVR0r62f5LL"
            + "Ov7OVxJLH9fi3U9oLgJs";
    private static final byte[] SALT = ascii("ABCDEFGH");

    private final RijndaelCipher cipher = new RijndaelCipher();
    private final RijndaelKey legacy = new RijndaelKey(ascii("fwknoptest"), EncryptionMode.LEGACY);

    @Test
    void theReferenceVectorIsReproducedByteForByteWithTheLegacyKeyHandling() throws Exception {
        byte[] raw = cipher.encrypt(ascii(PLAINTEXT), legacy, SALT);
        assertEquals(SALTED_B64, SpaBase64.encode(raw));
    }

    @Test
    void theWireFormDecodes() throws Exception {
        String wire = SALTED_B64.substring(RijndaelCipher.PREFIX.length());
        assertEquals(PLAINTEXT, SpaWire.openPlaintext(wire, cipher, legacy, null));
        assertReferenceFields(SpaWire.open(wire, cipher, legacy, null));
    }

    @Test
    void includeSaltedKeepsThePrefixAndStillDecodes() throws Exception {
        // --Include-salted: the codec accepts it (fwknopd 2.x's pre-check drops such packets as replays)
        assertReferenceFields(SpaWire.open(SALTED_B64, cipher, legacy, null));
    }

    @Test
    void includeEqualsKeepsTheOuterPaddingAndStillDecodes() throws Exception {
        // the reference packet is 192 bytes (no '='); one block more gives 208 bytes and a '=' to keep
        String fields = perl("1:" + b64Padded("127.0.0.2,tcp/22,udp/53,tcp/443"));
        String plain = fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256);
        String padded = Base64.getEncoder().encodeToString(cipher.encrypt(ascii(plain), legacy, SALT));
        assertEquals('=', padded.charAt(padded.length() - 1));
        SpaMessage salted = SpaWire.open(padded, cipher, legacy, null);
        assertEquals("127.0.0.2,tcp/22,udp/53,tcp/443", salted.message());
        assertEquals(salted, SpaWire.open(padded.substring(RijndaelCipher.PREFIX.length()), cipher, legacy, null));
    }

    @Test
    void theInnerFieldsKeepTheirPaddingAndTheDigestCoversThemAsSent() throws Exception {
        SpaMessage m = SpaMessageCodec.decode(PLAINTEXT);
        assertReferenceFields(m);
        String fields = PLAINTEXT.substring(0, PLAINTEXT.lastIndexOf(':'));
        assertEquals("BHP7usqG84neeWp7d6AUXUopf7AeH9eQ64h+beDWpOw", SpaMessageCodec.digest(fields, DigestType.SHA256));
        // re-encoding (fwknop 2.x style) strips the padding, so the digest differs from the Perl one
        assertEquals("1234567890123456:cm9vdA:1250000000:1.9.12:1:MTI3LjAuMC4yLHRjcC8yMg",
                SpaMessageCodec.encodeFields(m));
    }

    @Test
    void thePerlServersReplayDigestIsSha256OfThePlaintext() {
        assertEquals("V5unccibHFCys76rtK2iBrjwbDankRVxfW8Be9knSDg", SpaBase64.encode(DigestType.SHA256.hash(ascii(PLAINTEXT))));
    }

    @Test
    void cryptServerAuthFieldIsCarried() throws Exception {
        // --Server-auth crypt: field 7 is b64("crypt,<UNIX password>"), padded as the Perl client writes it
        SpaMessage m = openPerl(perl("1:MTI3LjAuMC4yLHRjcC8yMg==:" + b64Padded("crypt,s3cret pw")), DigestType.SHA256);
        assertEquals("crypt,s3cret pw", m.serverAuth());
        assertEquals(MessageType.ACCESS, m.type());
        assertEquals("127.0.0.2,tcp/22", m.message());
    }

    @Test
    void perlClientTimeoutNatAndServerAuthLayoutsDecode() throws Exception {
        SpaMessage t = openPerl(perl("3:" + b64Padded("127.0.0.2,tcp/22") + ":120"), DigestType.SHA1);
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, t.type());
        assertEquals(120, t.clientTimeout());
        assertEquals(DigestType.SHA1, t.digestType());

        SpaMessage nat = openPerl(perl("2:" + b64Padded("127.0.0.2,tcp/22") + ":" + b64Padded("192.168.10.3,22")),
                DigestType.MD5);
        assertEquals("192.168.10.3,22", nat.natAccess());
        assertEquals(DigestType.MD5, nat.digestType());

        SpaMessage local = openPerl(perl("6:" + b64Padded("0.0.0.0,tcp/22") + ":" + b64Padded("127.0.0.1,55000")
                + ":30"), DigestType.SHA256);
        assertEquals(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS, local.type());
        assertEquals(30, local.clientTimeout());

        // the Perl client writes server_auth before the timeout; libfko 2.x reads exactly that order
        SpaMessage both = openPerl(perl("3:" + b64Padded("127.0.0.2,tcp/22") + ":" + b64Padded("crypt,pw") + ":45"),
                DigestType.SHA256);
        assertEquals("crypt,pw", both.serverAuth());
        assertEquals(45, both.clientTimeout());

        SpaMessage cmd = openPerl(perl("0:" + b64Padded("127.0.0.2,/sbin/iptables -L -n")), DigestType.SHA256);
        assertEquals(MessageType.COMMAND, cmd.type());
        assertEquals("/sbin/iptables -L -n", cmd.body());
    }

    @Test
    void sixteenCharacterPassphrasesAreUsedUnchanged() throws Exception {
        RijndaelKey k16 = new RijndaelKey(ascii("0123456789abcdef"), EncryptionMode.LEGACY);
        String wire = seal(perl("1:" + b64Padded("127.0.0.2,tcp/22")), DigestType.SHA256, ascii("0123456789abcdef"));
        assertEquals("root", SpaWire.open(wire, cipher, k16, null).username());
    }

    @Test
    void passphrasesLongerThan16CharactersNeedCbcNotLegacy() throws Exception {
        // Perl uses a long passphrase unchanged; fwknop 2.x's legacy mode cuts it to 16, so such a Perl client
        // is served by a stanza in plain CBC mode with the same KEY (both are EVP_BytesToKey + AES-256-CBC)
        byte[] longKey = ascii("a-passphrase-of-27-chars-xy");
        String wire = seal(perl("1:" + b64Padded("127.0.0.2,tcp/22")), DigestType.SHA256, longKey);
        assertEquals("root", SpaWire.open(wire, cipher, new RijndaelKey(longKey, EncryptionMode.CBC), null).username());
        assertEquals(RefusalReason.DECRYPTION_FAILED, assertThrows(SpaException.class,
                () -> SpaWire.open(wire, cipher, new RijndaelKey(longKey, EncryptionMode.LEGACY), null)).reason());
    }

    private static void assertReferenceFields(SpaMessage m) {
        assertEquals("1234567890123456", m.random());
        assertEquals("root", m.username());
        assertEquals(1250000000L, m.timestamp());
        assertEquals("1.9.12", m.version());
        assertEquals(MessageType.ACCESS, m.type());
        assertEquals("127.0.0.2,tcp/22", m.message());
        assertEquals(DigestType.SHA256, m.digestType());
        assertEquals(0, m.clientTimeout());
    }

    /** Fields as the Perl client lays them out, from the message type on, with its user and version. */
    private static String perl(String fromType) {
        return "7230948561209348:cm9vdA==:1250000000:1.9.12:" + fromType;
    }

    private SpaMessage openPerl(String fields, DigestType digest) throws Exception {
        return SpaWire.open(seal(fields, digest, ascii("fwknoptest")), cipher, legacy, null);
    }

    /** Encrypts as Crypt::CBC does (the passphrase padded with '0' to 16) and strips the prefix. */
    private String seal(String fields, DigestType digest, byte[] passphrase) throws Exception {
        String plain = fields + ":" + SpaMessageCodec.digest(fields, digest);
        byte[] pass = passphrase.length < 16 ? (new String(passphrase, "US-ASCII") + "0".repeat(16 - passphrase.length))
                .getBytes("US-ASCII") : passphrase;
        String b64 = SpaBase64.encode(cipher.encrypt(ascii(plain), new RijndaelKey(pass, EncryptionMode.CBC), SALT));
        assertArrayEquals(ascii(RijndaelCipher.PREFIX), ascii(b64.substring(0, 10)));
        return b64.substring(RijndaelCipher.PREFIX.length());
    }

    private static String b64Padded(String s) {
        return Base64.getEncoder().encodeToString(ascii(s));
    }
}
