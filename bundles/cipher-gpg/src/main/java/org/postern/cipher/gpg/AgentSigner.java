package org.postern.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.gpg.SExpression;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PGPContentSigner;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.util.encoders.Hex;

/**
 * Signs through a running gpg-agent ({@code --gpg-agent}): the digest goes over the agent's Unix socket with
 * the Assuan commands {@code SIGKEY <keygrip>}, {@code SETHASH <algo> <hex>} and {@code PKSIGN}; the agent
 * answers with the signature S-expression. No agent is started: without a listening socket this says so.
 * A passphrase, when given, is answered to the agent's {@code INQUIRE PASSPHRASE} in loopback pinentry mode
 * (it never appears in a command line); otherwise the agent uses its cache or its own pinentry.
 */
final class AgentSigner implements PGPContentSignerBuilder {

    private static final int MAX_LINE = 8192;
    private static final int MAX_RESPONSE = 64 * 1024;
    /** The agent may wait for a pinentry: give up (close the socket) after this. */
    private static final long AGENT_TIMEOUT_SECONDS = 60;

    private final Path socket;
    private final String keygrip;
    private final PGPPublicKey key;
    private final int hashAlgorithm;
    private final char[] passphrase;

    AgentSigner(Path socket, String keygrip, PGPPublicKey key, int hashAlgorithm, char[] passphrase) {
        this.socket = socket;
        this.keygrip = keygrip;
        this.key = key;
        this.hashAlgorithm = hashAlgorithm;
        this.passphrase = passphrase;
    }

    /**
     * The agent's socket for a GnuPG home: the one given, {@code <home>/S.gpg-agent}, or what
     * {@code gpgconf --list-dirs agent-socket} reports (GnuPG 2.1+ keeps sockets under {@code /run/user}).
     *
     * @return null when none is found
     */
    static Path findSocket(Path given, Path home) {
        if (given != null) {
            return given;
        }
        Path dir = home != null ? home : defaultHome();
        if (dir != null && Files.exists(dir.resolve("S.gpg-agent"))) {
            return dir.resolve("S.gpg-agent");
        }
        try {
            List<String> argv = dir != null ? List.of("gpgconf", "--homedir", dir.toString(), "--list-dirs", "agent-socket")
                    : List.of("gpgconf", "--list-dirs", "agent-socket");
            Process p = new ProcessBuilder(argv).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            String s = new String(out, StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !s.isEmpty() ? Path.of(unescapeGpgconf(s)) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Path defaultHome() {
        String g = System.getenv("GNUPGHOME");
        if (g != null && !g.isEmpty()) {
            return Path.of(g);
        }
        String h = System.getProperty("user.home");
        return h == null ? null : Path.of(h, ".gnupg");
    }

    /** gpgconf percent-escapes ':' and '%' in its paths. */
    private static String unescapeGpgconf(String s) {
        return s.replace("%3a", ":").replace("%3A", ":").replace("%25", "%");
    }

    @Override
    public PGPContentSigner build(int signatureType, PGPPrivateKey ignored) throws PGPException {
        PGPDigestCalculator digest = new BcPGPDigestCalculatorProvider().get(hashAlgorithm);
        return new PGPContentSigner() {
            @Override
            public OutputStream getOutputStream() {
                return digest.getOutputStream();
            }

            @Override
            public byte[] getSignature() {
                try {
                    return sign(digest.getDigest());
                } catch (IOException e) {
                    throw new AgentException(e.getMessage());
                }
            }

            @Override
            public byte[] getDigest() {
                return digest.getDigest();
            }

            @Override
            public int getType() {
                return signatureType;
            }

            @Override
            public int getHashAlgorithm() {
                return hashAlgorithm;
            }

            @Override
            public int getKeyAlgorithm() {
                return key.getAlgorithm();
            }

            @Override
            public long getKeyID() {
                return key.getKeyID();
            }
        };
    }

    /** A failure talking to the agent (unchecked: BC's content signer cannot throw a checked exception). */
    static final class AgentException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AgentException(String message) {
            super(message, null, false, false);
        }
    }

    /** The signature in the form Bouncy Castle's signature generator expects for the key's algorithm. */
    byte[] sign(byte[] hash) throws IOException {
        if (socket == null || !Files.exists(socket)) {
            throw new IOException("no gpg-agent is running" + (socket == null ? "" : " (no socket at " + socket + ")")
                    + ": start one (gpg-connect-agent /bye) or sign without --gpg-agent");
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no gpg-agent answers at " + socket + " (" + e.getMessage()
                        + "): start one (gpg-connect-agent /bye) or sign without --gpg-agent");
            }
            CompletableFuture.delayedExecutor(AGENT_TIMEOUT_SECONDS, TimeUnit.SECONDS).execute(() -> {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing is all the watchdog does
                }
            });
            Assuan a = new Assuan(ch);
            a.expectOk("greeting");
            a.command("RESET");
            if (passphrase != null) {
                a.command("OPTION pinentry-mode=loopback");
            }
            a.command("SIGKEY " + keygrip);
            a.command("SETHASH " + hashAlgorithm + " " + Hex.toHexString(hash).toUpperCase(Locale.ROOT));
            byte[] sexp = a.transact("PKSIGN", passphrase);
            return signatureValue(sexp);
        }
    }

