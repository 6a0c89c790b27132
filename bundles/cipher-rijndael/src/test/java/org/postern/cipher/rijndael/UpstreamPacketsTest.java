package org.postern.cipher.rijndael;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/**
 * Known-answer tests: the hard-coded packets of fwknop's own test suite ({@code test/tests/rijndael.pl},
 * {@code rijndael_hmac.pl}, {@code rijndael_backwards_compatibility.pl} at tag 2.6.10), made by other
 * clients (Cygwin, Android, fwknop 2.0) with the keys those tests configure. Their timestamps are old: the
 * upstream tests disable packet aging, and the codec has no clock anyway.
 */
class UpstreamPacketsTest {

    private static final byte[] FWKNOPTEST = ascii("fwknoptest");

    private final RijndaelCipher cipher = new RijndaelCipher();

    @Test
    void cygwinWindows2008WithoutHmac() throws Exception {
        String wire = "8GuHEQbyE4TuEbP7zL2DVsTbQv8x3jp8mdHFM0v+9ZUfgZMjuZLBvAa8NnmUdAb/OUvCP5PFDVbLDnZ+JYUFMGexGRwlk5"
                + "CEKX8KA8R1Xh5xIdbVxWzy1lY1imRQD5wpIBx/hGB4O2G3mdJSe3w5zxGjE2JNSFKCAZzvgDmfLQM9A+tjMKPk6x";
        RijndaelKey key = new RijndaelKey(FWKNOPTEST, EncryptionMode.CBC);
        assertEquals("3787753329876123:QWRtaW5pc3RyYXRvcg:1367635496:2.5.0:1:MTI3LjAuMC4yLHRjcC8yMg:"
                + "YDMuaJkM+evWvyX6eMON9OiwpVqw6Xdm7TFymdFZirw", SpaWire.openPlaintext(wire, cipher, key, null));
        SpaMessage m = SpaWire.open(wire, cipher, key, null);
        assertFields(m, "3787753329876123", "Administrator", 1367635496L, "2.5.0", MessageType.ACCESS,
                "127.0.0.2,tcp/22", null, 0, DigestType.SHA256);
    }

