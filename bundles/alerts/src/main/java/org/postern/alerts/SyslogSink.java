package org.postern.alerts;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.Alert;
import org.postern.api.AlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts to syslog: the local datagram socket ({@code /dev/log}) or a syslog server over UDP, RFC 3164 or 5424.
 * Severity by kind: CONFIG_ERROR and FAULT err, REPLAY warning, REFUSAL notice, grants info. Rate-limited per alert class
 * ({@link TokenBuckets}); what was suppressed is summed up once a minute. A send failure is logged (at most once
 * a minute) and never reaches the daemon.
 */
@Component(service = AlertSink.class, configurationPid = SyslogSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "alert.method=syslog")
@Designate(ocd = SyslogConfig.class)
public final class SyslogSink implements AlertSink {

    static final String PID = "org.postern.alerts.syslog";
    private static final Logger LOG = LoggerFactory.getLogger(SyslogSink.class);

    /** Where the bytes go. */
    interface Transport extends AutoCloseable {
        void send(byte[] datagram) throws IOException;

        @Override
        void close();
    }

    private final Transport transport;
    private final AlertGate gate;
    private final boolean rfc5424;
    private final int facility;
    private final String identity;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final ScheduledExecutorService summary;
    private long lastFailureLog;

    @Activate
    public SyslogSink(SyslogConfig c) throws IOException {
        this(transport(c), AlertFilter.parse(c.kinds()), new TokenBuckets(c.burst(), c.perMinute()), System::nanoTime,
                c.format(), c.facility(), c.identity(), localHost());
        LOG.info("Syslog alerts to {} ({}, facility {}, {} a minute per class after a burst of {})",
                c.host().isBlank() ? c.socket() : "udp " + c.host() + ":" + c.port(), c.format(), c.facility(),
                c.perMinute(), c.burst());
    }

    SyslogSink(Transport transport, AlertFilter filter, TokenBuckets buckets, LongSupplier nanos, String format,
            String facility, String identity, String host) {
        if (!format.equalsIgnoreCase("rfc3164") && !format.equalsIgnoreCase("rfc5424")) {
            throw new IllegalArgumentException("format must be rfc3164 or rfc5424, not '" + format + "'");
        }
        this.transport = transport;
        this.gate = new AlertGate(filter, buckets, nanos);
        this.rfc5424 = format.equalsIgnoreCase("rfc5424");
        this.facility = SyslogMessage.facility(facility);
        this.identity = identity;
        this.host = host;
        this.summary = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "postern-syslog-summary");
            t.setDaemon(true);
            return t;
        });
        summary.scheduleWithFixedDelay(this::summary, 60, 60, TimeUnit.SECONDS);
    }

    private static Transport transport(SyslogConfig c) throws IOException {
        if (!c.host().isBlank()) {
            InetAddress address = InetAddress.getByName(c.host().strip());
            DatagramSocket socket = new DatagramSocket();
            int port = c.port();
            return new Transport() {
                public void send(byte[] d) throws IOException {
                    socket.send(new DatagramPacket(d, d.length, address, port));
                }

                public void close() {
                    socket.close();
                }
            };
        }
        String path = c.socket();
        UnixDatagram socket = UnixDatagram.open();
        return new Transport() {
            public void send(byte[] d) throws IOException {
                socket.send(path, d);
            }

            public void close() {
                socket.close();
            }
        };
    }

    static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    @Override
    public String name() {
        return "syslog";
    }

    @Override
    public void alert(Alert a) {
        String text = gate.pass(a);
        if (text != null) {
            send(severity(a.kind()), a.at(), a.kind().name(), text);
        }
    }

    /** Sends the summary of suppressed alerts now (every minute on its own; tests call it). */
    void summary() {
        for (String line : gate.summary()) {
            send(5, Instant.now(), "SUPPRESSED", line);
        }
    }

    static int severity(Alert.Kind k) {
        return switch (k) {
            case CONFIG_ERROR, FAULT -> 3;
            case REPLAY -> 4;
            case REFUSAL -> 5;
            case GRANT_OPENED, GRANT_CLOSED -> 6;
        };
    }

    private void send(int severity, Instant at, String msgId, String text) {
        byte[] d = SyslogMessage.render(rfc5424, facility, severity, at, ZoneId.systemDefault(), host, identity, pid,
                msgId, text);
        try {
            transport.send(d);
        } catch (IOException | RuntimeException e) {
            long now = System.nanoTime();
            synchronized (this) {
                if (lastFailureLog == 0 || now - lastFailureLog > TimeUnit.MINUTES.toNanos(1)) {
                    lastFailureLog = now;
                    LOG.warn("Syslog alert not sent: {}", e.getMessage());
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        summary.shutdownNow();
        transport.close();
    }
}
