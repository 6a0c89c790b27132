package org.postern.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.postern.fko.HmacType;
import org.postern.fko.KeyGen;

/**
 * The one-shot verbs of {@code bin/fwknopd} that need no running daemon, run in a plain JVM (no OSGi) with the
 * server, api and fko jars on the class path: {@code dump-config} ({@code -D}: the effective fwknopd.conf, then
 * access.conf's stanzas and the native {@code org.postern.stanza-*.cfg} ones, key material masked), {@code parse-config} ({@code --exit-parse-config}), {@code key-gen}
 * ({@code --key-gen}, {@code --key-gen-file}), and {@code control} (one request to a running daemon's
 * {@link ControlSocket}).
 *
 * <p>Arguments: the verb, then {@code name=value} pairs: {@code conf}, {@code access}, {@code override}
 * (comma list), {@code etc} (the distribution's etc folder, for native stanzas), and {@code KEYWORD=value} overrides (upper case: {@code PCAP_INTF=eth1}); for key-gen
 * {@code keylen}, {@code hmaclen}, {@code hmactype}, {@code file}; for control {@code socket}, {@code request}.
 * Exit status: 0 success, 1 error.
 */
public final class FwknopdTool {

    /** Keywords whose values are key material: never printed. */
    private static final Pattern SECRET = Pattern.compile("(^|_)(KEY|KEY_BASE64|PW|PASSWORD|PASSPHRASE)($|_)|^KEY|HMAC_KEY");

    static final String MASK = "********";

    private final PrintStream out;
    private final PrintStream err;

