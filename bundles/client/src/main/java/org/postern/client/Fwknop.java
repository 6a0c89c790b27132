package org.postern.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.postern.api.EncryptionMode;
import org.postern.api.SpaCipher;
import org.postern.client.knock.ExternalIp;
import org.postern.client.knock.GpgOptions;
import org.postern.client.knock.Knock;
import org.postern.client.knock.KnockException;
import org.postern.client.knock.KnockOptions;
import org.postern.client.knock.KnockSender;
import org.postern.client.knock.KnockTarget;
import org.postern.client.knock.KnockTransport;
import org.postern.fko.DigestType;
import org.postern.fko.HmacType;
import org.postern.fko.KeyGen;
import org.postern.fko.MessageRules;
import org.postern.fko.SpaMessage;

/**
 * The {@code fwknop} command: a drop-in for the fwknop 2.6.10 client that also takes the fwknop 1.9 spellings.
 * Reads {@code ~/.fwknoprc} ({@code [default]}, then the {@code -n} stanza), lets the command line override
 * it, builds one SPA packet and sends it (or, with {@code -T}, prints it and decrypts it locally). Exit status 0
 * on success, 1 on any error, which is reported as one line {@code fwknop: <reason>} on standard error.
 *
 * <p>Runs outside OSGi with the client, api, fko, cipher-rijndael (and picocli and JNA, loaded only when needed)
 * jars on the class path, and inside Karaf as {@code spa:send} through
 * {@link org.postern.client.knock.FwknopCommandLine}.
 */
public final class Fwknop {

    static final String VERSION_LINE = "fwknop client 2.6.10, FKO protocol version 3.0.0";

    /** How deep {@code -l}/{@code --Last-host} may nest (a saved line that itself says {@code -l}). */
    private static final int MAX_REPLAY_DEPTH = 3;

    private final ClientContext ctx;
    /** Where ordinary output goes: {@link ClientContext#out()}, or nowhere with {@code -q}. */
    private PrintStream out;

    public Fwknop(ClientContext ctx) {
        this.ctx = ctx;
        this.out = ctx.out();
    }

