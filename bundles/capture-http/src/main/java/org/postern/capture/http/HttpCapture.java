package org.postern.capture.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import org.postern.api.Transport;
import org.postern.api.http.SpaOverHttp;
import org.postern.capture.support.CaptureOutlet;
import org.postern.capture.support.Throttle;
import org.postern.capture.tcp.stream.BoundedStreamListener;
import org.postern.capture.tcp.stream.StreamLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPA over HTTP from a real HTTP listener: the fwknop client's {@code -P http} (or a reverse proxy passing its
 * request on) sends {@code GET /<spa data> HTTP/1.x} with {@code User-Agent: Fwknop/...}; the SPA data found by
 * {@link SpaOverHttp} goes to the {@link PacketSink}. fwknopd only sniffed such requests on their way to a web
 * server; capture-pcap does that too ({@code httpExtraction}).
 *
 * <p>One request per connection. Once the request head is complete (or the peer closes, or it exceeds
 * {@code maxRequestBytes}) the same answer goes back to every client, {@code 404 Not Found} by default, and the
 * connection is closed: the answer tells nothing about whether the request was SPA or whether it opened
 * anything. Bounded by {@link BoundedStreamListener}.
 */
@Component(configurationPid = HttpCapture.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = CaptureSource.class, property = "kind=" + HttpCapture.KIND)
@Designate(ocd = HttpCaptureConfig.class, factory = true)
public final class HttpCapture implements CaptureSource {

    static final String PID = "org.postern.capture.http";
    static final String KIND = "http";

    private static final Logger LOG = LoggerFactory.getLogger(HttpCapture.class);

    private final String name;
    private final StreamLimits limits;
    private final SpaOverHttp http;
    private final byte[] reply;
    private final int replyStatus;
    private final BoundedStreamListener listener;

    private final CaptureOutlet outlet;
    private final AtomicLong ignored = new AtomicLong();
    private final Throttle ignoredNotices = new Throttle();

    @Activate
    public HttpCapture(HttpCaptureConfig config, @Reference(name = "sink") PacketSink sink) {
        this(config.name(), config.bindAddress(), config.port(),
                new StreamLimits(config.maxConnections(), config.maxConnectionsPerSource(), config.readTimeoutMillis(),
                        config.maxRequestBytes(), config.backlog()),
                sink, new SpaOverHttp(config.allowAnyUserAgent(), config.forwardedFor()), config.replyStatus());
    }

    /** For use without a framework: call {@link #start()} and {@link #stop()} yourself. */
    public HttpCapture(String name, String bindAddress, int port, StreamLimits limits, PacketSink sink,
            SpaOverHttp http, int replyStatus) {
        this.name = name == null || name.isBlank() ? KIND : name.trim();
        this.limits = limits;
        this.http = http;
        this.outlet = new CaptureOutlet("http:" + name, sink, http);
        this.replyStatus = replyStatus;
        this.reply = answer(replyStatus);
        this.listener = new BoundedStreamListener(KIND + ":" + this.name, bindAddress, port, limits, this::received);
    }

    /** The bytes of the answer to every request: a bodiless response, or nothing for status 0. */
    static byte[] answer(int status) {
        if (status == 0) {
            return new byte[0];
        }
        String reason = switch (status) {
            case 200 -> "OK";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
        return ("HTTP/1.1 " + status + " " + reason + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Activate
    public void start() {
        if (replyStatus != 0 && (replyStatus < 100 || replyStatus > 599)) {
            LOG.error("Capture source http:{} not started: invalid configuration: replyStatus {} is not 0 or "
                    + "100..599", name, replyStatus);
            return;
        }
        listener.start();
    }

    @Deactivate
    public void stop() {
        listener.stop();
        LOG.info("Capture source http:{} stopped after {} packets ({} connections, {} not SPA, {} timed out, "
                + "{} evicted, {} too long)", name, outlet.delivered(), listener.accepted(), ignored.get(),
                listener.timedOut(), listener.evicted(), listener.overflowed());
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
        return listener.address() + " " + limits.describe() + (http.allowsAnyUserAgent() ? " any-agent" : "")
                + (http.honoursForwardedFor() ? " xff" : "");
    }

    @Override
    public State state() {
        if (replyStatus != 0 && (replyStatus < 100 || replyStatus > 599)) {
            return State.FAILED;
        }
        return listener.state();
    }

    @Override
    public long packetsDelivered() {
        return outlet.delivered();
    }

    /** Requests answered without delivering anything (not SPA over HTTP, or too long). */
    long requestsIgnored() {
        return ignored.get();
    }

    BoundedStreamListener listener() {
        return listener;
    }

    private byte[] received(InetSocketAddress remote, InetSocketAddress local, byte[] data, int length,
            boolean endOfStream, boolean full) {
        int head = SpaOverHttp.headEnd(data, length);
        if (head < 0 && !endOfStream && !full) {
            return null;
        }
        if (head < 0 && full) {
            ignore(remote, "request head longer than " + limits.maxBytes() + " bytes");
            return reply;
        }
        if (length == 0) {
            return reply;
        }
        SpaOverHttp.Extraction e = http.extract(data, head < 0 ? length : head);
        if (!e.isSpa()) {
            ignore(remote, switch (e.verdict()) {
                case NOT_GET -> "not a GET request";
                case NOT_FWKNOP_USER_AGENT -> "no User-Agent starting 'Fwknop' (allowAnyUserAgent is off)";
                default -> "no SPA data in the path";
            });
            return reply;
        }
        outlet.noteForwardedFor(e, remote.getAddress());
        outlet.deliver(new CapturedPacket(e.spaData(), remote.getAddress(), remote.getPort(), local.getAddress(),
                local.getPort(), Transport.HTTP, Instant.now(), name, e.forwardedFor()));
        return reply;
    }

    private void ignore(InetSocketAddress remote, String why) {
        ignored.incrementAndGet();
        if (ignoredNotices.allow()) {
            LOG.info("Capture source http:{}: request from {} ignored: {} (further ones within 10 s at DEBUG)", name,
                    remote.getAddress().getHostAddress(), why);
        } else {
            LOG.debug("Capture source http:{}: request from {} ignored: {}", name, remote.getAddress().getHostAddress(),
                    why);
        }
    }
}
