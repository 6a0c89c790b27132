package org.postern.cipher.gpg;

import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.OCBBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.operator.PBEProtectionRemoverFactory;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.PGPSecretKeyDecryptorWithAAD;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;

/**
 * Removes gpg-agent's own key protection ({@code openpgp-s2k3-sha1-aes-cbc} of GnuPG 2.1/2.2 and
 * {@code openpgp-s2k3-ocb-aes} of the extended key format) with Bouncy Castle's lightweight AES, so no JCE
 * provider is involved. Bouncy Castle only ships a JCE variant of this factory.
 */
final class AgentKeyProtection implements PBEProtectionRemoverFactory {

    private final char[] passphrase;

    AgentKeyProtection(char[] passphrase) {
        this.passphrase = passphrase == null ? new char[0] : passphrase;
    }

    @Override
    public PBESecretKeyDecryptor createDecryptor(String protection) {
        BcPGPDigestCalculatorProvider digests = new BcPGPDigestCalculatorProvider();
        if (protection.contains("ocb")) {
            return new PGPSecretKeyDecryptorWithAAD(passphrase, digests) {
                @Override
                public byte[] recoverKeyData(int encAlgorithm, byte[] key, byte[] iv, byte[] aad, byte[] keyData,
                        int keyOff, int keyLen) throws PGPException {
                    OCBBlockCipher ocb = new OCBBlockCipher(AESEngine.newInstance(), AESEngine.newInstance());
                    ocb.init(false, new AEADParameters(new KeyParameter(key), 128, iv, aad));
                    byte[] out = new byte[ocb.getOutputSize(keyLen)];
                    int n = ocb.processBytes(keyData, keyOff, keyLen, out, 0);
                    try {
                        n += ocb.doFinal(out, n);
                    } catch (InvalidCipherTextException e) {
                        throw new PGPException("wrong passphrase or damaged key (OCB tag mismatch)");
                    }
                    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
                }

                @Override
                public byte[] recoverKeyData(int encAlgorithm, int aeadAlgorithm, byte[] s2kKey, byte[] iv,
                        int packetTag, int keyVersion, byte[] keyData, byte[] pubkeyData) throws PGPException {
                    throw new PGPException("OpenPGP AEAD key protection is not a gpg-agent protection");
                }
            };
        }
        return new PBESecretKeyDecryptor(passphrase, digests) {
            @Override
            public byte[] recoverKeyData(int encAlgorithm, byte[] key, byte[] iv, byte[] keyData, int keyOff, int keyLen)
                    throws PGPException {
                if (keyLen % 16 != 0) {
                    throw new PGPException("protected key data is not whole AES blocks");
                }
                BlockCipher cbc = CBCBlockCipher.newInstance(AESEngine.newInstance());
                cbc.init(false, new ParametersWithIV(new KeyParameter(key), iv));
                byte[] out = new byte[keyLen];
                for (int i = 0; i < keyLen; i += 16) {
                    cbc.processBlock(keyData, keyOff + i, out, i);
                }
                return out;
            }

            @Override
            public byte[] recoverKeyData(int encAlgorithm, int aeadAlgorithm, byte[] s2kKey, byte[] iv, int packetTag,
                    int keyVersion, byte[] keyData, byte[] pubkeyData) throws PGPException {
                throw new PGPException("OpenPGP AEAD key protection is not a gpg-agent protection");
            }
        };
    }
}
