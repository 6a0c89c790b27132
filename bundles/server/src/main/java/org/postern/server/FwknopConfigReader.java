package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the line syntax shared by fwknopd.conf and access.conf: {@code NAME<blanks>VALUE}, the value
 * ending at {@code ;} or the end of the line; lines starting with {@code #} or {@code ;} and blank lines
 * skipped; names in access.conf may end in {@code :}. Trailing blanks are trimmed (as fwknop 2.6.11 does).
 */
final class FwknopConfigReader {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FwknopConfigReader.class);

    private FwknopConfigReader() {
    }

    static List<ConfigLine> read(Path file) throws ConfigException {
        List<String> lines;
        try {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file + ": not a regular file");
            }
            String warning = permissionWarning(file);
            if (warning != null) {
                LOG.warn(warning);
            }
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), lines);
    }

    /**
     * fwknopd's {@code verify_file_perms_ownership}: a config file other users may read or write (anything but
     * 0600) is warned about with fwknopd's wording, and read anyway, as fwknopd does.
     *
     * @return the warning, or null when the file is private (or the file system has no POSIX modes)
     */
    static String permissionWarning(Path file) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!perms.equals(java.util.EnumSet.of(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE))) {
                return "[-] file: " + file + " permissions should only be user read/write (0600, -rw-------)";
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        return null;
    }

    static List<ConfigLine> parse(String name, List<String> lines) throws ConfigException {
        List<ConfigLine> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            if (raw.isEmpty() || raw.charAt(0) == '#' || raw.charAt(0) == ';' || raw.isBlank()) {
                continue;
            }
            String s = raw.strip();
            if (s.startsWith("#")) {
                continue;
            }
            int ws = 0;
            while (ws < s.length() && !Character.isWhitespace(s.charAt(ws))) {
                ws++;
            }
            String keyword = s.substring(0, ws);
            if (keyword.endsWith(":")) {
                keyword = keyword.substring(0, keyword.length() - 1);
            }
            String value = s.substring(ws).strip();
            int semi = value.indexOf(';');
            if (semi >= 0) {
                value = value.substring(0, semi).strip();
            }
            out.add(new ConfigLine(name, i + 1, keyword, value));
        }
        return out;
    }
}
