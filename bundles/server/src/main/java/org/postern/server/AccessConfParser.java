package org.postern.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postern.api.EncryptionMode;
import org.postern.api.GpgKey;
import org.postern.api.PortSpec;
import org.postern.api.RijndaelKey;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;

/**
 * Turns access.conf (fwknop 2.6.10 syntax, unchanged) into {@link AccessStanza}s. Every error names the
 * file, line and keyword; keywords not supported yet are reported, never silently ignored.
 */
final class AccessConfParser {

    private static final Set<String> NOT_YET = Set.of();

    private final List<String> notices = new ArrayList<>();
    private final java.util.Set<Path> filesRead = new java.util.LinkedHashSet<>();
    private Path gpgHome = Path.of("/root/.gnupg");
    private boolean natEnabled;

    /** fwknopd.conf's GPG_HOME_DIR: the GnuPG home of stanzas without their own. */
    AccessConfParser gpgHome(Path home) {
        this.gpgHome = home;
        return this;
    }

    /**
     * fwknopd.conf's ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT: FORCE_NAT and FORCE_SNAT need one of them
     * (fwknopd refuses to start otherwise).
     */
    AccessConfParser natEnabled(boolean enabled) {
        this.natEnabled = enabled;
        return this;
    }

    /** Notices collected while parsing: keywords present but not honoured yet, with file:line. */
    List<String> notices() {
        return notices;
    }

    /** fwknopd's MAX_DEPTH: access.conf plus at most two levels of %include / %include_folder. */
    static final int MAX_INCLUDE_DEPTH = 3;

    /** The keywords a {@code %include_keys} file may set (fwknopd 2.6.10's include_keys_file). */
    static final Set<String> KEYS_FILE_KEYWORDS = Set.of("KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64",
            "GPG_DECRYPT_ID", "GPG_DECRYPT_PW", "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG", "GPG_DISABLE_SIG",
            "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID", "GPG_FINGERPRINT_ID");

    /**
     * Every file and {@code %include_folder} directory read so far (access.conf, included files, keys files):
     * what a live reload watches for changes.
     */
    List<Path> filesRead() {
        return List.copyOf(filesRead);
    }

    List<AccessStanza> parse(Path file) throws ConfigException {
        filesRead.add(file.toAbsolutePath());
        List<ConfigLine> lines = FwknopConfigReader.read(file);
        List<List<ConfigLine>> groups = new ArrayList<>();
        collect(lines, file.toAbsolutePath().getParent(), 1, groups);
        return build(groups, file.toString());
    }

    List<AccessStanza> parse(List<ConfigLine> lines) throws ConfigException {
        List<List<ConfigLine>> groups = new ArrayList<>();
        collect(lines, null, 1, groups);
        return build(groups, lines.isEmpty() ? "access.conf" : lines.get(0).file());
    }

    private List<AccessStanza> build(List<List<ConfigLine>> groups, String where) throws ConfigException {
        List<AccessStanza> stanzas = new ArrayList<>();
        int knock = 0;
        for (List<ConfigLine> g : groups) {
            if (knockStanza(g)) { // fwknop 1.9 knock mode: served by KnockGate (PID org.postern.server.knock)
                notices.add("knock stanza at " + g.get(0).where() + " is served by the knock gate, not as SPA");
                knock++;
                continue;
            }
            stanzas.add(build(g));
        }
        if (stanzas.isEmpty()) {
            throw new ConfigException(where + ": no access stanza (no SOURCE line)"
                    + (knock > 0 ? "; only knock stanzas, which the knock gate serves" : ""));
        }
        return List.copyOf(stanzas);
    }

