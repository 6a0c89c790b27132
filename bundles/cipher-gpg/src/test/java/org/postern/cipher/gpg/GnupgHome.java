package org.postern.cipher.gpg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway GnuPG home for tests, driven by the real {@code gpg} 2.x with argument vectors; passphrases go
 * through standard input ({@code --passphrase-fd 0}), never the command line. {@link #close()} stops the
 * gpg-agent that gpg started for it and deletes the directory.
 */
final class GnupgHome implements AutoCloseable {

    /** What a gpg run printed and how it ended. */
    record Result(int exit, String out) {
        boolean ok() {
            return exit == 0;
        }
    }

    final Path dir;

    GnupgHome() throws IOException {
        dir = Files.createTempDirectory("postern-gnupg", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("gpg", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs gpg on this home with the given stdin (may be null). */
    Result gpg(String stdin, String... args) {
        List<String> argv = new ArrayList<>(List.of("gpg", "--batch", "--no-tty", "--homedir", dir.toString()));
        argv.addAll(List.of(args));
        return run(stdin, argv);
    }

    static Result run(String stdin, List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                return new Result(-2, "timed out: " + argv);
            }
            reader.join(10_000);
            return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    /**
     * Generates a signing primary key ({@code algo} as gpg's quick-gen-key takes it) with an encryption subkey
     * ({@code subAlgo}, none when null); passphrase null for none. Returns the primary key's fingerprint.
     */
    String generate(String uid, String algo, String subAlgo, String passphrase) {
        Result r = passphrase == null
                ? gpg(null, "--passphrase", "", "--quick-gen-key", uid, algo, "sign", "never")
                : gpg(passphrase + "\n", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--quick-gen-key", uid,
                        algo, "sign", "never");
        must(r, "quick-gen-key " + uid);
        String fpr = fingerprint(uid);
        if (subAlgo != null) {
            addSubkey(fpr, subAlgo, "encr", passphrase);
        }
        return fpr;
    }

    /** Adds a subkey to the key with this fingerprint. */
    void addSubkey(String fingerprint, String algo, String usage, String passphrase) {
        Result r = passphrase == null
                ? gpg(null, "--passphrase", "", "--quick-add-key", fingerprint, algo, usage, "never")
                : gpg(passphrase + "\n", "--pinentry-mode", "loopback", "--passphrase-fd", "0", "--quick-add-key",
                        fingerprint, algo, usage, "never");
        must(r, "quick-add-key " + fingerprint);
    }

    String fingerprint(String uid) {
        Result r = gpg(null, "--with-colons", "--list-keys", uid);
        must(r, "list-keys");
        for (String l : r.out().split("\n")) {
            if (l.startsWith("fpr:")) {
                return l.split(":")[9];
            }
        }
        throw new IllegalStateException("no fingerprint for " + uid + ": " + r.out());
    }

    void importFile(Path file) {
        must(gpg(null, "--import", file.toString()), "import " + file);
    }

    /** Exports public keys (binary, or armoured). */
    Path exportPublic(String who, boolean armour) throws IOException {
        Path f = Files.createTempFile(dir, "pub", armour ? ".asc" : ".gpg");
        Files.delete(f);
        List<String> a = new ArrayList<>(List.of("--output", f.toString()));
        if (armour) {
            a.add("--armor");
        }
        a.addAll(List.of("--export", who));
        must(gpg(null, a.toArray(String[]::new)), "export " + who);
        return f;
    }

    Path exportSecret(String who, String passphrase, boolean armour) throws IOException {
        Path f = Files.createTempFile(dir, "sec", armour ? ".asc" : ".gpg");
        Files.delete(f);
        List<String> a = new ArrayList<>(List.of("--pinentry-mode", "loopback", "--passphrase-fd", "0", "--output",
                f.toString()));
        if (armour) {
            a.add("--armor");
        }
        a.addAll(List.of("--export-secret-keys", who));
        must(gpg(passphrase == null ? "\n" : passphrase + "\n", a.toArray(String[]::new)), "export-secret " + who);
        return f;
    }

    /** Marks the key as ultimately trusted, so gpg reports its signatures as fully valid. */
    void trust(String fingerprint) {
        must(gpg(fingerprint + ":6:\n", "--import-ownertrust"), "import-ownertrust");
    }

    void stopAgent() {
        run(null, List.of("gpgconf", "--homedir", dir.toString(), "--kill", "gpg-agent"));
    }

    private static void must(Result r, String what) {
        if (!r.ok()) {
            throw new IllegalStateException("gpg " + what + " failed (" + r.exit() + "): " + r.out());
        }
    }

    @Override
    public void close() {
        stopAgent();
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort for a temp directory
        }
    }
}
