package org.postern.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/** spa:send with the real Rijndael cipher and a UDP socket on loopback, no framework. */
class SendCommandTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private SendCommand command() {
        SendCommand c = new SendCommand(new RijndaelCipher());
        c.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        c.in = new ByteArrayInputStream(new byte[0]);
        return c;
    }

    @Test
    void sendsTheSamePacketAsTheCommandLineWould() throws Exception {
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            assertNull(command().send("-A", "tcp/22", "-a", "10.1.1.1", "-D", "127.0.0.1", "-p",
                    Integer.toString(server.getLocalPort()), "--key-rijndael", "secretkey", "--key-hmac", "hmackey1",
                    "--no-rc-file", "-U", "operator"));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            server.receive(p);
            SpaMessage m = SpaWire.open(new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII),
                    new RijndaelCipher(), new RijndaelKey("secretkey".getBytes(), EncryptionMode.CBC),
                    new HmacKey("hmackey1".getBytes(), HmacType.SHA256));
            assertEquals("10.1.1.1,tcp/22", m.message());
            assertEquals("operator", m.username());
        }
    }

    @Test
    void helpAndTestModePrint() {
        command().send("-h");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("Usage: fwknop -A <port list>"));
        bytes.reset();
        command().send("-A", "tcp/22", "-s", "--key-rijndael", "k", "-T", "--no-rc-file");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("test mode enabled, SPA packet not actually sent."));
    }

    @Test
    void failuresEndTheCommandWithTheReason() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> command().send("-A", "tcp/22", "-D", "gw", "--key-rijndael", "k", "--no-rc-file"));
        assertEquals("fwknop: Must use one of [-s|-R|-a] to specify IP for SPA access.", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> command().send("-A", "tcp/22", "-s", "-D", "gw",
                "--no-rc-file"));
        assertTrue(e.getMessage().contains("no encryption key"), e.getMessage());
    }
}
