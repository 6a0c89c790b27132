package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.DigestType;
import org.postern.fko.SpaBase64;
import org.postern.fko.SpaWire;

/** fwknop 1.9.12 SPA packets (reference §5.1 vector) through PreCheck -> StanzaTrial -> PolicyCheck. */
class LegacySpaPipelineTest {

    /** The §5.1 vector (key fwknoptest, salt ABCDEFGH), as the 1.9.12 client sends it: prefix and '=' stripped. */
    static final String VECTOR_WIRE = "U2FsdGVkX19BQkNERUZHSA7VbH6r9339p7nzPlK2JGaRFMO/UXBEOOmcxxzOLSO8D7487u71wbAQv85u3vCx7t0+"
            + "chgte7P7A3NgaS5CnCFJPo8ohtSe8jBqBXzScp610Ty05s5xHFN41x0PpQMUTMYp1u2wi2qHLXVR0r62f5LLOv7OVxJLH9fi3U9oLgJs"
            .substring(0);
    static final long VECTOR_TIME = 1_250_000_000L;

    @TempDir
    Path dir;

    static String wire() {
        String w = VECTOR_WIRE.substring("U2FsdGVkX1".length());
        while (w.endsWith("=")) {
            w = w.substring(0, w.length() - 1);
        }
        return w;
    }

    Pipeline pipeline(String conf) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, conf);
        List<AccessStanza> stanzas = new AccessConfParser().parse(access);
        Clock clock = Clock.fixed(Instant.ofEpochSecond(VECTOR_TIME + 10), ZoneOffset.UTC);
        PipelineTest helper = new PipelineTest();
        return new Pipeline(new PolicySet(stanzas, true, 120, false), new DigestFile(null),
                new StanzaTrial(t -> new RijndaelCipher()), new LiveGrants(helper.slot(), clock),
                new RefusalCounters(), clock);
    }

    static CapturedPacket captured(String wire) throws Exception {
        return new CapturedPacket(wire.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("127.0.0.2"),
                40000, InetAddress.getByName("127.0.0.1"), 62201, Transport.UDP, Instant.now(), "test");
    }

    @Test
    void vectorIsGrantedWithALegacyStanza() throws Exception {
        Pipeline p = pipeline("SOURCE ANY\nKEY fwknoptest\nENCRYPTION_MODE legacy\nFW_ACCESS_TIMEOUT 30\n");
        AccessGrant g = p.process(captured(wire()));
        assertNotNull(g);
        assertEquals("127.0.0.2", g.source().getHostAddress());
    }

    /** SHA-512 crypt of "Hello world!" (openssl passwd -6 -salt saltstring). */
    static final String SHA512 = "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEd"
            + "FCoEOfaS35inz1";

    /** A 1.9.12 plaintext as the Perl client builds it (padded base64 fields), sealed with a 1.9 key. */
    static String packet19(String user, String extras) throws SpaException {
        String fields = "9876543210987654:" + b64(user) + ":" + (VECTOR_TIME + 5) + ":1.9.12:1:" + b64("127.0.0.2,tcp/22")
                + extras;
        String plain = fields + ":" + SpaBase64.encode(DigestType.SHA256.hash(fields.getBytes(StandardCharsets.US_ASCII)));
        return SpaWire.sealPlaintext(plain, new RijndaelCipher(),
                new RijndaelKey("fwknoptest".getBytes(StandardCharsets.US_ASCII), EncryptionMode.LEGACY), null);
    }

    static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cryptServerAuthIsRequiredWhenTheStanzaSaysSo() throws Exception {
        Path shadow = dir.resolve("shadow");
        Files.writeString(shadow, "root:*:19000:0:99999:7:::\nalice:" + SHA512 + ":19000:0:99999:7:::\n"
                + "bob:!" + SHA512 + ":19000::::::\n");
        Pipeline p = pipeline("SOURCE ANY\nKEY fwknoptest\nENCRYPTION_MODE legacy\nFW_ACCESS_TIMEOUT 30\n"
                + "REQUIRE_AUTH_METHOD crypt\nSHADOW_FILE " + shadow + "\n");
        assertRefused(p, packet19("alice", ""), "carries no server_auth");
        assertRefused(p, packet19("alice", ":" + b64("crypt,wrong")), "does not match");
        assertRefused(p, packet19("alice", ":" + b64("pam,Hello world!")), "is not the required");
        assertRefused(p, packet19("bob", ":" + b64("crypt,Hello world!")), "locked");
        assertRefused(p, packet19("carol", ":" + b64("crypt,Hello world!")), "no entry for user");
        AccessGrant g = p.process(captured(packet19("alice", ":" + b64("crypt,Hello world!"))));
        assertNotNull(g);
        // the 1.9 vector itself has no server_auth: refused by this stanza
        assertRefused(p, wire(), "carries no server_auth");
    }

    @Test
    void unknownAuthMethodIsAConfigError() {
        assertThrows(ConfigException.class, () -> pipeline("SOURCE ANY\nKEY fwknoptest\nREQUIRE_AUTH_METHOD pam\n"));
    }

    @Test
    void unixCryptFormats() {
        byte[] pw = "Hello world!".getBytes(StandardCharsets.US_ASCII);
        assertTrue(UnixCrypt.verify(pw, SHA512));
        assertTrue(UnixCrypt.verify(pw, "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"));
        assertTrue(UnixCrypt.verify("secret".getBytes(StandardCharsets.US_ASCII), "$1$abcdefgh$cHJi5PXp/ki/ktXzqlk6I1"));
        assertTrue(UnixCrypt.verify(pw, "$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA"));
        assertTrue(!UnixCrypt.verify("Hello world".getBytes(StandardCharsets.US_ASCII), SHA512));
        assertTrue(!UnixCrypt.verify(pw, "abJnggxhB/yWI"), "DES crypt is not supported");
    }

    private void assertRefused(Pipeline p, String wire, String detail) throws Exception {
        SpaException e = assertThrows(SpaException.class, () -> p.process(captured(wire)));
        assertEquals(RefusalReason.BAD_SERVER_AUTH, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }
}
