package org.postern.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.postern.client.knock.KnockException;

/**
 * The command lines a client remembers. fwknop 2.6.10: the last one in {@code ~/.fwknop.run} (or the {@code -E}
 * file), as {@code fwknop arg arg ... } on one line, run again by {@code -l} and shown by {@code --show-last}.
 * fwknop 1.9: also the last one per SPA server in {@code ~/.fwknop.hosts} (one line per server, the newest
 * replacing the older), run by {@code --Last-host <host>} and shown by {@code --Show-host-cmd <host>}, and
 * with {@code --Save-dst} one kept in {@code ~/.fwknop.save} that is searched first. Files are created with
 * mode 0600.
 *
 * <p>Arguments are joined with spaces and split on blanks, as both fwknops do; an argument that is empty or
 * holds blanks is written in single quotes here (fwknop would split it) and such quotes are honoured when read.
 * A line may start with the program name (2.6.10) or directly with the first option (1.9).
 */
final class SavedArgs {

    private SavedArgs() {
    }

    /** One line: {@code program arg arg ... } with a trailing blank, as fwknop's save_args writes it. */
    static String line(String program, String[] args) {
        StringBuilder sb = new StringBuilder(program).append(' ');
        for (String a : args) {
            sb.append(quote(a)).append(' ');
        }
        return sb.toString();
    }

    private static String quote(String a) {
        if (!a.isEmpty() && a.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '\'')) {
            return a;
        }
        return "'" + a.replace("'", "'\\''") + "'";
    }

    /** The arguments of a saved line, without the program name. */
    static String[] split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
                if (cur == null) {
                    cur = new StringBuilder();
                }
            } else if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '\'') {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                cur.append('\'');
                i++;
            } else if (Character.isWhitespace(c)) {
                if (cur != null) {
                    out.add(cur.toString());
                    cur = null;
                }
            } else {
                if (cur == null) {
                    cur = new StringBuilder();
                }
                cur.append(c);
            }
        }
        if (cur != null) {
            out.add(cur.toString());
        }
        if (!out.isEmpty() && !out.get(0).startsWith("-")) {
            out.remove(0);
        }
        return out.toArray(String[]::new);
    }

    /** Writes {@code text} (a line) as the whole of {@code file}, mode 0600. */
    static void write(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
        }
        Files.writeString(file, text, StandardCharsets.ISO_8859_1, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** The first line of {@code file} (without its newline). */
    static String firstLine(Path file) throws KnockException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new KnockException("Could not open args file: " + file);
        }
        if (lines.isEmpty()) {
            throw new KnockException("Could not read line from file: " + file);
        }
        return lines.get(0);
    }

    /**
     * Records {@code line} as the last one for {@code host} in the hosts file: it replaces the line of the same
     * server, or is appended.
     */
    static void rememberHost(Path hostsFile, String host, String line) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean replaced = false;
        if (Files.exists(hostsFile)) {
            for (String l : Files.readAllLines(hostsFile, StandardCharsets.ISO_8859_1)) {
                if (!replaced && host.equals(destinationOf(l))) {
                    lines.add(line);
                    replaced = true;
                } else if (!l.isBlank()) {
                    lines.add(l);
                }
            }
        }
        if (!replaced) {
            lines.add(line);
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        write(hostsFile, sb.toString());
    }

    /** The saved line for {@code host} in the first of {@code files} that has one, or null. */
    static String lineForHost(String host, Path... files) throws KnockException {
        boolean anyFile = false;
        for (Path f : files) {
            if (f == null || !Files.exists(f)) {
                continue;
            }
            anyFile = true;
            try {
                for (String l : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
                    if (host.equals(destinationOf(l)) || host.equalsIgnoreCase(stanzaOf(l))) {
                        return l;
                    }
                }
            } catch (IOException e) {
                throw new KnockException("Could not open " + f + ": " + e.getMessage());
            }
        }
        if (!anyFile) {
            throw new KnockException("fwknop argument save files (~/.fwknop.save and ~/.fwknop.hosts) not found.");
        }
        return null;
    }

    /** The SPA server a saved line names ({@code -D host}, {@code -Dhost}, {@code --destination[=]host}, ...). */
    static String destinationOf(String line) {
        return valueOf(split(line), "-D", "--destination", "--Destination", "--knock-dst");
    }

    /** The {@code -n} stanza a saved line names. */
    static String stanzaOf(String line) {
        return valueOf(split(line), "-n", "--named-config");
    }

    private static String valueOf(String[] args, String shortName, String... longNames) {
        String found = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals(shortName) && i + 1 < args.length) {
                found = args[++i];
            } else if (a.startsWith(shortName) && a.length() > 2 && !a.startsWith("--")) {
                found = a.substring(2);
            } else {
                for (String l : longNames) {
                    if (a.equals(l) && i + 1 < args.length) {
                        found = args[++i];
                    } else if (a.startsWith(l + "=")) {
                        found = a.substring(l.length() + 1);
                    }
                }
            }
        }
        return found;
    }
}
