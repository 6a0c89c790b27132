package org.postern.knock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.postern.api.KnockEvent;
import org.postern.api.KnockSequence;
import org.postern.api.KnockStanza;
import org.postern.api.KnockVerdict;
import org.postern.api.PortSpec;
import org.postern.api.Protocol;
import org.postern.api.RefusalReason;
import org.postern.api.SynSignature;
import org.postern.fko.KnockSequenceCipher;

class KnockTrackerTest {

    /** §1.6: key fwknoptest, salt ABCDEFGH, 127.0.0.2 tcp/22 user root. */
    static final int[] VECTOR_CIPHERTEXT = {83, 97, 108, 116, 101, 100, 95, 95, 65, 66, 67, 68, 69, 70, 71, 72, 228,
        249, 70, 116, 20, 106, 0, 173, 51, 49, 255, 141, 36, 99, 131, 6};
    static final int[] VECTOR_PORTS = {61083, 61097, 61108, 61116, 61101, 61100, 61095, 61095, 61065, 61066, 61067,
        61068, 61069, 61070, 61071, 61072, 61228, 61249, 61070, 61116, 61020, 61106, 61000, 61173, 61051, 61049,
        61255, 61141, 61036, 61099, 61131, 61006};
    static final byte[] KEY = "fwknoptest".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SALT = "ABCDEFGH".getBytes(StandardCharsets.US_ASCII);

    static final SynSignature LINUX_SYN = new SynSignature(64, 5840, true, 60, List.of("M1460", "S", "T", "N", "W0"));
    static final SynSignature WINDOWS_SYN = new SynSignature(128, 65535, true, 48, List.of("M1460", "N", "N", "S"));

    private final InetAddress src = addr("10.9.0.2");
    private final KnockService decoder = new KnockService();

