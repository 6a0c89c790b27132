package org.postern.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.DaemonMetrics;
import org.postern.api.ReplayCacheControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the daemon's counters as Prometheus text on {@code http://127.0.0.1:9464/metrics} once enabled in
 * {@code etc/org.postern.metrics.cfg}. Nothing listens without that file ({@code enabled = true}). One thread
 * answers one connection at a time: a request must arrive within 2 s and fit in 8 KiB, so a stuck or hostile peer
 * costs at most that; the answer is built from counters, never from request data.
 */
@Component(configurationPid = PrometheusEndpoint.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = PrometheusEndpoint.class, immediate = true)
@Designate(ocd = EndpointConfig.class)
public final class PrometheusEndpoint {

    static final String PID = "org.postern.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusEndpoint.class);
    private static final int MAX_REQUEST = 8192;
    private static final int READ_TIMEOUT_MS = 2000;

    private volatile DaemonMetrics metrics;
    private volatile ReplayCacheControl replay;
    private final ServerSocket socket;
    private final Thread acceptor;
    private final String path;

    @Activate
    public PrometheusEndpoint(EndpointConfig config) throws IOException {
        this.path = config.path();
        if (!config.enabled()) {
            socket = null;
            acceptor = null;
            LOG.info("Prometheus endpoint off ({} enabled = false)", PID);
            return;
        }
        InetAddress address = InetAddress.getByName(config.address());
        if (!address.isLoopbackAddress()) {
            LOG.warn("Prometheus endpoint on {} is reachable from other hosts: the counters tell what the gateway "
                    + "refuses and grants (keep it on 127.0.0.1 and scrape through a tunnel)", address.getHostAddress());
        }
        socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, config.port()), 16);
        acceptor = new Thread(this::serve, "postern-metrics");
        acceptor.setDaemon(true);
        acceptor.start();
        LOG.info("Prometheus endpoint on http://{}:{}{}", address.getHostAddress(), socket.getLocalPort(), path);
    }

    /** The bound port (tests bind port 0). */
    int port() {
        return socket == null ? -1 : socket.getLocalPort();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindMetrics(DaemonMetrics m) {
        this.metrics = m;
    }

    void unbindMetrics(DaemonMetrics m) {
        if (this.metrics == m) {
            this.metrics = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindReplay(ReplayCacheControl r) {
        this.replay = r;
    }

    void unbindReplay(ReplayCacheControl r) {
        if (this.replay == r) {
            this.replay = null;
        }
    }

    @Deactivate
    void stop() {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing the metrics socket: {}", e.toString());
        }
        try {
            acceptor.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                s.setSoTimeout(READ_TIMEOUT_MS);
                answer(s);
            } catch (SocketException e) {
                if (!socket.isClosed()) {
                    LOG.debug("metrics connection: {}", e.toString());
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("metrics connection: {}", e.toString());
            }
        }
    }

    private void answer(Socket s) throws IOException {
        String request = readHead(s.getInputStream());
        OutputStream out = s.getOutputStream();
        if (request == null) {
            respond(out, "400 Bad Request", "text/plain", "bad request\n");
            return;
        }
        String[] line = request.split(" ", 3);
        if (line.length < 2 || !line[0].equals("GET")) {
            respond(out, "405 Method Not Allowed", "text/plain", "GET only\n");
            return;
        }
        String target = line[1];
        int q = target.indexOf('?');
        if (!(q < 0 ? target : target.substring(0, q)).equals(path)) {
            respond(out, "404 Not Found", "text/plain", "the metrics are at " + path + "\n");
            return;
        }
        DaemonMetrics m = metrics;
        if (m == null) {
            respond(out, "503 Service Unavailable", "text/plain", "the daemon is not running\n");
            return;
        }
        ReplayCacheControl r = replay;
        respond(out, "200 OK", PrometheusText.CONTENT_TYPE, PrometheusText.render(m.metrics(), r == null ? -1 : r.size()));
    }

    /** The request line, once the whole head has arrived; null when it is too long, cut short or not HTTP. */
    private static String readHead(InputStream in) throws IOException {
        byte[] buf = new byte[MAX_REQUEST];
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return null;
            }
            n += r;
            String head = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            int end = head.indexOf("\r\n\r\n");
            if (end < 0) {
                end = head.indexOf("\n\n");
            }
            if (end >= 0) {
                int eol = head.indexOf('\n');
                String first = head.substring(0, eol).strip();
                return first.endsWith("HTTP/1.0") || first.endsWith("HTTP/1.1") ? first : null;
            }
        }
        return null;
    }

    private static void respond(OutputStream out, String status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length
                + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }
}
