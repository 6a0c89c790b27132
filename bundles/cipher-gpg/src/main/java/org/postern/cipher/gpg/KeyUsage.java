package org.postern.cipher.gpg;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * Which (sub)key of a key ring gpg would use for what: the key flags of its newest self-signature (binding
 * signature for subkeys), or the algorithm's abilities when there are no flags; revoked and expired keys
 * are skipped; among several, the newest wins.
 */
final class KeyUsage {

    private KeyUsage() {
    }

    /** The key to encrypt to, or null. */
    static PGPPublicKey encryptionKey(PGPPublicKeyRing ring) {
        return newest(ring, k -> can(ring, k, KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE, true));
    }

    /** The key to sign with among those {@code usable} accepts (e.g. those with a secret), or null. */
    static PGPPublicKey signingKey(PGPPublicKeyRing ring, Predicate<PGPPublicKey> usable) {
        return newest(ring, k -> can(ring, k, KeyFlags.SIGN_DATA, false) && usable.test(k));
    }

    /** Every key of the ring that can decrypt, newest first. */
    static List<PGPPublicKey> decryptionKeys(PGPPublicKeyRing ring) {
        List<PGPPublicKey> out = new ArrayList<>();
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey k = it.next();
            if (algorithmEncrypts(k.getAlgorithm())) {
                out.add(k);
            }
        }
        out.sort((a, b) -> b.getCreationTime().compareTo(a.getCreationTime()));
        return out;
    }

    private static PGPPublicKey newest(PGPPublicKeyRing ring, Predicate<PGPPublicKey> wanted) {
        PGPPublicKey best = null;
        for (Iterator<PGPPublicKey> it = ring.getPublicKeys(); it.hasNext(); ) {
            PGPPublicKey k = it.next();
            if (wanted.test(k) && valid(ring, k)
                    && (best == null || k.getCreationTime().after(best.getCreationTime()))) {
                best = k;
            }
        }
        return best;
    }

    private static boolean can(PGPPublicKeyRing ring, PGPPublicKey k, int wanted, boolean encrypt) {
        Integer flags = flags(ring, k);
        if (flags != null) {
            return (flags & wanted) != 0;
        }
        return encrypt ? algorithmEncrypts(k.getAlgorithm()) : algorithmSigns(k.getAlgorithm());
    }

    static boolean valid(PGPPublicKeyRing ring, PGPPublicKey k) {
        long now = System.currentTimeMillis() / 1000;
        PGPPublicKey primary = ring.getPublicKey();
        for (PGPPublicKey x : new PGPPublicKey[] {k, primary}) {
            if (x.hasRevocation()) {
                return false;
            }
            long v = x.getValidSeconds();
            if (v > 0 && x.getCreationTime().getTime() / 1000 + v < now) {
                return false;
            }
        }
        return true;
    }

    /** The key flags of the newest self-signature that has them, or null. */
    private static Integer flags(PGPPublicKeyRing ring, PGPPublicKey k) {
        long primaryId = ring.getPublicKey().getKeyID();
        Integer flags = null;
        long newest = Long.MIN_VALUE;
        for (Iterator<PGPSignature> it = k.getSignatures(); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getKeyID() != primaryId || s.getHashedSubPackets() == null) {
                continue;
            }
            int t = s.getSignatureType();
            boolean binding = k.isMasterKey() ? t == PGPSignature.DIRECT_KEY
                    || (t >= PGPSignature.DEFAULT_CERTIFICATION && t <= PGPSignature.POSITIVE_CERTIFICATION)
                    : t == PGPSignature.SUBKEY_BINDING;
            if (binding && s.getHashedSubPackets().getKeyFlags() != 0 && s.getCreationTime().getTime() > newest) {
                flags = s.getHashedSubPackets().getKeyFlags();
                newest = s.getCreationTime().getTime();
            }
        }
        return flags;
    }

    private static boolean algorithmEncrypts(int a) {
        return a == PublicKeyAlgorithmTags.RSA_GENERAL || a == PublicKeyAlgorithmTags.RSA_ENCRYPT
                || a == PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT || a == PublicKeyAlgorithmTags.ELGAMAL_GENERAL
                || a == PublicKeyAlgorithmTags.ECDH || a == PublicKeyAlgorithmTags.X25519
                || a == PublicKeyAlgorithmTags.X448;
    }

    private static boolean algorithmSigns(int a) {
        return a == PublicKeyAlgorithmTags.RSA_GENERAL || a == PublicKeyAlgorithmTags.RSA_SIGN
                || a == PublicKeyAlgorithmTags.DSA || a == PublicKeyAlgorithmTags.ECDSA
                || a == PublicKeyAlgorithmTags.EDDSA_LEGACY || a == PublicKeyAlgorithmTags.Ed25519
                || a == PublicKeyAlgorithmTags.Ed448;
    }
}
