package org.postern.client.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KnockOptionsTest {

    @Test
    void timeOffsetsParseAsFwknopDoes() throws KnockException {
        assertEquals(60, KnockOptions.parseTimeOffset("60"));
        assertEquals(60, KnockOptions.parseTimeOffset("60sec"));
        assertEquals(60, KnockOptions.parseTimeOffset("60s"));
        assertEquals(300, KnockOptions.parseTimeOffset("5min"));
        assertEquals(300, KnockOptions.parseTimeOffset("5m"));
        assertEquals(300, KnockOptions.parseTimeOffset("5M"));
        assertEquals(3600, KnockOptions.parseTimeOffset("1h"));
        assertEquals(7200, KnockOptions.parseTimeOffset("2hours"));
        assertEquals(172800, KnockOptions.parseTimeOffset("2days"));
        assertEquals(172800, KnockOptions.parseTimeOffset("2d"));
        assertEquals(65536, KnockOptions.parseTimeOffset("65536"));
        // the first unit letter ends the number; letters that are no unit are skipped
        assertEquals(120, KnockOptions.parseTimeOffset("2m30"));
        assertEquals(12, KnockOptions.parseTimeOffset("1x2"));
    }

    @Test
    void badTimeOffsetsAreRefused() {
        assertThrows(KnockException.class, () -> KnockOptions.parseTimeOffset("min"));
        assertThrows(KnockException.class, () -> KnockOptions.parseTimeOffset(""));
        assertThrows(KnockException.class, () -> KnockOptions.parseTimeOffset("65537"));
        assertThrows(KnockException.class, () -> KnockOptions.parseTimeOffset("123456789"));
    }

    @Test
    void minusOffsetWinsOverPlus() {
        KnockOptions o = new KnockOptions().timeOffsetPlus(60);
        assertEquals(60, o.timeOffset());
        o.timeOffsetMinus(30);
        assertEquals(-30, o.timeOffset());
    }

    @Test
    void usernameFallsBackLikeLibfko() {
        assertEquals("spoofed", KnockOptions.systemUsername(Map.of("SPOOF_USER", "spoofed", "LOGNAME", "log"), "me"));
        assertEquals("log", KnockOptions.systemUsername(Map.of("LOGNAME", "log", "USER", "u"), "me"));
        assertEquals("me", KnockOptions.systemUsername(Map.of("LOGNAME", "", "USER", "u"), "me"));
        assertEquals("u", KnockOptions.systemUsername(Map.of("USER", "u"), null));
        assertEquals("NO_USER", KnockOptions.systemUsername(Map.of(), null));
        assertEquals(63, KnockOptions.systemUsername(Map.of("LOGNAME", "x".repeat(80)), null).length());
    }

    @Test
    void spoofUserIsCutTo29Characters() {
        assertEquals("a".repeat(29), new KnockOptions().spoofUser("a".repeat(40)).spoofUser());
    }

    @Test
    void hmacKeyTurnsHmacOn() throws KnockException {
        KnockOptions o = new KnockOptions();
        assertFalse(o.useHmac());
        o.hmacKeyBase64("aGVsbG8=");
        assertTrue(o.useHmac());
        assertEquals("SHA256", o.effectiveHmacType().name());
    }

    @Test
    void base64KeysMustLookLikeBase64AndNeverEchoTheKey() {
        KnockException e = assertThrows(KnockException.class, () -> new KnockOptions().keyBase64("not base64!secret"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void targetNeedsADestination() throws KnockException {
        assertThrows(KnockException.class, () -> new KnockOptions().target());
        KnockTarget t = new KnockOptions().destination("gw").port(1234).transport(KnockTransport.TCP).target();
        assertEquals("gw:1234/tcp", t.toString());
        assertEquals(KnockOptions.DEFAULT_USER_AGENT, t.httpUserAgent());
    }

    @Test
    void toStringHidesKeys() {
        KnockOptions o = new KnockOptions().key("topsecret".getBytes()).hmacKey("othersecret".getBytes());
        assertFalse(o.toString().contains("secret"), o.toString());
    }

    @Test
    void transportsParse() throws KnockException {
        assertEquals(KnockTransport.UDP, KnockTransport.parse("UDP"));
        assertEquals(KnockTransport.HTTP, KnockTransport.parse("http"));
        assertEquals(KnockTransport.TCP_RAW, KnockTransport.parse("tcpraw"));
        assertEquals(KnockTransport.UDP_RAW, KnockTransport.parse("UDPRAW"));
        assertEquals(KnockTransport.ICMP, KnockTransport.parse("icmp"));
        assertTrue(KnockTransport.ICMP.raw());
        assertFalse(KnockTransport.HTTP.raw());
        assertThrows(KnockException.class, () -> KnockTransport.parse("carrier-pigeon"));
    }
}
