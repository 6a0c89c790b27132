package org.postern.client.knock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.postern.fko.KnockSequenceCipher;

/**
 * A fwknop 1.9 port-knock sequence ({@code --Server-mode knock|shared}): the knocks (protocol and port) in the
 * order they are sent, and the sending.
 *
 * <ul>
 * <li>Encrypted ({@link #encrypted}): the 1.9 client's {@code encrypt_sequence}. The plaintext is the allow IP
 * (4 bytes), the port (big-endian), the protocol number, a checksum (sum of the 7 bytes mod 256) and the user name
 * (raw, while the length stays below 31, no terminator). It is encrypted as Perl's Crypt::CBC 2.29 does: the
 * passphrase right-padded with {@code '0'} to 16 characters, an 8-byte salt, key and IV from the MD5 chain
 * (EVP_BytesToKey, MD5, one round), AES-256-CBC with PKCS#7 padding, output {@code "Salted__" + salt +
 * ciphertext}. Each output byte b is a knock on port {@code offset + b}; TCP, or with {@code rotate} even
 * indexes TCP and odd ones UDP.</li>
 * <li>Shared ({@link #shared}): {@code tcp/N, udp/N, icmp} elements as in 1.9's {@code ~/.fwknoprc} lines.</li>
 * </ul>
 *
 * <p>Sending ({@link #send}): a TCP knock is a non-blocking connect that is abandoned at once (the kernel emits
 * one SYN; the socket is closed before any answer counts), a UDP knock is one datagram holding the character
 * {@code 0}, an ICMP knock one echo request (a raw socket: root or CAP_NET_RAW). Replies are ignored. Between
 * knocks the sender waits the delay (1.9's {@code --time-delay}, default 1 s).
 *
 * <p>The fwknopd side (bundles/knock) has its own decoder of the same format.
 */
public final class KnockSequence {

    /** 1.9's default {@code --offset} and {@code PORT_OFFSET}. */
    public static final int DEFAULT_OFFSET = 61000;

    /** The upper bound (exclusive) 1.9's client puts on {@code --offset}. */
    public static final int MAX_OFFSET = 65280;

    /** The username is appended while the plaintext stays below this length (so at most 23 characters). */
    static final int PLAINTEXT_CAP = 31;


    /** One knock: {@code tcp}, {@code udp} or {@code icmp} (port 0). */
    public record Step(String protocol, int port) {

        public Step {
            if (!protocol.equals("tcp") && !protocol.equals("udp") && !protocol.equals("icmp")) {
                throw new IllegalArgumentException("protocol must be tcp, udp or icmp: " + protocol);
            }
        }

        @Override
        public String toString() {
            return protocol.equals("icmp") ? "icmp" : protocol + "/" + port;
        }
    }

    private final List<Step> steps;
    private final byte[] plaintext;
    private final byte[] ciphertext;

    private KnockSequence(List<Step> steps, byte[] plaintext, byte[] ciphertext) {
        this.steps = Collections.unmodifiableList(new ArrayList<>(steps));
        this.plaintext = plaintext;
        this.ciphertext = ciphertext;
    }

    /** The knocks in sending order. */
    public List<Step> steps() {
        return steps;
    }

    /** The clear-text bytes of an encrypted sequence (null for a shared one). */
    public byte[] plaintext() {
        return plaintext == null ? null : plaintext.clone();
    }

    /** The cipher-text bytes of an encrypted sequence, {@code Salted__} and the salt included (null if shared). */
    public byte[] ciphertext() {
        return ciphertext == null ? null : ciphertext.clone();
    }

    /** A shared sequence of the given knocks. */
    public static KnockSequence shared(List<Step> steps) throws KnockException {
        if (steps.isEmpty()) {
            throw new KnockException("the shared knock sequence is empty");
        }
        return new KnockSequence(steps, null, null);
    }

