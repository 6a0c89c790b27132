package org.postern.cipher.gpg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bouncycastle.bcpg.BCPGKey;
import org.bouncycastle.bcpg.DSAPublicBCPGKey;
import org.bouncycastle.bcpg.DSASecretBCPGKey;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.ECSecretBCPGKey;
import org.bouncycastle.bcpg.EdDSAPublicBCPGKey;
import org.bouncycastle.bcpg.EdSecretBCPGKey;
import org.bouncycastle.bcpg.ElGamalPublicBCPGKey;
import org.bouncycastle.bcpg.ElGamalSecretBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.RSAPublicBCPGKey;
import org.bouncycastle.bcpg.RSASecretBCPGKey;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SecretKeyPacket;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.gpg.PGPSecretKeyParser;
import org.bouncycastle.gpg.SExpression;
import org.bouncycastle.openpgp.ExtendedPGPSecretKey;
import org.bouncycastle.openpgp.OpenedPGPKeyData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * One secret key of gpg-agent's store ({@code private-keys-v1.d/<keygrip>.key}), in either file format
 * (the canonical S-expression of GnuPG 2.1/2.2, or the extended "Key:" format), with each protection GnuPG
 * writes: none ({@code private-key}), {@code openpgp-s2k3-sha1-aes-cbc}, {@code openpgp-s2k3-ocb-aes}, and
 * {@code openpgp-native} (a key imported with {@code gpg --import} and not used since: its OpenPGP secret
 * key packet data, unprotected or with OpenPGP's own S2K protection). {@code shadowed-private-key} (a smart
 * card) cannot be used in-process.
 *
 * <p>The public part is read without the passphrase, so that a file is matched to an OpenPGP key by its key
 * material before anything is decrypted.
 */
final class AgentKeyFile {

    private static final int MAX_DEPTH = 10;
    private static final long MAX_FILE = 64 * 1024;

    private final Path path;
    private final String keygrip;
    private final OpenedPGPKeyData data;
    private final String kind;
    private final SExpression key;
    private final BigInteger publicValue;

    private AgentKeyFile(Path path, OpenedPGPKeyData data) throws IOException {
        this.path = path;
        String name = path.getFileName().toString();
        this.keygrip = name.substring(0, name.length() - 4).toUpperCase(Locale.ROOT);
        this.data = data;
        SExpression top = data.getKeyExpression();
        if (top == null || top.getValues().size() < 2 || !(top.getValue(1) instanceof SExpression)) {
            throw new IOException("not a key S-expression");
        }
        this.kind = top.getString(0);
        this.key = top.getExpression(1);
        this.publicValue = publicValue(key);
    }

