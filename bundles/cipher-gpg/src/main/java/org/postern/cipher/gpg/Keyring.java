package org.postern.cipher.gpg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.bouncycastle.bcpg.RSAPublicBCPGKey;
import org.bouncycastle.gpg.keybox.BlobType;
import org.bouncycastle.gpg.keybox.KeyBlob;
import org.bouncycastle.gpg.keybox.PublicKeyRingBlob;
import org.bouncycastle.gpg.keybox.bc.BcKeyBox;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.util.encoders.Hex;
import org.postern.api.GpgKey;

/**
 * The keys one {@link GpgKey} names, read from its sources: a GnuPG home directory (GnuPG 2.1+
 * {@code pubring.kbx} and {@code private-keys-v1.d}, GnuPG 1.x/2.0 {@code pubring.gpg} and {@code secring.gpg})
 * and exported key files or bytes (ASCII-armoured or binary, public or secret). Keeps the file stamps it was
 * read from, so a cache can tell when to read again, and the private keys it has unlocked. Thread-safe.
 */
final class Keyring {

    /** What went wrong reading one source (logged by the caller; the other sources still count). */
    record Problem(String source, String reason) {
    }

    private static final long MAX_KEY_FILE = 4L * 1024 * 1024;

    private final List<PGPPublicKeyRing> publicRings;
    private final List<PGPSecretKeyRing> secretRings;
    private final List<PGPPublicKeyRing> allRings;
    private final List<AgentKeyFile> agentKeys;
    private final Map<Path, String> stamps;
    private final List<Problem> problems;
    private final Map<Long, PGPPrivateKey> unlocked = new ConcurrentHashMap<>();
    /** Keys that did not unlock: not tried again (each try costs a full S2K) until the sources change. */
    private final Map<Long, String> failed = new ConcurrentHashMap<>();

    private Keyring(List<PGPPublicKeyRing> publicRings, List<PGPSecretKeyRing> secretRings,
            List<AgentKeyFile> agentKeys, Map<Path, String> stamps, List<Problem> problems) {
        this.publicRings = List.copyOf(publicRings);
        this.secretRings = List.copyOf(secretRings);
        List<PGPPublicKeyRing> all = new ArrayList<>(publicRings);
        for (PGPSecretKeyRing s : secretRings) {
            List<PGPPublicKey> keys = new ArrayList<>();
            s.getPublicKeys().forEachRemaining(keys::add);
            all.add(new PGPPublicKeyRing(keys));
        }
        this.allRings = List.copyOf(all);
        this.agentKeys = List.copyOf(agentKeys);
        this.stamps = stamps;
        this.problems = List.copyOf(problems);
    }

    /** Reads every source of the key; a source that cannot be read is a {@link #problems() problem}, not an error. */
    static Keyring load(GpgKey key) {
        List<PGPPublicKeyRing> pub = new ArrayList<>();
        List<PGPSecretKeyRing> sec = new ArrayList<>();
        List<AgentKeyFile> agent = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<Path, String> stamps = new LinkedHashMap<>();
        Path home = key.homeDir();
        if (home != null) {
            stamps.put(home, stamp(home));
            if (!Files.isDirectory(home)) {
                problems.add(new Problem(home.toString(), "not a directory"));
            }
            Path kbx = home.resolve("pubring.kbx");
            stamps.put(kbx, stamp(kbx));
            if (Files.isRegularFile(kbx)) {
                try (InputStream in = Files.newInputStream(kbx)) {
                    for (KeyBlob b : new BcKeyBox(in).getKeyBlobs()) {
                        if (b.getType() == BlobType.OPEN_PGP_BLOB && b instanceof PublicKeyRingBlob r) {
                            pub.add(r.getPGPPublicKeyRing());
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    problems.add(new Problem(kbx.toString(), e.toString()));
                }
            }
            for (String name : new String[] {"pubring.gpg", "secring.gpg"}) {
                Path f = home.resolve(name);
                stamps.put(f, stamp(f));
                if (Files.isRegularFile(f)) {
                    readKeys(f, pub, sec, problems);
                }
            }
            Path store = home.resolve("private-keys-v1.d");
            stamps.put(store, stamp(store));
            if (Files.isDirectory(store)) {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(store, "*.key")) {
                    for (Path f : ds) {
                        stamps.put(f, stamp(f));
                        try {
                            agent.add(AgentKeyFile.read(f));
                        } catch (IOException e) {
                            problems.add(new Problem(f.toString(), e.getMessage()));
                        }
                    }
                } catch (IOException e) {
                    problems.add(new Problem(store.toString(), e.toString()));
                }
            }
        }
        for (Path f : key.keyFiles()) {
            stamps.put(f, stamp(f));
            readKeys(f, pub, sec, problems);
        }
        int i = 0;
        for (byte[] d : key.keyData()) {
            i++;
            try {
                readKeys(d, pub, sec);
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem("key data #" + i, e.toString()));
            }
        }
        return new Keyring(pub, sec, agent, stamps, problems);
    }

