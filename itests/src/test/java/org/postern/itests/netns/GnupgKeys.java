package org.postern.itests.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway GnuPG home for the namespace tests, made with the real {@code gpg --batch} (argument vectors;
 * keys without passphrase, as the fwknop client's {@code --gpg-no-signing-pw} expects). {@link #close()} stops
 * the gpg-agent gpg (or gpgme, inside fwknop and fwknopd) started for it and removes the directory.
 */
final class GnupgKeys implements AutoCloseable {

    final Path dir;

    GnupgKeys(String name) throws IOException {
        dir = Files.createTempDirectory("postern-it-gnupg-" + name,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    static boolean available() {
        return Exec.installed("gpg") && Exec.installed("gpgconf");
    }

    Exec.Result gpg(Path stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", dir.toString()));
        argv.addAll(List.of(args));
        return Exec.run(120, stdin, argv);
    }

    /** An RSA-2048 signing key with an RSA-2048 encryption subkey, no passphrase; returns its fingerprint. */
    String generate(String uid) {
        must(gpg(null, "--passphrase", "", "--quick-gen-key", uid, "rsa2048", "sign", "never"), "quick-gen-key");
        String fpr = fingerprint(uid);
        must(gpg(null, "--passphrase", "", "--quick-add-key", fpr, "rsa2048", "encr", "never"), "quick-add-key");
        return fpr;
    }

    String fingerprint(String who) {
        Exec.Result r = gpg(null, "--with-colons", "--list-keys", who);
        must(r, "list-keys");
        for (String l : r.out().split("\n")) {
            if (l.startsWith("fpr:")) {
                return l.split(":")[9];
            }
        }
        throw new IllegalStateException("no key " + who + ": " + r.out());
    }

    /** Copies the public key of {@code fpr} from {@code from} into this home, trusted ultimately (for gpgme). */
    void importPublic(GnupgKeys from, String fpr) throws IOException {
        Path f = Files.createTempFile(dir, "pub", ".gpg");
        Files.delete(f);
        must(from.gpg(null, "--output", f.toString(), "--export", fpr), "export");
        must(gpg(null, "--import", f.toString()), "import");
        Path trust = Files.createTempFile(dir, "trust", ".txt");
        Files.writeString(trust, fpr + ":6:\n", StandardCharsets.US_ASCII);
        must(gpg(trust, "--import-ownertrust"), "import-ownertrust");
    }

    static String shortId(String fpr) {
        return fpr.substring(fpr.length() - 8);
    }

    private static void must(Exec.Result r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException("gpg " + what + " failed: " + r.out());
        }
    }

    @Override
    public void close() {
        Exec.run(20, "gpgconf", "--homedir", dir.toString(), "--kill", "gpg-agent");
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory: best effort
        }
    }
}