    /** Reads one {@code .key} file; null when it is not a key this class understands. */
    static AgentKeyFile read(Path file) throws IOException {
        if (Files.size(file) > MAX_FILE) {
            throw new IOException("larger than " + MAX_FILE + " bytes");
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length > 0 && bytes[0] != '(') {
            bytes = ExtendedKeyText.saltAsHex(bytes); // the extended format: see ExtendedKeyText
        }
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            return new AgentKeyFile(file, PGPSecretKeyParser.parse(in, MAX_DEPTH));
        } catch (RuntimeException e) {
            throw new IOException("unreadable S-expression: " + e);
        }
    }

    /** The keygrip (the file name): what gpg-agent calls the key by. */
    String keygrip() {
        return keygrip;
    }

    Path path() {
        return path;
    }

    /** {@code private-key}, {@code protected-private-key} or {@code shadowed-private-key}. */
    String kind() {
        return kind;
    }

    /** Whether this file holds the secret half of {@code pub} (same modulus, point or public value). */
    boolean matches(PGPPublicKey pub) {
        BigInteger v = publicValue(pub.getPublicKeyPacket().getKey());
        return v != null && v.equals(publicValue);
    }

    /**
     * Unlocks the key for {@code pub}.
     *
     * @param passphrase null or empty for an unprotected key
     * @throws PGPException for a wrong passphrase, a card key or a format not supported
     */
    PGPPrivateKey unlock(PGPPublicKey pub, char[] passphrase) throws PGPException {
        if (kind.equals("shadowed-private-key")) {
            throw new PGPException("key " + keygrip + " is on a smart card (shadowed): only gpg-agent can use it");
        }
        SExpression prot = key.getExpressionWithLabel("protected");
        try {
            if (prot != null && "openpgp-native".equals(prot.getString(1))) {
                return unlockNative(pub, prot.getExpression(2), passphrase);
            }
            if ("ecc".equals(key.getString(0))) {
                return unlockEcc(pub, prot, passphrase);
            }
            ExtendedPGPSecretKey sk = data.getKeyData(pub, new BcPGPDigestCalculatorProvider(),
                    new AgentKeyProtection(passphrase), new BcKeyFingerprintCalculator(), MAX_DEPTH);
            if (sk == null) {
                throw new PGPException("unknown key type " + kind);
            }
            return sk.extractPrivateKey(null);
        } catch (IOException | RuntimeException e) {
            throw new PGPException((prot != null ? "wrong passphrase or damaged key" : "damaged key") + " in "
                    + path.getFileName() + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code (openpgp-private-key (version V)(algo A)[(curve C)](skey _ M1 _ M2 ... | e BLOB)(csum N)(protection ...))}. */
    private PGPPrivateKey unlockNative(PGPPublicKey pub, SExpression opk, char[] passphrase) throws PGPException {
        SExpression skey = opk.getExpressionWithLabelOrFail("skey");
        List<byte[]> plain = new ArrayList<>();
        byte[] encrypted = null;
        List<Object> v = skey.getValues();
        for (int i = 1; i + 1 < v.size(); i += 2) {
            String flag = v.get(i).toString();
            Object val = v.get(i + 1);
            byte[] b = bytes(val);
            if (b == null) {
                continue;
            }
            if (flag.equals("e")) {
                encrypted = b;
            } else {
                plain.add(b);
            }
        }
        SExpression protection = opk.getExpressionWithLabelOrFail("protection");
        String mode = protection.getString(1);
        int algo = pub.getAlgorithm();
        int publicCount = publicMpiCount(algo);
        if (mode.equals("none")) {
            if (plain.size() <= publicCount) {
                throw new PGPException("openpgp-native key without secret values");
            }
            BCPGKey secret = secretKey(algo, plain.subList(publicCount, plain.size()), pub);
            return new PGPPrivateKey(pub.getKeyID(), pub.getPublicKeyPacket(), secret);
        }
        // (protection sha1|sum CIPHER IV S2KMODE HASH SALT COUNT): the secret MPIs encrypted as in an OpenPGP
        // secret key packet
        if (encrypted == null) {
            throw new PGPException("protected openpgp-native key without encrypted data");
        }
        int usage = mode.equals("sha1") ? SecretKeyPacket.USAGE_SHA1 : SecretKeyPacket.USAGE_CHECKSUM;
        int cipher = cipherId(protection.getString(2));
        byte[] iv = bytes(protection, 3);
        int s2kMode = Integer.parseInt(protection.getString(4));
        int hash = PGPUtil.getDigestIDForName(protection.getString(5).replace("-", ""));
        byte[] salt = bytes(protection, 6);
        S2K s2k = switch (s2kMode) {
            case S2K.SIMPLE -> new S2K(hash);
            case S2K.SALTED -> new S2K(hash, salt);
            case S2K.SALTED_AND_ITERATED -> new S2K(hash, salt, codedCount(Long.parseLong(protection.getString(7))));
            default -> throw new PGPException("S2K mode " + s2kMode + " not supported");
        };
        SecretKeyPacket packet = new SecretKeyPacket(pub.getPublicKeyPacket(), cipher, usage, s2k, iv, encrypted);
        char[] pass = passphrase == null ? new char[0] : passphrase;
        return new PGPSecretKey(packet, pub).extractPrivateKey(
                new BcPBESecretKeyDecryptorBuilder(new BcPGPDigestCalculatorProvider()).build(pass));
    }

    /**
     * An ECC key of the agent's own format. Bouncy Castle's parser names curves by the new OIDs and cannot read
     * Curve25519 points, so the secret {@code d} is taken out here: directly from a {@code private-key}, or
     * after removing gpg-agent's protection ({@code openpgp-s2k3-ocb-aes}: AES-128-OCB with the key list minus
     * the protected part as associated data; {@code openpgp-s2k3-sha1-aes-cbc}: AES-128-CBC, checked with the
     * SHA-1 over the key list with {@code d}). The public point was matched already.
     */
    private PGPPrivateKey unlockEcc(PGPPublicKey pub, SExpression prot, char[] passphrase)
            throws PGPException, IOException {
        byte[] d;
        if (prot == null) {
            d = bytes(key.getExpressionWithLabelOrFail("d"), 1);
        } else {
            String mode = prot.getString(1);
            boolean ocb = mode.equals("openpgp-s2k3-ocb-aes");
            if (!ocb && !mode.equals("openpgp-s2k3-sha1-aes-cbc")) {
                throw new PGPException("protection " + mode + " not supported");
            }
            SExpression params = prot.getExpression(2);
            SExpression s2kParams = params.getExpression(0);
            S2K s2k = new S2K(PGPUtil.getDigestIDForName(s2kParams.getString(0).toUpperCase(Locale.ROOT)),
                    bytes(s2kParams, 1), agentCount(Long.parseLong(s2kParams.getString(2))));
            byte[] nonce = bytes(params, 1);
            byte[] sealed = bytes(prot, 3);
            AgentKeyProtection remover = new AgentKeyProtection(passphrase);
            org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor dec = remover.createDecryptor(mode);
            byte[] aesKey = dec.makeKeyFromPassPhrase(SymmetricKeyAlgorithmTags.AES_128, s2k);
            byte[] plain;
            if (ocb) {
                byte[] aad = key.filterOut("protected").toCanonicalForm();
                plain = ((org.bouncycastle.openpgp.operator.PGPSecretKeyDecryptorWithAAD) dec).recoverKeyData(
                        SymmetricKeyAlgorithmTags.AES_128, aesKey, nonce, aad, sealed, 0, sealed.length);
            } else {
                plain = dec.recoverKeyData(SymmetricKeyAlgorithmTags.AES_128, aesKey, nonce, sealed, 0, sealed.length);
            }
            SExpression inner = SExpression.parse(plain, MAX_DEPTH);
            SExpression secret = inner.getExpression(0);
            SExpression dl = find(secret, "d", 3);
            if (dl == null) {
                throw new PGPException("wrong passphrase or damaged key (no secret value)");
            }
            d = bytes(dl, 1);
            if (!ocb) {
                SExpression hash = find(inner, "hash", 1);
                if (hash == null) {
                    throw new PGPException("wrong passphrase or damaged key (no hash)");
                }
                checkSha1(dl, bytes(hash, 2));
            }
        }
        BigInteger x = new BigInteger(1, d);
        BCPGKey sk = pub.getAlgorithm() == PublicKeyAlgorithmTags.EDDSA_LEGACY ? new EdSecretBCPGKey(x)
                : new ECSecretBCPGKey(x);
        return new PGPPrivateKey(pub.getKeyID(), pub.getPublicKeyPacket(), sk);
    }

    /** A byte string of the S-expression, whichever way the advanced format wrote it. */
    static byte[] bytes(SExpression e, int i) {
        byte[] b = bytes(e.getValue(i));
        if (b == null) {
            throw new IllegalArgumentException("no byte string at " + i);
        }
        return b;
    }

    /**
     * {@code #hex#} and canonical strings arrive as bytes; {@code "quoted"} strings with C escapes (GnuPG
     * writes printable binary such as a salt that way); a bare token is its own bytes. Null for a list.
     */
    static byte[] bytes(Object v) {
        if (v instanceof byte[] b) {
            return b;
        }
        if (v instanceof SExpression.QuotedString q) {
            return unquote(q.toString());
        }
        if (v instanceof String t) {
            return t.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return null;
    }

    private static byte[] unquote(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.write(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'v' -> out.write(0x0b);
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'x' -> {
                    if (i + 2 < s.length()) {
                        out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                        i += 2;
                    }
                }
                case '\n', '\r' -> {
                    // line continuation
                }
                default -> {
                    if (n >= '0' && n <= '7' && i + 2 < s.length()) {
                        out.write(Integer.parseInt(s.substring(i, i + 3), 8));
                        i += 2;
                    } else {
                        out.write(n);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** The first list labelled {@code label} at most {@code depth} levels down (lists may start with lists). */
    static SExpression find(SExpression e, String label, int depth) {
        List<Object> v = e.getValues();
        if (!v.isEmpty() && !(v.get(0) instanceof SExpression)) {
            byte[] l = bytes(v.get(0));
            if (l != null && label.equals(new String(l, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                return e;
            }
        }
        if (depth > 0) {
            for (Object o : v) {
                if (o instanceof SExpression c) {
                    SExpression f = find(c, label, depth - 1);
                    if (f != null) {
                        return f;
                    }
                }
            }
        }
        return null;
    }

    /** gpg-agent's CBC protection hashes {@code (ecc (curve..)[(flags..)](q..)(d..)(protected-at..))}. */
    private void checkSha1(SExpression d, byte[] expected) throws PGPException {
        SExpression.Builder b = SExpression.builder().addValue("ecc");
        for (String label : new String[] {"curve", "flags", "q", "d", "protected-at"}) {
            SExpression e = label.equals("d") ? d : key.getExpressionWithLabel(label);
            if (e != null) {
                b.addValue(e);
            }
        }
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-1").digest(b.build().toCanonicalForm());
            if (!java.security.MessageDigest.isEqual(h, expected)) {
                throw new PGPException("wrong passphrase or damaged key (hash mismatch)");
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks SHA-1", e);
        }
    }

    private static BCPGKey secretKey(int algo, List<byte[]> s, PGPPublicKey pub) throws PGPException {
        BigInteger first = new BigInteger(1, s.get(0));
        switch (algo) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_ENCRYPT, PublicKeyAlgorithmTags.RSA_SIGN -> {
                if (s.size() < 3) {
                    throw new PGPException("RSA key without d, p, q");
                }
                BigInteger p = new BigInteger(1, s.get(1));
                BigInteger q = new BigInteger(1, s.get(2));
                RSAPublicBCPGKey rsa = (RSAPublicBCPGKey) pub.getPublicKeyPacket().getKey();
                if (!p.multiply(q).equals(rsa.getModulus())) {
                    throw new PGPException("RSA secret key does not match its public key");
                }
                return new RSASecretBCPGKey(first, p, q);
            }
            case PublicKeyAlgorithmTags.DSA -> {
                return new DSASecretBCPGKey(first);
            }
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL -> {
                return new ElGamalSecretBCPGKey(first);
            }
            case PublicKeyAlgorithmTags.ECDH, PublicKeyAlgorithmTags.ECDSA -> {
                return new ECSecretBCPGKey(first);
            }
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> {
                return new EdSecretBCPGKey(first);
            }
            default -> throw new PGPException("public key algorithm " + algo + " not supported in openpgp-native keys");
        }
    }

    /** How many public MPIs precede the secret ones in an OpenPGP v4 key of this algorithm. */
    private static int publicMpiCount(int algo) {
        return switch (algo) {
            case PublicKeyAlgorithmTags.DSA -> 4;
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL,
                    PublicKeyAlgorithmTags.ECDH -> 3;
            default -> 2; // RSA n e; ECDSA/EdDSA oid q
        };
    }

    /** libgcrypt cipher names as gpg writes them into openpgp-native keys. */
    private static int cipherId(String name) throws PGPException {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "AES", "AES128" -> SymmetricKeyAlgorithmTags.AES_128;
            case "AES192" -> SymmetricKeyAlgorithmTags.AES_192;
            case "AES256" -> SymmetricKeyAlgorithmTags.AES_256;
            case "3DES", "TRIPLEDES" -> SymmetricKeyAlgorithmTags.TRIPLE_DES;
            case "CAST5" -> SymmetricKeyAlgorithmTags.CAST5;
            case "BLOWFISH" -> SymmetricKeyAlgorithmTags.BLOWFISH;
            case "TWOFISH" -> SymmetricKeyAlgorithmTags.TWOFISH;
            case "CAMELLIA128" -> SymmetricKeyAlgorithmTags.CAMELLIA_128;
            case "CAMELLIA192" -> SymmetricKeyAlgorithmTags.CAMELLIA_192;
            case "CAMELLIA256" -> SymmetricKeyAlgorithmTags.CAMELLIA_256;
            default -> throw new PGPException("cipher " + name + " not supported");
        };
    }

    /**
     * gpg writes the one-octet coded count into openpgp-native keys ({@code "255"}); gpg-agent's own
     * protection carries the decoded count. Values above 255 are decoded counts.
     */
    static int codedCount(long count) {
        return count <= 255 ? (int) count : encodeCount(count);
    }

    /** gpg-agent iterates exactly its calibrated count: Bouncy Castle takes counts above 65536 as they are. */
    static int agentCount(long count) {
        return count > 65536 && count <= Integer.MAX_VALUE ? (int) count : encodeCount(count);
    }

    /** The one-octet S2K count that decodes to {@code count} (RFC 4880 3.7.1.3), or the next larger one. */
    static int encodeCount(long count) {
        for (int c = 0; c < 256; c++) {
            if ((16L + (c & 15)) << ((c >> 4) + 6) >= count) {
                return c;
            }
        }
        return 255;
    }

    /** The public value a key file and an OpenPGP key share: RSA n, EC point q, DSA/ElGamal y. */
    private static BigInteger publicValue(SExpression k) {
        for (String label : new String[] {"n", "q", "y"}) {
            SExpression e = k.getExpressionWithLabel(label);
            byte[] b = e == null || e.getValues().size() < 2 ? null : bytes(e.getValue(1));
            if (b != null) {
                return new BigInteger(1, b);
            }
        }
        return null;
    }

    private static BigInteger publicValue(BCPGKey k) {
        if (k instanceof RSAPublicBCPGKey r) {
            return r.getModulus();
        }
        if (k instanceof ECPublicBCPGKey e) {
            return e.getEncodedPoint();
        }
        if (k instanceof EdDSAPublicBCPGKey e) {
            return e.getEncodedPoint();
        }
        if (k instanceof DSAPublicBCPGKey d) {
            return d.getY();
        }
        if (k instanceof ElGamalPublicBCPGKey g) {
            return g.getY();
        }
        return null;
    }
}