    private static void readKeys(Path f, List<PGPPublicKeyRing> pub, List<PGPSecretKeyRing> sec, List<Problem> problems) {
        try {
            if (Files.size(f) > MAX_KEY_FILE) {
                problems.add(new Problem(f.toString(), "larger than " + MAX_KEY_FILE + " bytes"));
                return;
            }
            readKeys(Files.readAllBytes(f), pub, sec);
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(f.toString(), e instanceof NoSuchFileException ? "no such file" : e.toString()));
        }
    }

    /** Every key ring in the data: one binary stream, or one or more ASCII-armoured blocks. */
    private static void readKeys(byte[] data, List<PGPPublicKeyRing> pub, List<PGPSecretKeyRing> sec)
            throws IOException {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        if (!text.contains("-----BEGIN PGP")) {
            readBinary(new ByteArrayInputStream(data), pub, sec);
            return;
        }
        int from = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN PGP", from);
            if (begin < 0) {
                break;
            }
            int end = text.indexOf("-----END PGP", begin);
            if (end < 0) {
                throw new IOException("armour block without END line");
            }
            int eol = text.indexOf('\n', end);
            eol = eol < 0 ? text.length() : eol + 1;
            byte[] block = text.substring(begin, eol).getBytes(StandardCharsets.ISO_8859_1);
            try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(block))) {
                readBinary(in, pub, sec);
            }
            from = eol;
        }
    }

    private static void readBinary(InputStream in, List<PGPPublicKeyRing> pub, List<PGPSecretKeyRing> sec)
            throws IOException {
        BcPGPObjectFactory f = new BcPGPObjectFactory(in);
        Object o;
        int n = 0;
        while ((o = f.nextObject()) != null && n++ < 10_000) {
            if (o instanceof PGPPublicKeyRing r) {
                pub.add(r);
            } else if (o instanceof PGPSecretKeyRing r) {
                sec.add(r);
            }
        }
    }

    private static String stamp(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
        } catch (IOException e) {
            return "absent";
        }
    }

    /** Whether a source changed (or appeared, or went away) since it was read. */
    boolean stale() {
        for (Map.Entry<Path, String> e : stamps.entrySet()) {
            if (!stamp(e.getKey()).equals(e.getValue())) {
                return true;
            }
        }
        return false;
    }

    List<Problem> problems() {
        return problems;
    }

    /** Every public key ring: the public ones first, then those of the secret rings. */
    List<PGPPublicKeyRing> rings() {
        return allRings;
    }

    /** The first key ring the name matches, or null. */
    PGPPublicKeyRing ring(KeyName name) {
        for (PGPPublicKeyRing r : rings()) {
            if (name.matchesRing(r)) {
                return r;
            }
        }
        return null;
    }

    /** The ring holding the (sub)key with this key ID, or null. */
    PGPPublicKeyRing ringOf(long keyId) {
        for (PGPPublicKeyRing r : rings()) {
            if (r.getPublicKey(keyId) != null) {
                return r;
            }
        }
        return null;
    }

    /** The ring holding the (sub)key with this fingerprint, or null. */
    PGPPublicKeyRing ringOf(byte[] fingerprint) {
        for (PGPPublicKeyRing r : rings()) {
            for (Iterator<PGPPublicKey> it = r.getPublicKeys(); it.hasNext(); ) {
                if (Arrays.equals(it.next().getFingerprint(), fingerprint)) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Whether a secret for this (sub)key is held (a secret key packet or a gpg-agent key file). */
    boolean hasSecret(PGPPublicKey pub) {
        return secretKey(pub.getKeyID()) != null || agentKey(pub) != null;
    }

    /**
     * The unlocked private key for {@code pub} (cached once unlocked).
     *
     * @throws PGPException when no secret is held, the passphrase is wrong or the key is on a card
     */
    PGPPrivateKey privateKey(PGPPublicKey pub, char[] passphrase) throws PGPException {
        PGPPrivateKey k = unlocked.get(pub.getKeyID());
        if (k != null) {
            return k;
        }
        String earlier = failed.get(pub.getKeyID());
        if (earlier != null) {
            throw new PGPException(earlier + " (not tried again until the key files change)");
        }
        try {
            k = unlock(pub, passphrase);
        } catch (PGPException e) {
            failed.put(pub.getKeyID(), e.getMessage());
            throw e;
        }
        unlocked.put(pub.getKeyID(), k);
        return k;
    }

    private PGPPrivateKey unlock(PGPPublicKey pub, char[] passphrase) throws PGPException {
        PGPPrivateKey k;
        PGPSecretKey sk = secretKey(pub.getKeyID());
        if (sk != null) {
            if (sk.isPrivateKeyEmpty()) {
                throw new PGPException("secret key " + KeyName.keyId(pub.getKeyID()) + " is a stub (gnu-dummy)");
            }
            try {
                k = sk.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider())
                        .build(passphrase == null ? new char[0] : passphrase));
            } catch (PGPException | RuntimeException e) {
                throw new PGPException("cannot unlock secret key " + KeyName.keyId(pub.getKeyID())
                        + ": wrong passphrase or damaged key");
            }
        } else {
            AgentKeyFile f = agentKey(pub);
            if (f == null) {
                throw new PGPException("no secret key for " + KeyName.keyId(pub.getKeyID()));
            }
            k = f.unlock(pub, passphrase);
        }
        if (k == null) {
            throw new PGPException("secret key " + KeyName.keyId(pub.getKeyID()) + " holds no private part");
        }
        return k;
    }

    private PGPSecretKey secretKey(long keyId) {
        for (PGPSecretKeyRing r : secretRings) {
            PGPSecretKey k = r.getSecretKey(keyId);
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    private AgentKeyFile agentKey(PGPPublicKey pub) {
        for (AgentKeyFile f : agentKeys) {
            if (f.matches(pub)) {
                return f;
            }
        }
        return null;
    }

    /**
     * gpg-agent's name for the key: the file name in {@code private-keys-v1.d} when there is one, else the
     * RSA keygrip (SHA-1 of the modulus in two's complement); null when neither is known.
     */
    String keygrip(PGPPublicKey pub) {
        AgentKeyFile f = agentKey(pub);
        if (f != null) {
            return f.keygrip();
        }
        if (pub.getPublicKeyPacket().getKey() instanceof RSAPublicBCPGKey rsa) {
            try {
                byte[] grip = MessageDigest.getInstance("SHA-1").digest(rsa.getModulus().toByteArray());
                return Hex.toHexString(grip).toUpperCase(Locale.ROOT);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("JDK lacks SHA-1", e);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "Keyring[" + publicRings.size() + " public, " + secretRings.size() + " secret, " + agentKeys.size()
                + " agent key(s)]";
    }
}
