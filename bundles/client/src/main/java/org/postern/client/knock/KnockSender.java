package org.postern.client.knock;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a sealed packet the way the fwknop client does: the destination resolved to IPv4 addresses only;
 * UDP as one datagram from a connected socket with an ephemeral source port; TCP as the payload written to
 * an established connection; HTTP as a {@code GET} request over such a connection (no response is read).
 * Stateless and thread-safe.
 */
public final class KnockSender {

    /** How long a TCP or HTTP knock waits for the connection (fwknop relies on the OS default). */
    public static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private KnockSender() {
    }

    /**
     * Sends {@code wire} (the SPA payload as {@link Knock#wire()} returns it) to {@code target}.
     *
     * @return the number of bytes sent (for HTTP, the length of the whole request)
     * @throws KnockException when the host does not resolve or nothing could be sent
     */
    public static int send(String wire, KnockTarget target) throws KnockException {
        List<Inet4Address> addresses = resolve(target.host());
        return switch (target.transport()) {
            case UDP -> sendUdp(wire.getBytes(StandardCharsets.US_ASCII), addresses, target);
            case TCP -> sendTcp(wire.getBytes(StandardCharsets.US_ASCII), addresses, target);
            case HTTP -> sendTcp(httpRequest(wire, target.host(), target.httpUserAgent())
                    .getBytes(StandardCharsets.US_ASCII), addresses, target);
        };
    }

    /**
     * fwknop's HTTP request: {@code +} becomes {@code -} and {@code /} becomes {@code _} in the payload (the
     * server translates them back).
     */
    public static String httpRequest(String wire, String host, String userAgent) {
        String path = wire.replace('+', '-').replace('/', '_');
        return "GET /" + path + " HTTP/1.0\r\nUser-Agent: " + userAgent + "\r\nAccept: */*\r\nHost: " + host
                + "\r\nConnection: close\r\n\r\n";
    }

    /** The IPv4 addresses of {@code host}, in resolver order. */
    static List<Inet4Address> resolve(String host) throws KnockException {
        List<Inet4Address> out = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (a instanceof Inet4Address v4) {
                    out.add(v4);
                }
            }
        } catch (UnknownHostException e) {
            throw new KnockException("could not resolve '" + host + "'");
        }
        if (out.isEmpty()) {
            throw new KnockException("'" + host + "' has no IPv4 address");
        }
        return out;
    }

    private static int sendUdp(byte[] data, List<Inet4Address> addresses, KnockTarget target) throws KnockException {
        IOException last = null;
        for (Inet4Address a : addresses) {
            try (DatagramSocket s = new DatagramSocket()) {
                s.connect(a, target.port());
                s.send(new DatagramPacket(data, data.length));
                return data.length;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new KnockException("could not send the SPA packet to " + target + ": " + last.getMessage(), last);
    }

    private static int sendTcp(byte[] data, List<Inet4Address> addresses, KnockTarget target) throws KnockException {
        IOException last = null;
        for (Inet4Address a : addresses) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, target.port()), CONNECT_TIMEOUT_MILLIS);
                OutputStream out = s.getOutputStream();
                out.write(data);
                out.flush();
                return data.length;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new KnockException("could not send the SPA packet to " + target + ": " + last.getMessage(), last);
    }
}
