package org.postern.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.bouncycastle.bcpg.sig.IssuerFingerprint;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import org.bouncycastle.util.encoders.Hex;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * Opens an OpenPGP message as {@code gpgme_op_decrypt_verify} does for fwknopd: a public-key encrypted
 * session key for one of the stanza's secret keys, integrity-protected data (data without an MDC is refused,
 * as GnuPG refuses it), optionally compressed, the literal data and its signatures (one-pass or leading).
 * Only the first signature is evaluated. Every size is bounded: SPA plaintext is less than 1500 bytes.
 */
final class MessageReader {

    /** What the message held. */
    record Opened(byte[] plaintext, Signature signature, String decryptedWith) {
    }

    /** The first signature of a message, as far as it could be checked. */
    record Signature(Status status, String fingerprint, String primaryFingerprint, String userId, String detail) {
        boolean good() {
            return status == Status.GOOD;
        }
    }

    /** gpgme's signature summary, the part fwknop looks at (status "no error" and validity). */
    enum Status { GOOD, BAD, NO_PUBLIC_KEY, KEY_REVOKED, KEY_EXPIRED, SIGNATURE_EXPIRED }

    /** The SPA plaintext is shorter than MAX_SPA_ENCODED_MSG_SIZE. */
    static final int MAX_PLAINTEXT = 1500;
    /** Decrypted or decompressed packets beyond this are not SPA data. */
    private static final int MAX_INNER = 64 * 1024;
    private static final int MAX_OBJECTS = 64;

    private MessageReader() {
    }

    /**
     * @param allowed the keys that may decrypt (with a secret held), in preference order
     * @throws SpaException WRONG_RECIPIENT when it is for none of them, DECRYPTION_FAILED or MALFORMED otherwise
     */
    static Opened read(byte[] message, Keyring ring, List<PGPPublicKey> allowed, GpgKey key) throws SpaException {
        BcPGPObjectFactory factory = new BcPGPObjectFactory(message);
        PGPEncryptedDataList list = encryptedDataList(factory);
        List<String> addressed = new ArrayList<>();
        SpaException failure = null;
        for (PGPEncryptedData ed : list) {
            if (!(ed instanceof PGPPublicKeyEncryptedData pk)) {
                continue;
            }
            long id = pk.getKeyID();
            if (id == 0) {
                // the key ID is not authenticated: trying every key for an anonymous recipient would let the
                // same packet, its key ID zeroed, pass the replay cache (a digest of the wire) a second time
                addressed.add("an anonymous recipient (gpg --throw-keyids), which is refused");
                continue;
            }
            addressed.add(KeyName.keyId(id));
            for (PGPPublicKey pub : allowed) {
                if (pub.getKeyID() != id) {
                    continue;
                }
                PGPPrivateKey priv;
                try {
                    priv = ring.privateKey(pub, key.decryptPassphrase());
                } catch (PGPException e) {
                    throw new SpaException(RefusalReason.DECRYPTION_FAILED, e.getMessage());
                }
                try {
                    byte[] inner = decrypt(pk, priv);
                    requireEnd(factory);
                    return readInner(inner, ring, KeyName.keyId(pub.getKeyID()));
                } catch (SpaException e) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        List<String> ours = new ArrayList<>();
        allowed.forEach(k -> ours.add(KeyName.keyId(k.getKeyID())));
        throw new SpaException(RefusalReason.WRONG_RECIPIENT, "GnuPG data encrypted to " + String.join(", ", addressed)
                + "; the stanza decrypts with " + (ours.isEmpty() ? "no secret key" : String.join(", ", ours)));
    }

    /**
     * Nothing may follow the encrypted data (read to its end by then): appended bytes would make a second,
     * different wire form of the same packet, which the replay cache (a digest of the wire) would not know.
     */
    private static void requireEnd(BcPGPObjectFactory f) throws SpaException {
        Object next;
        try {
            next = f.nextObject();
        } catch (IOException | RuntimeException e) {
            next = e;
        }
        if (next != null) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "data after the OpenPGP message");
        }
    }

    private static PGPEncryptedDataList encryptedDataList(BcPGPObjectFactory f) throws SpaException {
        try {
            for (int i = 0; i < MAX_OBJECTS; i++) {
                Object o = f.nextObject();
                if (o instanceof PGPEncryptedDataList l) {
                    return l;
                }
                if (!(o instanceof PGPMarker)) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "not OpenPGP encrypted data (" + e.getClass().getSimpleName() + ")");
        }
        throw new SpaException(RefusalReason.DECRYPTION_FAILED, "not OpenPGP encrypted data");
    }

