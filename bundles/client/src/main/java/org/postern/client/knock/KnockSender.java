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
 * an established connection; HTTP as a {@code GET} request over such a connection, or through a proxy (no
 * response is read); {@code udpraw}, {@code tcpraw} and {@code icmp} as one hand-made IPv4 packet
 * ({@link RawPacket}) on a raw socket, from a spoofed source address if one is given. Stateless and
 * thread-safe.
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
        if (target.transport() == KnockTransport.HTTP && target.httpProxy() != null) {
            HttpProxy proxy = HttpProxy.parse(target.httpProxy(), target.port());
            byte[] request = proxyRequest(wire, target.host(), proxy.host(), target.httpUserAgent())
                    .getBytes(StandardCharsets.US_ASCII);
            return sendTcp(request, resolve(proxy.host()), proxy.port(), target);
        }
        List<Inet4Address> addresses = resolve(target.host());
        return switch (target.transport()) {
            case UDP -> sendUdp(wire.getBytes(StandardCharsets.US_ASCII), addresses, target);
            case TCP -> sendTcp(wire.getBytes(StandardCharsets.US_ASCII), addresses, target.port(), target);
            case HTTP -> sendTcp(httpRequest(wire, target.host(), target.httpUserAgent())
                    .getBytes(StandardCharsets.US_ASCII), addresses, target.port(), target);
            case UDP_RAW, TCP_RAW, ICMP -> sendRaw(wire, addresses.get(0), target);
        };
    }

    /**
     * An HTTP proxy as {@code -H} gives it: {@code [http://]host[:port]}; without a port the knock's
     * destination port is used (as fwknop does).
     */
    record HttpProxy(String host, int port) {

        static HttpProxy parse(String spec, int defaultPort) throws KnockException {
            String s = spec;
            if (s.regionMatches(true, 0, "http://", 0, 7)) {
                s = s.substring(7);
            }
            int colon = s.indexOf(':');
            if (colon < 0) {
                return new HttpProxy(s, defaultPort);
            }
            String p = s.substring(colon + 1);
            int port = -1;
            if (!p.isEmpty() && p.length() <= 5 && p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                port = Integer.parseInt(p);
            }
            if (port < 1 || port > 65535) {
                throw new KnockException("[-] proxy port value is invalid, must be in [1-65535]");
            }
            return new HttpProxy(s.substring(0, colon), port);
        }
    }

    /**
     * fwknop 2.6.10's request through a proxy: {@code GET http://<server>/<payload> HTTP/1.0} with the proxy
     * as {@code Host}.
     */
    public static String proxyRequest(String wire, String server, String proxyHost, String userAgent) {
        String path = wire.replace('+', '-').replace('/', '_');
        return "GET http://" + server + "/" + path + " HTTP/1.0\r\nUser-Agent: " + userAgent
                + "\r\nAccept: */*\r\nHost: " + proxyHost + "\r\nConnection: close\r\n\r\n";
    }

    /** The request for {@code target}, as {@code -T -v} prints it (with or without a proxy). */
    public static String httpRequestFor(String wire, KnockTarget target) throws KnockException {
        if (target.httpProxy() != null) {
            return proxyRequest(wire, target.host(), HttpProxy.parse(target.httpProxy(), target.port()).host(),
                    target.httpUserAgent());
        }
        return httpRequest(wire, target.host(), target.httpUserAgent());
    }

    private static int sendRaw(String wire, Inet4Address destination, KnockTarget target) throws KnockException {
        byte[] source = new byte[4];
        if (target.spoofSource() != null) {
            source = ipv4(target.spoofSource());
            if (source == null) {
                throw new KnockException("Invalid spoof IP");
            }
        }
        int sourcePort = target.sourcePort() > 0 ? target.sourcePort() : Knock.randomHighPort();
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        byte[] packet = RawPacket.build(target.transport(), source, destination.getAddress(), sourcePort,
                target.port(), target.icmpType(), target.icmpCode(), r.nextInt(65536), r.nextInt(65536), wire,
                RawSocket.bsd());
        return RawSocket.send(packet, destination.getAddress());
    }

    /** The four bytes of a dotted-quad IPv4 address, or null when it is not one. */
    static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
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

    private static int sendTcp(byte[] data, List<Inet4Address> addresses, int port, KnockTarget target)
            throws KnockException {
        IOException last = null;
        for (Inet4Address a : addresses) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(a, port), CONNECT_TIMEOUT_MILLIS);
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
