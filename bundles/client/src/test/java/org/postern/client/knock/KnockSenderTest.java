package org.postern.client.knock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.api.RijndaelKey;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaWire;

/** Sends to sockets of the test itself on 127.0.0.1 only. */
class KnockSenderTest {

    private static final RijndaelCipher CIPHER = new RijndaelCipher();
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Knock knock() throws KnockException {
        KnockOptions o = new KnockOptions().allowIp("10.200.0.1").access("tcp/22")
                .key("secretkey".getBytes(StandardCharsets.US_ASCII))
                .hmacKey("hmackey".getBytes(StandardCharsets.US_ASCII));
        return Knock.seal(o, CIPHER, "root", System.currentTimeMillis() / 1000);
    }

    private static SpaMessage open(String wire) throws Exception {
        return SpaWire.open(wire, CIPHER, new RijndaelKey("secretkey".getBytes(), EncryptionMode.CBC),
                new HmacKey("hmackey".getBytes(), HmacType.SHA256));
    }

    @Test
    void udpIsOneDatagramWithThePayload() throws Exception {
        Knock k = knock();
        try (DatagramSocket server = new DatagramSocket(0, LOOPBACK)) {
            server.setSoTimeout(10_000);
            int sent = KnockSender.send(k.wire(),
                    new KnockTarget("127.0.0.1", server.getLocalPort(), KnockTransport.UDP, null));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            server.receive(p);
            String payload = new String(p.getData(), 0, p.getLength(), StandardCharsets.US_ASCII);
            assertEquals(k.wire(), payload);
            assertEquals(payload.length(), sent);
            assertEquals("10.200.0.1,tcp/22", open(payload).message());
        }
    }

    @Test
    void tcpWritesThePayloadToAConnection() throws Exception {
        Knock k = knock();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            KnockSender.send(k.wire(), new KnockTarget("127.0.0.1", server.getLocalPort(), KnockTransport.TCP, null));
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                String got = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                assertEquals(k.wire(), got);
            }
        }
    }

    @Test
    void httpSendsAGetRequestWithUrlSafePayload() throws Exception {
        Knock k = knock();
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(10_000);
            KnockSender.send(k.wire(),
                    new KnockTarget("localhost", server.getLocalPort(), KnockTransport.HTTP, "Fwknop/2.6.10"));
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                String req = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                assertTrue(req.startsWith("GET /"), req);
                assertTrue(req.endsWith(" HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nAccept: */*\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n"), req);
                String path = req.substring(5, req.indexOf(' ', 5));
                assertTrue(path.indexOf('+') < 0 && path.indexOf('/') < 0, path);
                assertEquals(k.wire(), path.replace('-', '+').replace('_', '/'));
            }
        }
    }

    @Test
    void refusedTcpConnectionIsAnError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        KnockException e = assertThrows(KnockException.class,
                () -> KnockSender.send("x", new KnockTarget("127.0.0.1", port, KnockTransport.TCP, null)));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port + "/tcp"), e.getMessage());
    }

    @Test
    void ipv6OnlyDestinationIsRefusedAsFwknopSendsOverIpv4Only() {
        KnockException e = assertThrows(KnockException.class,
                () -> KnockSender.send("x", new KnockTarget("::1", 62201, KnockTransport.UDP, null)));
        assertTrue(e.getMessage().contains("no IPv4 address"), e.getMessage());
    }

    private static byte[] readAll(InputStream in) throws Exception {
        return in.readAllBytes();
    }
}
