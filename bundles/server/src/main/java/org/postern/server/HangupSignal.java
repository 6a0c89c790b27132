package org.postern.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP re-reads the configuration, as it makes fwknopd re-read its files ({@code kill -HUP}, systemd's
 * {@code ExecReload}); without this the JVM would take SIGHUP for a shutdown. Installed while the daemon component
 * is active; the handler it replaced comes back after. Where the JVM does not allow it (started with {@code -Xrs},
 * or a platform without SIGHUP) the daemon runs on without, saying so.
 */
final class HangupSignal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);

    private final SignalHandler previous;

    private HangupSignal(SignalHandler previous) {
        this.previous = previous;
    }

    /** Runs {@code onHangup} (which must return quickly) for each SIGHUP; null when it cannot be installed. */
    static HangupSignal install(Runnable onHangup) {
        try {
            SignalHandler prev = Signal.handle(new Signal("HUP"), s -> onHangup.run());
            return new HangupSignal(prev);
        } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
            LOG.info("SIGHUP cannot reload the configuration in this JVM ({}); use bin/fwknopd -R or spa:reload",
                    e.toString());
            return null;
        }
    }

    @Override
    public void close() {
        try {
            Signal.handle(new Signal("HUP"), previous);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.debug("restoring the SIGHUP handler: {}", e.toString());
        }
    }
}
