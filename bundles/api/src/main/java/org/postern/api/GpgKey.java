package org.postern.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * GnuPG key material and signature policy for one access stanza or one client invocation. It names where the
 * keys are (a GnuPG home directory, exported key files or key bytes) and which of them to use; the
 * {@code gpg} {@link SpaCipher} reads and caches them.
 *
 * <p>Decryption (the server): the secret key {@link #decryptId()} (any secret key held when null), unlocked
 * with {@link #decryptPassphrase()} (null: the key has no passphrase, fwknop's {@code GPG_ALLOW_NO_PW}). When
 * {@link #requireSignature()} is set the data must be signed; only the first signature counts, it must verify
 * with a public key of the key sources (unless {@link #ignoreSignatureErrors()}), and its signer must be
 * allowed: {@link #signerFingerprints()} (full fingerprints, exact) and {@link #signerIds()} (the last 8 hex
 * digits of the signer's fingerprint, exact and case-sensitive, as fwknop compares them); both lists must
 * match when both are set.
 *
 * <p>Encryption (the client): to {@link #recipient()}, signed by {@link #signer()} (unsigned when null)
 * with {@link #signerPassphrase()}, or through a running gpg-agent when {@link #useAgent()}.
 *
 * <p>Key names are what fwknop users write: a key ID of 8 or 16 hex digits, a fingerprint (optionally with
 * {@code 0x} and spaces), or a part of a user ID (case-insensitive). Immutable; {@link #toString()} never
 * shows a passphrase.
 */
public final class GpgKey implements CipherKey {

    public static final String TYPE = "gpg";

    private final Path homeDir;
    private final List<Path> keyFiles;
    private final List<byte[]> keyData;
    private final String decryptId;
    private final char[] decryptPassphrase;
    private final boolean requireSignature;
    private final boolean ignoreSignatureErrors;
    private final List<String> signerIds;
    private final List<String> signerFingerprints;
    private final String recipient;
    private final String signer;
    private final boolean defaultSigner;
    private final char[] signerPassphrase;
    private final boolean useAgent;
    private final Path agentSocket;

    private GpgKey(Builder b) {
        this.homeDir = b.homeDir;
        this.keyFiles = List.copyOf(b.keyFiles);
        List<byte[]> data = new ArrayList<>();
        b.keyData.forEach(d -> data.add(d.clone()));
        this.keyData = List.copyOf(data);
        this.decryptId = b.decryptId;
        this.decryptPassphrase = b.decryptPassphrase == null ? null : b.decryptPassphrase.clone();
        this.requireSignature = b.requireSignature;
        this.ignoreSignatureErrors = b.ignoreSignatureErrors;
        this.signerIds = List.copyOf(b.signerIds);
        this.signerFingerprints = List.copyOf(b.signerFingerprints);
        this.recipient = b.recipient;
        this.signer = b.signer;
        this.defaultSigner = b.defaultSigner;
        this.signerPassphrase = b.signerPassphrase == null ? null : b.signerPassphrase.clone();
        this.useAgent = b.useAgent;
        this.agentSocket = b.agentSocket;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A GnuPG home directory ({@code pubring.kbx}, {@code private-keys-v1.d}, {@code pubring.gpg}, ...), or null. */
    public Path homeDir() {
        return homeDir;
    }

    /** Exported key files (ASCII-armoured or binary, public or secret). */
    public List<Path> keyFiles() {
        return keyFiles;
    }

    /** Exported keys held in memory (ASCII-armoured or binary); copies. */
    public List<byte[]> keyData() {
        List<byte[]> out = new ArrayList<>();
        keyData.forEach(d -> out.add(d.clone()));
        return out;
    }

    /** The secret key to decrypt with ({@code GPG_DECRYPT_ID}), or null for any secret key held. */
    public String decryptId() {
        return decryptId;
    }

    /** A copy of {@code GPG_DECRYPT_PW}, or null when the key has no passphrase. */
    public char[] decryptPassphrase() {
        return decryptPassphrase == null ? null : decryptPassphrase.clone();
    }

    /** Whether decrypted data must carry a signature ({@code GPG_REQUIRE_SIG}, default true). */
    public boolean requireSignature() {
        return requireSignature;
    }

    /** Whether a signature that does not verify is still accepted ({@code GPG_IGNORE_SIG_VERIFY_ERROR}). */
    public boolean ignoreSignatureErrors() {
        return ignoreSignatureErrors;
    }

    /** {@code GPG_REMOTE_ID}: allowed signers, each the last 8 hex digits of a fingerprint. */
    public List<String> signerIds() {
        return signerIds;
    }

    /** {@code GPG_FINGERPRINT_ID}: allowed signer fingerprints (40 hex digits). */
    public List<String> signerFingerprints() {
        return signerFingerprints;
    }

    /** The key to encrypt to ({@code --gpg-recipient-key}), or null. */
    public String recipient() {
        return recipient;
    }

    /** The key to sign with ({@code --gpg-signer-key}), or null for unsigned data. */
    public String signer() {
        return signer;
    }

    /**
     * Whether to sign with the home directory's default key when no {@link #signer()} is named (fwknop 1.9's
     * {@code --gpg-default-key}, gpg's {@code --default-key}): {@code default-key} of its {@code gpg.conf}, else
     * the first secret key that can sign.
     */
    public boolean defaultSigner() {
        return defaultSigner;
    }

    /** A copy of the signing passphrase, or null when the signing key has none (or the agent holds it). */
    public char[] signerPassphrase() {
        return signerPassphrase == null ? null : signerPassphrase.clone();
    }

    /** Whether signing goes through a running gpg-agent ({@code --gpg-agent}). */
    public boolean useAgent() {
        return useAgent;
    }

    /**
     * The gpg-agent's socket ({@code --gpg-agent-info}), or null to find it from the home directory
     * ({@code S.gpg-agent} there, or where {@code gpgconf --list-dirs agent-socket} says).
     */
    public Path agentSocket() {
        return agentSocket;
    }

    @Override
    public String cipherType() {
        return TYPE;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GpgKey k)) {
            return false;
        }
        if (k.keyData.size() != keyData.size()) {
            return false;
        }
        for (int i = 0; i < keyData.size(); i++) {
            if (!Arrays.equals(k.keyData.get(i), keyData.get(i))) {
                return false;
            }
        }
        return Objects.equals(homeDir, k.homeDir) && keyFiles.equals(k.keyFiles)
                && Objects.equals(decryptId, k.decryptId) && Arrays.equals(decryptPassphrase, k.decryptPassphrase)
                && requireSignature == k.requireSignature && ignoreSignatureErrors == k.ignoreSignatureErrors
                && signerIds.equals(k.signerIds) && signerFingerprints.equals(k.signerFingerprints)
                && Objects.equals(recipient, k.recipient) && Objects.equals(signer, k.signer)
                && defaultSigner == k.defaultSigner
                && Arrays.equals(signerPassphrase, k.signerPassphrase) && useAgent == k.useAgent
                && Objects.equals(agentSocket, k.agentSocket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(homeDir, keyFiles, keyData.size(), decryptId, requireSignature, signerIds,
                signerFingerprints, recipient, signer, useAgent);
    }

    /** Never prints a passphrase. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("GpgKey[");
        if (homeDir != null) {
            sb.append("home ").append(homeDir).append(", ");
        }
        if (!keyFiles.isEmpty()) {
            sb.append("files ").append(keyFiles).append(", ");
        }
        if (!keyData.isEmpty()) {
            sb.append(keyData.size()).append(" key blob(s), ");
        }
        if (decryptId != null) {
            sb.append("decrypt ").append(decryptId).append(decryptPassphrase == null ? " (no passphrase)" : "")
                    .append(", ");
        }
        sb.append(requireSignature ? "signature required" : "signature optional");
        if (ignoreSignatureErrors) {
            sb.append(", verify errors ignored");
        }
        if (!signerIds.isEmpty()) {
            sb.append(", signer ids ").append(signerIds);
        }
        if (!signerFingerprints.isEmpty()) {
            sb.append(", signer fingerprints ").append(signerFingerprints);
        }
        if (recipient != null) {
            sb.append(", recipient ").append(recipient);
        }
        if (signer != null || defaultSigner) {
            sb.append(", signer ").append(signer != null ? signer : "(default key)").append(useAgent ? " (gpg-agent)" : "");
        }
        return sb.append(']').toString();
    }

    /** Builds a {@link GpgKey}; every setting is optional, but at least one key source is needed. */
    public static final class Builder {
        private Path homeDir;
        private final List<Path> keyFiles = new ArrayList<>();
        private final List<byte[]> keyData = new ArrayList<>();
        private String decryptId;
        private char[] decryptPassphrase;
        private boolean requireSignature = true;
        private boolean ignoreSignatureErrors;
        private final List<String> signerIds = new ArrayList<>();
        private final List<String> signerFingerprints = new ArrayList<>();
        private String recipient;
        private String signer;
        private boolean defaultSigner;
        private char[] signerPassphrase;
        private boolean useAgent;
        private Path agentSocket;

        private Builder() {
        }

        public Builder homeDir(Path dir) {
            this.homeDir = dir;
            return this;
        }

        public Builder keyFile(Path file) {
            keyFiles.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        public Builder keyData(byte[] data) {
            keyData.add(Objects.requireNonNull(data, "data").clone());
            return this;
        }

        public Builder decryptId(String id) {
            this.decryptId = blankToNull(id);
            return this;
        }

        /** The decryption key's passphrase (copied), or null when it has none. */
        public Builder decryptPassphrase(char[] passphrase) {
            this.decryptPassphrase = passphrase == null ? null : passphrase.clone();
            return this;
        }

        public Builder requireSignature(boolean require) {
            this.requireSignature = require;
            return this;
        }

        public Builder ignoreSignatureErrors(boolean ignore) {
            this.ignoreSignatureErrors = ignore;
            return this;
        }

        public Builder signerId(String id) {
            signerIds.add(Objects.requireNonNull(id, "id").strip());
            return this;
        }

        public Builder signerFingerprint(String fingerprint) {
            signerFingerprints.add(Objects.requireNonNull(fingerprint, "fingerprint").strip());
            return this;
        }

        public Builder recipient(String name) {
            this.recipient = blankToNull(name);
            return this;
        }

        public Builder signer(String name) {
            this.signer = blankToNull(name);
            return this;
        }

        public Builder defaultSigner(boolean useDefault) {
            this.defaultSigner = useDefault;
            return this;
        }

        /** The signing key's passphrase (copied), or null when it has none. */
        public Builder signerPassphrase(char[] passphrase) {
            this.signerPassphrase = passphrase == null ? null : passphrase.clone();
            return this;
        }

        public Builder useAgent(boolean agent) {
            this.useAgent = agent;
            return this;
        }

        public Builder agentSocket(Path socket) {
            this.agentSocket = socket;
            return this;
        }

        /** @throws IllegalArgumentException without any key source */
        public GpgKey build() {
            if (homeDir == null && keyFiles.isEmpty() && keyData.isEmpty()) {
                throw new IllegalArgumentException("a GnuPG key needs a home directory, key files or key data");
            }
            return new GpgKey(this);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }
}
