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
import org.postern.api.PortSpec;
import org.postern.api.RijndaelKey;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;

/**
 * Turns access.conf (fwknop 2.6.10 syntax, unchanged) into {@link AccessStanza}s. Every error names the
 * file, line and keyword; keywords not supported yet are reported, never silently ignored.
 */
final class AccessConfParser {

    private static final Set<String> NOT_YET = Set.of("GPG_HOME_DIR", "GPG_EXE", "GPG_DECRYPT_ID", "GPG_DECRYPT_PW",
            "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG", "GPG_DISABLE_SIG", "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID",
            "GPG_FINGERPRINT_ID", "ENABLE_CMD_SUDO_EXEC", "CMD_EXEC_USER", "CMD_EXEC_GROUP", "CMD_SUDO_EXEC_USER",
            "CMD_SUDO_EXEC_GROUP", "CMD_CYCLE_OPEN", "CMD_CYCLE_CLOSE", "CMD_CYCLE_TIMER", "FORCE_NAT", "FORCE_SNAT",
            "FORCE_MASQUERADE", "FORWARD_ALL", "DISABLE_DNAT", "%include", "%include_folder", "%include_keys");

    private final List<String> notices = new ArrayList<>();

    /** Notices collected while parsing: keywords present but not honoured yet, with file:line. */
    List<String> notices() {
        return notices;
    }

    List<AccessStanza> parse(Path file) throws ConfigException {
        return parse(FwknopConfigReader.read(file));
    }

    List<AccessStanza> parse(List<ConfigLine> lines) throws ConfigException {
        List<AccessStanza> stanzas = new ArrayList<>();
        List<ConfigLine> current = null;
        for (ConfigLine l : lines) {
            if (l.value().isEmpty()) {
                throw l.error("has no value");
            }
            if (l.keyword().equals("SOURCE")) {
                if (current != null) {
                    stanzas.add(build(current));
                }
                current = new ArrayList<>();
            }
            if (current == null) {
                continue; // fwknop ignores anything before the first SOURCE
            }
            current.add(l);
        }
        if (current != null) {
            stanzas.add(build(current));
        }
        if (stanzas.isEmpty()) {
            String where = lines.isEmpty() ? "access.conf" : lines.get(0).file();
            throw new ConfigException(where + ": no access stanza (no SOURCE line)");
        }
        return List.copyOf(stanzas);
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

        for (ConfigLine l : lines) {
            String v = l.value();
            String kw = l.keyword();
            display.put(kw, kw.startsWith("KEY") || kw.startsWith("HMAC_KEY") ? "********" : v);
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
                    case "ACCESS_EXPIRE" -> expires = date(l);
                    case "ACCESS_EXPIRE_EPOCH" -> expires = Instant.ofEpochSecond(Long.parseLong(v.trim()));
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
        if (key == null && hmac == null) {
            throw head.error("stanza has no KEY or KEY_BASE64");
        }
        if (key == null) {
            throw head.error("stanza has an HMAC key but no KEY or KEY_BASE64");
        }
        if (mode == EncryptionMode.ASYMMETRIC) {
            throw (modeLine != null ? modeLine : head).error("GnuPG (Asymmetric) is not supported yet");
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
        return new AccessStanza(name, sources, destinations, new RijndaelKey(key, mode), hmacKey, open, restrict,
                fwTimeout, maxTimeout, requireSource, requireUser, cmdExec, expires, java.util.Collections.unmodifiableMap(display));
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
