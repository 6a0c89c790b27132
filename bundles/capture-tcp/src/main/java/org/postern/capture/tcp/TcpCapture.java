package org.postern.capture.tcp;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Arrays;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.postern.api.CaptureSource;
import org.postern.api.CapturedPacket;
import org.postern.api.PacketSink;
import org.postern.api.Transport;
import org.postern.api.http.SpaOverHttp;
import org.postern.capture.support.CaptureOutlet;
import org.postern.capture.tcp.stream.BoundedStreamListener;
import org.postern.capture.tcp.stream.StreamLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPA over a TCP connection: the fwknop client's {@code -P tcp} connects, sends the SPA data and closes; what a
 * connection sent when the peer closes its side is one payload for the {@link PacketSink}. fwknopd's
 * {@code ENABLE_TCP_SERVER} only accepted and let libpcap read the data; this source reads it from the
 * connection itself, so it needs no libpcap and no root. It never answers.
 *
 * <p>Bounded by {@link BoundedStreamListener}: connection limits where a newcomer evicts the oldest, a read
 * deadline, a size limit. A connection that times out or is evicted delivers nothing.
 */
@Component(configurationPid = TcpCapture.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = CaptureSource.class, property = "kind=" + TcpCapture.KIND)
@Designate(ocd = TcpCaptureConfig.class, factory = true)
public final class TcpCapture implements CaptureSource {

    static final String PID = "org.postern.capture.tcp";
    static final String KIND = "tcp";

    private static final Logger LOG = LoggerFactory.getLogger(TcpCapture.class);

    private final String name;
    private final int maxPacketBytes;
    private final StreamLimits limits;
    private final SpaOverHttp http;
    private final BoundedStreamListener listener;

    private final CaptureOutlet outlet;

    @Activate
    public TcpCapture(TcpCaptureConfig config, @Reference(name = "sink") PacketSink sink) {
        this(config.name(), config.bindAddress(), config.port(), config.maxPacketBytes(),
                new StreamLimits(config.maxConnections(), config.maxConnectionsPerSource(), config.readTimeoutMillis(),
                        config.maxPacketBytes(), config.backlog()),
                sink, config.httpExtraction() ? new SpaOverHttp(config.allowAnyUserAgent(), config.forwardedFor()) : null);
    }

    /**
     * For use without a framework: call {@link #start()} and {@link #stop()} yourself.
     *
     * @param http fwknopd's SPA over HTTP rule for what connections send, or {@code null} for none
     */
    public TcpCapture(String name, String bindAddress, int port, int maxPacketBytes, StreamLimits limits,
            PacketSink sink, SpaOverHttp http) {
        this.name = name == null || name.isBlank() ? KIND : name.trim();
        this.maxPacketBytes = maxPacketBytes;
        this.limits = limits;
        this.http = http;
        this.outlet = new CaptureOutlet("tcp:" + name, sink, http);
        this.listener = new BoundedStreamListener(KIND + ":" + this.name, bindAddress, port, limits, this::received);
    }

    @Activate
    public void start() {
        listener.start();
    }

    @Deactivate
    public void stop() {
        listener.stop();
        LOG.info("Capture source tcp:{} stopped after {} packets ({} connections, {} timed out, {} evicted, "
                + "{} too long)", name, outlet.delivered(), listener.accepted(), listener.timedOut(),
                listener.evicted(), listener.overflowed());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String describe() {
        return listener.address() + " " + limits.describe() + (http == null ? ""
                : " http" + (http.allowsAnyUserAgent() ? "+any-agent" : "") + (http.honoursForwardedFor() ? "+xff" : ""));
    }

    @Override
    public State state() {
        return listener.state();
    }

    @Override
    public long packetsDelivered() {
        return outlet.delivered();
    }

    /** The listener, for its port and counters. */
    BoundedStreamListener listener() {
        return listener;
    }

    private byte[] received(InetSocketAddress remote, InetSocketAddress local, byte[] data, int length,
            boolean endOfStream, boolean full) {
        if (!endOfStream && !full) {
            return null;
        }
        if (length == 0) {
            return new byte[0];
        }
        byte[] payload = Arrays.copyOf(data, Math.min(length, maxPacketBytes + 1));
        CapturedPacket packet = new CapturedPacket(payload, remote.getAddress(), remote.getPort(), local.getAddress(),
                local.getPort(), Transport.TCP, Instant.now(), name);
        outlet.deliver(outlet.carried(packet));
        return new byte[0];
    }
}
