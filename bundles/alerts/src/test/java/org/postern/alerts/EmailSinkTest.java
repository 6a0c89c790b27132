package org.postern.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.postern.api.Alert;
import org.postern.api.RefusalReason;

class EmailSinkTest {

    /** A tiny SMTP server on loopback: answers the dialogue and keeps each session's lines. */
    static final class TinySmtp implements AutoCloseable {
        final ServerSocket server;
        final List<List<String>> sessions = Collections.synchronizedList(new ArrayList<>());
        final Thread thread;
        final boolean refuseEhlo;

        TinySmtp(boolean refuseEhlo) throws IOException {
            this.refuseEhlo = refuseEhlo;
            server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "tiny-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    List<String> lines = new ArrayList<>();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    write(out, "220 tiny ESMTP");
                    boolean data = false;
                    for (int i = 0; i < 10_000; i++) {
                        String l = in.readLine();
                        if (l == null) {
                            break;
                        }
                        lines.add(l);
                        if (data) {
                            if (l.equals(".")) {
                                data = false;
                                write(out, "250 2.0.0 queued");
                            }
                            continue;
                        }
                        if (l.startsWith("EHLO")) {
                            write(out, refuseEhlo ? "502 not here" : "250-tiny\r\n250-8BITMIME\r\n250 SIZE 1000000");
                        } else if (l.startsWith("HELO") || l.startsWith("MAIL") || l.startsWith("RCPT")) {
                            write(out, "250 ok");
                        } else if (l.equals("DATA")) {
                            data = true;
                            write(out, "354 go ahead");
                        } else if (l.equals("QUIT")) {
                            write(out, "221 bye");
                            break;
                        } else {
                            write(out, "500 what");
                        }
                    }
                    sessions.add(lines);
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private static void write(OutputStream out, String s) throws IOException {
            out.write((s + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        boolean await(int n) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sessions.size() < n && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            return sessions.size() >= n;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void smtpDialogueWithDotStuffingAndHeloFallback() throws Exception {
        try (TinySmtp smtp = new TinySmtp(true)) {
            new SmtpClient("127.0.0.1", smtp.port(), 5000, "gw1").send("fwknopd@gw1", List.of("a@example.org",
                    " b@example.org"), "[fwknopd] test", "first\n.dot line\nlast");
            assertTrue(smtp.await(1));
            List<String> l = smtp.sessions.get(0);
            assertEquals("EHLO gw1", l.get(0));
            assertEquals("HELO gw1", l.get(1));
            assertEquals("MAIL FROM:<fwknopd@gw1>", l.get(2));
            assertEquals("RCPT TO:<a@example.org>", l.get(3));
            assertEquals("RCPT TO:<b@example.org>", l.get(4));
            assertEquals("DATA", l.get(5));
            assertTrue(l.contains("Subject: [fwknopd] test"), l.toString());
            assertTrue(l.contains("..dot line"), l.toString());
            assertEquals("QUIT", l.get(l.size() - 1));
        }
        assertThrows(IllegalArgumentException.class, () -> SmtpClient.checkAddress("x@y>\r\nRCPT TO:<z@w"));
        assertThrows(IllegalArgumentException.class, () -> SmtpClient.checkAddress("nobody"));
    }

    @Test
    void aFloodMakesAFewMailsAndTheRestIsCounted() throws Exception {
        try (TinySmtp smtp = new TinySmtp(false)) {
            AtomicLong now = new AtomicLong();
            SmtpClient client = new SmtpClient("127.0.0.1", smtp.port(), 5000, "gw1");
            EmailSink sink = new EmailSink(client::send, AlertFilter.parse("ALL"), new TokenBuckets(2, 1), now::get,
                    "fwknopd@gw1", "root@gw1", "gw1");
            try {
                for (int i = 0; i < 500; i++) {
                    sink.alert(new Alert(Alert.Kind.REFUSAL, Instant.now(), RefusalReason.HMAC_MISMATCH, "192.0.2.9",
                            "", "Refused SPA packet from 192.0.2.9:1 (udp:fwknopd): STANZA_TRIAL/HMAC_MISMATCH: " + i));
                }
                assertTrue(smtp.await(2));
                now.addAndGet(61_000_000_000L); // a minute later: one more token
                sink.alert(new Alert(Alert.Kind.REFUSAL, Instant.now(), RefusalReason.HMAC_MISMATCH, "192.0.2.9", "",
                        "the next one"));
                assertTrue(smtp.await(3));
                String third = String.join("\n", smtp.sessions.get(2));
                assertTrue(third.contains("the next one (498 more REFUSAL/STANZA_TRIAL alert(s) suppressed before this one)"),
                        third);
                assertTrue(third.contains("Subject: [fwknopd] gw1 REFUSAL from 192.0.2.9"), third);
                sink.alert(new Alert(Alert.Kind.REFUSAL, Instant.now(), RefusalReason.HMAC_MISMATCH, "192.0.2.9", "",
                        "suppressed"));
                sink.summary();
                assertTrue(smtp.await(4));
                assertTrue(String.join("\n", smtp.sessions.get(3))
                        .contains("1 more REFUSAL/STANZA_TRIAL alert(s) suppressed by the rate limit"));
                assertEquals(4, smtp.sessions.size());
            } finally {
                sink.deactivate();
            }
        }
    }
}