    public static void main(String[] args) {
        int status = new Fwknop(ClientContext.system()).run(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /** Runs one invocation; returns the exit status. */
    public int run(String... args) {
        try {
            return execute(args, 0);
        } catch (KnockException e) {
            ctx.err().println("fwknop: " + e.getMessage());
            return 1;
        }
    }

    private int execute(String[] args, int depth) throws KnockException {
        CommandLineOptions cli = parse(args);
        if (cli.help) {
            Usage.print(ctx.out());
            return 0;
        }
        if (cli.version) {
            ctx.out().println(VERSION_LINE);
            return 0;
        }
        if (cli.quiet && cli.verbosity() > 0) {
            throw new KnockException("Cannot run in both --quiet and --verbose modes simultaneously");
        }
        out = cli.quiet ? new PrintStream(OutputStream.nullOutputStream()) : ctx.out();
        if (cli.faultInjectionTag != null) {
            throw new KnockException("fwknop not compiled with fault injection support.");
        }
        Map<String, String> childEnv = applyLocale(cli);
        Path home = home(cli);
        if (cli.serverMode != null) {
            return new SequenceMode(this, ctx, out, cli, home).run();
        }
        SequenceMode.refuseWithoutServerMode(cli);

        // the saved command lines (fwknop's prev_exec): -l and --Last-host replace this command line altogether
        Path argsFile = argsFile(cli, home);
        if (cli.showLast) {
            warnUnlessPrivate(argsFile);
            out.println("Last fwknop client command line: " + SavedArgs.firstLine(argsFile) + "\n");
            return 0;
        }
        if (cli.showHostCmd != null) {
            String line = SavedArgs.lineForHost(cli.showHostCmd, hostFile(home, ".fwknop.save"),
                    hostFile(home, ".fwknop.hosts"));
            if (line == null) {
                throw new KnockException("No matching destination host in ~/.fwknop.save or ~/.fwknop.hosts");
            }
            out.println("[+] Last command run for host: " + cli.showHostCmd + "\n    " + line);
            return 0;
        }
        if (cli.lastCmd || cli.lastHost != null) {
            if (depth >= MAX_REPLAY_DEPTH) {
                throw new KnockException("the saved command line runs -l/--Last-host again; stopping");
            }
            String line;
            if (cli.lastCmd) {
                warnUnlessPrivate(argsFile);
                line = SavedArgs.firstLine(argsFile);
                if (cli.verbosity() > 0) {
                    out.println("Executing: " + line);
                }
            } else {
                line = SavedArgs.lineForHost(cli.lastHost, hostFile(home, ".fwknop.save"),
                        hostFile(home, ".fwknop.hosts"));
                if (line == null) {
                    throw new KnockException("No matching destination host in ~/.fwknop.save or ~/.fwknop.hosts");
                }
                out.println("[+] Running with last command line args: " + line);
            }
            return execute(withoutSaving(SavedArgs.split(line)), depth + 1);
        }

        Invocation inv = new Invocation();
        inv.noSaveArgs = cli.noSaveArgs || !ctx.saveArgs();
        Path rc = loadRcFile(cli, inv, home);
        if (rc == null && cli.stanzaList) {
            return 0;
        }
        inv.verbose = Math.max(inv.verbose, cli.verbosity());
        KnockOptions k = inv.knock;
        applyCommandLine(cli, inv);
        String stanza = validate(cli, inv);

        if (cli.keyGen || cli.keyGenFile != null) {
            return keyGen(cli, inv, rc, stanza);
        }
        if (cli.saveRcStanza) {
            RcFile.saveStanza(rc, stanza, rcVars(cli, inv, null, null), cli.forceStanza, this::askOverwrite);
        }
        if (!inv.noSaveArgs && depth == 0) {
            saveArgs(args, argsFile, home, k.destination(), cli.saveDst);
        }

        if (k.command() == null && k.resolveAllowIp() && k.allowIp() == null) {
            k.allowIp(ExternalIp.resolve(k, inv.verbose > 0 ? out::println : s -> { }, ctx.err()::println,
                    childEnv));
        }
        if (k.gpg().enabled() && k.gpg().homeDir() == null) {
            Path gnupg = k.gpg().homeDir(ctx.env(), home);
            if (gnupg != null) {
                k.gpg().homeDir(gnupg.toString());
            }
        }
        readKeys(cli, inv);
        if (k.gpg().enabled()) {
            gpgNotes(k.gpg(), inv.verbose > 0);
        } else if (k.encryptionMode() == EncryptionMode.LEGACY && k.keyLength() > 16) {
            ctx.err().println("WARNING: Encryption key in '-M legacy' mode must be <= 16 bytes");
            ctx.err().println("long - truncating before sending SPA packet. Upgrading remote");
            ctx.err().println("fwknopd is recommended.");
        }
        Knock knock = Knock.seal(k, k.gpg().enabled() ? gpgCipher() : cipher(),
                KnockOptions.systemUsername(ctx.env(), ctx.loginName()), ctx.clock().getAsLong());
        if (!knock.fwknopdCanRestorePrefix()) {
            ctx.err().println("[-] WARNING: the GnuPG message starts with '" + knock.gpgHeader() + "', not 'hQ': the"
                    + " recipient key makes a short session-key packet (an ECC key). fwknop strips these two"
                    + " characters and fwknopd 2.6.10 always puts 'hQ' back, so it cannot decrypt this packet"
                    + " (upstream issue #247); a Postern fwknopd finds the header again. For fwknopd 2.6.10, encrypt"
                    + " to an RSA or ElGamal key of 2048 bits or more.");
        }
        if (knock.natRandomPort() > 0 && (k.natAccess() != null || k.natLocal())) {
            out.println("[+] Randomly assigned port '" + knock.natRandomPort() + "' on: '"
                    + knock.message().message() + "' will grant access to: '" + knock.message().natAccess() + "'");
        }
        if (!knock.withinFwknopdDecodeLimit()) {
            ctx.err().println("[-] WARNING: the SPA packet is too long for fwknopd 2.6.10 to decrypt (it takes"
                    + " Rijndael data of " + Knock.RIJNDAEL_DECODE_LIMIT + "+ base64 characters for GnuPG)");
        }
        knock.requireSizeAtMost(k.maxPacketSize(), k.transport());
        if (inv.verbose > 0 || cli.test) {
            out.println(knock.describe());
        }
        savePacket(cli, home, knock.wire());
        if (k.randPort()) {
            k.port(Knock.randomHighPort());
        }
        if (k.transport().raw() && k.sourcePort() == 0) {
            k.sourcePort(Knock.randomHighPort());
        }
        int sent = send(knock, k, cli.test, inv.verbose > 0);
        if (inv.verbose > 0) {
            out.println("send_spa_packet: bytes sent: " + sent);
        }
        if (cli.test) {
            SpaMessage decoded = knock.verify();
            if (inv.verbose > 0) {
                out.println("\nDump of the Decoded Data\n" + knock.describeDecoded(decoded));
            }
        }
        return 0;
    }

    /** The fast parser, else picocli (which also words the errors). */
    static CommandLineOptions parse(String[] given) throws KnockException {
        String[] args = QuickArgs.knockModeShorts(given);
        CommandLineOptions cli = QuickArgs.parse(args);
        if (cli != null) {
            return cli;
        }
        try {
            return PicocliArgs.parse(args);
        } catch (NoClassDefFoundError e) {
            throw new KnockException("unrecognized or incomplete option in: " + String.join(" ", args));
        }
    }

    /** A replayed command line must not overwrite the saved one (fwknop does not save in -l mode either). */
    private static String[] withoutSaving(String[] args) {
        String[] a = Arrays.copyOf(args, args.length + 1);
        a[args.length] = "--no-save-args";
        return a;
    }

    /** The GnuPG cipher: the context's when it is one (OSGi), else Bouncy Castle in-process. */
    private SpaCipher gpgCipher() throws KnockException {
        SpaCipher c = ctx.cipher();
        if (c != null && org.postern.api.GpgKey.TYPE.equals(c.type())) {
            return c;
        }
        try {
            return new org.postern.cipher.gpg.GpgCipher();
        } catch (LinkageError e) {
            // bin/fwknop keeps cipher-gpg and Bouncy Castle in lib/gpg/, off the class path of a plain knock
            Object lazy = OptionalJars.instance("gpg", "org.postern.cipher.gpg.GpgCipher");
            if (lazy instanceof SpaCipher c2) {
                return c2;
            }
            throw new KnockException("GnuPG (-g) is not available here: the gpg cipher (cipher-gpg and Bouncy Castle)"
                    + " is not on the class path; use bin/fwknop");
        }
    }

    /** What fwknop 1.9's --gpg-verbose said, and what a gpg binary setting means here. */
    private void gpgNotes(GpgOptions g, boolean verbose) {
        if (g.verbose() || verbose) {
            out.println("[+] GnuPG: recipient " + g.recipient() + ", signer " + (g.signer() != null ? g.signer()
                    : g.defaultSigner() ? "(default key)" : "none (unsigned)") + ", home " + g.homeDir()
                    + (g.agent() ? ", signing through gpg-agent" : ""));
        }
        if (g.exe() != null && (g.verbose() || verbose)) {
            out.println("[+] GnuPG: " + g.exe() + " is not needed: OpenPGP is done in-process (Bouncy Castle)");
        }
    }

    private SpaCipher cipher() {
        return ctx.cipher() != null ? ctx.cipher() : new org.postern.cipher.rijndael.RijndaelCipher();
    }

    /** {@code --locale} sets the JVM's locale and LC_ALL for programs run ({@code -w}); the default changes nothing. */
    private static Map<String, String> applyLocale(CommandLineOptions cli) {
        if (cli.locale == null || cli.noLocale) {
            return Map.of();
        }
        String l = cli.locale;
        int dot = l.indexOf('.');
        String base = dot >= 0 ? l.substring(0, dot) : l;
        if (!base.equals("C") && !base.equals("POSIX")) {
            String[] parts = base.split("_", 2);
            Locale.setDefault(parts.length == 2 ? new Locale(parts[0], parts[1]) : new Locale(parts[0]));
        }
        return Map.of("LC_ALL", l);
    }

    private Path home(CommandLineOptions cli) {
        if (cli.homeDir != null) {
            return ctx.file(cli.homeDir);
        }
        return cli.noHomeDir ? null : ctx.home();
    }

    private Path argsFile(CommandLineOptions cli, Path home) throws KnockException {
        if (cli.saveArgsFile != null) {
            return ctx.file(cli.saveArgsFile);
        }
        if (cli.noHomeDir) {
            throw new KnockException("In --no-home-dir mode must set the args save file path with -E");
        }
        if (home == null) {
            throw new KnockException("Unable to determine args save file");
        }
        return home.resolve(".fwknop.run");
    }

    private static Path hostFile(Path home, String name) {
        return home == null ? null : home.resolve(name);
    }

    /** Reads [default] and the -n stanza; returns the rc file (null with --no-rc-file). */
    private Path loadRcFile(CommandLineOptions cli, Invocation inv, Path home) throws KnockException {
        if (cli.noRcFile) {
            if (cli.saveRcStanza) {
                throw new KnockException("Cannot save an rc stanza in --no-rc-file mode.");
            }
            if (cli.namedConfig != null) {
                throw new KnockException("Cannot set stanza name in --no-rc-file mode.");
            }
            if (cli.stanzaList) {
                throw new KnockException("Cannot list stanzas in --no-rc-file mode.");
            }
            return null;
        }
        Path rc;
        if (cli.rcFile != null) {
            rc = ctx.file(cli.rcFile);
        } else if (cli.noHomeDir) {
            throw new KnockException("Warning: in --no-home-dir mode, must set --rc-file path.");
        } else if (home != null) {
            rc = home.resolve(".fwknoprc");
        } else {
            throw new KnockException("Unable to determine HOME directory. No .fwknoprc file processed.");
        }
        if (cli.stanzaList) {
            RcFile file = RcFile.read(rc);
            out.println("The following stanzas are configured in " + rc + " :");
            for (String s : file.stanzas()) {
                out.println(" - " + s);
            }
            return null;
        }
        if (!Files.exists(rc)) {
            if (cli.namedConfig != null && !cli.saveRcStanza) {
                throw new KnockException("Named configuration stanza: [" + cli.namedConfig + "] was not found.");
            }
            return rc;
        }
        warnUnlessPrivate(rc);
        RcFile file = RcFile.read(rc);
        file.applyDefault(inv, ctx.err()::println);
        if (cli.namedConfig != null && !cli.saveRcStanza) {
            if (!file.hasStanza(cli.namedConfig)) {
                throw new KnockException("Named configuration stanza: [" + cli.namedConfig + "] was not found.");
            }
            file.apply(cli.namedConfig, inv, ctx.err()::println);
        }
        return rc;
    }

    private void applyCommandLine(CommandLineOptions cli, Invocation inv) throws KnockException {
        KnockOptions k = inv.knock;
        if (cli.access != null) {
            k.access(cli.access);
        }
        if (cli.allowIp != null) {
            k.allowIp(cli.allowIp);
        }
        if (cli.resolveIp || cli.resolveHttpOnly) {
            if (cli.allowIp == null) {
                k.allowIp(null);
                k.resolveAllowIp(true);
            }
        }
        if (cli.resolveHttpOnly) {
            k.resolveHttpOnly(true);
        }
        if (cli.resolveUrl != null) {
            k.resolveUrl(cli.resolveUrl);
        }
        if (cli.wgetCmd != null) {
            k.wgetCmd(program(cli.wgetCmd));
        }
        if (cli.curlCmd != null) {
            k.curlCmd(program(cli.curlCmd));
        }
        if (cli.useWgetUserAgent) {
            k.useWgetUserAgent(true);
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
        hostWithPort19(k, cli.serverPort != null);
        if (cli.serverProto != null) {
            k.transport(KnockTransport.parse(cli.serverProto));
        }
        if (cli.httpProxy != null) {
            if (cli.serverProto != null && k.transport() != KnockTransport.HTTP) {
                throw new KnockException("Cannot set --http-proxy with a non-HTTP protocol.");
            }
            k.transport(KnockTransport.HTTP).httpProxy(cli.httpProxy);
        }
        if (cli.http19 && !k.portSet() && k.httpProxy() == null) {
            k.port(80);
        }
        if (cli.sourcePort != null) {
            k.sourcePort(cli.sourcePort);
        }
        if (cli.spoofSource != null) {
            k.spoofSource(cli.spoofSource);
        }
        if (cli.icmpType != null) {
            k.icmpType(cli.icmpType);
        } else if (cli.spoofProto19 && k.transport() == KnockTransport.ICMP) {
            k.icmpType(8);
        }
        if (cli.icmpCode != null) {
            k.icmpCode(cli.icmpCode);
        }
        if (cli.randPort) {
            k.randPort(true);
        }
        if (cli.userAgent != null) {
            k.httpUserAgent(cli.userAgent);
        }
        if (cli.maxPacketSize != null) {
            k.maxPacketSize(cli.maxPacketSize);
        }
        // as in fwknop, a plain key wins over a base64 one given in the same place
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
        if (cli.legacy19) {
            k.legacy19(true);
        }
        if (cli.useHmac) {
            k.useHmac(true);
        }
        if (cli.getKey != null) {
            inv.keyFile = cli.getKey;
        }
        if (cli.getHmacKey != null) {
            inv.hmacKeyFile = cli.getHmacKey;
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
        if (cli.hmacKeyLen != null) {
            k.useHmac(true);
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
        if (cli.serverAuth != null) {
            k.serverAuth(serverAuth(cli.serverAuth));
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
        if (cli.natRandPort) {
            k.natRandPort(true);
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
        applyGpg(cli, k);
    }

    /** fwknop 2.6.10: every GnuPG option turns GnuPG on; the 1.9 spellings do the same. */
    private static void applyGpg(CommandLineOptions cli, KnockOptions k) throws KnockException {
        GpgOptions g = k.gpg();
        boolean any = cli.gpgEncryption;
        if (cli.gpgRecipient != null) {
            g.recipient(cli.gpgRecipient);
            any = true;
        }
        if (cli.gpgSigner != null) {
            g.signer(cli.gpgSigner);
            any = true;
        }
        if (cli.gpgDefaultKey) {
            g.defaultSigner(true);
            any = true;
        }
        if (cli.gpgHomeDir != null) {
            g.homeDir(cli.gpgHomeDir);
            any = true;
        }
        if (cli.gpgExe != null) {
            g.exe(cli.gpgExe);
            any = true;
        }
        if (cli.gpgAgent) {
            g.agent(true);
            any = true;
        }
        if (cli.gpgAgentInfo != null) {
            g.agentInfo(cli.gpgAgentInfo);
            any = true;
        }
        if (cli.gpgNoSigningPw) {
            g.noSigningPassphrase(true);
            any = true;
        }
        if (cli.gpgSigningPw != null) {
            k.key(cli.gpgSigningPw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            any = true;
        }
        if (cli.gpgVerbose) {
            g.verbose(true);
        }
        if (any) {
            g.enabled(true);
        }
    }

    /** A program given as a relative path ({@code ./wget}) is taken from the caller's directory; a bare name from PATH. */
    private String program(String name) {
        return name.indexOf('/') > 0 && !name.startsWith("/") ? ctx.file(name).toString() : name;
    }

    /** fwknop 1.9's {@code -D host:port}: the port unless one is given otherwise (then it is an error). */
    private static void hostWithPort19(KnockOptions k, boolean portOption) throws KnockException {
        String d = k.destination();
        if (d == null) {
            return;
        }
        int colon = d.lastIndexOf(':');
        if (colon <= 0 || d.indexOf(':') != colon || colon == d.length() - 1) {
            return;
        }
        String p = d.substring(colon + 1);
        if (p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return;
        }
        if (portOption) {
            throw new KnockException("Cannot use --Server-port with -D <host>:<port>");
        }
        k.destination(d.substring(0, colon)).port(Integer.parseInt(p));
    }

    /** fwknop 1.9's {@code --Server-auth crypt}: asks for the UNIX password, sends {@code crypt,<password>}. */
    private String serverAuth(String method) throws KnockException {
        if (!method.equalsIgnoreCase("crypt")) {
            throw new KnockException("--Server-auth must be 'crypt'");
        }
        char[] pw = ctx.prompt().read("UNIX crypt() password: ");
        if (pw == null) {
            throw new KnockException("--Server-auth crypt needs a terminal to ask for the password");
        }
        String s = "crypt," + new String(pw);
        Arrays.fill(pw, '\0');
        return s;
    }

    /**
     * fwknop's validate_options, as far as it concerns what this client offers.
     *
     * @return the stanza {@code --save-rc-stanza} writes (the {@code -n} name, else the {@code -D} value)
     */
    private String validate(CommandLineOptions cli, Invocation inv) throws KnockException {
        KnockOptions k = inv.knock;
        String stanza = cli.namedConfig;
        if (cli.saveRcStanza && stanza == null) {
            if (k.destination() == null || k.destination().isEmpty()) {
                throw new KnockException("Must use --destination unless --test mode is used");
            }
            stanza = k.destination();
        }
        if (k.resolveUrl() != null && k.allowIp() == null) {
            k.resolveAllowIp(true);
        }
        if (!cli.test && !cli.keyGen && cli.keyGenFile == null) {
            if (k.destination() == null || k.destination().isEmpty()) {
                throw new KnockException("Must use --destination unless --test mode is used");
            }
            if (k.allowIp() == null && !k.resolveAllowIp()) {
                throw new KnockException("Must use one of [-s|-R|-a] to specify IP for SPA access.");
            }
            if (inv.verbose > 0 && KnockOptions.SOURCE_IP.equals(k.allowIp())) {
                ctx.err().println("[-] WARNING: Should use -a or -R to harden SPA against potential MITM attacks");
            }
        }
        if (k.allowIp() != null && MessageRules.checkAllowIp(k.allowIp()) != null) {
            throw new KnockException("Invalid allow IP specified for SPA access");
        }
        if (k.spoofSource() != null) {
            if (MessageRules.checkAllowIp(k.spoofSource()) != null) {
                throw new KnockException("Invalid spoof IP");
            }
            if (!k.transport().raw()) {
                throw new KnockException("Must set -P <udpraw|tcpraw|icmp> with a spoofed source IP");
            }
        }
        if (k.randPort() && (cli.serverPort != null || k.transport() == KnockTransport.HTTP && cli.http19)) {
            throw new KnockException(cli.http19 ? "Cannot use --HTTP and --rand-port at the same time"
                    : "Cannot use --Server-port and --rand-port at the same time");
        }
        if (k.gpg().enabled() && (k.gpg().recipient() == null || k.gpg().recipient().isEmpty())) {
            throw new KnockException("Must specify --gpg-recipient-key when GPG is used.");
        }
        if (k.encryptionMode() == EncryptionMode.ASYMMETRIC && !k.gpg().enabled()) {
            throw new KnockException("Must specify GPG recipient/signing keys when Asymmetric encryption mode is used.");
        }
        if (k.encryptionMode() == EncryptionMode.LEGACY && k.useHmac() && !k.gpg().enabled()) {
            throw new KnockException("Legacy encryption mode is incompatible with HMAC usage.");
        }
        return stanza;
    }

    private int keyGen(CommandLineOptions cli, Invocation inv, Path rc, String stanza) throws KnockException {
        KnockOptions k = inv.knock;
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
            Path file = ctx.file(cli.keyGenFile);
            try {
                writePrivate(file, keys);
            } catch (IOException e) {
                throw new KnockException("Unable to create key gen file: " + file + ": " + e.getMessage());
            }
            out.println("[+] Wrote Rijndael and HMAC keys to: " + file);
        } else if (cli.saveRcStanza) {
            String[] lines = keys.split("\n");
            String key = lines[0].substring(lines[0].indexOf(' ') + 1);
            String hmac = lines[1].substring(lines[1].indexOf(' ') + 1);
            RcFile.saveStanza(rc, stanza, rcVars(cli, inv, key, hmac), cli.forceStanza, this::askOverwrite);
            out.println("[+] Wrote Rijndael and HMAC keys to rc file: " + rc);
        } else {
            out.print(keys);
        }
        return 0;
    }

    /**
     * The settings {@code --save-rc-stanza} writes: those given on this command line (fwknop's bitmask), with
     * their final values, in fwknop's keyword order.
     */
    private static LinkedHashMap<String, String> rcVars(CommandLineOptions cli, Invocation inv, String genKey,
            String genHmacKey) {
        KnockOptions k = inv.knock;
        LinkedHashMap<String, String> v = new LinkedHashMap<>();
        if (cli.digestType != null) {
            v.put("DIGEST_TYPE", k.digestType().name());
        }
        if (cli.serverProto != null || cli.httpProxy != null) {
            v.put("SPA_SERVER_PROTO", k.transport().wireName());
        }
        if (cli.serverPort != null) {
            v.put("SPA_SERVER_PORT", Integer.toString(k.port()));
        }
        if (cli.sourcePort != null) {
            v.put("SPA_SOURCE_PORT", Integer.toString(k.sourcePort()));
        }
        if (cli.fwTimeout != null) {
            v.put("FW_TIMEOUT", Integer.toString(k.clientTimeout()));
        }
        if (cli.allowIp != null) {
            v.put("ALLOW_IP", KnockOptions.SOURCE_IP.equals(cli.allowIp) ? "source" : cli.allowIp);
        }
        if (cli.timeOffsetPlus != null || cli.timeOffsetMinus != null) {
            v.put("TIME_OFFSET", Integer.toString(k.timeOffset()));
        }
        if (cli.encryptionMode != null) {
            v.put("ENCRYPTION_MODE", Knock.modeName(k.encryptionMode()));
        }
        if (cli.gpgEncryption || cli.gpgRecipient != null || cli.gpgSigner != null || cli.gpgHomeDir != null
                || cli.gpgExe != null || cli.gpgAgent || cli.gpgNoSigningPw || cli.gpgDefaultKey) {
            v.put("USE_GPG", "Y");
        }
        if (cli.gpgAgent || cli.gpgAgentInfo != null) {
            v.put("USE_GPG_AGENT", "Y");
        }
        if (cli.gpgNoSigningPw) {
            v.put("GPG_NO_SIGNING_PW", "Y");
        }
        if (cli.gpgRecipient != null) {
            v.put("GPG_RECIPIENT", cli.gpgRecipient);
        }
        if (cli.gpgSigner != null) {
            v.put("GPG_SIGNER", cli.gpgSigner);
        }
        if (cli.gpgHomeDir != null) {
            v.put("GPG_HOMEDIR", k.gpg().homeDir().toString());
        }
        if (cli.gpgExe != null) {
            v.put("GPG_EXE", cli.gpgExe);
        }
        if (cli.spoofUser != null) {
            v.put("SPOOF_USER", k.spoofUser());
        }
        if (cli.spoofSource != null) {
            v.put("SPOOF_SOURCE_IP", k.spoofSource());
        }
        if (cli.access != null) {
            v.put("ACCESS", k.access());
        }
        if (cli.destination != null) {
            v.put("SPA_SERVER", k.destination());
        }
        if (cli.randPort) {
            v.put("RAND_PORT", "Y");
        }
        if (cli.keyRijndael != null) {
            v.put("KEY", cli.keyRijndael);
        }
        if (genKey != null) {
            v.put("KEY_BASE64", genKey);
        } else if (cli.keyBase64Rijndael != null) {
            v.put("KEY_BASE64", cli.keyBase64Rijndael);
        }
        if (cli.hmacDigestType != null) {
            v.put("HMAC_DIGEST_TYPE", k.effectiveHmacType().name());
        }
        if (genHmacKey != null) {
            v.put("HMAC_KEY_BASE64", genHmacKey);
        } else if (cli.keyBase64Hmac != null) {
            v.put("HMAC_KEY_BASE64", cli.keyBase64Hmac);
        }
        if (cli.keyHmac != null) {
            v.put("HMAC_KEY", cli.keyHmac);
        }
        if (cli.useHmac || cli.keyHmac != null || cli.keyBase64Hmac != null || cli.hmacDigestType != null
                || cli.hmacKeyLen != null) {
            v.put("USE_HMAC", k.useHmac() ? "Y" : "N");
        }
        if (cli.useWgetUserAgent) {
            v.put("USE_WGET_USER_AGENT", "Y");
        }
        if (cli.getKey != null) {
            v.put("KEY_FILE", cli.getKey);
        }
        if (cli.getHmacKey != null) {
            v.put("HMAC_KEY_FILE", cli.getHmacKey);
        }
        if (cli.natAccess != null) {
            v.put("NAT_ACCESS", k.natAccess());
        }
        if (cli.userAgent != null) {
            v.put("HTTP_USER_AGENT", k.httpUserAgent());
        }
        if (cli.resolveUrl != null) {
            v.put("RESOLVE_URL", k.resolveUrl());
        }
        if (cli.serverResolveIpv4) {
            v.put("SERVER_RESOLVE_IPV4", "Y");
        }
        if (cli.natLocal) {
            v.put("NAT_LOCAL", "Y");
        }
        if (cli.natRandPort) {
            v.put("NAT_RAND_PORT", "Y");
        }
        if (cli.natPort != null) {
            v.put("NAT_PORT", Integer.toString(k.natPort()));
        }
        if (cli.verbosity() > 0) {
            v.put("VERBOSE", inv.verbose == 1 ? "Y" : Integer.toString(inv.verbose));
        }
        if (cli.resolveIp || cli.resolveHttpOnly) {
            v.put("RESOLVE_IP_HTTPS", "Y");
        }
        if (cli.resolveHttpOnly) {
            v.put("RESOLVE_HTTP_ONLY", "Y");
        }
        if (cli.wgetCmd != null) {
            v.put("WGET_CMD", k.wgetCmd());
        }
        if (cli.noSaveArgs) {
            v.put("NO_SAVE_ARGS", "Y");
        }
        return v;
    }

    /** fwknop's ask_overwrite_var: the question on standard output, the answer (a line) from standard input. */
    private boolean askOverwrite(String keyword) {
        ctx.out().print("Variable '" + keyword + "' found in stanza. Overwrite [N/y] ? ");
        ctx.out().flush();
        try {
            InputStream in = ctx.stdin();
            int first = in.read();
            int c = first;
            while (c != -1 && c != '\n') {
                c = in.read();
            }
            ctx.out().println();
            return first == 'y';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The keys, as fwknop's get_keys: given keys first, then the {@code -G}/{@code KEY_FILE} file, then
     * {@code --stdin}/{@code --fd}, then the terminal.
     */
    private void readKeys(CommandLineOptions cli, Invocation inv) throws KnockException {
        KnockOptions k = inv.knock;
        InputStream keyInput = null;
        if (k.gpg().enabled()) {
            keyInput = readSigningPassphrase(cli, inv);
        } else if (!k.hasKey()) {
            if (inv.keyFile != null) {
                k.key(KeyFile.read(ctx.file(inv.keyFile), k.destination()));
            } else {
                keyInput = keyInput(cli);
                char[] c = keyInput != null ? readLine(keyInput) : ctx.prompt().read("Enter encryption key: ");
                if (c == null) {
                    throw new KnockException("no encryption key: use --key-rijndael, --key-base64-rijndael, -G,"
                            + " --stdin, or KEY/KEY_BASE64/KEY_FILE in ~/.fwknoprc");
                }
                k.key(chars(c));
            }
        }
        if (k.useHmac() && !k.hasHmacKey()) {
            if (inv.hmacKeyFile != null) {
                k.hmacKey(KeyFile.read(ctx.file(inv.hmacKeyFile), k.destination()));
                return;
            }
            if (keyInput == null) {
                keyInput = keyInput(cli);
            }
            char[] c = keyInput != null ? readLine(keyInput) : ctx.prompt().read("Enter HMAC key: ");
            if (c == null) {
                throw new KnockException("HMAC is on but no HMAC key was given: use --key-hmac, --key-base64-hmac,"
                        + " --get-hmac-key, or HMAC_KEY/HMAC_KEY_BASE64 in ~/.fwknoprc");
            }
            k.hmacKey(chars(c));
        }
    }

    /**
     * GnuPG mode, as fwknop's get_keys: a {@code -G} file, else fwknop's notes, else (a signer, no agent, not
     * {@code --gpg-no-signing-pw}, no GPG_SIGNING_PW) the passphrase from {@code --stdin}/{@code --fd} or the
     * terminal. The passphrase only ever goes to the signing key (or the agent), never onto a command line.
     *
     * @return the stream read, if any, for the HMAC key to follow on
     */
    private InputStream readSigningPassphrase(CommandLineOptions cli, Invocation inv) throws KnockException {
        KnockOptions k = inv.knock;
        GpgOptions g = k.gpg();
        if (!k.hasKey() && inv.keyFile != null) {
            k.key(KeyFile.read(ctx.file(inv.keyFile), k.destination()));
            return null;
        }
        if (g.agent()) {
            out.println("[+] GPG mode set, signing passphrase acquired via gpg-agent");
        } else if (g.noSigningPassphrase()) {
            out.println("[+] GPG mode set, signing passphrase not required");
        } else if (g.signs() && !k.hasKey()) {
            InputStream in = keyInput(cli);
            char[] c = in != null ? readLine(in) : ctx.prompt().read("Enter passphrase for signing: ");
            if (c == null) {
                throw new KnockException("no signing passphrase: use --gpg-no-signing-pw for a key without one,"
                        + " --gpg-agent, --stdin, or GPG_SIGNING_PW in ~/.fwknoprc");
            }
            k.key(chars(c));
            Arrays.fill(c, '\0');
            return in;
        }
        return null;
    }

    /** {@code --stdin} or {@code --fd N}, else null (the terminal is asked). */
    InputStream keyInput(CommandLineOptions cli) throws KnockException {
        if (cli.stdin) {
            return ctx.stdin();
        }
        if (cli.fd != null) {
            if (cli.fd == 0) {
                return ctx.stdin();
            }
            Path fd = Path.of("/proc/self/fd/" + cli.fd);
            try {
                return Files.newInputStream(Files.exists(fd) ? fd : Path.of("/dev/fd/" + cli.fd));
            } catch (IOException e) {
                throw new KnockException("getpasswd() - Unable to create a stream from the file descriptor : "
                        + e.getMessage());
            }
        }
        return null;
    }

    /** fwknop's read_passwd_from_stream: up to a newline, EOF or ^C (which discards it); at most 127 characters. */
    static char[] readLine(InputStream in) throws KnockException {
        StringBuilder sb = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                if (c == 0x03) {
                    return null;
                }
                if (c == 0x08) {
                    if (sb.length() > 0) {
                        sb.setLength(sb.length() - 1);
                    }
                } else if (c == 0x15) {
                    sb.setLength(0);
                } else if (sb.length() < 127) {
                    sb.append((char) c);
                }
            }
            if (c == -1 && sb.length() == 0) {
                return null;
            }
        } catch (IOException e) {
            throw new KnockException("could not read the key: " + e.getMessage());
        }
        char[] out = new char[sb.length()];
        sb.getChars(0, sb.length(), out, 0);
        return out;
    }

    private int send(Knock knock, KnockOptions k, boolean test, boolean verbose) throws KnockException {
        String host = k.destination() == null ? "" : k.destination();
        KnockTarget target = test ? null : k.target();
        if (verbose) {
            out.println("Generating SPA packet:");
            out.println("            protocol: " + k.transport().wireName());
            out.println("         source port: " + (k.sourcePort() > 0 ? Integer.toString(k.sourcePort())
                    : "<OS assigned>"));
            out.println("    destination port: " + k.port());
            out.println("             IP/host: " + host);
        }
        if (test) {
            if (k.transport() == KnockTransport.HTTP) {
                if (verbose) {
                    out.println(KnockSender.httpRequestFor(knock.wire(), new KnockTarget(host.isEmpty() ? "-" : host,
                            k.port(), KnockTransport.HTTP, k.httpUserAgent(), k.httpProxy(), 0, null, 0, 0)));
                }
                out.println("Test mode enabled, SPA packet not actually sent.");
            } else {
                out.println("test mode enabled, SPA packet not actually sent.");
            }
            return 0;
        }
        return KnockSender.send(knock.wire(), target);
    }

    /** {@code -B file} (with {@code -b}: append) or fwknop 1.9's {@code --Save-packet [--Save-packet-file f]}. */
    private void savePacket(CommandLineOptions cli, Path home, String wire) throws KnockException {
        Path file = null;
        if (cli.savePacket != null) {
            file = ctx.file(cli.savePacket);
        } else if (cli.savePacket19) {
            if (cli.savePacketFile19 != null) {
                file = ctx.file(cli.savePacketFile19);
            } else if (home != null) {
                file = home.resolve("fwknop_save_packet." + ProcessHandle.current().pid());
            } else {
                throw new KnockException("--Save-packet needs --Save-packet-file when there is no home directory");
            }
            out.println("    Saving packet data to: " + file);
        }
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, wire + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    cli.savePacketAppend ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw new KnockException("write_spa_packet_data: " + file + ": " + e.getMessage());
        }
    }

    /**
     * fwknop's save_args: {@code fwknop} and every argument, each followed by a space, into ~/.fwknop.run (or
     * the {@code -E} file); as fwknop 1.9, also the line of this server in ~/.fwknop.hosts, and with
     * {@code --Save-dst} in ~/.fwknop.save.
     */
    private void saveArgs(String[] args, Path argsFile, Path home, String destination, boolean saveDst)
            throws KnockException {
        String line = SavedArgs.line("fwknop", args);
        try {
            SavedArgs.write(argsFile, line + "\n");
        } catch (IOException e) {
            throw new KnockException("Could not open args file: " + argsFile + ": " + e.getMessage());
        }
        if (home == null || destination == null || destination.isEmpty()) {
            return;
        }
        try {
            SavedArgs.rememberHost(home.resolve(".fwknop.hosts"), destination, line);
            if (saveDst) {
                SavedArgs.write(home.resolve(".fwknop.save"), line + "\n");
            }
        } catch (IOException e) {
            ctx.err().println("[-] could not save the arguments for " + destination + ": " + e.getMessage());
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
            // not there (reported when it is read) or not a POSIX file system: nothing to check
        }
    }

    /** Writes a file readable by its owner only (keys, saved arguments). */
    private static void writePrivate(Path file, String text) throws IOException {
        SavedArgs.write(file, text);
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
