package org.postern.api.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.postern.api.http.SpaOverHttp.Extraction;
import org.postern.api.http.SpaOverHttp.Verdict;

class SpaOverHttpTest {

    /** A wire string with every base64 character the client maps, as fwknop 2.6.10 sends it (no '='). */
    static final String WIRE = "8/Gr9W+v2kQn3Sd0Lh6yT7Dk/VbJ+aA0qJmv1t2QZ7b8Rk3W+JfEo9lq0ZcC1m8y4tUqvl1Qe0bYb7u/RZJm0Y+q"
            + "3P2Vw/7Xo5gJ+l0W6rGkDqS2vQJ3Cq1y+Tz8aL0kZp4fH/9rNw2e6uJxB1vO+5tK3sI7c0dM";

    static final SpaOverHttp STRICT = new SpaOverHttp(false, false);
    static final SpaOverHttp ANY_AGENT = new SpaOverHttp(true, false);
    static final SpaOverHttp XFF = new SpaOverHttp(false, true);

    /** The request of fwknop 2.6.10's {@code -P http} (client/spa_comm.c). */
    static String clientRequest(String wire, String host) {
        return "GET /" + urlAlphabet(wire) + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nAccept: */*\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n";
    }

    static String urlAlphabet(String wire) {
        return wire.replace('+', '-').replace('/', '_');
    }

    static Extraction extract(SpaOverHttp rules, String request) {
        return rules.extract(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String data(Extraction e) {
        return new String(e.spaData(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void theRealClientsRequestYieldsTheWireData() {
        Extraction e = extract(STRICT, clientRequest(WIRE, "10.0.0.2"));
        assertEquals(Verdict.SPA, e.verdict());
        assertTrue(e.isSpa());
        assertEquals(WIRE, data(e));
        assertNull(e.forwardedFor());
        assertNull(e.forwardedForRejected());
    }

    @Test
    void theHttp11RequestOfClient2611AndAProxiedRequestToo() {
        String r = "GET /" + urlAlphabet(WIRE) + " HTTP/1.1\r\nUser-Agent: Fwknop/2.6.11\r\nAccept: */*\r\n"
                + "Host: gw.example\r\nConnection: close\r\n\r\n";
        assertEquals(WIRE, data(extract(STRICT, r)));
        // what a reverse proxy forwards: other header order, its own headers
        String proxied = "GET /" + urlAlphabet(WIRE) + " HTTP/1.1\r\nHost: backend\r\nX-Real-IP: 10.9.9.9\r\n"
                + "user-agent: Fwknop/2.6.10\r\nX-Forwarded-For: 10.9.9.9\r\n\r\n";
        assertEquals(WIRE, data(extract(STRICT, proxied)));
    }

    @Test
    void everyBase64StringSurvivesTheUrlAlphabet() {
        Random r = new Random(7);
        for (int i = 0; i < 500; i++) {
            byte[] raw = new byte[100 + r.nextInt(900)];
            r.nextBytes(raw);
            String wire = Base64.getEncoder().withoutPadding().encodeToString(raw);
            assertEquals(wire, data(extract(STRICT, clientRequest(wire, "h"))));
        }
    }

