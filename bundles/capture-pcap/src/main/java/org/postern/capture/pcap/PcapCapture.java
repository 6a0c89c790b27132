package org.postern.capture.pcap;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.CaptureSource;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.capture.support.CaptureOutlet;
import org.postern.capture.pcap.frame.DecodedFrame;
import org.postern.capture.pcap.frame.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwknopd's default capture: libpcap on one interface with a BPF filter, inbound only unless configured
 * otherwise. Frames are decoded by {@link FrameDecoder} and every payload goes to the {@link PacketSink}.
 *
 * <p>The loop survives everything libpcap can throw at it: a missing interface, an interface that goes down or
 * disappears, a missing libpcap (a {@link LinkageError}). Each is logged with the source name, the state becomes
 * {@link State#FAILED} and the handle is reopened: every second while the interface is missing, otherwise with a
 * backoff from 1 s to {@value #RETRY_MAX_MILLIS} ms. Nothing is thrown to the framework.
 */
@Component(configurationPid = PcapCapture.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = CaptureSource.class, property = "kind=" + PcapCapture.KIND)
@Designate(ocd = PcapCaptureConfig.class, factory = true)
public final class PcapCapture implements CaptureSource {

    static final String PID = "org.postern.capture.pcap";
    static final String KIND = "pcap";
    static final long RETRY_MIN_MILLIS = 1000;
    static final long RETRY_MAX_MILLIS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(PcapCapture.class);
    private static final long STOP_MILLIS = 2000;

    private final PcapSettings settings;
    private final FrameSource.Opener opener;

    private final CaptureOutlet outlet;
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile State state = State.STARTING;
    private volatile FrameSource current;
    private Thread thread;

    @Activate
    public PcapCapture(PcapCaptureConfig config, @Reference(name = "sink") PacketSink sink) {
        this(PcapSettings.of(config), sink);
    }

    /** Live libpcap capture without a framework: call {@link #start()} and {@link #stop()} yourself. */
    PcapCapture(PcapSettings settings, PacketSink sink) {
        this(settings, sink, () -> LibpcapFrameSource.open(settings));
    }

    PcapCapture(PcapSettings settings, PacketSink sink, FrameSource.Opener opener) {
        this.settings = settings;
        this.outlet = new CaptureOutlet("pcap:" + settings.name(), sink, settings.http());
        this.opener = opener;
    }

    @Activate
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        String problem = settings.problem();
        if (problem != null) {
            state = State.FAILED;
            LOG.error("Capture source pcap:{} not started: invalid configuration: {}", settings.name(), problem);
            return;
        }
        thread = new Thread(this::run, "postern-capture-pcap-" + settings.name());
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    public synchronized void stop() {
        stopSignal.countDown();
        FrameSource source = current;
        if (source != null) {
            try {
                source.wakeUp();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("Capture source pcap:{}: waking the capture thread failed", settings.name(), e);
            }
        }
        if (thread != null) {
            try {
                thread.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Capture source pcap:{}: capture thread did not end within {} ms", settings.name(),
                        STOP_MILLIS);
            }
            LOG.info("Capture source pcap:{} stopped after {} packets", settings.name(), outlet.delivered());
        }
        state = State.STOPPED;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public long packetsDelivered() {
        return outlet.delivered();
    }

    /** Frames captured that carried no usable payload (other protocols, fragments, empty). */
    long framesIgnored() {
        return ignored.get();
    }

    /** How many times a handle was opened successfully. */
    long handlesOpened() {
        return opened.get();
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void run() {
        long retryMillis = RETRY_MIN_MILLIS;
        boolean failing = false;
        while (!stopping()) {
            Throwable failure;
            boolean missing = false;
            FrameSource source = null;
            try {
                source = opener.open();
                opened.incrementAndGet();
                current = source;
                state = State.RUNNING;
                LOG.info("Capture source pcap:{} running: {}", settings.name(), describe());
                failing = false;
                retryMillis = RETRY_MIN_MILLIS;
                failure = capture(source);
            } catch (CaptureFailure e) {
                failure = e;
                missing = e.isInterfaceMissing();
            } catch (RuntimeException | LinkageError e) {
                failure = e;
            } finally {
                if (source != null) {
                    current = null;
                    closeQuietly(source);
                }
            }
            if (failure == null || stopping()) {
                break;
            }
            state = State.FAILED;
            long delay = missing ? RETRY_MIN_MILLIS : retryMillis;
            if (!failing) {
                logFailure(failure, delay);
            } else {
                LOG.debug("Capture source pcap:{} still failing: {}", settings.name(), failure.toString());
            }
            failing = true;
            if (!missing) {
                retryMillis = Math.min(retryMillis * 2, RETRY_MAX_MILLIS);
            }
            awaitStop(delay);
        }
        state = State.STOPPED;
    }

    /** Reads until stopped (returns null) or failed (returns the failure). */
    private Throwable capture(FrameSource source) {
        int linkType = source.linkType();
        try {
            while (!stopping()) {
                byte[] frame = source.nextFrame();
                if (frame == null) {
                    continue;
                }
                DecodedFrame decoded = FrameDecoder.decode(linkType, frame);
                if (decoded == null) {
                    ignored.incrementAndGet();
                    continue;
                }
                outlet.deliver(outlet.carried(decoded.toPacket(Instant.now(), settings.name())));
            }
            return null;
        } catch (CaptureFailure | RuntimeException | LinkageError e) {
            return e;
        }
    }

    private void logFailure(Throwable failure, long delay) {
        if (failure instanceof LinkageError) {
            LOG.error("Capture source pcap:{} failed: libpcap or pcap4j is unusable ({}); retrying in {} ms",
                    settings.name(), failure.toString(), delay, failure);
        } else if (failure instanceof CaptureFailure) {
            LOG.warn("Capture source pcap:{} failed: {}; retrying in {} ms", settings.name(), failure.getMessage(),
                    delay);
        } else {
            LOG.warn("Capture source pcap:{} failed; retrying in {} ms", settings.name(), delay, failure);
        }
    }

    private void closeQuietly(FrameSource source) {
        try {
            source.close();
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("Capture source pcap:{}: closing the handle failed", settings.name(), e);
        }
    }

    private void awaitStop(long millis) {
        try {
            stopSignal.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopSignal.countDown();
        }
    }
}
