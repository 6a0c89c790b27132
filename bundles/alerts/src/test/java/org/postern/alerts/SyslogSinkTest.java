package org.postern.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postern.api.Alert;
import org.postern.api.RefusalReason;

class SyslogSinkTest {

    static final Instant AT = Instant.parse("2026-11-28T09:05:03.250Z");

    @TempDir
    Path dir;

    static Alert replay(int i) {
        return new Alert(Alert.Kind.REPLAY, AT, RefusalReason.REPLAY, "10.0.0." + i, "",
                "Refused SPA packet from 10.0.0." + i + ":40000 (udp:fwknopd): REPLAY/REPLAY: Replay detected");
    }

    @Test
    void rfc3164AndRfc5424Formats() {
        String a = new String(SyslogMessage.render(false, 3, 4, AT, ZoneOffset.UTC, "gw1", "fwknopd", 42, "REPLAY",
                "line one\nline two"), StandardCharsets.UTF_8);
        assertEquals("<28>Nov 28 09:05:03 gw1 fwknopd[42]: line one line two", a);
        String b = new String(SyslogMessage.render(true, 16, 6, AT, ZoneOffset.UTC, "gw 1", "fwknopd", 42,
                "GRANT_OPENED", "Grant 1 opened"), StandardCharsets.UTF_8);
        assertEquals("<134>1 2026-11-28T09:05:03.250Z gw_1 fwknopd 42 GRANT_OPENED - Grant 1 opened", b);
        assertEquals(3, SyslogMessage.facility("LOG_DAEMON"));
        assertEquals(20, SyslogMessage.facility("local4"));
        String day = new String(SyslogMessage.render(false, 1, 6, Instant.parse("2026-11-01T00:00:00Z"),
                ZoneOffset.UTC, "h", "t", 1, "-", "x"), StandardCharsets.UTF_8);
        assertTrue(day.startsWith("<14>Nov  1 00:00:00 h t[1]: "), day); // day of month space-padded
    }

    @Test
    void udpTransportRateLimitedWithSummary() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            DatagramSocket client = new DatagramSocket();
            int port = server.getLocalPort();
            AtomicLong now = new AtomicLong();
            SyslogSink sink = new SyslogSink(new SyslogSink.Transport() {
                public void send(byte[] d) throws IOException {
                    client.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
                }

                public void close() {
                    client.close();
                }
            }, AlertFilter.parse("REPLAY,CONFIG_ERROR"), new TokenBuckets(2, 60), now::get, "rfc5424", "daemon",
                    "fwknopd", "gw1");
            try {
                for (int i = 0; i < 50; i++) {
                    sink.alert(replay(i));
                }
                sink.alert(new Alert(Alert.Kind.GRANT_OPENED, AT, null, "10.0.0.1", "s", "not configured: not sent"));
                sink.alert(new Alert(Alert.Kind.CONFIG_ERROR, AT, null, "", "", "access.conf:3: KEY: bad"));
                sink.summary();
                String first = receive(server);
                assertTrue(first.startsWith("<28>1 2026-11-28T09:05:03.250Z gw1 fwknopd "), first);
                assertTrue(first.endsWith(" REPLAY - Refused SPA packet from 10.0.0.0:40000 (udp:fwknopd): REPLAY/REPLAY: "
                        + "Replay detected"), first);
                assertTrue(receive(server).contains("10.0.0.1:40000"));
                assertTrue(receive(server).startsWith("<27>1 "), "config error: severity err");
                String summary = receive(server);
                assertTrue(summary.endsWith("48 more REPLAY alert(s) suppressed by the rate limit"), summary);
            } finally {
                sink.deactivate();
            }
        }
    }

    private static String receive(DatagramSocket s) throws IOException {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
    }

    /** The real transport: a Unix datagram socket like /dev/log, bound by the test in a temporary directory. */
    @Test
    void localDatagramSocket() throws Exception {
        String path = dir.resolve("log").toString();
        try (UnixDatagram server = UnixDatagram.bind(path)) {
            SyslogSink sink = new SyslogSink(new SyslogConfig() {
                public Class<? extends java.lang.annotation.Annotation> annotationType() {
                    return SyslogConfig.class;
                }

                public String socket() {
                    return path;
                }

                public String host() {
                    return "";
                }

                public int port() {
                    return 514;
                }

                public String format() {
                    return "rfc3164";
                }

                public String facility() {
                    return "LOG_AUTH";
                }

                public String identity() {
                    return "fwknopd";
                }

                public String kinds() {
                    return "ALL";
                }

                public int burst() {
                    return 5;
                }

                public int perMinute() {
                    return 5;
                }
            });
            try {
                sink.alert(replay(7));
                byte[] got = null;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (got == null && System.nanoTime() < deadline) {
                    got = server.receiveNow(4096);
                    if (got == null) {
                        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                    }
                }
                assertNotNull(got, "nothing arrived on " + path);
                String s = new String(got, StandardCharsets.UTF_8);
                assertTrue(s.startsWith("<36>"), s); // auth.warning
                assertTrue(s.contains(" fwknopd[" + ProcessHandle.current().pid() + "]: Refused SPA packet from 10.0.0.7"), s);
            } finally {
                sink.deactivate();
            }
        }
    }
}
