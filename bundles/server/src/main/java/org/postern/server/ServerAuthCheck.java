package org.postern.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.fko.SpaMessage;

/**
 * fwknop 1.9's {@code REQUIRE_AUTH_METHOD crypt}: the SPA packet's server_auth field must be
 * {@code crypt,<password>}, and the password must match the shadow hash of the packet's user name in
 * {@code SHADOW_FILE} (default {@code /etc/shadow}). Hash formats: SHA-512, SHA-256 and MD5 crypt
 * ({@link UnixCrypt}). Refusals are {@link RefusalReason.BAD_SERVER_AUTH} (a policy step) with the detail; the password is never
 * logged.
 */
final class ServerAuthCheck {

    /** 1.9's default SHADOW_FILE. */
    static final Path DEFAULT_SHADOW = Path.of("/etc/shadow");

    private ServerAuthCheck() {
    }

    /** Passes, or throws the refusal, for a stanza with REQUIRE_AUTH_METHOD (nothing to do without it). */
    static void check(AccessStanza s, SpaMessage m) throws SpaException {
        String method = s.requireAuthMethod();
        if (method == null) {
            return;
        }
        String auth = m.serverAuth();
        if (auth == null || auth.isEmpty()) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "REQUIRE_AUTH_METHOD " + method
                    + " but the SPA packet carries no server_auth (fwknop 1.9: --Server-auth crypt)");
        }
        int comma = auth.indexOf(',');
        String given = comma < 0 ? auth : auth.substring(0, comma);
        if (!given.toLowerCase(Locale.ROOT).equals(method)) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "server_auth method '" + given
                    + "' is not the required '" + method + "'");
        }
        if (comma < 0) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "server_auth has no password");
        }
        byte[] password = auth.substring(comma + 1).getBytes(StandardCharsets.UTF_8);
        try {
            Path shadow = s.shadowFile();
            String hash = shadowHash(shadow, m.username());
            if (hash == null) {
                throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "no entry for user '" + m.username()
                        + "' in " + shadow);
            }
            if (hash.isEmpty() || hash.startsWith("!") || hash.startsWith("*")) {
                throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "the account of '" + m.username()
                        + "' is locked or has no password in " + shadow);
            }
            if (!UnixCrypt.supported(hash)) {
                throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "the shadow hash of '" + m.username()
                        + "' has a format other than SHA-512/SHA-256/MD5 crypt ($6$, $5$, $1$)");
            }
            if (!UnixCrypt.verify(password, hash)) {
                throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "crypt password for user '" + m.username()
                        + "' does not match");
            }
        } finally {
            Arrays.fill(password, (byte) 0);
        }
    }

    /** The hash field of {@code user}'s line, or null when there is none. */
    static String shadowHash(Path shadow, String user) throws SpaException {
        List<String> lines;
        try {
            lines = Files.readAllLines(shadow, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            throw new SpaException(RefusalReason.BAD_SERVER_AUTH, "cannot read SHADOW_FILE " + shadow + ": "
                    + e.getMessage());
        }
        for (String line : lines) {
            int c1 = line.indexOf(':');
            if (c1 > 0 && line.substring(0, c1).equals(user)) {
                int c2 = line.indexOf(':', c1 + 1);
                return c2 < 0 ? line.substring(c1 + 1) : line.substring(c1 + 1, c2);
            }
        }
        return null;
    }
}