    private static byte[] decrypt(PGPPublicKeyEncryptedData pk, PGPPrivateKey priv) throws SpaException {
        try {
            if (!pk.isIntegrityProtected()) {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED,
                        "encrypted data without integrity protection (no MDC): refused, as GnuPG does");
            }
            byte[] inner;
            try (InputStream in = pk.getDataStream(new BcPublicKeyDataDecryptorFactory(priv))) {
                inner = readBounded(in, MAX_INNER);
            }
            if (!pk.verify()) {
                throw new SpaException(RefusalReason.DECRYPTION_FAILED, "integrity check (MDC) failed");
            }
            return inner;
        } catch (PGPException | IOException | RuntimeException e) {
            throw new SpaException(RefusalReason.DECRYPTION_FAILED, "GnuPG decryption failed: " + e.getMessage());
        }
    }

    private static Opened readInner(byte[] inner, Keyring ring, String decryptedWith) throws SpaException {
        try {
            BcPGPObjectFactory f = new BcPGPObjectFactory(inner);
            PGPOnePassSignatureList ops = null;
            PGPSignatureList sigs = null;
            byte[] literal = null;
            int compressions = 0;
            for (int i = 0; i < MAX_OBJECTS; i++) {
                Object o = f.nextObject();
                if (o == null) {
                    break;
                }
                if (o instanceof PGPCompressedData cd) {
                    if (++compressions > 1 || literal != null) {
                        throw new SpaException(RefusalReason.MALFORMED, "nested compression in GnuPG data");
                    }
                    f = new BcPGPObjectFactory(readBounded(cd.getDataStream(), MAX_INNER));
                } else if (o instanceof PGPOnePassSignatureList l) {
                    ops = ops == null ? l : ops;
                } else if (o instanceof PGPSignatureList l) {
                    sigs = sigs == null ? l : sigs;
                } else if (o instanceof PGPLiteralData ld) {
                    if (literal != null) {
                        throw new SpaException(RefusalReason.MALFORMED, "more than one literal data packet");
                    }
                    literal = readBounded(ld.getInputStream(), MAX_PLAINTEXT);
                }
            }
            if (literal == null) {
                throw new SpaException(RefusalReason.MALFORMED, "GnuPG data holds no literal data");
            }
            Signature sig = sigs == null || sigs.isEmpty() ? null : verify(sigs.get(0), ops, literal, ring);
            return new Opened(literal, sig, decryptedWith);
        } catch (IOException | PGPException | RuntimeException e) {
            throw new SpaException(RefusalReason.MALFORMED, "GnuPG packet structure: " + e.getMessage());
        }
    }

    private static Signature verify(PGPSignature sig, PGPOnePassSignatureList ops, byte[] literal, Keyring ring)
            throws PGPException {
        IssuerFingerprint ifp = sig.getHashedSubPackets() == null ? null : sig.getHashedSubPackets().getIssuerFingerprint();
        byte[] issuerFpr = ifp == null ? null : ifp.getFingerprint();
        PGPPublicKeyRing r = issuerFpr != null ? ring.ringOf(issuerFpr) : null;
        if (r == null) {
            r = ring.ringOf(sig.getKeyID());
        }
        if (r == null) {
            String who = issuerFpr != null ? Hex.toHexString(issuerFpr).toUpperCase(java.util.Locale.ROOT)
                    : KeyName.keyId(sig.getKeyID());
            return new Signature(Status.NO_PUBLIC_KEY, who, who, null, "no public key for signer " + who);
        }
        PGPPublicKey pub = r.getPublicKey(sig.getKeyID());
        if (pub == null && issuerFpr != null) {
            pub = r.getPublicKey(issuerFpr);
        }
        PGPPublicKey primary = r.getPublicKey();
        String fpr = KeyName.fingerprint(pub);
        String primaryFpr = KeyName.fingerprint(primary);
        Iterator<String> uids = primary.getUserIDs();
        String uid = uids.hasNext() ? uids.next() : null;
        if (sig.getSignatureType() != PGPSignature.BINARY_DOCUMENT
                && sig.getSignatureType() != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
            return new Signature(Status.BAD, fpr, primaryFpr, uid, "signature type " + sig.getSignatureType()
                    + " is not a document signature");
        }
        boolean ok;
        PGPOnePassSignature one = null;
        if (ops != null) {
            for (PGPOnePassSignature o : ops) {
                if (o.getKeyID() == sig.getKeyID()) {
                    one = o;
                    break;
                }
            }
        }
        BcPGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();
        if (one != null) {
            one.init(verifiers, pub);
            one.update(literal);
            ok = one.verify(sig);
        } else {
            sig.init(verifiers, pub);
            sig.update(literal);
            ok = sig.verify();
        }
        if (!ok) {
            return new Signature(Status.BAD, fpr, primaryFpr, uid, "BAD signature from " + fpr);
        }
        long made = sig.getCreationTime().getTime() / 1000;
        if (pub.hasRevocation() || primary.hasRevocation()) {
            return new Signature(Status.KEY_REVOKED, fpr, primaryFpr, uid, "signing key " + fpr + " is revoked");
        }
        if (expiredAt(pub, made) || expiredAt(primary, made)) {
            return new Signature(Status.KEY_EXPIRED, fpr, primaryFpr, uid, "signing key " + fpr + " had expired");
        }
        long sigExpiry = sig.getHashedSubPackets() == null ? 0 : sig.getHashedSubPackets().getSignatureExpirationTime();
        if (sigExpiry > 0 && made + sigExpiry < System.currentTimeMillis() / 1000) {
            return new Signature(Status.SIGNATURE_EXPIRED, fpr, primaryFpr, uid, "signature by " + fpr + " expired");
        }
        return new Signature(Status.GOOD, fpr, primaryFpr, uid, "good signature from " + fpr);
    }

    private static boolean expiredAt(PGPPublicKey k, long epochSeconds) {
        long valid = k.getValidSeconds();
        return valid > 0 && k.getCreationTime().getTime() / 1000 + valid < epochSeconds;
    }

    private static byte[] readBounded(InputStream in, int max) throws IOException, SpaException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max, 4096));
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + n > max) {
                throw new SpaException(RefusalReason.MALFORMED, "GnuPG data larger than " + max + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