    FwknopdTool(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new FwknopdTool(System.out, System.err).run(args));
    }

    int run(String[] args) {
        if (args.length == 0) {
            err.println("fwknopd: no verb");
            return 1;
        }
        Map<String, String> opts = new HashMap<>();
        Map<String, String> overrides = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            if (eq <= 0) {
                err.println("fwknopd: bad argument " + args[i]);
                return 1;
            }
            String k = args[i].substring(0, eq);
            String v = args[i].substring(eq + 1);
            if (k.equals(k.toUpperCase()) && k.chars().anyMatch(Character::isLetter)) {
                overrides.put(k, v);
            } else {
                opts.put(k, v);
            }
        }
        try {
            return switch (args[0]) {
                case "dump-config" -> dump(load(opts, overrides));
                case "parse-config" -> parse(load(opts, overrides));
                case "key-gen" -> keyGen(opts);
                case "control" -> control(Path.of(opts.get("socket")), opts.get("request"));
                default -> {
                    err.println("fwknopd: unknown verb " + args[0]);
                    yield 1;
                }
            };
        } catch (ConfigException e) {
            err.println("[*] Configuration error: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("fwknopd: " + e.getMessage());
            return 1;
        }
    }

    /** The parsed configuration, as the daemon would read it. */
    record Loaded(Path conf, DaemonSettings settings, Path access, List<AccessStanza> stanzas, List<String> notices) {
    }

    static Loaded load(Map<String, String> opts, Map<String, String> overrides) throws ConfigException {
        String c = opts.get("conf");
        Path conf = c == null || c.isBlank() ? null : Paths.get(c);
        if (conf == null && Files.exists(Path.of("/etc/fwknop/fwknopd.conf"))) {
            conf = Path.of("/etc/fwknop/fwknopd.conf");
        }
        DaemonSettings settings = DaemonSettings.load(conf, DaemonSettings.overrideFiles(opts.get("override")), overrides);
        List<String> notices = new ArrayList<>(settings.notices());
        String a = opts.get("access");
        Path access = a == null || a.isBlank() ? Paths.get(settings.value("ACCESS_FILE")) : Paths.get(a);
        AccessConfParser parser = new AccessConfParser().gpgHome(Paths.get(settings.value("GPG_HOME_DIR")))
                .natEnabled(NatPolicy.from(settings).any());
        List<AccessStanza> stanzas = new ArrayList<>();
        List<NativeStanza> natives = NativeStanza.fromEtc(opts.get("etc") == null ? null : Paths.get(opts.get("etc")));
        if (Files.exists(access) || natives.isEmpty()) {
            stanzas.addAll(parser.parse(access));
        }
        stanzas.addAll(NativeStanza.parseAll(parser, natives, new ArrayList<>()));
        notices.addAll(parser.notices());
        return new Loaded(conf, settings, access, stanzas, notices);
    }

    private int parse(Loaded l) {
        l.notices().forEach(n -> err.println("[*] " + n));
        out.println("fwknopd: " + (l.conf() == null ? "(defaults)" : l.conf()) + " and " + l.access() + " ("
                + l.stanzas().size() + " stanza(s)) parsed without error");
        return 0;
    }

    private int dump(Loaded l) {
        out.println("Current fwknopd config settings (" + (l.conf() == null ? "defaults" : l.conf()) + "):");
        int i = 1;
        for (Map.Entry<String, String[]> e : l.settings().effective().entrySet()) {
            String v = e.getValue()[0];
            out.printf("[%2d] %-28s = '%s'  (%s)%n", i++, e.getKey(), secret(e.getKey()) && v != null ? MASK : v,
                    e.getValue()[1]);
        }
        out.println();
        out.println("Current access.conf settings (" + l.access() + ", then the native " + NativeStanza.FACTORY_PID
                + " stanzas):");
        int n = 1;
        for (AccessStanza s : l.stanzas()) {
            out.println();
            out.println("SOURCE (" + n++ + "):  " + s.display().get("SOURCE") + "   [" + s.name() + "]");
            out.println("==============================================================");
            for (Map.Entry<String, String> e : s.display().entrySet()) {
                String v = secret(e.getKey()) ? MASK : e.getValue();
                out.printf("%28s:  %s%n", e.getKey(), v);
            }
        }
        l.notices().forEach(x -> err.println("[*] " + x));
        return 0;
    }

    static boolean secret(String keyword) {
        return SECRET.matcher(keyword).find();
    }

    private int keyGen(Map<String, String> opts) throws IOException {
        int keyLen = Integer.parseInt(opts.getOrDefault("keylen", String.valueOf(KeyGen.DEFAULT_KEY_LENGTH)));
        int hmacLen = Integer.parseInt(opts.getOrDefault("hmaclen", "0"));
        HmacType type = HmacType.parse(opts.getOrDefault("hmactype", "sha256"));
        String keys = KeyGen.generate(keyLen, hmacLen, type);
        String file = opts.get("file");
        if (file == null) {
            out.print(keys);
            return 0;
        }
        Path p = Path.of(file);
        Files.deleteIfExists(p);
        Files.createFile(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(p, keys, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        out.println("[+] Wrote Rijndael and HMAC keys to: " + p);
        return 0;
    }

    private int control(Path socket, String request) throws IOException {
        if (request == null || !Files.exists(socket)) {
            err.println("fwknopd: no control socket at " + socket + " (is the daemon running?)");
            return 1;
        }
        StringBuilder answer = new StringBuilder();
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer req = ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8));
            while (req.hasRemaining()) {
                c.write(req);
            }
            ByteBuffer buf = ByteBuffer.allocate(8192);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            while (c.read(buf) >= 0) {
                all.write(buf.array(), 0, buf.position());
                buf.clear();
                if (all.size() > 16 << 20) {
                    break;
                }
            }
            answer.append(all.toString(StandardCharsets.UTF_8));
        }
        String[] lines = answer.toString().split("\n");
        String last = lines.length == 0 ? "" : lines[lines.length - 1];
        for (int i = 0; i < lines.length - 1; i++) {
            out.println(lines[i]);
        }
        if (last.equals("OK")) {
            return 0;
        }
        err.println("fwknopd: " + last);
        return 1;
    }
}
