package org.postern.itests.netns;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The load harness's sender, run as its own JVM inside the client namespace (so its socket is that namespace's):
 * sends the lines of a packet file (one SPA payload per line) as UDP datagrams, one socket, the same for every
 * daemon. Arguments: {@code host port file mode rate count [threads]}.
 * <ul>
 * <li>{@code blast}: {@code count} datagrams at {@code rate} per second (0 = as fast as it can), cycling over the
 * file; the last line printed is {@code sent N in MS ms}. An optional seventh argument {@code threads} (default 1)
 * splits the blast over that many threads, each with its own socket, its share of the rate and of the count, and its
 * own offset into the file: one thread (one {@code sendto} per datagram, which also pays for the receiving
 * namespace's network path) offered 166,000 per second alone but only 37,000-50,000 while the daemon shared the two
 * cores.</li>
 * <li>{@code paced}: each line once, one every {@code 1000/rate} ms; for each it prints {@code i epochMicros} of
 * the send (the host clock, shared by all namespaces), then the summary line.</li>
 * </ul>
 * Bounded: at most {@code count} datagrams and ten minutes.
 */
public final class UdpBlaster {

    private static final long MAX_NANOS = 600_000_000_000L;

    private UdpBlaster() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        List<String> lines = Files.readAllLines(Path.of(args[2]), StandardCharsets.US_ASCII).stream()
                .map(String::strip).filter(l -> !l.isEmpty()).toList();
        String mode = args[3];
        double rate = Double.parseDouble(args[4]);
        long count = Long.parseLong(args[5]);
        int threads = args.length > 6 ? Math.max(1, Integer.parseInt(args[6])) : 1;
        ByteBuffer[] payloads = new ByteBuffer[lines.size()];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = ByteBuffer.wrap(lines.get(i).getBytes(StandardCharsets.US_ASCII));
        }
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        long t0 = System.nanoTime();
        if (!mode.equals("paced") && threads > 1) {
            java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
            Thread[] ts = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                long share = count / threads + (t < count % threads ? 1 : 0);
                int offset = (int) ((long) t * payloads.length / threads);
                ts[t] = new Thread(() -> {
                    try (DatagramChannel ch = DatagramChannel.open()) {
                        ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
                        total.addAndGet(blast(ch, to, payloads, offset, rate / threads, share, t0));
                    } catch (java.io.IOException e) {
                        // socket not opened: nothing sent by this thread
                    }
                }, "blast-" + t);
                ts[t].start();
            }
            for (Thread t : ts) {
                t.join(MAX_NANOS / 1_000_000 + 10_000);
            }
            out.write("sent " + total.get() + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
            out.flush();
            return;
        }
        long sent = 0;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            // not connected: a connected UDP socket reports the gateway's ICMP port-unreachable (nothing listens
            // there in pcap mode) as an error on the next send, which would drop every other packet
            if (mode.equals("paced")) {
                long step = (long) (1_000_000_000L / Math.max(rate, 0.001));
                long n = Math.min(count, payloads.length);
                for (int i = 0; i < n && System.nanoTime() - t0 < MAX_NANOS; i++) {
                    long due = t0 + i * step;
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(Math.min(due - System.nanoTime(), 1_000_000L));
                    }
                    Instant at = Instant.now();
                    try {
                        ch.send(payloads[i].duplicate(), to);
                        sent++;
                    } catch (java.io.IOException e) {
                        continue; // not sent: no time printed, the harness counts it as lost
                    }
                    out.write(i + " " + (at.getEpochSecond() * 1_000_000L + at.getNano() / 1000) + "\n");
                }
            } else {
                sent = blast(ch, to, payloads, 0, rate, count, t0);
            }
        }
        out.write("sent " + sent + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
        out.flush();
    }

    /**
     * {@code count} datagrams from {@code payloads[offset]} on, cycling, at {@code rate} per second from {@code t0}
     * (0 = as fast as it can); returns how many were sent.
     */
    static long blast(DatagramChannel ch, InetSocketAddress to, ByteBuffer[] payloads, int offset, double rate,
            long count, long t0) {
        long sent = 0;
        long stepNanos = rate > 0 ? (long) (1_000_000_000L / rate) : 0;
        // a direct copy of each payload, rewound before each send: no allocation nor copy per datagram
        ByteBuffer[] views = new ByteBuffer[payloads.length];
        for (int i = 0; i < views.length; i++) {
            views[i] = ByteBuffer.allocateDirect(payloads[i].remaining()).put(payloads[i].duplicate()).flip();
        }
        for (long i = 0; i < count && System.nanoTime() - t0 < MAX_NANOS; i++) {
            if (stepNanos > 0) {
                // sleeps until the datagram is due, never spins: a spinning sender would take the cores the daemon
                // needs. The sleep overshoots by tens of microseconds, so the datagrams fall behind their times
                // and go out back to back until they catch up: short bursts, the exact rate on average.
                long due = t0 + i * stepNanos;
                for (long ahead = due - System.nanoTime(); ahead > 0; ahead = due - System.nanoTime()) {
                    LockSupport.parkNanos(ahead);
                }
            }
            ByteBuffer b = views[(int) ((offset + i) % views.length)];
            b.rewind();
            try {
                ch.send(b, to);
                sent++;
            } catch (java.io.IOException e) {
                // ENOBUFS / ECONNREFUSED (udp server not up): counted as not sent
            }
        }
        return sent;
    }
}
