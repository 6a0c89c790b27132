package org.postern.capture.tcp.stream;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.postern.api.CaptureSource.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP listener on one thread with non-blocking sockets, bounded so that a slow or flooding peer cannot starve
 * it (see {@link StreamLimits}):
 * <ul>
 * <li>at most {@code maxConnections} connections are held; a new connection beyond that evicts the oldest one,
 * and a new connection beyond {@code maxConnectionsPerSource} from one address evicts that address's oldest. A
 * newcomer is therefore always heard, and a flood only displaces the flood;</li>
 * <li>each connection has {@code readTimeoutMillis} from accept to say what it has to say, then it is reset;</li>
 * <li>at most {@code maxBytes + 1} bytes are read from a connection, then the handler decides and it is closed;</li>
 * <li>at most {@value #ACCEPT_BATCH} connections are accepted before pending reads are served, so an accept
 * storm does not delay a connection that has already sent its data.</li>
 * </ul>
 * Evicted and timed-out connections are reset (SO_LINGER 0), leaving no TIME_WAIT behind. Memory is bounded by
 * {@code maxConnections * (maxBytes + 1)} bytes of buffers.
 *
 * <p>If the port cannot be bound the state is {@link State#FAILED} and binding is retried every second.
 * {@link #stop()} ends the thread within a few milliseconds.
 */
public final class BoundedStreamListener {

    static final int ACCEPT_BATCH = 32;
    private static final int FIRST_BUFFER = 512;
    private static final long RETRY_MILLIS = 1000;
    private static final long STOP_MILLIS = 2000;
    private static final long MAX_SELECT_MILLIS = 250;
    private static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(BoundedStreamListener.class);

    private final String label;
    private final String bindAddress;
    private final int port;
    private final StreamLimits limits;
    private final StreamHandler handler;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong overflowed = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private volatile State state = State.STARTING;
    private volatile Selector selector;
    private volatile int boundPort;
    private long lastWarning = System.nanoTime() - WARN_INTERVAL_NANOS;
    private Thread thread;

    // listener thread only
    private final LinkedHashMap<SocketChannel, Connection> connections = new LinkedHashMap<>();
    private final Map<InetAddress, ArrayDeque<Connection>> bySource = new HashMap<>();

    /**
     * @param label       for logs and the thread name, such as {@code tcp:fwknopd}
     * @param bindAddress local address ({@code 0.0.0.0}, {@code ::} for dual stack, or one of this host's)
     * @param port        TCP port, 0 for a free one
     */
    public BoundedStreamListener(String label, String bindAddress, int port, StreamLimits limits,
            StreamHandler handler) {
        this.label = label;
        this.bindAddress = bindAddress == null ? "" : bindAddress.trim();
        this.port = port;
        this.limits = limits;
        this.handler = handler;
        this.boundPort = port;
    }

    /** Why it cannot run, or {@code null}. */
    public String problem() {
        if (port < 0 || port > 65535) {
            return "port " + port + " is outside 0..65535";
        }
        if (bindAddress.isEmpty()) {
            return "bindAddress is empty";
        }
        return limits.problem();
    }

    /** Starts the listener thread; an invalid configuration leaves it FAILED without one. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        String problem = problem();
        if (problem != null) {
            state = State.FAILED;
            LOG.error("Capture source {} not started: invalid configuration: {}", label, problem);
            return;
        }
        thread = new Thread(this::run, "postern-capture-" + label.replace(':', '-'));
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes the listening socket and every connection; returns within about two seconds at most. */
    public synchronized void stop() {
        stopSignal.countDown();
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("Capture source {}: listener thread did not end within {} ms", label, STOP_MILLIS);
            }
        }
        state = State.STOPPED;
    }

    public State state() {
        return state;
    }

    /** The port bound (differs from the configured one when that is 0); the configured one before. */
    public int localPort() {
        return boundPort;
    }

    /** For example {@code 0.0.0.0:62201}. */
    public String address() {
        String host = bindAddress.indexOf(':') >= 0 ? "[" + bindAddress + "]" : bindAddress;
        return host + ":" + boundPort;
    }

    /** Connections accepted since start. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections the handler finished (the peer closed, the limit was reached, or the handler replied). */
    public long completed() {
        return completed.get();
    }

    /** Connections reset because their deadline passed. */
    public long timedOut() {
        return timedOut.get();
    }

    /** Connections reset to make room for newer ones. */
    public long evicted() {
        return evicted.get();
    }

    /** Connections that sent more than the limit. */
    public long overflowed() {
        return overflowed.get();
    }

    /** Connections held now. */
    public long openConnections() {
        return open.get();
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void run() {
        boolean failing = false;
        while (!stopping()) {
            ServerSocketChannel server;
            Selector s;
            try {
                s = Selector.open();
                try {
                    server = bind(s);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                state = State.FAILED;
                if (!failing) {
                    LOG.warn("Capture source {} cannot listen on {}: {}; retrying every {} ms", label, address(),
                            e.toString(), RETRY_MILLIS);
                }
                failing = true;
                awaitStop(RETRY_MILLIS);
                continue;
            }
            selector = s;
            if (stopping()) {
                closeQuietly(server);
                closeQuietly(s);
                break;
            }
            failing = false;
            state = State.RUNNING;
            LOG.info("Capture source {} running: {}", label, address());
            Exception failure = serve(s, server);
            for (Connection c : connections.values().toArray(Connection[]::new)) {
                close(c, true);
            }
            closeQuietly(server);
            closeQuietly(s);
            selector = null;
            if (failure != null && !stopping()) {
                state = State.FAILED;
                failing = true;
                LOG.warn("Capture source {} failed: {}; listening again in {} ms", label, failure.toString(),
                        RETRY_MILLIS);
                awaitStop(RETRY_MILLIS);
            }
        }
        state = State.STOPPED;
    }

    private ServerSocketChannel bind(Selector s) throws IOException {
        InetAddress address = InetAddress.getByName(bindAddress);
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(new InetSocketAddress(address, port), limits.backlog());
            server.configureBlocking(false);
            server.register(s, SelectionKey.OP_ACCEPT);
            boundPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return server;
        } catch (IOException | RuntimeException e) {
            closeQuietly(server);
            throw e;
        }
    }

    /** Serves until stopped (returns null) or the selector fails (returns the failure). */
    private Exception serve(Selector s, ServerSocketChannel server) {
        try {
            while (!stopping()) {
                s.select(selectTimeout());
                Iterator<SelectionKey> keys = s.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptSome(s, server);
                    } else if (key.isReadable() && ((Connection) key.attachment()).open) {
                        read((Connection) key.attachment());
                    }
                }
                expire(System.nanoTime());
            }
            return null;
        } catch (IOException | ClosedSelectorException e) {
            return stopping() ? null : e;
        }
    }

    private long selectTimeout() {
        if (connections.isEmpty()) {
            return MAX_SELECT_MILLIS;
        }
        Connection oldest = connections.values().iterator().next();
        long millis = TimeUnit.NANOSECONDS.toMillis(oldest.deadline - System.nanoTime()) + 1;
        return Math.max(1, Math.min(MAX_SELECT_MILLIS, millis));
    }

    private void acceptSome(Selector s, ServerSocketChannel server) {
        for (int i = 0; i < ACCEPT_BATCH; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                // out of file descriptors, most likely: give one back so the listener does not spin
                warn("cannot accept a connection: " + e);
                if (!connections.isEmpty()) {
                    evict(connections.values().iterator().next());
                }
                return;
            }
            if (ch == null) {
                return;
            }
            try {
                ch.configureBlocking(false);
                InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
                InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                makeRoomFor(remote.getAddress());
                Connection c = new Connection(ch, remote, local, System.nanoTime()
                        + TimeUnit.MILLISECONDS.toNanos(limits.readTimeoutMillis()),
                        Math.min(FIRST_BUFFER, limits.maxBytes() + 1));
                c.key = ch.register(s, SelectionKey.OP_READ, c);
                connections.put(ch, c);
                bySource.computeIfAbsent(remote.getAddress(), a -> new ArrayDeque<>()).addLast(c);
                accepted.incrementAndGet();
                open.incrementAndGet();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Capture source {}: dropping a new connection: {}", label, e.toString());
                closeQuietly(ch);
            }
        }
    }

    private void makeRoomFor(InetAddress source) {
        ArrayDeque<Connection> same = bySource.get(source);
        if (same != null && same.size() >= limits.maxConnectionsPerSource()) {
            evict(same.peekFirst());
        }
        if (connections.size() >= limits.maxConnections()) {
            evict(connections.values().iterator().next());
        }
    }

    /** Makes room: a connection that has already said everything is finished normally, any other is reset. */
    private void evict(Connection c) {
        if (!read(c)) {
            evicted.incrementAndGet();
            close(c, true);
        }
    }

    /**
     * Reads what has arrived on {@code c} and lets the handler decide; returns whether the connection ended
     * (finished, or reset by the peer).
     */
    private boolean read(Connection c) {
        int cap = limits.maxBytes() + 1;
        boolean endOfStream = false;
        boolean any = false;
        while (true) {
            if (c.length == c.buffer.length) {
                if (c.buffer.length >= cap) {
                    break;
                }
                c.buffer = Arrays.copyOf(c.buffer, Math.min(cap, c.buffer.length * 2));
            }
            int n;
            try {
                n = c.channel.read(ByteBuffer.wrap(c.buffer, c.length, c.buffer.length - c.length));
            } catch (IOException e) {
                close(c, true); // reset by the peer
                return true;
            }
            if (n < 0) {
                endOfStream = true;
                break;
            }
            if (n == 0) {
                break;
            }
            c.length += n;
            any = true;
        }
        boolean full = c.length >= cap;
        if (!any && !endOfStream) {
            return false;
        }
        byte[] reply;
        try {
            reply = handler.received(c.remote, c.local, c.buffer, c.length, endOfStream, full);
        } catch (RuntimeException e) {
            warn("the handler failed on a connection from " + c.remote.getAddress().getHostAddress() + ": " + e);
            LOG.debug("Capture source {}: handler failure", label, e);
            close(c, true);
            return true;
        }
        if (reply == null && !endOfStream && !full) {
            return false;
        }
        if (full) {
            overflowed.incrementAndGet();
        }
        completed.incrementAndGet();
        if (reply != null && reply.length > 0) {
            try {
                c.channel.write(ByteBuffer.wrap(reply)); // small: the socket buffer takes it at once
            } catch (IOException e) {
                LOG.debug("Capture source {}: reply not sent: {}", label, e.toString());
            }
        }
        close(c, full);
        return true;
    }

    /** Resets the connections whose deadline passed, oldest first, after a last look at what they sent. */
    private void expire(long now) {
        while (!connections.isEmpty()) {
            Connection c = connections.values().iterator().next();
            if (c.deadline - now > 0) {
                return; // accept order is deadline order
            }
            if (!read(c)) {
                timedOut.incrementAndGet();
                close(c, true);
            }
        }
    }

    private void close(Connection c, boolean reset) {
        connections.remove(c.channel);
        closeChannel(c, reset);
    }

    private void closeChannel(Connection c, boolean reset) {
        if (!c.open) {
            return;
        }
        c.open = false;
        ArrayDeque<Connection> same = bySource.get(c.remote.getAddress());
        if (same != null) {
            same.remove(c);
            if (same.isEmpty()) {
                bySource.remove(c.remote.getAddress());
            }
        }
        if (c.key != null) {
            c.key.cancel();
        }
        if (reset) {
            try {
                c.channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException e) {
                // closed already
            }
        }
        closeQuietly(c.channel);
        open.decrementAndGet();
    }

    private void warn(String message) {
        long now = System.nanoTime();
        if (now - lastWarning >= WARN_INTERVAL_NANOS) {
            lastWarning = now;
            LOG.warn("Capture source {}: {} (further warnings within 10 s at DEBUG)", label, message);
        } else {
            LOG.debug("Capture source {}: {}", label, message);
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

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    /** One accepted connection, owned by the listener thread. */
    private static final class Connection {
        final SocketChannel channel;
        final InetSocketAddress remote;
        final InetSocketAddress local;
        final long deadline;
        SelectionKey key;
        boolean open = true;
        byte[] buffer;
        int length;

        Connection(SocketChannel channel, InetSocketAddress remote, InetSocketAddress local, long deadline,
                int firstBuffer) {
            this.buffer = new byte[firstBuffer];
            this.channel = channel;
            this.remote = remote;
            this.local = local;
            this.deadline = deadline;
        }
    }
}
