package org.postern.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.LatencyHistogram;
import org.postern.api.MetricsSnapshot;
import org.postern.api.RefusalReason;

class PrometheusEndpointTest {

    static EndpointConfig config(boolean enabled) {
        return new EndpointConfig() {
            public Class<? extends Annotation> annotationType() {
                return EndpointConfig.class;
            }

            public boolean enabled() {
                return enabled;
            }

            public String address() {
                return "127.0.0.1";
            }

            public int port() {
                return 0;
            }

            public String path() {
                return "/metrics";
            }
        };
    }

    static final MetricsSnapshot SNAPSHOT = new MetricsSnapshot(12, 2,
            Map.of(RefusalReason.HMAC_MISMATCH, 9L, RefusalReason.REPLAY, 1L), 2, 1, 1, Map.of("udp \"a\"", 12L), 1,
            new LatencyHistogram(List.of(100L, 1000L), List.of(10L, 1L, 1L), 2600));

    static String get(int port, String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesPrometheusTextOnLoopbackOnly() throws Exception {
        PrometheusEndpoint e = new PrometheusEndpoint(config(true));
        try {
            String none = get(e.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(none.startsWith("HTTP/1.1 503"), none);
            e.bindMetrics(() -> SNAPSHOT);
            String r = get(e.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 200 OK"), r);
            assertTrue(r.contains("Content-Type: text/plain; version=0.0.4"), r);
            assertTrue(r.contains("postern_packets_received_total{capture=\"udp \\\"a\\\"\"} 12\n"), r);
            assertTrue(r.contains("postern_packets_accepted_total 2\n"), r);
            assertTrue(r.contains("postern_packets_refused_total{step=\"STANZA_TRIAL\",reason=\"HMAC_MISMATCH\"} 9\n"), r);
            assertTrue(r.contains("postern_packets_refused_total{step=\"ACTION\",reason=\"FIREWALL_FAILED\"} 0\n"), r);
            assertTrue(r.contains("postern_grants_live 1\n"), r);
            assertTrue(r.contains("postern_grants_revoked_total 1\n"), r);
            assertTrue(r.contains("postern_pipeline_latency_seconds_bucket{le=\"0.0001\"} 10\n"), r);
            assertTrue(r.contains("postern_pipeline_latency_seconds_bucket{le=\"0.001\"} 11\n"), r);
            assertTrue(r.contains("postern_pipeline_latency_seconds_bucket{le=\"+Inf\"} 12\n"), r);
            assertTrue(r.contains("postern_pipeline_latency_seconds_sum 0.0026\n"), r);
            assertTrue(r.contains("postern_pipeline_latency_seconds_count 12\n"), r);
            assertTrue(get(e.port(), "GET /other HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 404"));
            assertTrue(get(e.port(), "POST /metrics HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 405"));
            assertTrue(get(e.port(), "x".repeat(9000)).startsWith("HTTP/1.1 400"));
        } finally {
            e.stop();
        }
    }

    @Test
    void aSilentPeerDoesNotStopTheEndpoint() throws Exception {
        PrometheusEndpoint e = new PrometheusEndpoint(config(true));
        e.bindMetrics(() -> SNAPSHOT);
        try (Socket silent = new Socket(InetAddress.getLoopbackAddress(), e.port())) {
            // the silent peer is dropped after the read deadline; the next scrape is answered
            String r = get(e.port(), "GET /metrics HTTP/1.0\r\n\r\n");
            assertTrue(r.startsWith("HTTP/1.1 200"), r);
        } finally {
            e.stop();
        }
    }

    @Test
    void offByDefault() throws Exception {
        PrometheusEndpoint e = new PrometheusEndpoint(config(false));
        assertEquals(-1, e.port());
        e.stop();
    }
}