    /**
     * An encrypted sequence with a random salt.
     *
     * @param allowIp  the allow IP, dotted quad ({@code 0.0.0.0} for {@code -s})
     * @param access   the {@code -A} string, read as 1.9 did ({@link #accessOf})
     * @param user     the user name
     * @param key      the passphrase (padded with '0' to 16 characters here)
     * @param offset   the port offset, 0 < offset < 65280
     * @param rotate   {@code --rotate-proto}: odd knocks over UDP
     */
    public static KnockSequence encrypted(String allowIp, String access, String user, byte[] key, int offset,
            boolean rotate) throws KnockException {
        byte[] salt = new byte[8];
        new SecureRandom().nextBytes(salt);
        return encrypted(allowIp, access, user, key, offset, rotate, salt);
    }

    /** An encrypted sequence with the given 8-byte salt (tests: the reference vector). */
    public static KnockSequence encrypted(String allowIp, String access, String user, byte[] key, int offset,
            boolean rotate, byte[] salt) throws KnockException {
        if (offset <= 0 || offset >= MAX_OFFSET) {
            throw new KnockException("--offset must be in [1-" + (MAX_OFFSET - 1) + "]");
        }
        Step target = accessOf(access);
        byte[] ip = KnockSender.ipv4(allowIp);
        if (ip == null) {
            throw new KnockException("Invalid allow IP specified for knock sequence: " + allowIp);
        }
        byte[] plain = plaintext(ip, target, user);
        byte[] enc = KnockSequenceCipher.encrypt(plain, key, salt);
        List<Step> steps = new ArrayList<>(enc.length);
        for (int i = 0; i < enc.length; i++) {
            steps.add(new Step(rotate && i % 2 == 1 ? "udp" : "tcp", offset + (enc[i] & 0xff)));
        }
        return new KnockSequence(steps, plain, enc);
    }

    /**
     * The one protocol/port 1.9 encodes from an {@code -A} string: the protocol by substring test on the whole
     * string in the order tcp, udp, icmp; the port is the first run of digits (icmp: 0). So {@code udp/53,tcp/22}
     * is tcp/53, as in 1.9.
     */
    public static Step accessOf(String access) throws KnockException {
        if (access == null || access.isEmpty()) {
            throw new KnockException("Must specify the port to open with -A <proto/port> (e.g. tcp/22)");
        }
        String a = access.toLowerCase(Locale.ROOT);
        String proto = a.contains("tcp") ? "tcp" : a.contains("udp") ? "udp" : a.contains("icmp") ? "icmp" : null;
        if (proto == null) {
            throw new KnockException("-A must name tcp, udp or icmp: " + access);
        }
        if (proto.equals("icmp")) {
            return new Step("icmp", 0);
        }
        int i = 0;
        while (i < a.length() && !Character.isDigit(a.charAt(i))) {
            i++;
        }
        int j = i;
        while (j < a.length() && Character.isDigit(a.charAt(j)) && j - i < 6) {
            j++;
        }
        if (i == j) {
            throw new KnockException("-A has no port number: " + access);
        }
        int port = Integer.parseInt(a.substring(i, j));
        if (port > 65535) {
            throw new KnockException("-A port out of range: " + access);
        }
        return new Step(proto, port);
    }

