package org.postern.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.postern.client.knock.ExternalIp;
import org.postern.client.knock.KnockException;
import org.postern.client.knock.KnockOptions;
import org.postern.client.knock.KnockSequence;

/**
 * fwknop 1.9's port-knocking client modes, {@code --Server-mode knock} (an encrypted sequence) and
 * {@code --Server-mode shared} (a shared sequence from a 1.9 {@code ~/.fwknoprc} or {@code -u/--user-rc} file),
 * with {@code --offset}, {@code --rotate-proto}, {@code --time-delay} and {@code -T}. See {@link KnockSequence}
 * for the encoding and the sending.
 */
final class SequenceMode {

    /** 1.9's minimum passphrase length for encrypted sequences. */
    static final int MIN_KEY_LENGTH = 8;

    private final Fwknop fwknop;
    private final ClientContext ctx;
    private final PrintStream out;
    private final CommandLineOptions cli;
    private final Path home;

    SequenceMode(Fwknop fwknop, ClientContext ctx, PrintStream out, CommandLineOptions cli, Path home) {
        this.fwknop = fwknop;
        this.ctx = ctx;
        this.out = out;
        this.cli = cli;
        this.home = home;
    }

    /** The knock-only options given without {@code --Server-mode}. */
    static void refuseWithoutServerMode(CommandLineOptions cli) throws KnockException {
        String opt = cli.offset != null ? "--offset" : cli.rotateProto ? "--rotate-proto"
                : cli.timeDelay != null ? "--time-delay" : cli.userRc != null ? "--user-rc" : null;
        if (opt != null) {
            throw new KnockException(opt + " belongs to fwknop 1.9's knock sequences: add --Server-mode knock"
                    + " (or shared)");
        }
    }

    int run() throws KnockException {
        String mode = cli.serverMode.toLowerCase(Locale.ROOT);
        if (!mode.equals("knock") && !mode.equals("shared")) {
            throw new KnockException("--Server-mode must be 'knock' (encrypted sequence) or 'shared' (shared"
                    + " sequence); SPA is the default without --Server-mode");
        }
        int offset = cli.offset != null ? cli.offset : KnockSequence.DEFAULT_OFFSET;
        if (offset <= 0 || offset >= KnockSequence.MAX_OFFSET) {
            throw new KnockException("--offset must be in [1-" + (KnockSequence.MAX_OFFSET - 1) + "]");
        }
        int delay = cli.timeDelay != null ? cli.timeDelay : 1;
        if (delay < 0) {
            throw new KnockException("--time-delay must be 0 or more seconds");
        }
        String destination = cli.destination;
        if ((destination == null || destination.isEmpty()) && !cli.test) {
            throw new KnockException("Must use --destination unless --test mode is used");
        }
        KnockSequence seq = mode.equals("knock") ? encrypted(offset, destination) : shared(destination);
        boolean verbose = cli.verbosity() > 0;
        if (verbose || cli.test) {
            out.println("[+] " + (mode.equals("knock") ? "Encrypted" : "Shared") + " knock sequence"
                    + (destination != null ? " for " + destination : "") + ":");
            out.println(seq.describe(offset));
        }
        if (cli.test) {
            out.println("test mode enabled, knock sequence not actually sent.");
            return 0;
        }
        int n = seq.send(destination, delay * 1000L, verbose ? out::println : null);
        if (verbose) {
            out.println("[+] " + n + " knocks sent to " + destination);
        }
        return 0;
    }

    private KnockSequence encrypted(int offset, String destination) throws KnockException {
        String allowIp = cli.allowIp;
        if (allowIp == null && (cli.resolveIp || cli.resolveHttpOnly || cli.resolveUrl != null)) {
            KnockOptions k = new KnockOptions().resolveAllowIp(true).resolveHttpOnly(cli.resolveHttpOnly);
            if (cli.resolveUrl != null) {
                k.resolveUrl(cli.resolveUrl);
            }
            allowIp = ExternalIp.resolve(k, cli.verbosity() > 0 ? out::println : s -> { }, ctx.err()::println,
                    Map.of());
        }
        if (allowIp == null) {
            throw new KnockException("Must use one of [-s|-R|-a] to specify the IP to allow in the knock sequence.");
        }
        String user = cli.spoofUser != null ? cli.spoofUser
                : KnockOptions.systemUsername(ctx.env(), ctx.loginName());
        byte[] key = key(destination);
        try {
            return KnockSequence.encrypted(allowIp, cli.access, user, key, offset, cli.rotateProto);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private KnockSequence shared(String destination) throws KnockException {
        if (cli.rotateProto) {
            throw new KnockException("--rotate-proto is only for encrypted sequences (--Server-mode knock)");
        }
        if (cli.access != null) {
            List<KnockSequence.Step> steps = KnockSequence.parseElements(cli.access);
            if (steps.isEmpty()) {
                throw new KnockException("-A in shared mode takes the sequence: tcp/N, udp/N, icmp, ...");
            }
            return KnockSequence.shared(steps);
        }
        Path rc;
        if (cli.userRc != null) {
            rc = ctx.file(cli.userRc);
        } else if (home != null) {
            rc = home.resolve(".fwknoprc");
        } else {
            throw new KnockException("Unable to determine HOME directory: use -u/--user-rc <file>");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(rc, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KnockException("Could not read " + rc + ": add a line '<server IP>: tcp/N, udp/N, icmp, ...'");
        }
        String dest = destination != null ? destination : "";
        List<KnockSequence.Step> steps = KnockSequence.sharedFromRc(lines, dest);
        if (steps.isEmpty()) {
            throw new KnockException("No shared sequence for " + dest + " in " + rc
                    + " (lines '<server IP>: tcp/N, udp/N, icmp, ...' with two elements or more)");
        }
        return KnockSequence.shared(steps);
    }

    /** 1.9: at least 8 characters, from --key-rijndael, --key-base64-rijndael, -G, --stdin/--fd or the prompt. */
    private byte[] key(String destination) throws KnockException {
        byte[] key;
        if (cli.keyRijndael != null) {
            key = cli.keyRijndael.getBytes(StandardCharsets.UTF_8);
        } else if (cli.keyBase64Rijndael != null) {
            try {
                key = Base64.getDecoder().decode(cli.keyBase64Rijndael);
            } catch (IllegalArgumentException e) {
                throw new KnockException("--key-base64-rijndael is not base64");
            }
        } else if (cli.getKey != null) {
            key = KeyFile.read(ctx.file(cli.getKey), destination);
        } else {
            InputStream in = fwknop.keyInput(cli);
            char[] c = in != null ? Fwknop.readLine(in) : ctx.prompt().read("Enter an encryption key (at least "
                    + MIN_KEY_LENGTH + " characters, as the KEY of the fwknopd stanza): ");
            if (c == null) {
                throw new KnockException("no encryption key: use --key-rijndael, -G, --stdin or a terminal");
            }
            key = new String(c).getBytes(StandardCharsets.UTF_8);
            Arrays.fill(c, '\0');
        }
        if (key.length < MIN_KEY_LENGTH) {
            Arrays.fill(key, (byte) 0);
            throw new KnockException("the knock-sequence key must be at least " + MIN_KEY_LENGTH
                    + " characters (fwknop 1.9)");
        }
        return key;
    }
}
