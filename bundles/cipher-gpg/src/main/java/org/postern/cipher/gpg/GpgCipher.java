package org.postern.cipher.gpg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.osgi.service.component.annotations.Component;
import org.postern.api.CipherKey;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaCipher;
import org.postern.api.SpaException;
import org.postern.fko.SpaBase64;

/**
 * fwknop's GnuPG mode in-process with Bouncy Castle (lightweight API only, no JCE provider): encrypts
 * {@code encoded:digest} to one recipient, optionally signed, and decrypts with a stanza's secret key under
 * fwknopd's signature rules ({@link SignaturePolicy}). Keys come from a GnuPG home directory or exported
 * files ({@link Keyring}), read once per {@link GpgKey} and read again when a source changes.
 *
 * <p>The wire prefix is fwknop's {@code hQ}; {@link #wirePrefixes} adds the other PKESK headers the data can
 * have (ECC keys, upstream #247). Thread-safe.
 */
@Component(property = "cipher=" + GpgKey.TYPE)
public final class GpgCipher implements SpaCipher {

    private static final int MAX_CACHED = 32;

    private final Map<GpgKey, Keyring> keyrings = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<GpgKey, Keyring> eldest) {
            return size() > MAX_CACHED;
        }
    };

    @Override
    public String type() {
        return GpgKey.TYPE;
    }

    @Override
    public String wirePrefix() {
        return PkeskHeader.FWKNOP_PREFIX;
    }

    @Override
    public List<String> wirePrefixes(String wire) {
        return PkeskHeader.candidates(wire);
    }

    @Override
    public String encrypt(byte[] plaintext, CipherKey cipherKey) throws SpaException {
        GpgKey key = gpg(cipherKey);
        Keyring ring = keyring(key);
        if (key.recipient() == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no GnuPG recipient key given");
        }
        KeyName rn = KeyName.parse(key.recipient());
        PGPPublicKeyRing rr = ring.ring(rn);
        if (rr == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG recipient key " + rn + " not found in "
                    + sources(key));
        }
        PGPPublicKey enc = rn.namesSubkey() ? exact(rr, rn) : KeyUsage.encryptionKey(rr);
        if (enc == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG key " + rn
                    + " has no valid encryption (sub)key");
        }
        MessageWriter.Signer signer = key.signer() == null && !key.defaultSigner() ? null : signer(key, ring, rr);
        try {
            byte[] message = MessageWriter.write(plaintext, enc, rr, signer);
            return SpaBase64.encode(message);
        } catch (PGPException | IOException | AgentSigner.AgentException e) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG encryption failed: " + e.getMessage());
        }
    }

    private MessageWriter.Signer signer(GpgKey key, Keyring ring, PGPPublicKeyRing recipientRing) throws SpaException {
        String name = key.signer() != null ? key.signer() : defaultKey(key, ring);
        if (name == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no default signing key: no secret key that can"
                    + " sign in " + sources(key));
        }
        KeyName sn = KeyName.parse(name);
        PGPPublicKeyRing sr = ring.ring(sn);
        if (sr == null) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG signing key " + sn + " not found in "
                    + sources(key));
        }
        int hash = MessageWriter.preferredHash(recipientRing);
        PGPPublicKey sk;
        if (key.useAgent()) {
            sk = sn.namesSubkey() ? exact(sr, sn) : KeyUsage.signingKey(sr, k -> true);
            if (sk == null) {
                throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG key " + sn + " has no signing key");
            }
            String grip = ring.keygrip(sk);
            if (grip == null) {
                throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no keygrip known for signing key "
                        + KeyName.keyId(sk.getKeyID()) + " (no private-keys-v1.d entry in the GnuPG home)");
            }
            Path socket = AgentSigner.findSocket(key.agentSocket(), key.homeDir());
            PGPContentSignerBuilder b = new AgentSigner(socket, grip, sk, hash, key.signerPassphrase());
            return new MessageWriter.Signer(sk, b, new PGPPrivateKey(sk.getKeyID(), sk.getPublicKeyPacket(), null), hash);
        }
        sk = sn.namesSubkey() ? exact(sr, sn) : KeyUsage.signingKey(sr, ring::hasSecret);
        if (sk == null || !ring.hasSecret(sk)) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "no secret signing key for " + sn + " in "
                    + sources(key));
        }
        PGPPrivateKey priv;
        try {
            priv = ring.privateKey(sk, key.signerPassphrase());
        } catch (PGPException e) {
            throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "GnuPG signing key: " + e.getMessage());
        }
        return new MessageWriter.Signer(sk, new BcPGPContentSignerBuilder(sk.getAlgorithm(), hash), priv, hash);
    }

    /** gpg's default key: {@code default-key} of the home's gpg.conf, else the first secret key that can sign. */
    private static String defaultKey(GpgKey key, Keyring ring) {
        if (key.homeDir() != null) {
            Path conf = key.homeDir().resolve("gpg.conf");
            try {
                if (java.nio.file.Files.isRegularFile(conf)) {
                    for (String l : java.nio.file.Files.readAllLines(conf, java.nio.charset.StandardCharsets.UTF_8)) {
                        String t = l.strip();
                        if (t.startsWith("default-key") && t.length() > 11 && Character.isWhitespace(t.charAt(11))) {
                            return t.substring(11).strip();
                        }
                    }
                }
            } catch (IOException e) {
                GpgLog.warn("GnuPG: cannot read {}: {}", conf, e.toString());
            }
        }
        for (PGPPublicKeyRing r : ring.rings()) {
            PGPPublicKey k = KeyUsage.signingKey(r, key.useAgent() ? x -> ring.keygrip(x) != null : ring::hasSecret);
            if (k != null) {
                return KeyName.fingerprint(r.getPublicKey());
            }
        }
        return null;
    }

    @Override
    public byte[] decrypt(String base64Ciphertext, CipherKey cipherKey) throws SpaException {
        GpgKey key = gpg(cipherKey);
        byte[] message;
        try {
            message = SpaBase64.decode(base64Ciphertext);
        } catch (IllegalArgumentException e) {
            throw new SpaException(RefusalReason.NOT_BASE64, "GnuPG data is not base64");
        }
        Keyring ring = keyring(key);
        MessageReader.Opened opened = MessageReader.read(message, ring, decryptionKeys(key, ring), key);
        MessageReader.Signature sig = opened.signature();
        SignaturePolicy.check(key, sig);
        if (key.requireSignature() && sig != null) {
            GpgLog.info("Incoming SPA data signed by '{}'{} ({}), decrypted with {}", sig.fingerprint(),
                    sig.userId() == null ? "" : " (" + sig.userId() + ")", sig.status(), opened.decryptedWith());
        } else {
            GpgLog.info("Incoming SPA data decrypted with {} ({})", opened.decryptedWith(),
                    sig == null ? "unsigned" : "signature not evaluated: GPG_REQUIRE_SIG off");
        }
        return opened.plaintext();
    }

    private List<PGPPublicKey> decryptionKeys(GpgKey key, Keyring ring) throws SpaException {
        List<PGPPublicKey> out = new ArrayList<>();
        if (key.decryptId() != null) {
            KeyName dn = KeyName.parse(key.decryptId());
            PGPPublicKeyRing r = ring.ring(dn);
            if (r == null) {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED, "GPG_DECRYPT_ID " + dn
                        + " names no key in " + sources(key));
            }
            for (PGPPublicKey k : dn.namesSubkey() ? List.of(exact(r, dn)) : KeyUsage.decryptionKeys(r)) {
                if (k != null && ring.hasSecret(k)) {
                    out.add(k);
                }
            }
            if (out.isEmpty()) {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED, "no secret key for GPG_DECRYPT_ID " + dn
                        + " in " + sources(key));
            }
            return out;
        }
        for (PGPPublicKeyRing r : ring.rings()) {
            for (PGPPublicKey k : KeyUsage.decryptionKeys(r)) {
                if (ring.hasSecret(k)) {
                    out.add(k);
                }
            }
        }
        return out;
    }

    private static PGPPublicKey exact(PGPPublicKeyRing ring, KeyName name) {
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey k = it.next();
            if (name.matchesKey(k)) {
                return k;
            }
        }
        return null;
    }

    /** The key's keyring, read on first use and again when one of its sources changed. */
    Keyring keyring(GpgKey key) {
        synchronized (keyrings) {
            Keyring k = keyrings.get(key);
            if (k == null || k.stale()) {
                k = Keyring.load(key);
                for (Keyring.Problem p : k.problems()) {
                    GpgLog.warn("GnuPG key source {}: {}", p.source(), p.reason());
                }
                GpgLog.debug("GnuPG keys for {}: {}", key, k);
                keyrings.put(key, k);
            }
            return k;
        }
    }

    private static String sources(GpgKey key) {
        List<String> s = new ArrayList<>();
        if (key.homeDir() != null) {
            s.add(key.homeDir().toString());
        }
        key.keyFiles().forEach(f -> s.add(f.toString()));
        if (!key.keyData().isEmpty()) {
            s.add(key.keyData().size() + " key blob(s)");
        }
        return String.join(", ", s);
    }

    private static GpgKey gpg(CipherKey key) throws SpaException {
        if (key instanceof GpgKey k) {
            return k;
        }
        throw new SpaException(RefusalReason.CIPHER_UNAVAILABLE, "not a GnuPG key: " + key.cipherType());
    }
}