    @Test
    void cygwinWindows2008WithHmacSha256() throws Exception {
        String wire = "+NHb5ytzAppxOdX/sy48+nvGNzsR9Bq6wbaakwihbepSDlZWpBwG7HOv0V1Lwzpt5/vYMkmzCr1aXdgBPJVkqMQQZppjkx"
                + "MApQGbX0MXLPG+aqP9MGWrmpOVjSY8vW5uc8wOhnNJFtu77jvR7MIDFOkNO16LbLV+IxQOmoJHE2+lUH1nvudMWCORI/tzK/Q"
                + "U5YWFAXbbjFhR6RgvdWfzDhwxAEpNfd5gE";
        RijndaelKey key = new RijndaelKey(FWKNOPTEST, EncryptionMode.CBC);
        HmacKey hmac = new HmacKey(ascii("test"), HmacType.SHA256);
        assertEquals("4990790666103412:QWRtaW5pc3RyYXRvcg:1367636707:2.5.0:1:MTI3LjAuMC4yLHRjcC8yMg:"
                + "B1RPLnwzhzrXWhNX8Vjao94c2dvVt8KgI6b5sKYwCC0", SpaWire.openPlaintext(wire, cipher, key, hmac));
        // the last 43 characters are the MAC over "U2FsdGVkX1" + the rest
        String body = wire.substring(0, wire.length() - 43);
        assertEquals(wire.substring(wire.length() - 43),
                hmac.macBase64(ascii(RijndaelCipher.PREFIX + body)));
        assertFields(SpaWire.open(wire, cipher, key, hmac), "4990790666103412", "Administrator", 1367636707L,
                "2.5.0", MessageType.ACCESS, "127.0.0.2,tcp/22", null, 0, DigestType.SHA256);
        // without the HMAC key the MAC is taken for ciphertext: CBC still decrypts the genuine blocks, the
        // MAC characters become trailing garbage and the printable-characters check refuses the plaintext
        assertEquals(RefusalReason.MALFORMED,
                assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, key, null)).reason());
    }

    @Test
    void androidCompatibilityV44WithClientTimeout() throws Exception {
        String wire = "+8fP34T9Vjs50Yke5tNTz7YnsDbQUcp6zaaJTzVOgRuNXyhiZKL5UpaC2neRkqgjSlG6/qJSKXIuXBKR4LFS3rX2ZwrOkfB"
                + "GKJeXe8S2uZex9RjOr/8SwS45Q+Kt3J6QsShXU4cxz09Cv+bi7+08/bGCyVdhvYNwogIhEkcqS79+JNR3lSBEBrOY4hoOKRRAY"
                + "w41yI5cBCdc";
        RijndaelKey key = new RijndaelKey(FWKNOPTEST, EncryptionMode.CBC);
        HmacKey hmac = new HmacKey(ascii("hmactest"), HmacType.SHA256);
        assertEquals("9498113239850172:dTBfYTUy:1387857764:2.0:3:MC4wLjAuMCx0Y3AvMjI:2:"
                + "uMxeJZ6Q/ACqlDyHOoZBBpsXfJ5bJVVLCcU8F9nHoiU", SpaWire.openPlaintext(wire, cipher, key, hmac));
        assertFields(SpaWire.open(wire, cipher, key, hmac), "9498113239850172", "u0_a52", 1387857764L, "2.0",
                MessageType.CLIENT_TIMEOUT_ACCESS, "0.0.0.0,tcp/22", null, 2, DigestType.SHA256);
    }

    @Test
    void legacyV20PacketWithZeroPaddedKey() throws Exception {
        String wire = "9ptGrLs8kVGVludcXFy17opvThEYzTeaT7RVlCN66W/G9QZs9BBevEQ0xxI8eCnKPDM+Bu9g0XwmCEVxxg+4jwBwtbCxVt9"
                + "t5aSR29EVWZ6UAOwLkunK3t4FYBy1tL55krFt+1B2TtNSAH005kyDEZEOIGoY9Q/iU";
        RijndaelKey legacy = new RijndaelKey(FWKNOPTEST, EncryptionMode.LEGACY);
        assertEquals("5287119991111783:bWJy:1353002653:1.9.12:1:MC4wLjAuMCx0Y3AvMjI:"
                + "jiiggscvDIL9T5QHYvb4PSrq//8kkmIQIenInTkrKa8", SpaWire.openPlaintext(wire, cipher, legacy, null));
        assertFields(SpaWire.open(wire, cipher, legacy, null), "5287119991111783", "mbr", 1353002653L, "1.9.12",
                MessageType.ACCESS, "0.0.0.0,tcp/22", null, 0, DigestType.SHA256);
        // the legacy key handling is "fwknoptest" -> "fwknoptest000000": plain CBC with that key opens it too
        SpaMessage viaCbc = SpaWire.open(wire, cipher, new RijndaelKey(ascii("fwknoptest000000"), EncryptionMode.CBC),
                null);
        assertEquals("mbr", viaCbc.username());
        // and plain CBC with the unpadded key does not
        assertEquals(RefusalReason.DECRYPTION_FAILED, assertThrows(SpaException.class,
                () -> SpaWire.open(wire, cipher, new RijndaelKey(FWKNOPTEST, EncryptionMode.CBC), null)).reason());
    }

    @Test
    void natDnsInvalidHostIsRefusedWithBadNatAccess() throws Exception {
        String wire = "86uMfbb7AitlOEck6O0qJDtKK+GyTSnpxaL3iyCTzg+P0iRgMLRjt3Og4YmrG54AqaCg5M3tsqr3lF0E+mlMnNDtTy40nPc"
                + "46psbreD1GqZ5fQkxri2IhhCSbAPeivyVE2cTB223gk9RDhaOMoHd8HtqwhMNiSGy8hU1dwCXo1Sjmx5kZ8Nnt91U82wW4jFTUO"
                + "bg83iJqz72xPw6sf7bvnZWeIbgE56pA";
        RijndaelKey key = new RijndaelKey(Base64.getDecoder().decode("wzNP62oPPgEc+kXDPQLHPOayQBuNbYUTPP+QrErNDmg="),
                EncryptionMode.CBC);
        HmacKey hmac = new HmacKey(Base64.getDecoder().decode("Yh+xizBnl6FotC5ec7FanVGClRMlsOAPh2u6eovnerfBVKwaVK"
                + "zjGoblFMHMc593TNyi0dWn4opLoTIV9q/ttg=="), HmacType.SHA256);
        // it authenticates and decrypts (user root, fwknop 2.0.2, type 2, nat "bad%host,22") ...
        assertEquals("5294740411187269:cm9vdA:1464436023:2.0.2:2:MTI3LjAuMC4yLHRjcC8yMg:YmFkJWhvc3QsMjI:"
                + "T85DTWvx1hcbSv9e6wQB68PG0mqHJpv6I+Ufaxq3oKk", SpaWire.openPlaintext(wire, cipher, key, hmac));
        // ... but the NAT host is not a host name: fwknopd logs "Invalid Hostname in NAT SPA message"
        SpaException e = assertThrows(SpaException.class, () -> SpaWire.open(wire, cipher, key, hmac));
        assertEquals(RefusalReason.BAD_NAT_ACCESS, e.reason());
    }

    static void assertFields(SpaMessage m, String rand, String user, long ts, String version, MessageType type,
            String message, String nat, int timeout, DigestType digest) {
        assertEquals(rand, m.random());
        assertEquals(user, m.username());
        assertEquals(ts, m.timestamp());
        assertEquals(version, m.version());
        assertEquals(type, m.type());
        assertEquals(message, m.message());
        if (nat == null) {
            assertNull(m.natAccess());
        } else {
            assertEquals(nat, m.natAccess());
        }
        assertNull(m.serverAuth());
        assertEquals(timeout, m.clientTimeout());
        assertEquals(digest, m.digestType());
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
