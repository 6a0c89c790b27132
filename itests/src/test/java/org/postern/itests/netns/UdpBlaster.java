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
 * daemon. Arguments: {@code host port file mode rate count}.
 * <ul>
 * <li>{@code blast}: {@code count} datagrams at {@code rate} per second (0 = as fast as it can), cycling over the
 * file; the last line printed is {@code sent N in MS ms}.</li>
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
        ByteBuffer[] payloads = new ByteBuffer[lines.size()];
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = ByteBuffer.wrap(lines.get(i).getBytes(StandardCharsets.US_ASCII));
        }
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.US_ASCII));
        long sent = 0;
        long t0 = System.nanoTime();
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
                long stepNanos = rate > 0 ? (long) (1_000_000_000L / rate) : 0;
                for (long i = 0; i < count && System.nanoTime() - t0 < MAX_NANOS; i++) {
                    if (stepNanos > 0) {
                        long due = t0 + i * stepNanos;
                        long ahead = due - System.nanoTime();
                        if (ahead > 200_000L) {
                            LockSupport.parkNanos(ahead); // sleep only when well ahead: keeps high rates exact
                        }
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                    }
                    try {
                        ch.send(payloads[(int) (i % payloads.length)].duplicate(), to);
                        sent++;
                    } catch (java.io.IOException e) {
                        // ENOBUFS / ECONNREFUSED (udp server not up): counted as not sent
                    }
                }
            }
        }
        out.write("sent " + sent + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms\n");
        out.flush();
    }
}
