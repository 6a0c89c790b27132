package org.postern.capture.udp;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * fwknopd's UDP server ({@code -U}): a socket bound to one port whose datagrams all go to the
 * {@link PacketSink}. It never answers. The destination address is unknown to a wildcard socket, so packets
 * carry {@code destination = null} and the bound port. If the port cannot be bound the source is
 * {@link State#FAILED} and retries every second until it can.
 */
@Component(configurationPid = UdpCapture.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        service = CaptureSource.class, property = "kind=" + UdpCapture.KIND)
@Designate(ocd = UdpCaptureConfig.class, factory = true)
public final class UdpCapture implements CaptureSource {

    static final String PID = "org.postern.capture.udp";
    static final String KIND = "udp";

    private static final Logger LOG = LoggerFactory.getLogger(UdpCapture.class);
    private static final long RETRY_MILLIS = 1000;
    private static final long STOP_MILLIS = 2000;
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    private final String name;
    private final String bindAddress;
    private final int port;
    private final int maxPacketBytes;
    private final SpaOverHttp http;

    private final CaptureOutlet outlet;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile State state = State.STARTING;
    private volatile DatagramChannel channel;
    private volatile int boundPort;
    private Thread thread;

    @Activate
    public UdpCapture(UdpCaptureConfig config, @Reference(name = "sink") PacketSink sink) {
        this(config.name(), config.bindAddress(), config.port(), config.maxPacketBytes(), sink,
                config.httpExtraction() ? new SpaOverHttp(config.allowAnyUserAgent(), config.forwardedFor()) : null);
    }

    /** For use without a framework: call {@link #start()} and {@link #stop()} yourself. */
    public UdpCapture(String name, String bindAddress, int port, int maxPacketBytes, PacketSink sink) {
        this(name, bindAddress, port, maxPacketBytes, sink, null);
    }

    /** As above, with fwknopd's SPA over HTTP rule applied to every datagram ({@code http} null: off). */
    public UdpCapture(String name, String bindAddress, int port, int maxPacketBytes, PacketSink sink,
            SpaOverHttp http) {
        this.name = name == null || name.isBlank() ? KIND : name.trim();
        this.bindAddress = bindAddress == null ? "" : bindAddress.trim();
        this.port = port;
        this.maxPacketBytes = maxPacketBytes;
        this.http = http;
        this.outlet = new CaptureOutlet("udp:" + name, sink, http);
        this.boundPort = port;
    }

    @Activate
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        if (port < 0 || port > 65535 || maxPacketBytes < 1 || maxPacketBytes > 65507 || bindAddress.isEmpty()) {
            state = State.FAILED;
            LOG.error("Capture source udp:{} not started: invalid configuration (port {}, bindAddress '{}', "
                    + "maxPacketBytes {})", name, port, bindAddress, maxPacketBytes);
            return;
        }
        thread = new Thread(this::run, "postern-capture-udp-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    public synchronized void stop() {
        stopSignal.countDown();
        closeQuietly(channel);
        if (thread != null) {
            try {
                thread.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Capture source udp:{}: receive thread did not end within {} ms", name, STOP_MILLIS);
            }
            LOG.info("Capture source udp:{} stopped after {} packets", name, outlet.delivered());
        }
        state = State.STOPPED;
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
        String host = bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]" : bindAddress;
        return host + ":" + boundPort + (http == null ? "" : " http" + (http.allowsAnyUserAgent() ? "+any-agent" : "")
                + (http.honoursForwardedFor() ? "+xff" : ""));
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public long packetsDelivered() {
        return outlet.delivered();
    }

    /** The port actually bound (differs from the configured one when that is 0); the configured one before. */
    int localPort() {
        return boundPort;
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void run() {
        boolean failing = false;
        while (!stopping()) {
            DatagramChannel ch;
            try {
                ch = open();
            } catch (IOException | RuntimeException e) {
                state = State.FAILED;
                if (!failing) {
                    LOG.warn("Capture source udp:{} cannot bind {}: {}; retrying every {} ms", name, describe(),
                            e.toString(), RETRY_MILLIS);
                }
                failing = true;
                awaitStop(RETRY_MILLIS);
                continue;
            }
            channel = ch;
            if (stopping()) {
                closeQuietly(ch);
                break;
            }
            failing = false;
            state = State.RUNNING;
            LOG.info("Capture source udp:{} running: {}", name, describe());
            IOException failure = receive(ch);
            closeQuietly(ch);
            if (failure != null && !stopping()) {
                state = State.FAILED;
                failing = true;
                LOG.warn("Capture source udp:{} receive failed: {}; reopening in {} ms", name, failure.toString(),
                        RETRY_MILLIS);
                awaitStop(RETRY_MILLIS);
            }
        }
        state = State.STOPPED;
    }

    private DatagramChannel open() throws IOException {
        InetAddress address = InetAddress.getByName(bindAddress);
        ProtocolFamily family = address instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        DatagramChannel ch = DatagramChannel.open(family);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            ch.bind(new InetSocketAddress(address, port));
            boundPort = ((InetSocketAddress) ch.getLocalAddress()).getPort();
            return ch;
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Receives until the channel is closed (returns null) or fails (returns the failure). */
    private IOException receive(DatagramChannel ch) {
        ByteBuffer buffer = ByteBuffer.allocate(maxPacketBytes + 1);
        int localPort = boundPort;
        // the destination a stanza's DESTINATION is checked against: the bound address; a wildcard socket cannot
        // tell which of the host's addresses a datagram was sent to (null: only DESTINATION ANY stanzas serve it)
        InetAddress local = null;
        try {
            InetAddress bound = ((InetSocketAddress) ch.getLocalAddress()).getAddress();
            local = bound.isAnyLocalAddress() ? null : bound;
        } catch (IOException e) {
            // closed meanwhile: the receive below reports it
        }
        while (true) {
            buffer.clear();
            SocketAddress from;
            try {
                from = ch.receive(buffer);
            } catch (ClosedChannelException e) {
                return null;
            } catch (IOException e) {
                return e;
            }
            if (!(from instanceof InetSocketAddress sender) || sender.getAddress() == null) {
                continue;
            }
            byte[] payload = Arrays.copyOf(buffer.array(), buffer.position());
            outlet.deliver(outlet.carried(new CapturedPacket(payload, sender.getAddress(), sender.getPort(), local,
                    localPort, Transport.UDP, Instant.now(), name)));
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

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
