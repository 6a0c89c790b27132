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
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

class PipelineTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HMAC = "hmac-key-for-tests-hmac-key-for-tests".getBytes(StandardCharsets.US_ASCII);
    static final long NOW = 1_800_000_000L;

    @TempDir
    Path dir;

    final List<String> fw = new ArrayList<>();
    final RijndaelCipher cipher = new RijndaelCipher();
    final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);

    FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            fw.add("grant " + g.source().getHostAddress() + " " + g.ports() + " " + g.expiresAt().getEpochSecond());
        }

        public void revoke(AccessGrant g) {
            fw.add("revoke " + g.source().getHostAddress() + " " + g.ports());
        }

        public List<String> list() {
            return fw;
        }

        public void flush() {
        }
    };

    FirewallSlot slot() {
        FirewallSlot s = new FirewallSlot();
        s.set(backend);
        return s;
    }

    Pipeline pipeline(String accessConf, DigestFile cache) throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, accessConf);
        List<AccessStanza> stanzas = new AccessConfParser().parse(access);
        return new Pipeline(new PolicySet(stanzas, true, 120, false), cache, new StanzaTrial(t -> cipher),
                new LiveGrants(slot(), clock), new RefusalCounters(), clock);
    }

    static String stanza(String extra) {
        return "SOURCE ANY\nKEY_BASE64 " + java.util.Base64.getEncoder().encodeToString(KEY) + "\nHMAC_KEY_BASE64 "
                + java.util.Base64.getEncoder().encodeToString(HMAC) + "\nFW_ACCESS_TIMEOUT 5\n" + extra;
    }

    String packet(String access, long ts, byte[] key, byte[] hmac) throws SpaException {
        return SpaWire.seal(new SpaMessageBuilder().username("alice").timestamp(ts).allowIp("10.200.0.1")
                .access(access).build(), cipher, new RijndaelKey(key, EncryptionMode.CBC),
                new HmacKey(hmac, HmacType.SHA256));
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
    void validPacketOpensThenReplayIsRefusedAlsoAfterRestart() throws Exception {
        Path digests = dir.resolve("digest.cache");
        Pipeline p = pipeline(stanza(""), new DigestFile(digests));
        String wire = packet("tcp/2222", NOW, KEY, HMAC);
        AccessGrant g = p.process(captured(wire));
        assertNotNull(g);
        assertEquals(List.of("grant 10.200.0.1 [tcp/2222] " + (NOW + 5)), fw);
        assertEquals(RefusalReason.REPLAY, refusal(p, wire));
        // the digest is in fwknop's file format and survives a restart
        String line = Files.readAllLines(digests).get(1);
        assertTrue(line.matches("[A-Za-z0-9+/]{43} 17 10\\.200\\.0\\.1 40000 10\\.200\\.0\\.2 62201 " + NOW), line);
        Pipeline restarted = pipeline(stanza(""), new DigestFile(digests));
        assertEquals(RefusalReason.REPLAY, refusal(restarted, wire));
    }

    @Test
    void eachRefusalHasItsReasonAndOpensNothing() throws Exception {
        Pipeline p = pipeline(stanza("OPEN_PORTS tcp/2222\n"), new DigestFile(null));
        byte[] otherKey = KEY.clone();
        otherKey[3] ^= 1;
        byte[] otherHmac = HMAC.clone();
        otherHmac[3] ^= 1;
        assertEquals(RefusalReason.DECRYPTION_FAILED, refusal(p, packet("tcp/2222", NOW, otherKey, HMAC)));
        assertEquals(RefusalReason.HMAC_MISMATCH, refusal(p, packet("tcp/2222", NOW, KEY, otherHmac)));
        assertEquals(RefusalReason.TIMESTAMP_OUT_OF_RANGE, refusal(p, packet("tcp/2222", NOW - 121, KEY, HMAC)));
        assertEquals(RefusalReason.TIMESTAMP_OUT_OF_RANGE, refusal(p, packet("tcp/2222", NOW + 121, KEY, HMAC)));
        assertEquals(RefusalReason.PORT_NOT_PERMITTED, refusal(p, packet("tcp/22", NOW, KEY, HMAC)));
        assertEquals(RefusalReason.TOO_SHORT, refusal(p, "QUJD"));
        assertEquals(RefusalReason.NOT_BASE64, refusal(p, "!".repeat(150)));
        assertEquals(RefusalReason.PREFIX_PRESENT, refusal(p, "U2FsdGVkX1" + packet("tcp/2222", NOW, KEY, HMAC)));
        assertTrue(fw.isEmpty(), fw.toString());
    }

    @Test
    void sourceRestrictionAndSecondStanzaWithRightKey() throws Exception {
        String conf = "SOURCE 192.168.0.0/16\nKEY nope-nope\n\n" + stanza("");
        Pipeline p = pipeline(conf, new DigestFile(null));
        assertNotNull(p.process(captured(packet("tcp/22", NOW, KEY, HMAC))));
        Pipeline only = pipeline("SOURCE 192.168.0.0/255.255.0.0\nKEY nope-nope\n", new DigestFile(null));
        assertEquals(RefusalReason.NO_STANZA_FOR_SOURCE, refusal(only, packet("tcp/22", NOW, KEY, HMAC)));
    }

    @Test
    void requireSourceAddressRefusesZeroAllowIp() throws Exception {
        Pipeline p = pipeline(stanza("REQUIRE_SOURCE_ADDRESS Y\n"), new DigestFile(null));
        String wire = SpaWire.seal(new SpaMessageBuilder().username("alice").timestamp(NOW).allowIp("0.0.0.0")
                .access("tcp/22").build(), cipher, new RijndaelKey(KEY, EncryptionMode.CBC),
                new HmacKey(HMAC, HmacType.SHA256));
        assertEquals(RefusalReason.SOURCE_ADDRESS_REQUIRED, refusal(p, wire));
    }

    @Test
    void reKnockExtendsTheLiveGrant() throws Exception {
        Pipeline p = pipeline(stanza(""), new DigestFile(null));
        AccessGrant first = p.process(captured(packet("tcp/22", NOW, KEY, HMAC)));
        AccessGrant second = p.process(captured(packet("tcp/22", NOW, KEY, HMAC)));
        assertEquals(first.id(), second.id());
    }
}