    @Test
    void theMethodIsMatchedInAnyCaseAndOnlyGetCounts() {
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replaceFirst("GET", "get"))));
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replaceFirst("GET", "gEt"))));
        assertEquals(Verdict.NOT_GET, extract(STRICT, clientRequest(WIRE, "h").replaceFirst("GET", "POST")).verdict());
        assertEquals(Verdict.NOT_GET, extract(STRICT, clientRequest(WIRE, "h").replaceFirst("GET ", "GET  ")).verdict());
        // the proxy form fwknop -H sends to a proxy is not an SPA request for the gateway (as in fwknopd)
        assertEquals(Verdict.NOT_GET, extract(STRICT, "GET http://gw/" + WIRE + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n\r\n")
                .verdict());
        assertEquals(Verdict.NOT_GET, extract(STRICT, WIRE).verdict());
        assertEquals(Verdict.NOT_GET, extract(STRICT, "GET").verdict());
        assertEquals(Verdict.NOT_GET, extract(STRICT, "").verdict());
    }

    @Test
    void theUserAgentMustStartWithFwknopUnlessAnyIsAllowed() {
        String curl = clientRequest(WIRE, "h").replace("Fwknop/2.6.10", "curl/7.88.1");
        String none = clientRequest(WIRE, "h").replace("User-Agent: Fwknop/2.6.10\r\n", "");
        String lower = clientRequest(WIRE, "h").replace("Fwknop/2.6.10", "fwknop/2.6.10");
        String inBody = "GET /" + WIRE + " HTTP/1.0\r\nHost: h\r\n\r\nUser-Agent: Fwknop/2.6.10\r\n";
        String other = clientRequest(WIRE, "h").replace("User-Agent:", "X-User-Agent:");
        for (String r : new String[] {curl, none, lower, inBody, other}) {
            assertEquals(Verdict.NOT_FWKNOP_USER_AGENT, extract(STRICT, r).verdict(), r);
            assertNull(extract(STRICT, r).spaData());
            assertEquals(WIRE, data(extract(ANY_AGENT, r)), r);
        }
        // header names in any case, white space around the value optional
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replace("User-Agent: ", "USER-AGENT:"))));
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replace("User-Agent: ", "user-agent: \t "))));
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replace("Fwknop/2.6.10", "Fwknop"))));
        // a second User-Agent line that qualifies is enough, as fwknopd's strstr finds it
        String two = clientRequest(WIRE, "h").replace("User-Agent: Fwknop/2.6.10\r\n",
                "User-Agent: curl\r\nUser-Agent: Fwknop/2.6.10\r\n");
        assertTrue(extract(STRICT, two).isSpa());
        // LF-only line ends
        assertEquals(WIRE, data(extract(STRICT, clientRequest(WIRE, "h").replace("\r\n", "\n"))));
    }

    @Test
    void theDataEndsAtTheFirstWhiteSpace() {
        for (String sep : new String[] {" ", "\t", "\r", "\n", "\u000B", "\f"}) {
            Extraction e = extract(ANY_AGENT, "GET /" + WIRE + sep + "HTTP/1.0\r\n\r\n");
            assertEquals(WIRE, data(e), "separator " + (int) sep.charAt(0));
        }
        assertEquals(WIRE, data(extract(ANY_AGENT, "GET /" + WIRE)));
        assertEquals("a+b/c", data(extract(ANY_AGENT, "GET /a-b_c")));
        // no decoding beyond the two characters: what is not base64 is left for the pipeline's alphabet check
        assertEquals("a%2Bb?x=1", data(extract(ANY_AGENT, "GET /a%2Bb?x=1 HTTP/1.0\r\n\r\n")));
    }

    @Test
    void anEmptyPathIsNoSpaRequest() {
        assertEquals(Verdict.EMPTY_PATH, extract(ANY_AGENT, "GET / HTTP/1.0\r\n\r\n").verdict());
        assertEquals(Verdict.EMPTY_PATH, extract(ANY_AGENT, "GET /").verdict());
        assertEquals(Verdict.EMPTY_PATH, extract(STRICT, "GET / HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\n\r\n").verdict());
    }

    @Test
    void aNulByteEndsThePayloadAsInFwknopd() {
        byte[] b = (clientRequest(WIRE, "h")).getBytes(StandardCharsets.ISO_8859_1);
        byte[] cut = b.clone();
        cut[40] = 0;
        assertEquals(Verdict.NOT_FWKNOP_USER_AGENT, STRICT.extract(cut).verdict());
        Extraction e = ANY_AGENT.extract(cut);
        assertEquals(WIRE.substring(0, 35), data(e));
        byte[] late = b.clone();
        late[late.length - 3] = 0;
        assertEquals(WIRE, data(STRICT.extract(late)));
    }

    @Test
    void onlyTheGivenLengthIsRead() {
        byte[] b = (clientRequest(WIRE, "h") + "garbage").getBytes(StandardCharsets.ISO_8859_1);
        int length = clientRequest(WIRE, "h").length();
        assertEquals(WIRE, data(STRICT.extract(b, length)));
        assertEquals(WIRE.substring(0, 10), data(ANY_AGENT.extract(b, 15)));
        assertEquals(Verdict.NOT_GET, STRICT.extract(b, 4).verdict());
        assertEquals(Verdict.NOT_GET, STRICT.extract(b, -3).verdict());
        assertEquals(WIRE, data(STRICT.extract(b, Integer.MAX_VALUE)));
    }

    @Test
    void forwardedForIsReadOnlyWhenHonoured() throws Exception {
        String r = withXff("10.9.8.7");
        assertNull(extract(STRICT, r).forwardedFor());
        assertNull(extract(STRICT, r).forwardedForRejected());
        Extraction e = extract(XFF, r);
        assertEquals(WIRE, data(e));
        assertEquals(InetAddress.getByName("10.9.8.7"), e.forwardedFor());
        assertNull(e.forwardedForRejected());
        assertNull(extract(XFF, clientRequest(WIRE, "h")).forwardedFor());
        assertNull(extract(XFF, clientRequest(WIRE, "h")).forwardedForRejected());
        // honoured but the request is not SPA: nothing
        assertNull(extract(XFF, r.replace("Fwknop", "curl")).forwardedFor());
    }

    @Test
    void forwardedForTakesTheFirstAddressOfAListAndIPv6() throws Exception {
        assertEquals(InetAddress.getByName("10.9.8.7"), extract(XFF, withXff("10.9.8.7, 192.0.2.1")).forwardedFor());
        assertEquals(InetAddress.getByName("10.9.8.7"), extract(XFF, withXff("10.9.8.7,192.0.2.1")).forwardedFor());
        assertEquals(InetAddress.getByName("2001:db8::7"), extract(XFF, withXff("2001:db8::7")).forwardedFor());
        assertEquals(InetAddress.getByName("2001:db8::7"), extract(XFF, withXff("[2001:db8::7]")).forwardedFor());
        assertEquals(InetAddress.getByName("10.9.8.7"),
                extract(XFF, withXff("10.9.8.7").replace("X-Forwarded-For", "x-forwarded-for")).forwardedFor());
    }

    @Test
    void anInvalidForwardedForIsReportedAndNeverResolved() {
        for (String bad : new String[] {"localhost", "gw.example", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01234.1.1.1",
                "1.2.3.-4", "-", "unknown", "2001:db8::g", "1.2.3.4x", "::ffff:zz", "0.0.0.0", "255.255.255.255",
                "224.0.0.1", "::", "ff02::1"}) {
            Extraction e = extract(XFF, withXff(bad));
            assertTrue(e.isSpa(), bad);
            assertNull(e.forwardedFor(), bad);
            assertEquals(bad, e.forwardedForRejected(), bad);
        }
        Extraction empty = extract(XFF, withXff(""));
        assertNull(empty.forwardedFor());
        assertEquals("", empty.forwardedForRejected());
    }

    @Test
    void forwardedForAfterTheHeadIsIgnored() {
        String r = clientRequest(WIRE, "h") + "X-Forwarded-For: 10.9.8.7\r\n";
        assertNull(extract(XFF, r).forwardedFor());
    }

    @Test
    void ipLiteralsNeverTouchDns() {
        assertNull(SpaOverHttp.ipLiteral(null));
        assertNull(SpaOverHttp.ipLiteral(""));
        assertNull(SpaOverHttp.ipLiteral("a".repeat(50)));
        assertNull(SpaOverHttp.ipLiteral("example"));
        assertEquals("192.0.2.1", SpaOverHttp.ipLiteral("192.0.2.1").getHostAddress());
        assertEquals("255.255.255.255", SpaOverHttp.ipLiteral("255.255.255.255").getHostAddress());
    }

    @Test
    void headEndFindsTheBlankLine() {
        byte[] crlf = "GET /x HTTP/1.0\r\nA: b\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
        assertEquals(crlf.length - 4, SpaOverHttp.headEnd(crlf, crlf.length));
        assertEquals(-1, SpaOverHttp.headEnd(crlf, crlf.length - 6));
        byte[] lf = "GET /x HTTP/1.0\nA: b\n\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(lf.length, SpaOverHttp.headEnd(lf, lf.length));
        byte[] open = "GET /x HTTP/1.0\r\nA: b\r\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, SpaOverHttp.headEnd(open, open.length));
        assertEquals(-1, SpaOverHttp.headEnd(new byte[0], 0));
        assertEquals(crlf.length - 4, SpaOverHttp.headEnd(crlf, 100000 + crlf.length));
    }

    @Test
    void arbitraryBytesNeverThrow() {
        Random r = new Random(11);
        byte[] base = withXff("10.1.2.3").getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                if (b.length > 5 && r.nextBoolean()) {
                    System.arraycopy("GET /".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 5);
                }
            } else {
                b = base.clone();
                for (int k = 0; k < 1 + r.nextInt(8); k++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            }
            for (SpaOverHttp rules : new SpaOverHttp[] {STRICT, ANY_AGENT, XFF, new SpaOverHttp(true, true)}) {
                Extraction e = rules.extract(b, r.nextInt(b.length + 2));
                assertEquals(e.isSpa(), e.spaData() != null);
                if (e.isSpa()) {
                    assertTrue(e.spaData().length > 0);
                    for (byte c : e.spaData()) {
                        assertFalse(c == '-' || c == '_' || c == ' ' || c == 0);
                    }
                }
            }
            SpaOverHttp.headEnd(b, b.length);
        }
    }

    @Test
    void settingsAreVisible() {
        assertTrue(ANY_AGENT.allowsAnyUserAgent());
        assertFalse(ANY_AGENT.honoursForwardedFor());
        assertTrue(XFF.honoursForwardedFor());
        assertFalse(XFF.allowsAnyUserAgent());
    }

    private static String withXff(String value) {
        return "GET /" + urlAlphabet(WIRE) + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nX-Forwarded-For: " + value
                + "\r\nHost: h\r\n\r\n";
    }

    @Test
    void bytesAreUsedAsIs() {
        byte[] raw = clientRequest(WIRE, "h").getBytes(StandardCharsets.ISO_8859_1);
        assertArrayEquals(WIRE.getBytes(StandardCharsets.US_ASCII), STRICT.extract(raw).spaData());
    }

    @Test
    void applyToReplacesThePayloadOfAnSpaRequestOnly() throws Exception {
        InetAddress src = InetAddress.getByName("10.1.1.1");
        InetAddress dst = InetAddress.getByName("10.1.1.2");
        java.time.Instant t = java.time.Instant.ofEpochSecond(1000);
        byte[] request = withXff("10.9.8.7").getBytes(StandardCharsets.ISO_8859_1);
        org.postern.api.CapturedPacket p = new org.postern.api.CapturedPacket(request, src, 40000, dst, 80,
                org.postern.api.Transport.TCP, t, "eth0");
        org.postern.api.CapturedPacket q = XFF.extract(p.payload()).applyTo(p);
        assertEquals(WIRE, new String(q.payload(), StandardCharsets.US_ASCII));
        assertEquals(org.postern.api.Transport.HTTP, q.transport());
        assertEquals(InetAddress.getByName("10.9.8.7"), q.forwardedFor());
        assertEquals(src, q.source());
        assertEquals(40000, q.sourcePort());
        assertEquals(dst, q.destination());
        assertEquals(80, q.destinationPort());
        assertEquals(t, q.received());
        assertEquals("eth0", q.captureName());
        assertNull(STRICT.extract(p.payload()).applyTo(p).forwardedFor(), "X-Forwarded-For not honoured");
        org.postern.api.CapturedPacket plain = new org.postern.api.CapturedPacket(WIRE.getBytes(StandardCharsets.US_ASCII),
                src, 1, dst, 2, org.postern.api.Transport.UDP, t, "x");
        org.postern.api.CapturedPacket same = XFF.extract(plain.payload()).applyTo(plain);
        assertTrue(same == plain, "a payload that is not SPA over HTTP goes on unchanged");
        assertNull(plain.forwardedFor());
    }
}
