package org.postern.itests.netns;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * Small servers the client tests start inside a namespace with {@code ip netns exec ... java -cp <test class
 * path> org.postern.itests.netns.TestServers ...} (JDK classes only), so nothing leaves the namespaces:
 * <ul>
 * <li>{@code myip <ip> <port> http|https [keystore password]}: the external-IP service of fwknop's {@code -R}:
 * {@code GET /myip} answers the caller's address and a newline, and prints {@code UA <user agent>} per
 * request on standard output.</li>
 * <li>{@code proxy <ip> <port>}: a forward HTTP proxy for {@code -H}: takes {@code GET http://host[:port]/path
 * HTTP/1.x}, sends {@code GET /path} with the other headers to that host (port 80 unless given) and relays the
 * answer, as a proxy does. Prints {@code PROXIED <host:port> <path length>} per request.</li>
 * </ul>
 * Each prints {@code READY} once it listens and runs until killed.
 */
public final class TestServers {

    private TestServers() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "myip" -> myIp(args);
            case "proxy" -> proxy(args[1], Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    private static void myIp(String[] args) throws Exception {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        HttpServer server;
        if (args[3].equals("https")) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] password = args[5].toCharArray();
            try (InputStream in = new FileInputStream(args[4])) {
                ks.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            HttpsServer https = HttpsServer.create(at, 0);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(at, 0);
        }
        server.createContext("/myip", x -> {
            synchronized (System.out) {
                System.out.println("UA " + x.getRequestHeaders().getFirst("User-Agent"));
                System.out.flush();
            }
            byte[] body = (x.getRemoteAddress().getAddress().getHostAddress() + "\n")
                    .getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        System.out.println("READY");
        System.out.flush();
    }

    private static void proxy(String ip, int port) throws IOException {
        try (ServerSocket listener = new ServerSocket(port, 10, InetAddress.getByName(ip))) {
            System.out.println("READY");
            System.out.flush();
            while (true) {
                try (Socket client = listener.accept()) {
                    client.setSoTimeout(10_000);
                    relay(client);
                } catch (IOException e) {
                    System.out.println("ERROR " + e);
                    System.out.flush();
                }
            }
        }
    }

    private static void relay(Socket client) throws IOException {
        InputStream in = client.getInputStream();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String line = line(in);
            if (line == null || line.isEmpty()) {
                break;
            }
            lines.add(line);
        }
        String[] request = lines.get(0).split(" ");
        String url = request[1];
        if (!url.startsWith("http://")) {
            throw new IOException("not a proxy request: " + lines.get(0));
        }
        String rest = url.substring(7);
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        String host = hostPort;
        int port = 80;
        if (hostPort.contains(":")) {
            host = hostPort.substring(0, hostPort.indexOf(':'));
            port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
        }
        StringBuilder out = new StringBuilder("GET " + path + " " + request[2] + "\r\n");
        for (String h : lines.subList(1, lines.size())) {
            if (!h.regionMatches(true, 0, "Host:", 0, 5)) {
                out.append(h).append("\r\n");
            }
        }
        out.append("Host: ").append(hostPort).append("\r\n\r\n");
        try (Socket origin = new Socket()) {
            origin.connect(new InetSocketAddress(host, port), 5_000);
            origin.setSoTimeout(3_000);
            origin.getOutputStream().write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
            origin.getOutputStream().flush();
            System.out.println("PROXIED " + host + ":" + port + " " + path.length());
            System.out.flush();
            try {
                client.getOutputStream().write(origin.getInputStream().readNBytes(65536));
            } catch (IOException e) {
                // an origin that answers nothing (a bare listener) is fine for an SPA request
            }
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new IOException("line too long");
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
