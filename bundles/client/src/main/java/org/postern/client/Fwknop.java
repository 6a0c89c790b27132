package org.postern.client;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.EncryptionMode;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.client.knock.Knock;
import org.postern.client.knock.KnockException;
import org.postern.client.knock.KnockOptions;
import org.postern.client.knock.KnockSender;
import org.postern.client.knock.KnockTarget;
import org.postern.client.knock.KnockTransport;
import org.postern.fko.DigestType;
import org.postern.fko.HmacType;
import org.postern.fko.KeyGen;
import org.postern.fko.SpaMessage;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code fwknop} command: a drop-in for the fwknop 2.6.10 client. Reads {@code ~/.fwknoprc}
 * ({@code [default]}, then the {@code -n} stanza), lets the command line override it, builds one SPA packet
 * and sends it (or, with {@code -T}, prints it and decrypts it locally). Exit status 0 on success, 1 on any
 * error, which is reported as one line {@code fwknop: <reason>} on standard error.
 *
 * <p>Runs outside OSGi with the client, api, fko, cipher-rijndael and picocli jars on the class path.
 */
public final class Fwknop {

    static final String VERSION_LINE = "fwknop client 2.6.10, FKO protocol version 3.0.0";

    /** fwknop 2.6.10 options this client does not offer yet, with their other spelling. */
    private static final Map<String, String> NOT_YET = Map.ofEntries(
            Map.entry("-E", "--save-args-file"), Map.entry("-g", "--gpg-encryption"), Map.entry("-G", "--get-key"),
            Map.entry("-H", "--http-proxy"), Map.entry("-l", "--last-cmd"), Map.entry("-Q", "--spoof-source"),
            Map.entry("-r", "--rand-port"), Map.entry("-R", "--resolve-ip-https"), Map.entry("-S", "--source-port"),
            Map.entry("-w", "--wget-cmd"));
    private static final Set<String> NOT_YET_LONG = Set.of("--save-args-file", "--gpg-encryption", "--get-key",
            "--http-proxy", "--last-cmd", "--spoof-source", "--spoof-src", "--rand-port", "--resolve-ip-https",
            "--resolve-ip-http", "--source-port", "--wget-cmd", "--save-rc-stanza", "--force-stanza",
            "--stanza-list", "--fd", "--stdin", "--get-hmac-key", "--gpg-recipient-key", "--gpg-signer-key",
            "--gpg-home-dir", "--gpg-exe", "--gpg-agent", "--gpg-no-signing-pw", "--icmp-type", "--icmp-code",
            "--nat-rand-port", "--no-home-dir", "--resolve-http-only", "--resolve-url", "--use-wget-user-agent",
            "--fault-injection-tag");

    private final ClientContext ctx;

    Fwknop(ClientContext ctx) {
        this.ctx = ctx;
    }

