package org.postern.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.Date;
import java.util.Iterator;

import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.PGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;

/**
 * Writes the OpenPGP message {@code gpgme_op_encrypt_sign} makes for the fwknop client: one PKESK to the
 * recipient (old packet format, as gpg writes it, so that fwknop's {@code hQ} holds for RSA keys of 2048 bits
 * and more),
 * integrity-protected data (SEIPD with MDC) holding, compressed as the recipient prefers, a one-pass signature,
 * the literal data and the signature. No ASCII armour.
 */
final class MessageWriter {

    /** The signing part: the (sub)key, how signatures are made, the private key (a stub for the agent). */
    record Signer(PGPPublicKey key, PGPContentSignerBuilder builder, PGPPrivateKey privateKey, int hashAlgorithm) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageWriter() {
    }

    static byte[] write(byte[] plaintext, PGPPublicKey recipient, PGPPublicKeyRing recipientRing, Signer signer)
            throws PGPException, IOException {
        int compression = preferredCompression(recipientRing);
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        PGPCompressedDataGenerator zip = null;
        OutputStream target = inner;
        if (compression != CompressionAlgorithmTags.UNCOMPRESSED) {
            zip = new PGPCompressedDataGenerator(compression);
            target = zip.open(inner);
        }
        PGPSignatureGenerator sig = null;
        if (signer != null) {
            sig = new PGPSignatureGenerator(signer.builder(), signer.key());
            sig.init(PGPSignature.BINARY_DOCUMENT, signer.privateKey());
            PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
            hashed.setSignatureCreationTime(false, new Date());
            hashed.setIssuerFingerprint(false, signer.key());
            sig.setHashedSubpackets(hashed.generate());
            sig.generateOnePassVersion(false).encode(target);
        }
        PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
        try (OutputStream lo = lit.open(target, PGPLiteralData.BINARY, "", plaintext.length, new Date())) {
            lo.write(plaintext);
        }
        if (sig != null) {
            sig.update(plaintext);
            sig.generate().encode(target);
        }
        if (zip != null) {
            zip.close();
        }
        byte[] body = inner.toByteArray();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PGPEncryptedDataGenerator enc = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(preferredCipher(recipientRing)).setWithIntegrityPacket(true)
                        .setSecureRandom(RANDOM));
        enc.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient).setSecureRandom(RANDOM));
        try (OutputStream eo = enc.open(out, body.length)) {
            eo.write(body);
        }
        return oldFormatPkesk(out.toByteArray());
    }

    /**
     * Rewrites the leading PKESK's new-format header (Bouncy Castle's only choice next to integrity-protected
     * data) as the old-format header gpg writes: {@code 0x84 len} below 256 bytes, else {@code 0x85 len16}.
     * The first 12 bits of the message are what fwknop strips and assumes to be {@code hQ}.
     */
    static byte[] oldFormatPkesk(byte[] msg) throws PGPException {
        if (msg.length < 3 || (msg[0] & 0xff) != 0xC1) {
            throw new PGPException("message does not start with a new-format PKESK");
        }
        int l1 = msg[1] & 0xff;
        int len;
        int hdr;
        if (l1 < 192) {
            len = l1;
            hdr = 2;
        } else if (l1 < 224) {
            len = ((l1 - 192) << 8) + (msg[2] & 0xff) + 192;
            hdr = 3;
        } else {
            throw new PGPException("PKESK with an unexpected length encoding");
        }
        byte[] head = len < 256 ? new byte[] {(byte) 0x84, (byte) len}
                : new byte[] {(byte) 0x85, (byte) (len >> 8), (byte) len};
        byte[] out = new byte[msg.length - hdr + head.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(msg, hdr, out, head.length, msg.length - hdr);
        return out;
    }

    /** The recipient's first preferred cipher that gpg 2.2 would also use; AES-128 without preferences. */
    static int preferredCipher(PGPPublicKeyRing ring) {
        PGPSignatureSubpacketVector v = selfSignature(ring);
        int[] prefs = v == null ? null : v.getPreferredSymmetricAlgorithms();
        if (prefs != null) {
            for (int a : prefs) {
                switch (a) {
                    case SymmetricKeyAlgorithmTags.AES_256, SymmetricKeyAlgorithmTags.AES_192,
                            SymmetricKeyAlgorithmTags.AES_128, SymmetricKeyAlgorithmTags.TWOFISH,
                            SymmetricKeyAlgorithmTags.CAMELLIA_256, SymmetricKeyAlgorithmTags.CAMELLIA_192,
                            SymmetricKeyAlgorithmTags.CAMELLIA_128 -> {
                        return a;
                    }
                    default -> {
                        // older ciphers are skipped
                    }
                }
            }
        }
        return SymmetricKeyAlgorithmTags.AES_128;
    }

    /** The recipient's first preferred compression (ZLIB, ZIP, BZIP2 or none); ZIP without preferences. */
    static int preferredCompression(PGPPublicKeyRing ring) {
        PGPSignatureSubpacketVector v = selfSignature(ring);
        int[] prefs = v == null ? null : v.getPreferredCompressionAlgorithms();
        if (prefs != null && prefs.length > 0) {
            int a = prefs[0];
            if (a >= CompressionAlgorithmTags.UNCOMPRESSED && a <= CompressionAlgorithmTags.BZIP2) {
                return a;
            }
        }
        return CompressionAlgorithmTags.ZIP;
    }

    /** SHA-256 unless the recipient prefers SHA-384/512 (gpg takes the recipient's preference; never SHA-1). */
    static int preferredHash(PGPPublicKeyRing ring) {
        PGPSignatureSubpacketVector v = selfSignature(ring);
        int[] prefs = v == null ? null : v.getPreferredHashAlgorithms();
        if (prefs != null) {
            for (int a : prefs) {
                if (a == HashAlgorithmTags.SHA512 || a == HashAlgorithmTags.SHA384 || a == HashAlgorithmTags.SHA256) {
                    return a;
                }
            }
        }
        return HashAlgorithmTags.SHA256;
    }

    /** The newest self-signature of the primary key carrying preferences (a user ID certification or direct key). */
    private static PGPSignatureSubpacketVector selfSignature(PGPPublicKeyRing ring) {
        PGPPublicKey primary = ring.getPublicKey();
        PGPSignatureSubpacketVector best = null;
        long bestTime = Long.MIN_VALUE;
        for (Iterator<PGPSignature> it = primary.getSignatures(); it.hasNext(); ) {
            PGPSignature s = it.next();
            if (s.getKeyID() != primary.getKeyID() || s.getHashedSubPackets() == null) {
                continue;
            }
            int t = s.getSignatureType();
            boolean self = t == PGPSignature.DIRECT_KEY || (t >= PGPSignature.DEFAULT_CERTIFICATION
                    && t <= PGPSignature.POSITIVE_CERTIFICATION);
            if (self && s.getHashedSubPackets().getPreferredSymmetricAlgorithms() != null
                    && s.getCreationTime().getTime() > bestTime) {
                best = s.getHashedSubPackets();
                bestTime = s.getCreationTime().getTime();
            }
        }
        return best;
    }
}
