package org.postern.alerts;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * Alerts by e-mail through an SMTP server ({@link SmtpClient}, plain SMTP to a local relay). The rate limit per
 * alert class (default: 3 at once, then 1 a minute) is applied before anything is queued, so a flood of refused
 * packets makes at most a few mails; what was suppressed is counted into the next mail of the class and into a
 * summary mail every 5 minutes. Mails are sent on the sink's own thread from a bounded queue: the daemon's alert
 * thread never waits for the SMTP server.
 */
@Component(service = AlertSink.class, configurationPid = EmailSink.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = "alert.method=email")
@Designate(ocd = EmailConfig.class)
public final class EmailSink implements AlertSink {

    static final String PID = "org.postern.alerts.email";
    static final int QUEUE = 32;
    static final long SUMMARY_NANOS = TimeUnit.MINUTES.toNanos(5);
    private static final Logger LOG = LoggerFactory.getLogger(EmailSink.class);

    /** One mail to send. */
    record Mail(String subject, String body) {
    }

    /** How a mail leaves (the SMTP client; tests may record instead). */
    interface Outbox {
        void send(String from, List<String> to, String subject, String body) throws IOException;
    }

    private final Outbox outbox;
    private final AlertGate gate;
    private final LongSupplier nanos;
    private final String from;
    private final List<String> to;
    private final String hostname;
    private final BlockingQueue<Mail> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean running = true;
    private long lastSummary;

    @Activate
    public EmailSink(EmailConfig c) {
        this(smtp(c), AlertFilter.parse(c.kinds()), new TokenBuckets(c.burst(), c.perMinute()), System::nanoTime,
                c.from(), c.to(), c.hostname().isBlank() ? SyslogSink.localHost() : c.hostname().strip());
        LOG.info("E-mail alerts to {} through {}:{} ({} a minute per class after a burst of {})", c.to(), c.smtpHost(),
                c.smtpPort(), c.perMinute(), c.burst());
    }

    private static Outbox smtp(EmailConfig c) {
        String helo = c.hostname().isBlank() ? SyslogSink.localHost() : c.hostname().strip();
        SmtpClient client = new SmtpClient(c.smtpHost().strip(), c.smtpPort(), c.timeoutSeconds() * 1000, helo);
        return client::send;
    }

    EmailSink(Outbox outbox, AlertFilter filter, TokenBuckets buckets, LongSupplier nanos, String from, String to,
            String hostname) {
        this.outbox = outbox;
        this.gate = new AlertGate(filter, buckets, nanos);
        this.nanos = nanos;
        this.from = SmtpClient.checkAddress(from);
        List<String> list = new ArrayList<>();
        for (String r : to.split(",")) {
            if (!r.isBlank()) {
                list.add(SmtpClient.checkAddress(r));
            }
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("no recipient in '" + to + "'");
        }
        this.to = List.copyOf(list);
        this.hostname = hostname;
        this.lastSummary = nanos.getAsLong();
        this.thread = new Thread(this::run, "postern-email-alerts");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void alert(Alert a) {
        String text = gate.pass(a);
        if (text != null) {
            String subject = "[fwknopd] " + hostname + " " + a.kind() + (a.source().isEmpty() ? "" : " from " + a.source());
            String body = text + "\n\nTime: " + a.at() + "\nKind: " + a.alertClass()
                    + (a.stanza().isEmpty() ? "" : "\nStanza: " + a.stanza()) + "\n";
            if (!queue.offer(new Mail(subject, body))) {
                LOG.warn("E-mail alert queue full ({}): alert dropped: {}", QUEUE, a.kind());
            }
        }
    }

    /** Queues a mail summing up what the rate limit suppressed, if anything (every 5 minutes; tests call it). */
    void summary() {
        List<String> lines = gate.summary();
        if (!lines.isEmpty()) {
            queue.offer(new Mail("[fwknopd] " + hostname + " alerts suppressed", String.join("\n", lines) + "\n"));
        }
    }

    private void run() {
        while (running) {
            Mail m;
            try {
                m = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            long now = nanos.getAsLong();
            if (now - lastSummary >= SUMMARY_NANOS) {
                lastSummary = now;
                summary();
            }
            if (m == null) {
                continue;
            }
            try {
                outbox.send(from, to, m.subject(), m.body());
            } catch (IOException | RuntimeException e) {
                LOG.warn("E-mail alert not sent ({}): {}", m.subject(), e.getMessage());
            }
        }
    }

    @Deactivate
    void deactivate() {
        running = false;
        thread.interrupt();
    }
}
