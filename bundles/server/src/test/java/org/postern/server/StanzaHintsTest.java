package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.AccessGrant;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * The remembered stanza is tried first only where that cannot change fwknopd's in-order outcome; a packet whose
 * stanza is not the remembered one still finds its own; the refusals stay those of the in-order trial.
 */
class StanzaHintsTest {

    @TempDir
    Path confDir;

    /** The pipeline test's scaffolding (recording backend, fixed clock, packets). */
    final PipelineTest t = new PipelineTest();
    final List<String> fw = t.fw;
    static final long NOW = PipelineTest.NOW;
    static final byte[] KEY = PipelineTest.KEY;
    static final byte[] HMAC = PipelineTest.HMAC;

    @org.junit.jupiter.api.BeforeEach
    void scaffold() {
        t.dir = confDir;
    }

    Pipeline pipeline(String conf, DigestFile cache) throws Exception {
        return t.pipeline(conf, cache);
    }

    String packet(String access, long ts, byte[] key, byte[] hmac) throws Exception {
        return t.packet(access, ts, key, hmac);
    }

    static org.postern.api.CapturedPacket captured(String wire) throws Exception {
        return PipelineTest.captured(wire);
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    static String stanzaWith(String key, String hmac, int timeout) {
        return "SOURCE ANY\nKEY_BASE64 " + b64(key) + "\nHMAC_KEY_BASE64 " + b64(hmac) + "\nFW_ACCESS_TIMEOUT " + timeout
                + "\n\n";
    }

    List<AccessStanza> parse(String conf) throws Exception {
        Path f = confDir.resolve("access-" + System.nanoTime() + ".conf");
        Files.writeString(f, conf);
        return new AccessConfParser().parse(f);
    }

    static final String K1 = "k1-0123456789abcdef0123456789abc";
    static final String K2 = "k2-0123456789abcdef0123456789abc";
    static final String H1 = "hmac-one-hmac-one-hmac-one-hmac-one";
    static final String H2 = "hmac-two-hmac-two-hmac-two-hmac-two";
    static final String H3 = "hmac-three-hmac-three-hmac-three-hm";

    @Test
    void safeOnlyBehindStanzasWithOtherHmacKeys() throws Exception {
        List<AccessStanza> l = parse(stanzaWith(K1, H1, 5) + stanzaWith(K2, H2, 6) + stanzaWith(K2, H1, 7)
                + stanzaWith(K1, H3, 8) + "SOURCE ANY\nKEY " + "plainpassword" + "\n\n" + stanzaWith(K2, H3 + "x", 9));
        // 0: first anyway; 1: other key; 2: H1 again (stanza 0 would verify first); 3: new key;
        // 4: no HMAC key; 5: behind a stanza without an HMAC key (which could decrypt anything's way)
        assertArrayEquals(new boolean[] {true, true, false, true, false, false}, StanzaHints.safeToTryFirst(l));
    }

    @Test
    void theRememberedStanzaTakesTheNextPacketAndOthersStillFindTheirs() throws Exception {
        String conf = stanzaWith(K1, H1, 5) + stanzaWith(K2, H2, 6) + stanzaWith(new String(KEY, StandardCharsets.US_ASCII),
                new String(HMAC, StandardCharsets.US_ASCII), 7);
        Pipeline p = pipeline(conf, new DigestFile(null));
        // the third stanza, twice from the same source: the second is tried there first, same outcome
        AccessGrant a = p.process(captured(packet("tcp/22", NOW, KEY, HMAC)));
        assertEquals(NOW + 7, a.expiresAt().getEpochSecond());
        AccessGrant b = p.process(captured(packet("tcp/23", NOW, KEY, HMAC)));
        assertEquals(NOW + 7, b.expiresAt().getEpochSecond());
        assertEquals(a.stanza(), b.stanza());
        // now a packet for the second stanza from the same source: the hint misses, the in-order trial finds it
        AccessGrant c = p.process(captured(packet("tcp/24", NOW, K2.getBytes(StandardCharsets.US_ASCII),
                H2.getBytes(StandardCharsets.US_ASCII))));
        assertEquals(NOW + 6, c.expiresAt().getEpochSecond());
        // a refusal after a hint is the in-order one (the first stanza's HMAC mismatch), not the hinted stanza's
        byte[] other = HMAC.clone();
        other[0] ^= 1;
        SpaException e = assertThrows(SpaException.class, () -> p.process(captured(packet("tcp/25", NOW, KEY, other))));
        assertEquals(RefusalReason.HMAC_MISMATCH, e.reason());
        assertEquals(List.of("grant 10.200.0.1 [tcp/22] " + (NOW + 7), "grant 10.200.0.1 [tcp/23] " + (NOW + 7),
                "grant 10.200.0.1 [tcp/24] " + (NOW + 6)), fw);
    }

    @Test
    void aStanzaWithTheHmacKeyOfAnEarlierOneIsNeverTriedFirst() throws Exception {
        // the two stanzas share the HMAC key: the first verifies the HMAC but cannot decrypt, the trial goes on to
        // the second, which takes the packet; it is never tried first (the first could take a packet it takes)
        String key = new String(KEY, StandardCharsets.US_ASCII);
        String hmac = new String(HMAC, StandardCharsets.US_ASCII);
        String conf = stanzaWith(K1, hmac, 5) + stanzaWith(key, hmac, 6);
        Pipeline p = pipeline(conf, new DigestFile(null));
        AccessGrant a = p.process(captured(packet("tcp/22", NOW, KEY, HMAC)));
        assertEquals(NOW + 6, a.expiresAt().getEpochSecond());
        StanzaHints h = new StanzaHints();
        PolicySet ps = p.policy();
        h.remember(ps, InetAddress.getByName("10.200.0.1"), 1);
        assertEquals(-1, h.lookup(ps, InetAddress.getByName("10.200.0.1")));
    }

    @Test
    void aNewPolicyForgetsTheHints() throws Exception {
        List<AccessStanza> l = parse(stanzaWith(K1, H1, 5) + stanzaWith(K2, H2, 6));
        PolicySet one = new PolicySet(l, true, 120, false);
        PolicySet two = new PolicySet(l, true, 120, false);
        StanzaHints h = new StanzaHints();
        InetAddress src = InetAddress.getByName("10.1.2.3");
        h.remember(one, src, 1);
        assertEquals(1, h.lookup(one, src));
        assertEquals(-1, h.lookup(two, src));
        h.remember(two, InetAddress.getByName("10.1.2.4"), 1);
        assertEquals(-1, h.lookup(one, src));
        assertEquals(-1, h.lookup(two, src));
    }
}
