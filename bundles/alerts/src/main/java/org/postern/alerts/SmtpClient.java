package org.postern.alerts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A plain SMTP dialogue (RFC 5321) for one message: EHLO (HELO when refused), MAIL FROM, RCPT TO for each
 * recipient, DATA with dot-stuffing, QUIT. No TLS and no authentication: meant for a local relay. Every reply is
 * checked; a bad one throws with the server's line. Addresses with CR, LF, {@code <} or {@code >} are refused, so
 * nothing from a packet can inject SMTP commands or headers.
 */
final class SmtpClient {

    private static final int MAX_REPLY_LINES = 100;

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private final String helo;

    SmtpClient(String host, int port, int timeoutMillis, String helo) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
        this.helo = helo;
    }

    static String checkAddress(String a) {
        String t = a.strip();
        if (t.isEmpty() || !t.contains("@") || t.chars().anyMatch(c -> c < 33 || c == '<' || c == '>' || c == 127)) {
            throw new IllegalArgumentException("not an e-mail address: '" + a + "'");
        }
        return t;
    }

    void send(String from, List<String> to, String subject, String body) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            expect(in, 220, "greeting");
            if (command(in, out, "EHLO " + helo) != 250) {
                expectCode(command(in, out, "HELO " + helo), 250, "HELO");
            }
            expectCode(command(in, out, "MAIL FROM:<" + checkAddress(from) + ">"), 250, "MAIL FROM");
            for (String r : to) {
                int c = command(in, out, "RCPT TO:<" + checkAddress(r) + ">");
                if (c != 250 && c != 251) {
                    throw new IOException("SMTP RCPT TO " + r + " refused: " + c);
                }
            }
            expectCode(command(in, out, "DATA"), 354, "DATA");
            StringBuilder m = new StringBuilder();
            m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n");
            m.append("From: ").append(from.strip()).append("\r\n");
            m.append("To: ").append(String.join(", ", to.stream().map(String::strip).toList())).append("\r\n");
            m.append("Subject: ").append(SyslogMessage.oneLine(subject)).append("\r\n");
            m.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n");
            m.append("\r\n");
            for (String line : body.split("\r\n|\n|\r", -1)) {
                m.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
            }
            m.append(".\r\n");
            out.write(m.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            expect(in, 250, "message");
            command(in, out, "QUIT");
        }
    }

    private static int command(BufferedReader in, OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply(in);
    }

    private static void expect(BufferedReader in, int code, String what) throws IOException {
        expectCode(reply(in), code, what);
    }

    private static void expectCode(int got, int want, String what) throws IOException {
        if (got != want) {
            throw new IOException("SMTP " + what + ": expected " + want + ", got " + got);
        }
    }

    /** Reads one reply, multi-line ({@code 250-...}) included; returns its code. */
    private static int reply(BufferedReader in) throws IOException {
        for (int i = 0; i < MAX_REPLY_LINES; i++) {
            String l = in.readLine();
            if (l == null) {
                throw new IOException("SMTP server closed the connection");
            }
            if (l.length() < 3 || !l.substring(0, 3).chars().allMatch(Character::isDigit)) {
                throw new IOException("SMTP: not a reply: " + SyslogMessage.oneLine(l));
            }
            if (l.length() == 3 || l.charAt(3) != '-') {
                return Integer.parseInt(l.substring(0, 3));
            }
        }
        throw new IOException("SMTP reply longer than " + MAX_REPLY_LINES + " lines");
    }
}
