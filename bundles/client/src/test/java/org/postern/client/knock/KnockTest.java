package org.postern.client.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.DigestType;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

class KnockTest {

    private static final long NOW = 1_795_862_855L;
    private static final RijndaelCipher CIPHER = new RijndaelCipher();

    private static KnockOptions base() {
        return new KnockOptions().destination("gw.example").allowIp("10.200.0.1").access("tcp/22")
                .key("secretkey".getBytes(StandardCharsets.US_ASCII));
    }

    private static Knock seal(KnockOptions o) throws KnockException {
        return Knock.seal(o, CIPHER, "root", NOW);
    }

    @Test
    void fieldDumpMatchesFwknop() {
        // fields and digest of a packet made by the real fwknop 2.6.10 client
        SpaMessage m = new SpaMessage("6975237002040755", "root", 1795862855L, "3.0.0", MessageType.ACCESS,
                "10.200.0.1,tcp/22", null, null, 0, DigestType.SHA256);
        String dump = Knock.fieldDump(m, EncryptionMode.CBC, HmacType.SHA256,
                "ckPFUkGVUhl5GNRT+CIzOeQJe35SeDR9p/B8YjgKRR4", "87XE4z");
        assertEquals("""
                SPA Field Values:
                =================
                   Random Value: 6975237002040755
                       Username: root
                      Timestamp: 1795862855
                    FKO Version: 3.0.0
                   Message Type: 1 (Access msg)
                 Message String: 10.200.0.1,tcp/22
                     Nat Access: <NULL>
                    Server Auth: <NULL>
                 Client Timeout: 0
                    Digest Type: 3 (SHA256)
                      HMAC Type: 3 (SHA256)
                Encryption Type: 1 (Rijndael)
                Encryption Mode: 2 (CBC)
                   Encoded Data: 6975237002040755:cm9vdA:1795862855:3.0.0:1:MTAuMjAwLjAuMSx0Y3AvMjI
                SPA Data Digest: EnLkZuw1+nZu1JH74DbqYV9XirRvYyquiPRS8CgiML8
                           HMAC: ckPFUkGVUhl5GNRT+CIzOeQJe35SeDR9p/B8YjgKRR4
                 Final SPA Data: 87XE4z
                """, dump);
    }

    @Test
    void dumpNamesEveryTypeAndModeAsLibfko() {
        assertEquals("Client timeout local NAT access msg", Knock.typeName(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS));
        assertEquals("Command msg", Knock.typeName(MessageType.COMMAND));
        assertEquals(8, Knock.modeCode(EncryptionMode.LEGACY));
        assertEquals("legacy", Knock.modeName(EncryptionMode.LEGACY));
        assertEquals(5, Knock.modeCode(EncryptionMode.OFB));
        assertEquals(1, Knock.modeCode(EncryptionMode.ECB));
        SpaMessage m = new SpaMessage("1234567890123456", "bob", 1L, "3.0.0", MessageType.CLIENT_TIMEOUT_ACCESS,
                "0.0.0.0,tcp/22", null, null, 30, DigestType.SHA1);
        String dump = Knock.fieldDump(m, EncryptionMode.CTR, null, null, "x");
        assertTrue(dump.contains("      HMAC Type: 0 (None)\n"), dump);
        assertTrue(dump.contains("           HMAC: <NULL>\n"), dump);
        assertTrue(dump.contains("Encryption Mode: 6 (CTR)\n"), dump);
        assertTrue(dump.contains(" Client Timeout: 30\n"), dump);
        assertTrue(dump.contains("    Digest Type: 2 (SHA1)\n"), dump);
    }

    @Test
    void sealedPacketOpensWithTheSameKeys() throws Exception {
        KnockOptions o = base().hmacKey("hmackey".getBytes(StandardCharsets.US_ASCII)).timeOffsetPlus(60);
        Knock k = seal(o);
        SpaMessage m = SpaWire.open(k.wire(), CIPHER, new RijndaelKey("secretkey".getBytes(), EncryptionMode.CBC),
                new HmacKey("hmackey".getBytes(), HmacType.SHA256));
        assertEquals("root", m.username());
        assertEquals(NOW + 60, m.timestamp());
        assertEquals(MessageType.ACCESS, m.type());
        assertEquals("10.200.0.1,tcp/22", m.message());
        assertEquals("3.0.0", m.version());
        assertEquals(43, k.hmac().length());
        assertTrue(k.wire().endsWith(k.hmac()));
        assertEquals(m, k.verify());
        assertFalse(k.wire().startsWith("U2FsdGVkX1"));
        assertTrue(k.withinFwknopdDecodeLimit());
        assertFalse(k.toString().contains("secret"));
    }