    /** A 1.9 knock stanza: SHARED_SEQUENCE, ENCRYPT_SEQUENCE or DATA_COLLECT_MODE ENCRYPT_SEQUENCE. */
    private static boolean knockStanza(List<ConfigLine> g) {
        for (ConfigLine l : g) {
            String kw = l.keyword();
            if (kw.equals("SHARED_SEQUENCE") || kw.equals("ENCRYPT_SEQUENCE") || (kw.equals("DATA_COLLECT_MODE")
                    && l.value().toUpperCase(java.util.Locale.ROOT).contains("ENCRYPT_SEQUENCE"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Groups the lines of one file into stanzas (appended to {@code groups} in SOURCE order), following fwknopd:
     * anything before a file's first SOURCE is ignored; {@code %include FILE} and {@code %include_folder DIR}
     * (every {@code *.conf} in it, by name) add the stanzas of those files at that point, the including file's
     * open stanza going on after them; {@code %include_keys FILE} inside a stanza adds that file's key lines
     * (only {@link #KEYS_FILE_KEYWORDS}) to it. Relative paths are taken from the including file's directory.
     */
    private void collect(List<ConfigLine> lines, Path dir, int depth, List<List<ConfigLine>> groups)
            throws ConfigException {
        List<ConfigLine> current = null;
        for (ConfigLine l : lines) {
            if (l.value().isEmpty()) {
                throw l.error("has no value");
            }
            switch (l.keyword()) {
                case "%include" -> {
                    include(l, resolve(dir, l), depth, groups);
                    continue;
                }
                case "%include_folder" -> {
                    Path folder = resolve(dir, l);
                    filesRead.add(folder.toAbsolutePath());
                    if (!java.nio.file.Files.isDirectory(folder)) {
                        throw l.error("not a directory: " + folder);
                    }
                    List<Path> files = new ArrayList<>();
                    try (java.util.stream.Stream<Path> st = java.nio.file.Files.list(folder)) {
                        st.filter(f -> f.getFileName().toString().endsWith(".conf"))
                                .filter(java.nio.file.Files::isRegularFile).sorted().forEach(files::add);
                    } catch (java.io.IOException e) {
                        throw l.error("cannot list " + folder + ": " + e.getMessage());
                    }
                    for (Path f : files) {
                        include(l, f, depth, groups);
                    }
                    continue;
                }
                case "%include_keys" -> {
                    if (current != null) {
                        current.addAll(keysFile(l, resolve(dir, l)));
                    }
                    continue;
                }
                case "SOURCE" -> {
                    current = new ArrayList<>();
                    groups.add(current);
                }
                default -> {
                }
            }
            if (current == null) {
                continue; // fwknop ignores anything before the first SOURCE
            }
            current.add(l);
        }
    }

    private void include(ConfigLine l, Path file, int depth, List<List<ConfigLine>> groups) throws ConfigException {
        if (depth >= MAX_INCLUDE_DEPTH) {
            throw l.error("refusing to include " + file + ": nesting deeper than " + MAX_INCLUDE_DEPTH + " levels");
        }
        collect(readIncluded(l, file), file.toAbsolutePath().getParent(), depth + 1, groups);
    }

    private List<ConfigLine> keysFile(ConfigLine l, Path file) throws ConfigException {
        List<ConfigLine> out = new ArrayList<>();
        for (ConfigLine k : readIncluded(l, file)) {
            if (KEYS_FILE_KEYWORDS.contains(k.keyword())) {
                if (k.value().isEmpty()) {
                    throw k.error("has no value");
                }
                out.add(k);
            } else {
                notices.add("ignored in %include_keys file: " + k.keyword() + " at " + k.where()
                        + " (only key and GnuPG keywords are taken from it)");
            }
        }
        return out;
    }

    private List<ConfigLine> readIncluded(ConfigLine l, Path file) throws ConfigException {
        filesRead.add(file.toAbsolutePath());
        try {
            return FwknopConfigReader.read(file);
        } catch (ConfigException e) {
            throw l.error(e.getMessage());
        }
    }

    private static Path resolve(Path dir, ConfigLine l) throws ConfigException {
        Path p;
        try {
            p = Path.of(l.value().strip());
        } catch (java.nio.file.InvalidPathException e) { // a NUL in the path (found by ConfigFuzzTest)
            throw l.error("not a valid path: " + e.getReason());
        }
        return dir == null || p.isAbsolute() ? p : dir.resolve(p);
    }

    private AccessStanza build(List<ConfigLine> lines) throws ConfigException {
        ConfigLine head = lines.get(0);
        String name = head.where();
        List<AddressRange> sources = List.of();
        List<AddressRange> destinations = List.of();
        byte[] key = null;
        byte[] hmac = null;
        ConfigLine hmacLine = null;
        HmacType hmacType = null;
        EncryptionMode mode = EncryptionMode.CBC;
        ConfigLine modeLine = null;
        List<PortSpec> open = List.of();
        List<PortSpec> restrict = List.of();
        int fwTimeout = 30;
        int maxTimeout = 300;
        boolean requireSource = false;
        String requireUser = null;
        boolean cmdExec = false;
        Instant expires = null;
        Map<String, String> display = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        GpgSettings gpg = new GpgSettings();

        for (ConfigLine l : lines) {
            String v = l.value();
            String kw = l.keyword();
            display.put(kw, kw.startsWith("KEY") || kw.startsWith("HMAC_KEY") || kw.equals("GPG_DECRYPT_PW")
                    ? "********" : v);
            origins.put(kw, l.where());
            try {
                switch (kw) {
                    case "SOURCE" -> sources = AddressRange.parseList(v);
                    case "DESTINATION" -> destinations = AddressRange.parseList(v);
                    case "KEY" -> key = v.getBytes(StandardCharsets.ISO_8859_1);
                    case "KEY_BASE64" -> key = base64(l);
                    case "HMAC_KEY" -> {
                        hmac = v.getBytes(StandardCharsets.ISO_8859_1);
                        hmacLine = l;
                    }
                    case "HMAC_KEY_BASE64" -> {
                        hmac = base64(l);
                        hmacLine = l;
                    }
                    case "HMAC_DIGEST_TYPE" -> hmacType = HmacType.parse(v);
                    case "ENCRYPTION_MODE" -> {
                        mode = EncryptionMode.parse(v);
                        modeLine = l;
                    }
                    case "OPEN_PORTS" -> open = PortSpec.parseList(v);
                    case "RESTRICT_PORTS" -> restrict = PortSpec.parseList(v);
                    case "FW_ACCESS_TIMEOUT" -> fwTimeout = l.intInRange(0, 8388608);
                    case "MAX_FW_TIMEOUT" -> maxTimeout = l.intInRange(0, 8388608);
                    case "REQUIRE_SOURCE_ADDRESS", "REQUIRE_SOURCE" -> requireSource = l.bool();
                    case "REQUIRE_USERNAME" -> requireUser = v;
                    case "ENABLE_CMD_EXEC" -> cmdExec = l.bool();
                    case "ENABLE_CMD_SUDO_EXEC" -> l.bool(); // kept in display; AccessStanza.commandSettings()
                    case "CMD_EXEC_USER", "CMD_EXEC_GROUP", "CMD_SUDO_EXEC_USER", "CMD_SUDO_EXEC_GROUP" -> {
                        if (!v.strip().matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}")) {
                            throw l.error("not a user or group name: '" + v + "'");
                        }
                    }
                    case "PERMIT_CLIENT_PORTS" -> l.bool(); // fwknop 1.9; AccessStanza.grantsOpenPortsOnly()
                    case "REQUIRE_AUTH_METHOD" -> { // fwknop 1.9; AccessStanza.requireAuthMethod(), ServerAuthCheck
                        if (!v.strip().equalsIgnoreCase("crypt")) {
                            throw l.error("REQUIRE_AUTH_METHOD must be 'crypt' (fwknop 1.9)");
                        }
                    }
                    case "SHADOW_FILE" -> { // fwknop 1.9; AccessStanza.shadowFile()
                    }
                    case "CMD_REGEX" -> {
                        try {
                            java.util.regex.Pattern.compile(v.strip());
                        } catch (java.util.regex.PatternSyntaxException e) {
                            throw l.error("not a valid regular expression: " + e.getDescription());
                        }
                    }
                    case "ACCESS_EXPIRE" -> expires = date(l);
                    case "CMD_CYCLE_OPEN", "CMD_CYCLE_CLOSE" -> {
                        // kept as written in display; AccessStanza.commandCycle() reads them back
                    }
                    case "CMD_CYCLE_TIMER" -> l.intInRange(1, 8388608);
                    case "FORCE_NAT" -> {
                        requireNat(l);
                        String[] f = v.strip().split("\\s+");
                        if (f.length < 2 || !ipv4(f[0]) || !f[1].matches("\\d{1,5}") || Integer.parseInt(f[1]) > 65535) {
                            throw l.error("invalid FORCE_NAT arg '" + v + "', need <IP> <PORT>");
                        }
                    }
                    case "FORCE_SNAT" -> {
                        requireNat(l);
                        if (!ipv4(v.strip().split("\\s+")[0])) {
                            throw l.error("invalid FORCE_SNAT IP '" + v + "', need <IP>");
                        }
                    }
                    case "FORCE_MASQUERADE", "DISABLE_DNAT", "FORWARD_ALL" -> l.bool();
                    case "ACCESS_EXPIRE_EPOCH" -> expires = Instant.ofEpochSecond(Long.parseLong(v.trim()));
                    case "GPG_HOME_DIR", "GPG_DECRYPT_ID", "GPG_DECRYPT_PW", "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG",
                            "GPG_DISABLE_SIG", "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID", "GPG_FINGERPRINT_ID" ->
                        gpg.read(l);
                    case "GPG_EXE" -> notices.add("GPG_EXE at " + l.where() + " is not needed: Postern decrypts GnuPG"
                            + " data in-process (Bouncy Castle), no gpg binary is run");
                    default -> {
                        if (NOT_YET.contains(kw)) {
                            notices.add("not supported yet: " + kw + " at " + l.where());
                        } else {
                            notices.add("unknown access.conf keyword: " + kw + " at " + l.where());
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw l.error(e.getMessage());
            }
        }
        checkCommandCycle(display, head);
        checkNat(display, head);
        GpgKey gpgKey = gpg.key(head, gpgHome, notices);
        if (gpgKey != null && hmac != null && gpgKey.decryptPassphrase() != null && key == null
                && java.util.Arrays.equals(new String(gpgKey.decryptPassphrase()).getBytes(StandardCharsets.ISO_8859_1), hmac)) {
            throw hmacLine.error("HMAC key must differ from GPG_DECRYPT_PW");
        }
        if (key == null && gpgKey == null) {
            throw head.error(hmac == null ? "stanza has no KEY or KEY_BASE64 (nor GPG_DECRYPT_PW / GPG_ALLOW_NO_PW)"
                    : "stanza has an HMAC key but no KEY or KEY_BASE64 (nor GPG_DECRYPT_PW / GPG_ALLOW_NO_PW)");
        }
        if (key == null) {
            return new AccessStanza(name, sources, destinations, null, gpgKey,
                    hmac == null ? null : new HmacKey(hmac, hmacType == null ? HmacType.SHA256 : hmacType), open,
                    restrict, fwTimeout, maxTimeout, requireSource, requireUser, cmdExec, expires,
                    java.util.Collections.unmodifiableMap(display), java.util.Collections.unmodifiableMap(origins));
        }
        if (mode == EncryptionMode.ASYMMETRIC) {
            throw (modeLine != null ? modeLine : head).error(
                    "ENCRYPTION_MODE Asymmetric needs no KEY: GnuPG is set with GPG_DECRYPT_PW or GPG_ALLOW_NO_PW");
        }
        if (mode == EncryptionMode.LEGACY && key.length > 16) {
            key = java.util.Arrays.copyOf(key, 16); // fwknopd truncates the stanza key in legacy mode
        }
        if (key.length > 32) {
            throw head.error("Rijndael key longer than 32 bytes");
        }
        HmacKey hmacKey = null;
        if (hmac != null) {
            if (mode == EncryptionMode.LEGACY) {
                throw hmacLine.error("HMAC cannot be combined with ENCRYPTION_MODE legacy");
            }
            if (java.util.Arrays.equals(hmac, key)) {
                throw hmacLine.error("HMAC key must differ from the encryption key");
            }
            hmacKey = new HmacKey(hmac, hmacType == null ? HmacType.SHA256 : hmacType);
        }
        return new AccessStanza(name, sources, destinations, new RijndaelKey(key, mode), gpgKey, hmacKey, open, restrict,
                fwTimeout, maxTimeout, requireSource, requireUser, cmdExec, expires, java.util.Collections.unmodifiableMap(display),
                java.util.Collections.unmodifiableMap(origins));
    }

    private void requireNat(ConfigLine l) throws ConfigException {
        if (!natEnabled) {
            throw l.error(l.keyword() + " requires either ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT in fwknopd.conf");
        }
    }

    /** fwknopd's access.c: FORCE_SNAT / FORCE_MASQUERADE need FORCE_NAT or FORWARD_ALL. */
    private static void checkNat(Map<String, String> display, ConfigLine head) throws ConfigException {
        boolean masquerade = yes(display.get("FORCE_MASQUERADE"));
        if ((display.containsKey("FORCE_SNAT") || masquerade) && !display.containsKey("FORCE_NAT")
                && !yes(display.get("FORWARD_ALL"))) {
            throw head.error("FORCE_SNAT/FORCE_MASQUERADE requires either FORCE_NAT or FORWARD_ALL");
        }
    }

    private static boolean yes(String v) {
        return v != null && !v.isEmpty() && (v.charAt(0) == 'y' || v.charAt(0) == 'Y');
    }

    /** A dotted-quad IPv4 address, as fwknop's is_valid_ipv4_addr accepts it. */
    static boolean ipv4(String text) {
        if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        for (String part : text.split("\\.")) {
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * fwknopd's rules for a command cycle: CMD_CYCLE_OPEN needs CMD_CYCLE_CLOSE (which may be NONE), and
     * CMD_CYCLE_TIMER unless the close is NONE; a close without an open is an error.
     */
    private static void checkCommandCycle(Map<String, String> display, ConfigLine head) throws ConfigException {
        String open = display.get("CMD_CYCLE_OPEN");
        String close = display.get("CMD_CYCLE_CLOSE");
        if (open == null) {
            if (close != null || display.containsKey("CMD_CYCLE_TIMER")) {
                throw head.error("CMD_CYCLE_CLOSE / CMD_CYCLE_TIMER without CMD_CYCLE_OPEN");
            }
            return;
        }
        if (close == null) {
            throw head.error("CMD_CYCLE_OPEN needs CMD_CYCLE_CLOSE (NONE for no close command)");
        }
        if (!close.strip().equals("NONE") && !display.containsKey("CMD_CYCLE_TIMER")) {
            throw head.error("CMD_CYCLE_TIMER is required unless CMD_CYCLE_CLOSE is NONE");
        }
    }

    /**
     * A stanza's GPG_* keywords, with fwknopd 2.6.10's rules (access.c): the stanza uses GnuPG once
     * GPG_DECRYPT_PW is set or GPG_ALLOW_NO_PW is Y; a signature is then required unless GPG_DISABLE_SIG is Y
     * (GPG_REQUIRE_SIG N alone does not turn it off; GPG_REQUIRE_SIG Y wins over GPG_DISABLE_SIG Y), and
     * unless GPG_DISABLE_SIG is Y, GPG_REMOTE_ID or GPG_FINGERPRINT_ID must be given, else the daemon does not
     * start. GPG_HOME_DIR defaults to fwknopd.conf's.
     */
    private static final class GpgSettings {
        private Path home;
        private String decryptId;
        private char[] passphrase;
        private boolean allowNoPassphrase;
        private Boolean requireSig;
        private boolean disableSig;
        private boolean ignoreVerifyError;
        private final List<String> remoteIds = new ArrayList<>();
        private final List<String> fingerprints = new ArrayList<>();
        private ConfigLine first;

        void read(ConfigLine l) throws ConfigException {
            if (first == null) {
                first = l;
            }
            String v = l.value().strip();
            switch (l.keyword()) {
                case "GPG_HOME_DIR" -> home = Path.of(v);
                case "GPG_DECRYPT_ID" -> decryptId = v;
                case "GPG_DECRYPT_PW" -> passphrase = l.value().toCharArray();
                case "GPG_ALLOW_NO_PW" -> allowNoPassphrase = l.bool();
                case "GPG_REQUIRE_SIG" -> requireSig = l.bool();
                case "GPG_DISABLE_SIG" -> disableSig = l.bool();
                case "GPG_IGNORE_SIG_VERIFY_ERROR" -> ignoreVerifyError = l.bool();
                case "GPG_REMOTE_ID" -> list(l, remoteIds);
                case "GPG_FINGERPRINT_ID" -> list(l, fingerprints);
                default -> throw l.error("not a GnuPG keyword");
            }
        }

        private static void list(ConfigLine l, List<String> into) throws ConfigException {
            for (String id : l.value().split(",")) {
                String t = id.strip();
                if (t.isEmpty()) {
                    throw l.error("empty entry in the list");
                }
                into.add(t);
            }
        }

        /** The GnuPG key of the stanza, or null when the stanza does not use GnuPG. */
        GpgKey key(ConfigLine head, Path defaultHome, List<String> notices) throws ConfigException {
            boolean use = passphrase != null || allowNoPassphrase;
            if (!use) {
                if (first != null) {
                    notices.add("GnuPG settings at " + first.where() + " are unused: the stanza at " + head.where()
                            + " needs GPG_DECRYPT_PW or GPG_ALLOW_NO_PW Y to use GnuPG");
                }
                return null;
            }
            // fwknopd: required unless GPG_DISABLE_SIG (an explicit GPG_REQUIRE_SIG Y wins over it), and the
            // signer lists are mandatory unless GPG_DISABLE_SIG
            boolean require = Boolean.TRUE.equals(requireSig) || !disableSig;
            if (!disableSig && remoteIds.isEmpty() && fingerprints.isEmpty()) {
                throw head.error("GPG_REQUIRE_SIG is on (the default) but neither GPG_REMOTE_ID nor GPG_FINGERPRINT_ID"
                        + " is set: list the allowed signers, or set GPG_DISABLE_SIG Y");
            }
            for (String id : remoteIds) {
                if (!id.matches("[0-9A-F]{8}")) {
                    notices.add("GPG_REMOTE_ID " + id + " in the stanza at " + head.where() + " is not 8 upper-case hex"
                            + " digits: it is compared, as fwknop does, with the last 8 hex digits of the signer's"
                            + " fingerprint and will never match");
                }
            }
            GpgKey.Builder b = GpgKey.builder().homeDir(home != null ? home : defaultHome).decryptId(decryptId)
                    .decryptPassphrase(allowNoPassphrase && passphrase == null ? null : passphrase)
                    .requireSignature(require).ignoreSignatureErrors(ignoreVerifyError);
            remoteIds.forEach(b::signerId);
            fingerprints.forEach(f -> b.signerFingerprint(f.replace(" ", "")));
            return b.build();
        }
    }

    private static byte[] base64(ConfigLine l) throws ConfigException {
        try {
            byte[] b = Base64.getDecoder().decode(l.value().strip());
            if (b.length == 0) {
                throw l.error("decodes to an empty key");
            }
            return b;
        } catch (IllegalArgumentException e) {
            throw l.error("not valid base64");
        }
    }

    private static Instant date(ConfigLine l) throws ConfigException {
        try {
            LocalDate d = LocalDate.parse(l.value().strip(), DateTimeFormatter.ofPattern("MM/dd/yyyy"));
            return d.atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw l.error("date must be MM/DD/YYYY");
        }
    }
}
