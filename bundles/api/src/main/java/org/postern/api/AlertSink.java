package org.postern.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the daemon sends alerts (fwknop 1.9's ALERTING_METHODS): syslog, e-mail, ... Implemented by alert
 * bundles and registered as services; the server hands every {@link Alert} to every sink.
 *
 * <p>Threading: {@link #alert} is called from one alert thread of the server, never from a capture thread;
 * a sink must not block for long (an e-mail sink queues and sends on its own thread) and must rate-limit what
 * it sends so that a packet flood cannot become a mail bomb. A {@code RuntimeException} thrown by a sink is
 * logged and does not reach the other sinks.
 * @since 1.3
 */
@ConsumerType
public interface AlertSink {

    /** The sink's name for logs ({@code syslog}, {@code email}). */
    String name();

    void alert(Alert alert);
}