    @Test
    void spoofedUserAndDigestAndModeApply() throws Exception {
        Knock k = seal(base().spoofUser("alice").digestType(DigestType.SHA3_512).encryptionMode(EncryptionMode.OFB));
        assertEquals("alice", k.message().username());
        assertEquals(DigestType.SHA3_512, k.verify().digestType());
        assertEquals(EncryptionMode.OFB, k.encryptionMode());
        assertNull(k.hmac());
        assertNull(k.hmacType());
    }

    @Test
    void clientTimeoutAndNatSelectTheMessageType() throws Exception {
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, seal(base().clientTimeout(30)).verify().type());
        assertEquals(MessageType.ACCESS, seal(base().clientTimeout(0)).verify().type());

        SpaMessage nat = seal(base().natAccess("192.168.1.5:2222")).verify();
        assertEquals(MessageType.NAT_ACCESS, nat.type());
        assertEquals("192.168.1.5,2222", nat.natAccess());

        SpaMessage natTimeout = seal(base().natAccess("internal.host").clientTimeout(45)).verify();
        assertEquals(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, natTimeout.type());
        assertEquals("internal.host,22", natTimeout.natAccess());
        assertEquals(45, natTimeout.clientTimeout());

        SpaMessage local = seal(base().natLocal(true)).verify();
        assertEquals(MessageType.LOCAL_NAT_ACCESS, local.type());
        assertEquals("gw.example,22", local.natAccess());

        SpaMessage localPort = seal(base().natLocal(true).natPort(55000).clientTimeout(10)).verify();
        assertEquals(MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS, localPort.type());
        assertEquals("10.200.0.1,tcp/55000", localPort.message());
        assertEquals("gw.example,22", localPort.natAccess());
    }

    @Test
    void commandMessage() throws Exception {
        SpaMessage m = seal(base().access(null).command("touch /tmp/x")).verify();
        assertEquals(MessageType.COMMAND, m.type());
        assertEquals("10.200.0.1,touch /tmp/x", m.message());
    }

    @Test
    void sourceIpIsZeroes() throws Exception {
        assertEquals("0.0.0.0,tcp/22", seal(base().allowIp(KnockOptions.SOURCE_IP)).verify().message());
    }

    @Test
    void legacyKeysAreCutTo16Bytes() throws Exception {
        Knock k = seal(base().key("0123456789abcdefEXTRA".getBytes()).encryptionMode(EncryptionMode.LEGACY));
        SpaMessage m = SpaWire.open(k.wire(), CIPHER,
                new RijndaelKey("0123456789abcdef".getBytes(), EncryptionMode.LEGACY), null);
        assertEquals("10.200.0.1,tcp/22", m.message());
    }

    @Test
    void longCommandsAreFlaggedAsBeyondFwknopd() throws Exception {
        Knock k = seal(base().access(null).command("x".repeat(200)));
        assertFalse(k.withinFwknopdDecodeLimit());
    }

    @Test
    void refusals() throws KnockException {
        assertRefused(base().access(null), "-A/--access");
        assertRefused(base().access("none/0"), "malformed");
        assertRefused(base().allowIp(null), "[-s|-a]");
        assertRefused(base().allowIp(null).resolveAllowIp(true), "ExternalIp.resolve");
        assertRefused(base().allowIp("10.0.0.256"), "Invalid allow IP");
        assertRefused(base().key(null), "no encryption key");
        assertRefused(base().key(new byte[33]), "1..32");
        assertRefused(base().key(new byte[0]), "1..32");
        assertRefused(base().useHmac(true), "no HMAC key");
        assertRefused(base().hmacKey("secretkey".getBytes()), "should not be identical");
        assertRefused(base().hmacKey("hmackey".getBytes()).encryptionMode(EncryptionMode.LEGACY), "Legacy");
        assertRefused(base().encryptionMode(EncryptionMode.ASYMMETRIC), "GPG");
        assertRefused(base().access("tcp/22,udp/53").natPort(5000).natAccess("10.1.1.1"), "multiple ports");
        assertRefused(base().natAccess("bad/host:22"), "Invalid NAT destination");
        assertRefused(base().natAccess("10.1.1.1:99999"), "Invalid port value in -N");
        assertRefused(base().command("ls").natLocal(true), "cannot be combined");
        assertRefused(base().natLocal(true).destination(null), "-D");
    }

    @Test
    void hostnamesAsFwknopChecksThem() {
        assertTrue(Knock.isValidHostname("internal.host"));
        assertTrue(Knock.isValidHostname("a-b.c1"));
        assertFalse(Knock.isValidHostname("-ab"));
        assertFalse(Knock.isValidHostname("ab-"));
        assertFalse(Knock.isValidHostname("a..b"));
        assertFalse(Knock.isValidHostname("a_b"));
    }

    private static void assertRefused(KnockOptions o, String reasonPart) {
        KnockException e = assertThrows(KnockException.class, () -> seal(o));
        assertTrue(e.getMessage().contains(reasonPart), e.getMessage());
        assertFalse(e.getMessage().contains("secretkey"), e.getMessage());
    }
}