    /** The 1.9 plaintext: ip(4), port(2, big-endian), protocol number, checksum, user (capped, unterminated). */
    static byte[] plaintext(byte[] ip, Step target, String user) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(PLAINTEXT_CAP);
        b.write(ip, 0, 4);
        b.write(target.port() >> 8);
        b.write(target.port() & 0xff);
        b.write(switch (target.protocol()) {
            case "tcp" -> 6;
            case "udp" -> 17;
            default -> 1;
        });
        byte[] head = b.toByteArray();
        int sum = 0;
        for (byte x : head) {
            sum += x & 0xff;
        }
        b.write(sum & 0xff);
        byte[] u = user == null ? new byte[0] : user.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < u.length && b.size() < PLAINTEXT_CAP; i++) {
            b.write(u[i]);
        }
        return b.toByteArray();
    }

    /**
     * The elements of one shared sequence: {@code tcp/N}, {@code udp/N} or {@code icmp}, separated by commas
     * and/or blanks, lowercase only as in 1.9; unknown tokens are skipped (as 1.9 did).
     */
    public static List<Step> parseElements(String elements) {
        List<Step> out = new ArrayList<>();
        for (String t : elements.split("[,\\s]+")) {
            if (t.equals("icmp")) {
                out.add(new Step("icmp", 0));
            } else if (t.matches("(tcp|udp)/\\d{1,5}")) {
                int port = Integer.parseInt(t.substring(4));
                if (port >= 1 && port <= 65535) {
                    out.add(new Step(t.substring(0, 3), port));
                }
            }
        }
        return out;
    }

    /**
     * The shared sequence for {@code destination} from 1.9 {@code ~/.fwknoprc} lines ({@code <dest>: elem, ...},
     * {@code #} comments): the first line whose destination equals the destination, directly or once both are
     * resolved to an IP. As in 1.9 a line with a single element is ignored.
     *
     * @return the elements, or an empty list when no line matches
     */
    public static List<Step> sharedFromRc(List<String> lines, String destination) {
        String destIp = resolve(destination);
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String dest = line.substring(0, colon).strip();
            boolean same = dest.equals(destination) || destIp != null && destIp.equals(resolve(dest));
            if (!same) {
                continue;
            }
            List<Step> steps = parseElements(line.substring(colon + 1).strip());
            if (steps.size() > 1) {
                return steps;
            }
        }
        return List.of();
    }

    private static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    /**
     * Sends the knocks to {@code destination} in order, waiting {@code delayMillis} between two knocks.
     *
     * @param log receives one line per knock (verbose output), may be null
     * @return the number of knocks sent
     */
    public int send(String destination, long delayMillis, Consumer<String> log) throws KnockException {
        InetAddress dst;
        try {
            dst = InetAddress.getByName(destination);
        } catch (IOException e) {
            throw new KnockException("Unable to resolve destination: " + destination);
        }
        if (!(dst instanceof Inet4Address) && steps.stream().anyMatch(s -> s.protocol().equals("icmp"))) {
            throw new KnockException("ICMP knocks need an IPv4 destination");
        }
        int sent = 0;
        try (DatagramSocket udp = new DatagramSocket()) {
            for (Step s : steps) {
                if (sent > 0 && delayMillis > 0) {
                    pause(delayMillis);
                }
                switch (s.protocol()) {
                    case "tcp" -> syn(dst, s.port());
                    case "udp" -> udp.send(new DatagramPacket(new byte[] {'0'}, 1, dst, s.port()));
                    default -> echoRequest(dst);
                }
                sent++;
                if (log != null) {
                    log.accept("[+] knock " + sent + "/" + steps.size() + ": " + s + " -> " + dst.getHostAddress());
                }
            }
        } catch (IOException e) {
            throw new KnockException("knock to " + destination + " failed: " + e.getMessage());
        }
        return sent;
    }

    /** One SYN: a non-blocking connect that is abandoned (closed) right after the kernel sent it. */
    private static void syn(InetAddress dst, int port) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.configureBlocking(false);
            ch.connect(new InetSocketAddress(dst, port));
        } catch (java.net.ConnectException e) {
            // refused at once (a local RST): the SYN went out all the same
        }
    }

    private static void echoRequest(InetAddress dst) throws KnockException {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        byte[] packet = RawPacket.build(KnockTransport.ICMP, new byte[4], dst.getAddress(), 0, 0, 8, 0,
                r.nextInt(65536), r.nextInt(65536), "", RawSocket.bsd());
        RawSocket.send(packet, dst.getAddress());
    }

    private static void pause(long millis) throws KnockException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KnockException("interrupted between knocks");
        }
    }

    /** 1.9's {@code --Test-mode} dump: clear-text bytes, cipher-text bytes, offset; or the shared knocks. */
    public String describe(int offset) {
        StringBuilder sb = new StringBuilder();
        if (plaintext != null) {
            sb.append("[+] Clear-text sequence (").append(plaintext.length).append(" bytes): ").append(bytes(plaintext))
                    .append('\n');
            sb.append("[+] Cipher-text sequence (").append(ciphertext.length).append(" bytes): ")
                    .append(bytes(ciphertext)).append('\n');
            sb.append("[+] Port offset: ").append(offset).append('\n');
        }
        sb.append("[+] Knock sequence:");
        for (Step s : steps) {
            sb.append(' ').append(s);
        }
        return sb.toString();
    }

    private static String bytes(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(b[i] & 0xff);
        }
        return sb.toString();
    }
}
