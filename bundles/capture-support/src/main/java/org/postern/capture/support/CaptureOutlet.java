package org.postern.capture.support;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;

import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.http.SpaOverHttp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a capture source hands its packets on: the SPA over HTTP rule when the source has one, a count of the
 * packets delivered, and a sink failure that never reaches the capture loop (logged at WARN at most once in
 * 10 s, then at DEBUG). Thread-safe.
 */
public final class CaptureOutlet {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureOutlet.class);

    private final String source;
    private final PacketSink sink;
    private final SpaOverHttp http;
    private final AtomicLong delivered = new AtomicLong();
    private final Throttle sinkWarnings = new Throttle();

    /**
     * @param source the source as the logs name it, {@code kind:name}
     * @param sink   where packets go
     * @param http   the SPA over HTTP rule, or null to deliver payloads as captured
     */
    public CaptureOutlet(String source, PacketSink sink, SpaOverHttp http) {
        this.source = source;
        this.sink = sink;
        this.http = http;
    }

    /** The packet after the SPA over HTTP rule; the packet itself when the source has none. */
    public CapturedPacket carried(CapturedPacket packet) {
        if (http == null) {
            return packet;
        }
        SpaOverHttp.Extraction e = http.extract(packet.payload());
        noteForwardedFor(e, packet.source());
        return e.applyTo(packet);
    }

    /** Warns when the extraction had an X-Forwarded-For value that is not an address (it is then ignored). */
    public void noteForwardedFor(SpaOverHttp.Extraction e, InetAddress from) {
        if (e.forwardedForRejected() != null) {
            LOG.warn("Capture source {}: X-Forwarded-For value '{}' from {} is not an IP address; ignored", source,
                    e.forwardedForRejected(), from.getHostAddress());
        }
    }

    /** Hands the packet to the sink; a failing sink is logged, never thrown. */
    public void deliver(CapturedPacket packet) {
        delivered.incrementAndGet();
        try {
            sink.accept(packet);
        } catch (RuntimeException e) {
            if (sinkWarnings.allow()) {
                LOG.warn("Capture source {}: the packet sink failed on a packet from {}:{} (further failures within "
                        + "10 s are logged at DEBUG)", source, packet.source().getHostAddress(), packet.sourcePort(), e);
            } else {
                LOG.debug("Capture source {}: the packet sink failed", source, e);
            }
        }
    }

    /** Packets handed to the sink so far. */
    public long delivered() {
        return delivered.get();
    }
}