    public static void main(String[] args) {
        int status = new Fwknop(ClientContext.system()).run(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs one invocation; returns the exit status. */
    int run(String... args) {
        try {
            return execute(args);
        } catch (KnockException e) {
            ctx.err().println("fwknop: " + e.getMessage());
            return 1;
        }
    }

    private int execute(String[] args) throws KnockException {
        CommandLineOptions cli = new CommandLineOptions();
        CommandLine commandLine = new CommandLine(cli);
        commandLine.setExpandAtFiles(false);
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setAllowOptionsAsOptionParameters(true); // as getopt: an option's value may start with '-'
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new KnockException(describe(e));
        }
        if (cli.help) {
            commandLine.usage(ctx.out());
            return 0;
        }
        if (cli.version) {
            ctx.out().println(VERSION_LINE);
            return 0;
        }
        Invocation inv = new Invocation();
        inv.noSaveArgs = cli.noSaveArgs;
        loadRcFile(cli, inv);
        inv.verbose = Math.max(inv.verbose, cli.verbose.length);
        applyCommandLine(cli, parsed, inv.knock);
        if (cli.showLast) {
            return showLast();
        }
        KnockOptions k = inv.knock;
        validate(cli, inv);
        if (cli.keyGen || cli.keyGenFile != null) {
            return keyGen(cli, k);
        }
        if (!inv.noSaveArgs) {
            saveArgs(args);
        }
        readMissingKeys(k);
        if (k.encryptionMode() == EncryptionMode.LEGACY && k.keyLength() > 16) {
            ctx.err().println("WARNING: Encryption key in '-M legacy' mode must be <= 16 bytes");
            ctx.err().println("long - truncating before sending SPA packet. Upgrading remote");
            ctx.err().println("fwknopd is recommended.");
        }
        Knock knock = Knock.seal(k, new RijndaelCipher(), KnockOptions.systemUsername(ctx.env(), ctx.loginName()),
                ctx.clock().getAsLong());
        if (!knock.withinFwknopdDecodeLimit()) {
            ctx.err().println("[-] WARNING: the SPA packet is too long for fwknopd 2.6.10 to decrypt (it takes"
                    + " Rijndael data of " + Knock.RIJNDAEL_DECODE_LIMIT + "+ base64 characters for GnuPG)");
        }
        if (inv.verbose > 0 || cli.test) {
            ctx.out().println(knock.describe());
        }
        if (cli.savePacket != null) {
            savePacket(Path.of(cli.savePacket), knock.wire(), cli.savePacketAppend);
        }
        int sent = send(knock, k, cli.test, inv.verbose > 0);
        if (inv.verbose > 0) {
            ctx.out().println("send_spa_packet: bytes sent: " + sent);
        }
        if (cli.test) {
            SpaMessage decoded = knock.verify();
            if (inv.verbose > 0) {
                ctx.out().println("\nDump of the Decoded Data\n" + knock.describeDecoded(decoded));
            }
        }
        return 0;
    }

    /** One line for a command-line error, naming fwknop options this client does not offer yet. */
    private static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (NOT_YET.containsKey(name)) {
                return "option " + name + " (" + NOT_YET.get(name) + ") is not supported by this client yet";
            }
            if (NOT_YET_LONG.contains(name)) {
                return "option " + name + " is not supported by this client yet";
            }
        }
        return e.getMessage();
    }

    private void loadRcFile(CommandLineOptions cli, Invocation inv) throws KnockException {
        if (cli.noRcFile) {
            if (cli.namedConfig != null) {
                throw new KnockException("Cannot set stanza name in --no-rc-file mode.");
            }
            return;
        }
        Path rc;
        if (cli.rcFile != null) {
            rc = Path.of(cli.rcFile);
        } else if (ctx.home() != null) {
            rc = ctx.home().resolve(".fwknoprc");
        } else {
            throw new KnockException("Unable to determine HOME directory. No .fwknoprc file processed.");
        }
        if (!Files.exists(rc)) {
            if (cli.namedConfig != null) {
                throw new KnockException("Named configuration stanza: [" + cli.namedConfig + "] was not found.");
            }
            return;
        }
        warnUnlessPrivate(rc);
        RcFile file = RcFile.read(rc);
        file.applyDefault(inv, ctx.err()::println);
        if (cli.namedConfig != null) {
            if (!file.hasStanza(cli.namedConfig)) {
                throw new KnockException("Named configuration stanza: [" + cli.namedConfig + "] was not found.");
            }
            file.apply(cli.namedConfig, inv, ctx.err()::println);
        }
    }

    private static void applyCommandLine(CommandLineOptions cli, ParseResult parsed, KnockOptions k)
            throws KnockException {
        if (cli.access != null) {
            k.access(cli.access);
        }
        String allowOption = null;
        for (ArgSpec a : parsed.matchedArgs()) {
            if (a instanceof OptionSpec o && (o.longestName().equals("--allow-ip")
                    || o.longestName().equals("--source-ip"))) {
                allowOption = o.longestName();
            }
        }
        if ("--allow-ip".equals(allowOption)) {
            k.allowIp(cli.allowIp);
        } else if ("--source-ip".equals(allowOption)) {
            k.allowIp(KnockOptions.SOURCE_IP);
        }
        if (cli.destination != null) {
            k.destination(cli.destination);
        }
        if (cli.serverPort != null) {
            if (cli.serverPort < 1 || cli.serverPort > 65535) {
                throw new KnockException("--server-port must be in [1-65535]");
            }
            k.port(cli.serverPort);
        }
        if (cli.serverProto != null) {
            k.transport(KnockTransport.parse(cli.serverProto));
        }
        if (cli.userAgent != null) {
            k.httpUserAgent(cli.userAgent);
        }
        // As in fwknop, a plain key wins over a base64 one given in the same place.
        if (cli.keyBase64Rijndael != null) {
            k.keyBase64(cli.keyBase64Rijndael);
        }
        if (cli.keyRijndael != null) {
            k.key(argBytes(cli.keyRijndael));
        }
        if (cli.keyBase64Hmac != null) {
            k.hmacKeyBase64(cli.keyBase64Hmac);
        }
        if (cli.keyHmac != null) {
            k.hmacKey(argBytes(cli.keyHmac));
        }
        if (cli.useHmac) {
            k.useHmac(true);
        }
        if (cli.hmacDigestType != null) {
            try {
                k.hmacType(HmacType.parse(cli.hmacDigestType)).useHmac(true);
            } catch (IllegalArgumentException e) {
                throw new KnockException("* Invalid hmac digest type: " + cli.hmacDigestType
                        + ", use {md5,sha1,sha256,sha384,sha512,sha3_256,sha3_512}");
            }
        }
        if (cli.digestType != null) {
            try {
                k.digestType(DigestType.parse(cli.digestType));
            } catch (IllegalArgumentException e) {
                throw new KnockException("* Invalid digest type: " + cli.digestType
                        + ", use {md5,sha1,sha256,sha384,sha512,sha3_256,sha3_512}");
            }
        }
        if (cli.encryptionMode != null) {
            try {
                k.encryptionMode(EncryptionMode.parse(cli.encryptionMode));
            } catch (IllegalArgumentException e) {
                throw new KnockException("* Invalid encryption mode: " + cli.encryptionMode
                        + ", use {CBC,ECB,CFB,OFB,CTR,legacy}");
            }
        }
        if (cli.fwTimeout != null) {
            if (cli.fwTimeout < 0) {
                throw new KnockException("--fw-timeout must be within [0-" + KnockOptions.MAX_CLIENT_TIMEOUT + "]");
            }
            k.clientTimeout(cli.fwTimeout);
        }
        if (cli.serverCmd != null) {
            k.command(cli.serverCmd);
        }
        if (cli.natAccess != null) {
            k.natAccess(cli.natAccess);
        }
        if (cli.natLocal) {
            k.natLocal(true);
        }
        if (cli.natPort != null) {
            k.natPort(cli.natPort);
        }
        if (cli.spoofUser != null) {
            k.spoofUser(cli.spoofUser);
        }
        if (cli.timeOffsetPlus != null) {
            k.timeOffsetPlus(KnockOptions.parseTimeOffset(cli.timeOffsetPlus));
        }
        if (cli.timeOffsetMinus != null) {
            k.timeOffsetMinus(KnockOptions.parseTimeOffset(cli.timeOffsetMinus));
        }
    }

    /** fwknop's validate_options, as far as it concerns what this client offers. */
    private void validate(CommandLineOptions cli, Invocation inv) throws KnockException {
        KnockOptions k = inv.knock;
        if (!cli.test && !cli.keyGen && cli.keyGenFile == null) {
            if (k.destination() == null || k.destination().isEmpty()) {
                throw new KnockException("Must use --destination unless --test mode is used");
            }
            if (k.allowIp() == null && !k.resolveAllowIp()) {
                throw new KnockException("Must use one of [-s|-a] to specify IP for SPA access.");
            }
            if (inv.verbose > 0 && KnockOptions.SOURCE_IP.equals(k.allowIp())) {
                ctx.err().println("[-] WARNING: Should use -a or -R to harden SPA against potential MITM attacks");
            }
        }
        if (k.encryptionMode() == EncryptionMode.ASYMMETRIC) {
            throw new KnockException("GPG encryption (-M Asymmetric) is not supported by this client yet");
        }
        if (k.encryptionMode() == EncryptionMode.LEGACY && k.useHmac()) {
            throw new KnockException("Legacy encryption mode is incompatible with HMAC usage.");
        }
    }

    private int keyGen(CommandLineOptions cli, KnockOptions k) throws KnockException {
        int keyLen = cli.keyLen != null ? cli.keyLen : KeyGen.DEFAULT_KEY_LENGTH;
        if (keyLen < 1 || keyLen > 32) {
            throw new KnockException("Invalid key length '" + keyLen + "', must be in [1-32]");
        }
        int hmacLen = cli.hmacKeyLen != null ? cli.hmacKeyLen : 0;
        if (cli.hmacKeyLen != null && (hmacLen < 1 || hmacLen > 128)) {
            throw new KnockException("Invalid hmac key length '" + hmacLen + "', must be in [1-128]");
        }
        String keys;
        try {
            keys = KeyGen.generate(keyLen, hmacLen, k.effectiveHmacType());
        } catch (IllegalArgumentException e) {
            throw new KnockException("fko_key_gen: " + e.getMessage());
        }
        if (cli.keyGenFile != null) {
            Path file = Path.of(cli.keyGenFile);
            try {
                writePrivate(file, keys, false);
            } catch (IOException e) {
                throw new KnockException("Unable to create key gen file: " + file + ": " + e.getMessage());
            }
            ctx.out().println("[+] Wrote Rijndael and HMAC keys to: " + file);
        } else {
            ctx.out().print(keys);
        }
        return 0;
    }

    /** Asks for keys that are needed but not given, as fwknop does; fails when there is no terminal. */
    private void readMissingKeys(KnockOptions k) throws KnockException {
        if (!k.hasKey()) {
            char[] c = ctx.prompt().read("Enter encryption key: ");
            if (c == null) {
                throw new KnockException("no encryption key: use --key-rijndael, --key-base64-rijndael, or"
                        + " KEY/KEY_BASE64 in ~/.fwknoprc");
            }
            k.key(chars(c));
        }
        if (k.useHmac() && !k.hasHmacKey()) {
            char[] c = ctx.prompt().read("Enter HMAC key: ");
            if (c == null) {
                throw new KnockException("HMAC is on but no HMAC key was given: use --key-hmac, --key-base64-hmac,"
                        + " or HMAC_KEY/HMAC_KEY_BASE64 in ~/.fwknoprc");
            }
            k.hmacKey(chars(c));
        }
    }

    private int send(Knock knock, KnockOptions k, boolean test, boolean verbose) throws KnockException {
        String host = k.destination() == null ? "" : k.destination();
        if (verbose) {
            ctx.out().println("Generating SPA packet:");
            ctx.out().println("            protocol: " + k.transport().wireName());
            ctx.out().println("         source port: <OS assigned>");
            ctx.out().println("    destination port: " + k.port());
            ctx.out().println("             IP/host: " + host);
        }
        if (test) {
            if (k.transport() == KnockTransport.HTTP) {
                if (verbose) {
                    ctx.out().println(KnockSender.httpRequest(knock.wire(), host, k.httpUserAgent()));
                }
                ctx.out().println("Test mode enabled, SPA packet not actually sent.");
            } else {
                ctx.out().println("test mode enabled, SPA packet not actually sent.");
            }
            return 0;
        }
        KnockTarget target = k.target();
        return KnockSender.send(knock.wire(), target);
    }

    private void savePacket(Path file, String wire, boolean append) throws KnockException {
        try {
            Files.writeString(file, wire + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new KnockException("write_spa_packet_data: " + file + ": " + e.getMessage());
        }
    }

    /** fwknop's save_args: {@code fwknop} and every argument, each followed by a space, into ~/.fwknop.run. */
    private void saveArgs(String[] args) throws KnockException {
        if (ctx.home() == null) {
            throw new KnockException("Unable to determine args save file (no home directory; use --no-save-args)");
        }
        StringBuilder sb = new StringBuilder("fwknop ");
        for (String a : args) {
            sb.append(a).append(' ');
        }
        sb.append('\n');
        Path file = ctx.home().resolve(".fwknop.run");
        try {
            writePrivate(file, sb.toString(), false);
        } catch (IOException e) {
            throw new KnockException("Could not open args file: " + file + ": " + e.getMessage());
        }
    }

    private int showLast() throws KnockException {
        if (ctx.home() == null) {
            throw new KnockException("Unable to determine args save file (no home directory)");
        }
        Path file = ctx.home().resolve(".fwknop.run");
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            if (lines.isEmpty()) {
                throw new KnockException("Could not read line from file: " + file);
            }
            ctx.out().println("Last fwknop client command line: " + lines.get(0) + "\n");
            return 0;
        } catch (IOException e) {
            throw new KnockException("Could not open args file: " + file);
        }
    }

    private void warnUnlessPrivate(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!perms.equals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE))) {
                ctx.err().println("[-] file: " + file
                        + " permissions should only be user read/write (0600, -rw-------)");
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }

    /** Writes a file readable by its owner only (keys, saved arguments). */
    private static void writePrivate(Path file, String text, boolean append) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        }
        Files.writeString(file, text, StandardCharsets.ISO_8859_1, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The bytes of a command-line argument as the C client sees them (the platform's argument encoding). */
    private static byte[] argBytes(String arg) {
        String enc = System.getProperty("sun.jnu.encoding");
        Charset cs = StandardCharsets.UTF_8;
        if (enc != null && Charset.isSupported(enc)) {
            cs = Charset.forName(enc);
        }
        return arg.getBytes(cs);
    }

    private static byte[] chars(char[] c) {
        byte[] b = new String(c).getBytes(StandardCharsets.UTF_8);
        Arrays.fill(c, '\0');
        return b;
    }
}
