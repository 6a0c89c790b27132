package org.postern.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import org.postern.api.EncryptionMode;
import org.postern.client.knock.KnockException;
import org.postern.client.knock.KnockOptions;
import org.postern.client.knock.KnockTransport;
import org.postern.fko.DigestType;
import org.postern.fko.HmacType;
import org.postern.fko.MessageRules;

/**
 * A {@code ~/.fwknoprc} file as fwknop 2.6.10 reads it: {@code [name]} stanzas (names compared without
 * case), lines {@code KEYWORD value} where the keyword is case-sensitive (a trailing ':' is dropped) and the
 * value is one token that ends at a space, tab, ';' or '#'; lines starting with '#' or ';' and empty lines
 * are skipped; booleans are exactly {@code Y} or {@code y}. Only the stanzas asked for are checked, so a
 * broken line elsewhere does not matter. The file is read as bytes (ISO-8859-1), so keys keep their exact
 * bytes.
 *
 * <p>Every keyword of fwknop 2.6.10 is read. Differences from fwknop, on purpose: an unknown keyword is a
 * warning (fwknop exits); a line of only blanks is skipped (fwknop exits); {@code HMAC_KEY_FILE} names the
 * HMAC key's file (fwknop 2.6.10 stores it as the encryption key's file, a bug); GnuPG keywords are refused
 * while the client has no GnuPG; a missing file is not created. {@link #saveStanza} keeps comments and blank
 * lines, which fwknop's {@code --save-rc-stanza} drops from the whole file.
 */
final class RcFile {

    private static final String DEFAULT = "default";

    private final Path path;
    private final List<String> lines;

    private RcFile(Path path, List<String> lines) {
        this.path = path;
        this.lines = lines;
    }