    static InetAddress addr(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static KnockStanza encrypted(byte[] key) {
        return new KnockStanza("access.conf:1", a -> true, new KnockSequence.Encrypted(key, 61000), null, 0, null,
                null, null, null, null, true, List.of(PortSpec.parse("tcp/2222")), Duration.ofSeconds(30));
    }

    static KnockStanza shared(String seq, Duration min, Duration max, Duration interval, int limit, Pattern os) {
        return new KnockStanza("access.conf:9", a -> true, KnockSequence.Shared.parse(seq),
                interval, limit, min, max, null, os, null, true, List.of(PortSpec.parse("tcp/22")),
                Duration.ofSeconds(30));
    }

    @Test
    void vectorEncryptsAndMapsToPorts() {
        byte[] plain = SequenceMessage.encode(addr("127.0.0.2"), 22, Protocol.TCP, "root");
        assertArrayEquals(bytes(127, 0, 0, 2, 0, 22, 6, 157, 114, 111, 111, 116), plain);
        byte[] ct = KnockSequenceCipher.encrypt(plain, KEY, SALT);
        assertArrayEquals(bytes(VECTOR_CIPHERTEXT), ct);
        for (int i = 0; i < 32; i++) {
            assertEquals(VECTOR_PORTS[i], 61000 + (ct[i] & 0xff));
        }
    }

    @Test
    void longUsernameDecryptsFirstBlockOnly() {
        byte[] ct = KnockSequenceCipher.encrypt(SequenceMessage.encode(addr("127.0.0.2"), 22, Protocol.TCP,
                "abcdefghijk"), KEY, SALT);
        assertEquals(48, ct.length);
        byte[] plain = KnockSequenceCipher.decrypt(ct, KEY);
        assertArrayEquals(bytes(127, 0, 0, 2, 0, 22, 6, 157, 97, 98, 99, 100, 101, 102, 103, 104), plain);
    }

    @Test
    void vectorDecodesToGrant() {
        KnockStanza st = encrypted(KEY);
        List<KnockVerdict> v = knockPorts(st, VECTOR_PORTS, 0, 1000);
        assertEquals(1, v.size(), v.toString());
        KnockVerdict.Granted g = assertInstanceOf(KnockVerdict.Granted.class, v.get(0));
        assertEquals(addr("127.0.0.2"), g.allow());
        assertEquals("root", g.username());
        assertEquals(List.of(PortSpec.parse("tcp/2222"), PortSpec.parse("tcp/22")), g.ports());
        assertEquals(Duration.ofSeconds(30), g.timeout());
    }

    @Test
    void encryptedIgnoresNoiseOutsideTheWindow() {
        KnockStanza st = encrypted(KEY);
        List<KnockVerdict> all = new ArrayList<>();
        long t = 0;
        for (int port : VECTOR_PORTS) {
            all.addAll(decoder.offer(new KnockEvent(src, 443, Protocol.TCP, t += 100), List.of(st)));
            all.addAll(decoder.offer(new KnockEvent(src, 0, Protocol.ICMP, t += 100), List.of(st)));
            all.addAll(decoder.offer(new KnockEvent(src, port, Protocol.TCP, t += 100), List.of(st)));
        }
        assertEquals(1, all.size(), all.toString());
        assertInstanceOf(KnockVerdict.Granted.class, all.get(0));
    }

    @Test
    void wrongKeyIsRefused() {
        List<KnockVerdict> v = knockPorts(encrypted("otherkey1".getBytes(StandardCharsets.US_ASCII)), VECTOR_PORTS,
                0, 1000);
        assertEquals(RefusalReason.KNOCK_BAD_CHECKSUM, refusal(v));
    }

    @Test
    void outOfOrderEncryptedSequenceIsRefused() {
        int[] swapped = VECTOR_PORTS.clone();
        int x = swapped[20];
        swapped[20] = swapped[21];
        swapped[21] = x;
        assertEquals(RefusalReason.KNOCK_BAD_CHECKSUM, refusal(knockPorts(encrypted(KEY), swapped, 0, 1000)));
        // the state was reset: the right sequence is accepted afterwards
        assertInstanceOf(KnockVerdict.Granted.class, knockPorts(encrypted(KEY), VECTOR_PORTS, 100_000, 1000).get(0));
    }

    @Test
    void partialEncryptedSequenceExpiresAfterKnockInterval() {
        KnockStanza st = encrypted(KEY);
        knockPorts(st, java.util.Arrays.copyOf(VECTOR_PORTS, 10), 0, 1000);
        List<KnockVerdict> v = knockPorts(st, VECTOR_PORTS, 200_000, 1000);
        assertEquals(RefusalReason.KNOCK_EXPIRED, refusal(v.subList(0, 1)));
        assertInstanceOf(KnockVerdict.Granted.class, v.get(1));
    }

    @Test
    void sharedSequenceTimingAndOrder() {
        KnockStanza st = shared("tcp/1001, udp/1002, icmp", Duration.ofSeconds(1), Duration.ofSeconds(5), null, 0,
                null);
        // too fast
        assertEquals(RefusalReason.KNOCK_TOO_FAST, refusal(shared(st, 0, 500, "tcp/1001", "udp/1002")));
        // exactly MIN_TIME_DIFF is too fast too (strictly greater is required)
        assertEquals(RefusalReason.KNOCK_TOO_FAST, refusal(shared(st, 10_000, 1000, "tcp/1001", "udp/1002")));
        // too slow
        assertEquals(RefusalReason.KNOCK_TOO_SLOW, refusal(shared(st, 20_000, 5000, "tcp/1001", "udp/1002")));
        // out of order
        assertEquals(RefusalReason.KNOCK_OUT_OF_ORDER, refusal(shared(st, 40_000, 2000, "tcp/1001", "icmp/0")));
        // noise between knocks resets the sequence as in 1.9
        assertEquals(RefusalReason.KNOCK_OUT_OF_ORDER,
                refusal(shared(st, 60_000, 2000, "tcp/1001", "tcp/80", "udp/1002", "icmp/0")));
        // right order and timing
        List<KnockVerdict> ok = shared(st, 80_000, 2000, "tcp/1001", "udp/1002", "icmp/0");
        KnockVerdict.Granted g = assertInstanceOf(KnockVerdict.Granted.class, ok.get(0));
        assertEquals(src, g.allow());
        assertEquals(List.of(PortSpec.parse("tcp/22")), g.ports());
    }

    @Test
    void sharedPartialSequenceExpires() {
        KnockStanza st = shared("tcp/1001, tcp/1002, tcp/1003", null, null, Duration.ofSeconds(10), 0, null);
        shared(st, 0, 1000, "tcp/1001", "tcp/1002");
        List<KnockVerdict> v = shared(st, 30_000, 1000, "tcp/1001", "tcp/1002", "tcp/1003");
        assertEquals(RefusalReason.KNOCK_EXPIRED, refusal(v.subList(0, 1)));
        assertInstanceOf(KnockVerdict.Granted.class, v.get(1));
    }

    @Test
    void knockLimitTriggers() {
        KnockStanza st = shared("tcp/1001, tcp/1002", null, null, null, 2, null);
        assertInstanceOf(KnockVerdict.Granted.class, shared(st, 0, 1000, "tcp/1001", "tcp/1002").get(0));
        assertInstanceOf(KnockVerdict.Granted.class, shared(st, 10_000, 1000, "tcp/1001", "tcp/1002").get(0));
        assertEquals(RefusalReason.KNOCK_LIMIT, refusal(shared(st, 20_000, 1000, "tcp/1001", "tcp/1002")));
    }

    @Test
    void requireOsIsEnforcedForSharedSequences() {
        KnockStanza st = shared("tcp/1001, tcp/1002", null, null, null, 0,
                Pattern.compile("linux", Pattern.CASE_INSENSITIVE));
        InetAddress linux = addr("10.9.0.3");
        InetAddress windows = addr("10.9.0.4");
        List<KnockVerdict> v = new ArrayList<>();
        v.addAll(decoder.offer(new KnockEvent(linux, 1001, Protocol.TCP, 1000, LINUX_SYN), List.of(st)));
        v.addAll(decoder.offer(new KnockEvent(linux, 1002, Protocol.TCP, 2000, LINUX_SYN), List.of(st)));
        assertInstanceOf(KnockVerdict.Granted.class, v.get(0));
        v.clear();
        v.addAll(decoder.offer(new KnockEvent(windows, 1001, Protocol.TCP, 1000, WINDOWS_SYN), List.of(st)));
        v.addAll(decoder.offer(new KnockEvent(windows, 1002, Protocol.TCP, 2000, WINDOWS_SYN), List.of(st)));
        KnockVerdict.Refused r = assertInstanceOf(KnockVerdict.Refused.class, v.get(0));
        assertEquals(RefusalReason.OS_NOT_ALLOWED, r.reason());
        assertTrue(r.detail().contains("Windows"), r.detail());
        assertTrue(decoder.osGuesses(linux).contains("Linux:2.4::Linux 2.4/2.6"), decoder.osGuesses(linux)::toString);
    }

    @Test
    void encryptedChecksAfterDecryption() {
        byte[] salt = "12345678".getBytes(StandardCharsets.US_ASCII);
        int[] zero = ports(KnockSequenceCipher.encrypt(SequenceMessage.encode(addr("0.0.0.0"), 53, Protocol.UDP, "alice"),
                KEY, salt));
        KnockVerdict.Granted g = assertInstanceOf(KnockVerdict.Granted.class,
                knockPorts(encrypted(KEY), zero, 0, 100).get(0));
        assertEquals(src, g.allow());
        assertTrue(g.ports().contains(PortSpec.parse("udp/53")));

        KnockStanza strict = new KnockStanza("access.conf:5", a -> true, new KnockSequence.Encrypted(KEY, 61000), null,
                0, null, null, null, null, "bob", false, List.of(), Duration.ofSeconds(30));
        assertEquals(RefusalReason.SOURCE_ADDRESS_REQUIRED, refusal(knockPorts(strict, zero, 10_000, 100)));
        assertEquals(RefusalReason.USERNAME_MISMATCH, refusal(knockPorts(strict, VECTOR_PORTS, 20_000, 100)));

        KnockStanza os = new KnockStanza("access.conf:7", a -> true, new KnockSequence.Encrypted(KEY, 61000), null,
                0, null, null, "Linux:2.4::Linux 2.4/2.6", null, null, true, List.of(), Duration.ofSeconds(30));
        assertEquals(RefusalReason.OS_NOT_ALLOWED, refusal(knockPorts(os, VECTOR_PORTS, 30_000, 100)));
        decoder.offer(new KnockEvent(src, 80, Protocol.TCP, 39_000, LINUX_SYN), List.of(os));
        assertInstanceOf(KnockVerdict.Granted.class, knockPorts(os, VECTOR_PORTS, 40_000, 100).get(0));
    }

    @Test
    void stanzasForOtherSourcesAreNotTried() {
        KnockStanza other = new KnockStanza("access.conf:3", a -> a.getHostAddress().equals("10.1.1.1"),
                new KnockSequence.Encrypted(KEY, 61000), null, 0, null, null, null, null, null, true, List.of(),
                Duration.ofSeconds(30));
        assertTrue(knockPorts(other, VECTOR_PORTS, 0, 100).isEmpty());
    }

    private static int[] ports(byte[] ct) {
        int[] p = new int[32];
        for (int i = 0; i < 32; i++) {
            p[i] = 61000 + (ct[i] & 0xff);
        }
        return p;
    }

    @Test
    void floodOfSourcesIsBounded() {
        KnockService small = new KnockService(PassiveOsFingerprint.bundled(20), 50);
        KnockStanza st = encrypted(KEY);
        for (int i = 0; i < 5000; i++) {
            InetAddress a = addr("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
            small.offer(new KnockEvent(a, 61000 + (i & 255), Protocol.TCP, i), List.of(st));
        }
        assertTrue(small.trackedSources() <= 50, () -> "tracked " + small.trackedSources());
    }

    private List<KnockVerdict> knockPorts(KnockStanza st, int[] ports, long t0, long gap) {
        List<KnockVerdict> out = new ArrayList<>();
        long t = t0;
        for (int i = 0; i < ports.length; i++) {
            Protocol p = i % 2 == 0 ? Protocol.TCP : Protocol.UDP; // --rotate-proto
            out.addAll(decoder.offer(new KnockEvent(src, ports[i], p, t), List.of(st)));
            t += gap;
        }
        return out;
    }

    private List<KnockVerdict> shared(KnockStanza st, long t0, long gap, String... knocks) {
        List<KnockVerdict> out = new ArrayList<>();
        long t = t0;
        for (String k : knocks) {
            PortSpec p = KnockSequence.Shared.parse(k).knocks().get(0);
            out.addAll(decoder.offer(new KnockEvent(src, p.protocol() == Protocol.ICMP ? 0 : p.port(), p.protocol(),
                    t), List.of(st)));
            t += gap;
        }
        return out;
    }

    private static RefusalReason refusal(List<KnockVerdict> v) {
        assertEquals(1, v.size(), v.toString());
        return assertInstanceOf(KnockVerdict.Refused.class, v.get(0)).reason();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }
}
