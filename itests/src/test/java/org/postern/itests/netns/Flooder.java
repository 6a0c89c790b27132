package org.postern.itests.netns;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded flood of abusive TCP connections, run as its own JVM inside a namespace (so its sockets are that
 * namespace's): {@code slowThreads} threads open connections that send one first byte and then nothing, holding
 * up to {@value #HELD_PER_THREAD} each (the oldest closed when more are held), and {@code bigThreads} threads
 * send up to 1 MiB per connection as fast as they can. Everything stops after {@code seconds}; the totals are
 * printed on the last line. Arguments: {@code host port tcp|http slowThreads bigThreads seconds}.
 */
public final class Flooder {

    static final int HELD_PER_THREAD = 150;
    static final int MAX_CONNECTIONS_PER_THREAD = 20_000;

    private Flooder() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        byte[] first = (args[2].equals("http") ? "GET /" : "x").getBytes(StandardCharsets.US_ASCII);
        int slowThreads = Integer.parseInt(args[3]);
        int bigThreads = Integer.parseInt(args[4]);
        long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;
        AtomicLong slow = new AtomicLong();
        AtomicLong big = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        InetSocketAddress target = new InetSocketAddress(host, port);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < slowThreads; t++) {
            threads.add(new Thread(() -> {
                ArrayDeque<Socket> held = new ArrayDeque<>();
                for (int i = 0; i < MAX_CONNECTIONS_PER_THREAD && System.nanoTime() < deadline; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(target, 1000);
                        s.getOutputStream().write(first);
                        held.addLast(s);
                        slow.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        close(s);
                    }
                    while (held.size() > HELD_PER_THREAD) {
                        close(held.removeFirst());
                    }
                }
                held.forEach(Flooder::close);
            }));
        }
        byte[] chunk = new byte[64 * 1024];
        System.arraycopy(first, 0, chunk, 0, first.length);
        for (int i = first.length; i < chunk.length; i++) {
            chunk[i] = 'A';
        }
        for (int t = 0; t < bigThreads; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < MAX_CONNECTIONS_PER_THREAD && System.nanoTime() < deadline; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(target, 1000);
                        s.setSoTimeout(1000);
                        OutputStream out = s.getOutputStream();
                        for (int k = 0; k < 16; k++) {
                            out.write(chunk);
                        }
                    } catch (IOException e) {
                        // cut off by the listener: what it should do
                    } finally {
                        big.incrementAndGet();
                        close(s);
                    }
                }
            }));
        }
        System.out.println("flooding " + host + ":" + port);
        System.out.flush();
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        System.out.println("done: " + slow.get() + " slow connections, " + big.get() + " oversized connections, "
                + failed.get() + " failed connects");
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing only
        }
    }
}