    /**
     * Reads the file.
     *
     * @throws KnockException when it exists but cannot be read
     */
    static RcFile read(Path path) throws KnockException {
        try {
            return parse(path, new String(Files.readAllBytes(path), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new KnockException("Unable to open rc file: " + path + ": " + e.getMessage());
        }
    }

    static RcFile parse(Path path, String text) {
        List<String> out = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            out.add(l);
        }
        return new RcFile(path, out);
    }

    /** The named stanzas, in file order, without {@code [default]} (fwknop's {@code --stanza-list}). */
    List<String> stanzas() {
        List<String> names = new ArrayList<>();
        for (String l : lines) {
            String s = section(l);
            if (s != null && !s.equalsIgnoreCase(DEFAULT) && names.stream().noneMatch(s::equalsIgnoreCase)) {
                names.add(s);
            }
        }
        return names;
    }

    boolean hasStanza(String name) {
        for (String l : lines) {
            String s = section(l);
            if (s != null && s.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Applies {@code [default]}. */
    void applyDefault(Invocation inv, Consumer<String> warnings) throws KnockException {
        apply(DEFAULT, inv, warnings);
    }

    /**
     * Applies every line of the stanzas named {@code stanza} (there may be several), in file order.
     *
     * @throws KnockException for a malformed line or a bad value, naming the file and line
     */
    void apply(String stanza, Invocation inv, Consumer<String> warnings) throws KnockException {
        boolean inside = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isEmpty() || "#;\r".indexOf(l.charAt(0)) >= 0) {
                continue;
            }
            String s = section(l);
            if (s != null) {
                inside = s.equalsIgnoreCase(stanza);
                continue;
            }
            if (!inside || l.isBlank()) {
                continue;
            }
            int n = i + 1;
            String[] nv = nameValue(l);
            if (nv == null) {
                throw new KnockException(path + ", line " + n + ": invalid entry (expected KEYWORD value)");
            }
            set(nv[0], nv[1], n, inv, warnings);
        }
    }

    /** The name of a {@code [name]} line (leading blanks allowed), or null. */
    static String section(String line) {
        int i = 0;
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        if (i >= line.length() || line.charAt(i) != '[') {
            return null;
        }
        int end = line.indexOf(']', i + 1);
        return end < 0 ? null : line.substring(i + 1, end);
    }

    /** fwknop's {@code sscanf("%s %[^ ;\t\n\r#]")} with the trailing ':' of the name removed; null if no value. */
    static String[] nameValue(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        int nameStart = i;
        while (i < n && !Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        String name = line.substring(nameStart, i);
        while (i < n && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        int valueStart = i;
        while (i < n && " ;\t\n\r#".indexOf(line.charAt(i)) < 0) {
            i++;
        }
        if (name.isEmpty() || i == valueStart) {
            return null;
        }
        int colon = name.lastIndexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        return new String[] {name, line.substring(valueStart, i)};
    }

    private void set(String name, String value, int line, Invocation inv, Consumer<String> warnings)
            throws KnockException {
        KnockOptions k = inv.knock;
        try {
            switch (name) {
                case "SPA_SERVER" -> k.destination(value);
                case "SPA_SERVER_PORT" -> k.port(number(value, 1, 65535));
                case "SPA_SERVER_PROTO" -> k.transport(KnockTransport.parse(value));
                case "SPA_SOURCE_PORT" -> k.sourcePort(number(value, 0, 65535)); // raw modes only
                case "ALLOW_IP" -> allowIp(value, k);
                case "ACCESS" -> k.access(value);
                case "FW_TIMEOUT" -> k.clientTimeout(number(value, 0, 65536));
                case "TIME_OFFSET" -> {
                    if (value.startsWith("-")) {
                        k.timeOffsetMinus(KnockOptions.parseTimeOffset(value.substring(1)));
                    } else {
                        k.timeOffsetPlus(KnockOptions.parseTimeOffset(value));
                    }
                }
                case "DIGEST_TYPE" -> k.digestType(DigestType.parse(value));
                case "ENCRYPTION_MODE" -> k.encryptionMode(EncryptionMode.parse(value));
                case "KEY" -> k.key(value.getBytes(StandardCharsets.ISO_8859_1));
                case "KEY_BASE64" -> k.keyBase64(value);
                case "HMAC_KEY" -> k.hmacKey(value.getBytes(StandardCharsets.ISO_8859_1));
                case "HMAC_KEY_BASE64" -> k.hmacKeyBase64(value);
                case "HMAC_DIGEST_TYPE" -> k.hmacType(hmacType(value));
                case "USE_HMAC" -> {
                    if (yes(value)) {
                        k.useHmac(true);
                    }
                }
                case "SPOOF_USER" -> k.spoofUser(value);
                case "NAT_ACCESS" -> k.natAccess(value);
                case "NAT_LOCAL" -> {
                    if (yes(value)) {
                        k.natLocal(true);
                    }
                }
                case "NAT_PORT" -> k.natPort(number(value, 0, 65535));
                case "HTTP_USER_AGENT" -> k.httpUserAgent(value);
                case "RESOLVE_IP_HTTPS", "RESOLVE_IP_HTTP" -> {
                    if (yes(value)) {
                        k.resolveAllowIp(true);
                    }
                }
                case "RESOLVE_URL" -> k.resolveUrl(value);
                case "RESOLVE_HTTP_ONLY" -> {
                    if (yes(value)) {
                        k.resolveHttpOnly(true);
                    }
                }
                case "WGET_CMD" -> k.wgetCmd(value);
                case "USE_WGET_USER_AGENT" -> {
                    if (yes(value)) {
                        k.useWgetUserAgent(true);
                    }
                }
                case "SPOOF_SOURCE_IP" -> {
                    if (MessageRules.checkAllowIp(value) != null) {
                        throw new KnockException("'" + value + "' is not an IPv4 address");
                    }
                    k.spoofSource(value);
                }
                case "RAND_PORT" -> {
                    if (yes(value)) {
                        k.randPort(true);
                    }
                }
                case "NAT_RAND_PORT" -> {
                    if (yes(value)) {
                        k.natRandPort(true);
                    }
                }
                case "KEY_FILE" -> inv.keyFile = value;
                case "HMAC_KEY_FILE" -> {
                    // fwknop 2.6.10 stores this into the encryption key-file slot (a bug); here it is the HMAC key's
                    inv.hmacKeyFile = value;
                    k.useHmac(true);
                }
                case "SERVER_RESOLVE_IPV4" -> {
                    // this client always resolves the server to IPv4 addresses only
                }
                case "VERBOSE" -> inv.verbose = yes(value) ? 1 : number(value, 0, 6);
                case "NO_SAVE_ARGS" -> {
                    if (yes(value)) {
                        inv.noSaveArgs = true;
                    }
                }
                // GnuPG, as fwknop 2.6.10's rc keywords: only USE_GPG turns GnuPG on; the signing passphrase
                // shares the key slot (fwknop stores GPG_SIGNING_PW into the same buffer as KEY)
                case "USE_GPG" -> {
                    if (yes(value)) {
                        k.gpg().enabled(true);
                    }
                }
                case "USE_GPG_AGENT" -> {
                    if (yes(value)) {
                        k.gpg().agent(true);
                    }
                }
                case "GPG_NO_SIGNING_PW" -> {
                    if (yes(value)) {
                        k.gpg().noSigningPassphrase(true);
                    }
                }
                case "GPG_RECIPIENT" -> k.gpg().recipient(value);
                case "GPG_SIGNER" -> k.gpg().signer(value);
                case "GPG_HOMEDIR" -> k.gpg().homeDir(value);
                case "GPG_EXE" -> k.gpg().exe(value);
                case "GPG_SIGNING_PW" -> k.key(value.getBytes(StandardCharsets.UTF_8));
                case "GPG_SIGNING_PW_BASE64" -> k.keyBase64(value);
                default -> warnings.accept("[-] " + path + ", line " + line + ": unknown keyword '" + name
                        + "' ignored");
            }
        } catch (IllegalArgumentException e) {
            throw new KnockException(path + ", line " + line + ": " + name + ": " + e.getMessage());
        } catch (KnockException e) {
            if (e.getMessage().startsWith(path.toString())) {
                throw e;
            }
            throw new KnockException(path + ", line " + line + ": " + name + ": " + e.getMessage());
        }
    }

    /** Keywords {@code --save-rc-stanza} never replaces without asking (fwknop's critical_var_array). */
    static final java.util.Set<String> CRITICAL = java.util.Set.of("KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64",
            "GPG_RECIPIENT", "GPG_SIGNER", "GPG_SIGNING_PW", "GPG_SIGNING_PW_BASE64");

    /**
     * fwknop's {@code --save-rc-stanza} ({@code update_rc}): every line of the stanza {@code name} is replaced
     * by {@code vars} (in their order, as {@code NAME<spaces>value}); a stanza not there yet is appended. Without
     * {@code force}, a critical keyword (a key) found in the stanza is kept unless {@code overwrite} says yes
     * for it, and then the new value of that keyword is not written. Unlike fwknop, comments and blank lines
     * (anywhere) are kept. Written to {@code <file>.updated} (mode 0600) and moved over the file.
     *
     * @param overwrite asked with the keyword for each critical keyword found (fwknop asks on the terminal)
     * @throws KnockException when the file cannot be read or written, or a line of the stanza is malformed
     */
    static void saveStanza(Path file, String name, java.util.LinkedHashMap<String, String> vars, boolean force,
            java.util.function.Predicate<String> overwrite) throws KnockException {
        List<String> in = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                in.addAll(java.util.Arrays.asList(text.split("\n", -1)));
                if (!in.isEmpty() && in.get(in.size() - 1).isEmpty()) {
                    in.remove(in.size() - 1);
                }
            } catch (IOException e) {
                throw new KnockException("update_rc() : Unable to open rc file: " + file + ": " + e.getMessage());
            }
        }
        java.util.LinkedHashMap<String, String> pending = new java.util.LinkedHashMap<>(vars);
        List<String> out = new ArrayList<>();
        boolean inside = false;
        boolean found = false;
        for (int i = 0; i < in.size(); i++) {
            String l = in.get(i);
            String s = section(l);
            if (s != null) {
                if (inside) {
                    writeVars(out, pending);
                    inside = false;
                }
                if (!found && s.equalsIgnoreCase(name)) {
                    inside = true;
                    found = true;
                }
                out.add(l);
                continue;
            }
            if (inside && !l.isBlank() && "#;\r".indexOf(l.charAt(0)) < 0) {
                String[] nv = nameValue(l);
                if (nv == null) {
                    throw new KnockException(file + ", line " + (i + 1) + ": invalid entry; stanza [" + name
                            + "] not saved");
                }
                if (!force && CRITICAL.contains(nv[0]) && !overwrite.test(nv[0])) {
                    pending.remove(nv[0]);
                    out.add(l);
                }
                continue;
            }
            out.add(l);
        }
        if (inside) {
            writeVars(out, pending);
        } else if (!found) {
            out.add("");
            out.add("[" + name + "]");
            writeVars(out, pending);
        }
        StringBuilder text = new StringBuilder();
        for (String l : out) {
            text.append(l).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".updated");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, text, StandardCharsets.ISO_8859_1);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KnockException("update_rc() : Unable to write rc file: " + file + ": " + e.getMessage());
        }
    }

