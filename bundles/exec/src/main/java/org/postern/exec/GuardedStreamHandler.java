package org.postern.exec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * A {@link PumpStreamHandler} that remembers whether the program was started at all (Commons Exec only
 * hands over the streams after a successful launch) and does not turn a pump that outlives its program
 * into a failure of the whole run.
 */
final class GuardedStreamHandler implements ExecuteStreamHandler {

    private final PumpStreamHandler pumps;
    private volatile boolean started;
    private volatile boolean pumpTimedOut;

    GuardedStreamHandler(OutputStream out, OutputStream err, InputStream in, Duration stopTimeout) {
        this.pumps = new PumpStreamHandler(out, err, in);
        this.pumps.setStopTimeout(stopTimeout);
    }

    @Override
    public void setProcessInputStream(OutputStream os) throws IOException {
        pumps.setProcessInputStream(os);
    }

    @Override
    public void setProcessErrorStream(InputStream is) throws IOException {
        pumps.setProcessErrorStream(is);
    }

    @Override
    public void setProcessOutputStream(InputStream is) throws IOException {
        pumps.setProcessOutputStream(is);
    }

    @Override
    public void start() {
        started = true;
        pumps.start();
    }

    @Override
    public void stop() {
        try {
            pumps.stop();
        } catch (IOException e) {
            pumpTimedOut = true;
        }
    }

    boolean started() {
        return started;
    }

    boolean pumpTimedOut() {
        return pumpTimedOut;
    }
}
