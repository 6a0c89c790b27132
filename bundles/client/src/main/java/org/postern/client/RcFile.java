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
 * <p>Differences from fwknop, on purpose: an unknown keyword is a warning (fwknop exits); a line of only
 * blanks is skipped (fwknop exits); keywords of features this client lacks are refused when they would
 * change what is sent (e.g. {@code USE_GPG Y}) and ignored otherwise; a missing file is not created.
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
                case "SPA_SOURCE_PORT" -> number(value, 0, 65535); // fwknop uses it only in raw modes
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
                case "RESOLVE_URL" -> k.resolveAllowIp(k.allowIp() == null);
                case "SERVER_RESOLVE_IPV4" -> {
                    // this client always resolves the server to IPv4 addresses only
                }
                case "VERBOSE" -> inv.verbose = yes(value) ? 1 : number(value, 0, 6);
                case "NO_SAVE_ARGS" -> {
                    if (yes(value)) {
                        inv.noSaveArgs = true;
                    }
                }
                case "USE_GPG", "USE_GPG_AGENT", "GPG_NO_SIGNING_PW", "RAND_PORT", "NAT_RAND_PORT" -> {
                    if (yes(value)) {
                        throw unsupported(name, line);
                    }
                }
                case "SPOOF_SOURCE_IP", "KEY_FILE", "HMAC_KEY_FILE" -> throw unsupported(name, line);
                case "GPG_RECIPIENT", "GPG_SIGNER", "GPG_HOMEDIR", "GPG_EXE", "GPG_SIGNING_PW",
                        "GPG_SIGNING_PW_BASE64", "RESOLVE_HTTP_ONLY", "USE_WGET_USER_AGENT", "WGET_CMD" -> {
                    // only take effect together with keywords refused above
                }
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
