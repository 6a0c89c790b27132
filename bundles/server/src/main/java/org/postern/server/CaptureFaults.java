package org.postern.server;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.postern.api.Alert;
import org.postern.api.CaptureSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the capture sources' states (each source retries on its own and logs why it failed): a source that
 * enters {@link CaptureSource.State#FAILED} (its interface vanished, libpcap unusable, its port taken) raises
 * one {@link Alert.Kind#FAULT} alert, and its recovery is logged. {@link #check} is called once a second by the
 * daemon with the sources registered then; a source failing for good raises no further alert until it has run
 * again. Not a DS reference of the daemon: capture sources reference the daemon (their packet sink), and binding
 * them while the daemon activates is a circle that fails their activation.
 */
final class CaptureFaults {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureFaults.class);

    private final Map<CaptureSource, CaptureSource.State> seen = new ConcurrentHashMap<>();
    private final Consumer<Alert> alerts;
    private final Clock clock;

    CaptureFaults(Consumer<Alert> alerts, Clock clock) {
        this.alerts = alerts;
        this.clock = clock;
    }

    /**
     * Compares every source's state with the last one seen: FAILED raises a FAULT alert, RUNNING again is logged.
     * {@code sources} are the capture sources registered now: the others are forgotten, a new one starts unseen.
     */
    void check(java.util.Collection<CaptureSource> sources) {
        seen.keySet().retainAll(new java.util.HashSet<>(sources));
        for (CaptureSource s : sources) {
            seen.putIfAbsent(s, CaptureSource.State.STARTING);
        }
        for (Map.Entry<CaptureSource, CaptureSource.State> e : seen.entrySet()) {
            CaptureSource s = e.getKey();
            CaptureSource.State now;
            String name;
            try {
                now = s.state();
                name = s.kind() + ":" + s.name();
            } catch (RuntimeException | LinkageError ex) {
                continue; // a source going away meanwhile
            }
            CaptureSource.State before = e.getValue();
            if (now == before || !seen.replace(s, before, now)) {
                continue;
            }
            if (now == CaptureSource.State.FAILED) {
                String message = "Capture source " + name + " failed (" + describe(s)
                        + "): no packets are read from it until it recovers; the log names the cause";
                LOG.error("{}", message);
                try {
                    alerts.accept(new Alert(Alert.Kind.FAULT, clock.instant(), null, "", "", message));
                } catch (RuntimeException ex) {
                    LOG.debug("alert: {}", ex.toString());
                }
            } else if (now == CaptureSource.State.RUNNING && before == CaptureSource.State.FAILED) {
                LOG.info("Capture source {} recovered: running again", name);
            }
        }
    }

    private static String describe(CaptureSource s) {
        try {
            return s.describe();
        } catch (RuntimeException | LinkageError ex) {
            return "?";
        }
    }
}