    private static void writeVars(List<String> out, java.util.Map<String, String> vars) {
        // the blank lines that ended the stanza stay after the new settings
        int insert = out.size();
        while (insert > 0 && out.get(insert - 1).isBlank()) {
            insert--;
        }
        List<String> lines = new ArrayList<>();
        for (java.util.Map.Entry<String, String> v : vars.entrySet()) {
            lines.add(String.format("%-24s    %s", v.getKey(), v.getValue()));
        }
        out.addAll(insert, lines);
        vars.clear();
    }

    private KnockException unsupported(String name, int line) {
        return new KnockException(path + ", line " + line + ": " + name + " is not supported by this client yet");
    }

    private static void allowIp(String value, KnockOptions k) throws KnockException {
        if (value.equalsIgnoreCase("source")) {
            k.allowIp(KnockOptions.SOURCE_IP);
        } else if (value.equalsIgnoreCase("resolve")) {
            k.allowIp(null);
            k.resolveAllowIp(true);
        } else if (MessageRules.checkAllowIp(value) != null) {
            throw new KnockException("'" + value + "' is not an IPv4 address, 'source' or 'resolve'");
        } else {
            k.allowIp(value);
        }
    }

    private static HmacType hmacType(String value) throws KnockException {
        try {
            return HmacType.parse(value);
        } catch (IllegalArgumentException e) {
            throw new KnockException("'" + value
                    + "' must be one of {md5,sha1,sha256,sha384,sha512,sha3_256,sha3_512}");
        }
    }

    /** fwknop's is_yes_str: the whole value is "Y" in either case. */
    static boolean yes(String value) {
        return value.toUpperCase(Locale.ROOT).equals("Y");
    }

    private static int number(String value, int min, int max) throws KnockException {
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new KnockException("'" + value + "' is not a number in [" + min + "-" + max + "]");
        }
        long n = Long.parseLong(value);
        if (n < min || n > max) {
            throw new KnockException("'" + value + "' is not a number in [" + min + "-" + max + "]");
        }
        return (int) n;
    }
}
