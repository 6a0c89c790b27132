package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * fwknop 1.9's alerting from a running gateway: fwknopd.conf's ALERTING_METHODS, EMAIL_ADDRESSES and SMTP_SERVER
 * (imported onto the alert sinks of bundle alerts), an operator's syslog cfg (UDP), and a replay from the real
 * client's packet. A syslog receiver and an SMTP server, both {@code nc} listening on the gateway's 127.0.0.1
 * (the SMTP replies are written ahead: the client reads them one by one), catch what the daemon sends.
 */
class AlertsIT extends GatewaySupport {

    static final int SYSLOG_PORT = 5514;
    static final int SMTP_PORT = 2525;

    @Test
    void replayReachesSyslogAndMail() throws Exception {
        Path root = tempDir("alerts");
        Distribution dist = Distribution.copyOf(assembly, root);
        Files.writeString(dist.home.resolve("etc/org.postern.alerts.syslog.cfg"),
                "host = 127.0.0.1\nport = " + SYSLOG_PORT + "\nformat = rfc3164\n");
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of("ALERTING_METHODS ALL",
                "EMAIL_ADDRESSES ops@example.test", "SMTP_SERVER 127.0.0.1:" + SMTP_PORT, "HOSTNAME gw-test"), stanza());
        Path syslog = root.resolve("syslog.out");
        Path smtpIn = root.resolve("smtp.replies");
        Path smtp = root.resolve("smtp.out");
        Files.writeString(smtpIn, "220 test ESMTP\r\n250 test\r\n250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n221 bye\r\n",
                StandardCharsets.US_ASCII);
        Process syslogServer = new ProcessBuilder("ip", "netns", "exec", bed.serverNs, "timeout", "120", "nc", "-u",
                "-l", "127.0.0.1", Integer.toString(SYSLOG_PORT)).redirectOutput(syslog.toFile())
                .redirectErrorStream(false).start();
        Process smtpServer = new ProcessBuilder("ip", "netns", "exec", bed.serverNs, "timeout", "120", "nc", "-l",
                "127.0.0.1", Integer.toString(SMTP_PORT)).redirectInput(smtpIn.toFile()).redirectOutput(smtp.toFile())
                .start();
        try (DaemonProcess d = DaemonProcess.postern(dist.home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            Path pkt = root.resolve("spa.pkt");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--save-packet",
                    pkt.toString())).ok());
            assertTrue(ruleAppears(), d.logText());
            bed.sendUdp(pkt, NetnsTestbed.SPA_PORT);
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> d.logText().contains("Replay detected")), d.logText());

            assertTrue(Wait.until(Duration.ofSeconds(20), () -> read(syslog).contains("REPLAY")
                    || read(syslog).contains("Replay")), "no replay alert on syslog:\n" + read(syslog) + "\n" + d.logText());
            String s = read(syslog);
            assertTrue(s.matches("(?s)<\\d+>[A-Z][a-z]{2} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d .*fwknopd\\[\\d+\\]: .*"), s);
            assertTrue(s.contains(bed.clientIp), s);

            assertTrue(Wait.until(Duration.ofSeconds(30), () -> read(smtp).contains("QUIT")),
                    "no mail dialogue:\n" + read(smtp) + "\n" + d.logText());
            String m = read(smtp);
            assertTrue(m.contains("MAIL FROM:<") && m.contains("RCPT TO:<ops@example.test>"), m);
            assertTrue(m.contains("Subject: [fwknopd] gw-test "), m);
            assertFalse(s.contains(keyB64) || s.contains(hmacB64) || m.contains(keyB64) || m.contains(hmacB64),
                    "key material in an alert");
        } finally {
            // SIGTERM: timeout passes it on to nc (a SIGKILL would leave nc behind)
            for (Process p : List.of(syslogServer, smtpServer)) {
                p.destroy();
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
