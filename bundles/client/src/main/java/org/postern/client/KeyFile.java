package org.postern.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.postern.client.knock.KnockException;

/**
 * A key file of {@code -G/--get-key} and {@code --get-hmac-key} (fwknop's {@code get_key_file}, also fwknop
 * 1.9's {@code --get-key}): lines {@code <SPA server>: <key>}, the server exactly as given with {@code -D}.
 * Leading blanks and {@code =} are skipped, lines starting with {@code #} or {@code ;} are comments, blanks and
 * {@code =} between the colon and the key are skipped, and the key is the rest of the line (bytes, as fwknop
 * reads them). The last matching line wins.
 */
final class KeyFile {

    private KeyFile() {
    }

    /**
     * The key for {@code server}.
     *
     * @throws KnockException when the file cannot be read or has no key for the server (never shows a key)
     */
    static byte[] read(Path file, String server) throws KnockException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new KnockException("Could not open config file: " + file);
        }
        String srv = server == null ? "" : server;
        byte[] key = null;
        for (String line : new String(all, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            int i = skip(line, 0);
            if (i >= line.length() || "#\r;".indexOf(line.charAt(i)) >= 0) {
                continue;
            }
            if (!line.startsWith(srv, i) || i + srv.length() >= line.length() || line.charAt(i + srv.length()) != ':') {
                continue;
            }
            int k = skip(line, i + srv.length() + 1);
            key = line.substring(k).getBytes(StandardCharsets.ISO_8859_1);
        }
        if (key == null || key.length == 0) {
            throw new KnockException("Could not get key for IP: " + srv + " from: " + file);
        }
        return Arrays.copyOf(key, Math.min(key.length, 128));
    }

    private static int skip(String line, int i) {
        while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t' || line.charAt(i) == '=')) {
            i++;
        }
        return i;
    }
}