    private byte[] signatureValue(byte[] sexp) throws IOException {
        SExpression top;
        try {
            top = SExpression.parse(sexp, 5);
        } catch (IOException | RuntimeException e) {
            throw new IOException("gpg-agent returned an unreadable signature");
        }
        SExpression alg = top.getExpression(1);
        String name = alg.getString(0);
        switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN -> {
                return alg.getExpressionWithLabelOrFail("s").getBytes(1);
            }
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> {
                byte[] r = fixed(alg.getExpressionWithLabelOrFail("r").getBytes(1), 32);
                byte[] s = fixed(alg.getExpressionWithLabelOrFail("s").getBytes(1), 32);
                byte[] out = new byte[64];
                System.arraycopy(r, 0, out, 0, 32);
                System.arraycopy(s, 0, out, 32, 32);
                return out;
            }
            case PublicKeyAlgorithmTags.ECDSA, PublicKeyAlgorithmTags.DSA -> {
                ASN1EncodableVector v = new ASN1EncodableVector();
                v.add(new ASN1Integer(new BigInteger(1, alg.getExpressionWithLabelOrFail("r").getBytes(1))));
                v.add(new ASN1Integer(new BigInteger(1, alg.getExpressionWithLabelOrFail("s").getBytes(1))));
                return new DERSequence(v).getEncoded();
            }
            default -> throw new IOException("gpg-agent signature of type " + name + " not supported");
        }
    }

    private static byte[] fixed(byte[] b, int len) {
        byte[] out = new byte[len];
        int n = Math.min(b.length, len);
        System.arraycopy(b, b.length - n, out, len - n, n);
        return out;
    }

    /** The client side of the Assuan line protocol, bounded in line length and response size. */
    private static final class Assuan {
        private final java.io.InputStream in;
        private final OutputStream out;

        Assuan(SocketChannel ch) {
            this.in = Channels.newInputStream(ch);
            this.out = Channels.newOutputStream(ch);
        }

        void command(String line) throws IOException {
            transact(line, null);
        }

        void expectOk(String what) throws IOException {
            String l = readLine();
            if (!l.startsWith("OK")) {
                throw new IOException("gpg-agent " + what + ": " + l);
            }
        }

        /** Sends a command, answers inquiries, collects D lines until OK; ERR becomes an exception. */
        byte[] transact(String line, char[] passphrase) throws IOException {
            send(line);
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            for (int i = 0; i < 1000; i++) {
                String l = readLine();
                if (l.startsWith("OK")) {
                    return data.toByteArray();
                }
                if (l.startsWith("ERR")) {
                    String cmd = line.split(" ", 2)[0];
                    throw new IOException("gpg-agent refused " + cmd + ": " + l.substring(3).strip());
                }
                if (l.startsWith("D ")) {
                    byte[] d = unescape(l.substring(2));
                    if (data.size() + d.length > MAX_RESPONSE) {
                        throw new IOException("gpg-agent response too large");
                    }
                    data.write(d);
                } else if (l.startsWith("INQUIRE PASSPHRASE") || l.startsWith("INQUIRE NEW_PASSPHRASE")) {
                    if (passphrase == null) {
                        send("CAN");
                    } else {
                        byte[] pw = new String(passphrase).getBytes(StandardCharsets.UTF_8);
                        try {
                            sendData(pw);
                        } finally {
                            java.util.Arrays.fill(pw, (byte) 0);
                        }
                        send("END");
                    }
                } else if (l.startsWith("INQUIRE")) {
                    send("END"); // PINENTRY_LAUNCHED and friends: nothing to add
                }
                // S (status) and # (comment) lines are ignored
            }
            throw new IOException("gpg-agent did not finish " + line.split(" ", 2)[0]);
        }

        private void send(String line) throws IOException {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private void sendData(byte[] d) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write('D');
            b.write(' ');
            for (byte x : d) {
                int c = x & 0xff;
                if (c == '%' || c == '\n' || c == '\r') {
                    b.write(String.format(Locale.ROOT, "%%%02X", c).getBytes(StandardCharsets.US_ASCII));
                } else {
                    b.write(c);
                }
            }
            b.write('\n');
            byte[] all = b.toByteArray();
            out.write(all);
            out.flush();
            java.util.Arrays.fill(all, (byte) 0);
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("gpg-agent closed the connection");
                }
                if (c == '\n') {
                    return b.toString(StandardCharsets.ISO_8859_1);
                }
                if (b.size() >= MAX_LINE) {
                    throw new IOException("gpg-agent line too long");
                }
                b.write(c);
            }
        }

        private static byte[] unescape(String s) {
            ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%' && i + 2 < s.length()) {
                    b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    b.write(c);
                }
            }
            return b.toByteArray();
        }
    }
}
