package org.postern.client.knock;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.postern.api.GpgKey;

/**
 * The GnuPG part of one fwknop invocation ({@code -g} and the {@code --gpg-*} options, {@code USE_GPG} and the
 * {@code GPG_*} keywords of {@code ~/.fwknoprc}). The setters only record; what turns GnuPG on is fwknop
 * 2.6.10's rule, applied by the caller: on the command line every {@code --gpg-*} option, in the rc file only
 * {@code USE_GPG Y}. The signing passphrase is the client's key slot ({@code GPG_SIGNING_PW}, {@code --key-rijndael}, {@code -G}, or the prompt), kept in
 * {@link KnockOptions}. Not thread-safe; {@link #toString()} shows no secret.
 */
public final class GpgOptions {

    private boolean enabled;
    private String recipient;
    private String signer;
    private boolean defaultSigner;
    private Path homeDir;
    private String exe;
    private boolean agent;
    private Path agentSocket;
    private boolean noSigningPassphrase;
    private boolean verbose;

    public GpgOptions enabled(boolean on) {
        this.enabled = on;
        return this;
    }

    /** Whether the packet is encrypted with GnuPG ({@code -g}, {@code USE_GPG Y}, or any GnuPG setting). */
    public boolean enabled() {
        return enabled;
    }

    /** {@code --gpg-recipient-key}, {@code --gpg-recipient} (1.9), {@code GPG_RECIPIENT}. */
    public GpgOptions recipient(String name) {
        this.recipient = name;
        return this;
    }

    public String recipient() {
        return recipient;
    }

    /** {@code --gpg-signer-key}, {@code --gpg-signing-key} (1.9), {@code GPG_SIGNER}. */
    public GpgOptions signer(String name) {
        this.signer = name;
        return this;
    }

    public String signer() {
        return signer;
    }

    /** {@code --gpg-default-key} (1.9): sign with the home directory's default key. */
    public GpgOptions defaultSigner(boolean on) {
        this.defaultSigner = on;
        return this;
    }

    public boolean defaultSigner() {
        return defaultSigner;
    }

    /** Whether the packet will be signed (a signer named, or the default key). */
    public boolean signs() {
        return signer != null || defaultSigner;
    }

    /** {@code --gpg-home-dir}, {@code GPG_HOMEDIR}; a trailing '/' is dropped, as fwknop does. */
    public GpgOptions homeDir(String dir) {
        String d = dir;
        while (d.length() > 1 && d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        this.homeDir = Path.of(d);
        return this;
    }

    /** The GnuPG home: the one given, else {@code $GNUPGHOME}, else {@code ~/.gnupg} (gpg's default). */
    public Path homeDir(java.util.Map<String, String> env, Path userHome) {
        if (homeDir != null) {
            return homeDir;
        }
        String g = env.get("GNUPGHOME");
        if (g != null && !g.isEmpty()) {
            return Path.of(g);
        }
        return userHome == null ? null : userHome.resolve(".gnupg");
    }

    public Path homeDir() {
        return homeDir;
    }

    /** {@code --gpg-exe}, {@code --gpg-path} (1.9), {@code GPG_EXE}: accepted; no gpg binary is run. */
    public GpgOptions exe(String path) {
        this.exe = path;
        return this;
    }

    public String exe() {
        return exe;
    }

    /** {@code --gpg-agent}, {@code USE_GPG_AGENT}: sign through a running gpg-agent. */
    public GpgOptions agent(boolean on) {
        this.agent = on;
        return this;
    }

    public boolean agent() {
        return agent;
    }

    /**
     * {@code --gpg-agent-info} (1.9): {@code GPG_AGENT_INFO}'s {@code socket:pid:protocol}; the socket is used
     * and the agent is turned on.
     */
    public GpgOptions agentInfo(String info) {
        int colon = info.indexOf(':');
        this.agentSocket = Path.of(colon < 0 ? info : info.substring(0, colon));
        return agent(true);
    }

    public Path agentSocket() {
        return agentSocket;
    }

    /** {@code --gpg-no-signing-pw}, {@code GPG_NO_SIGNING_PW}: the signing key has no passphrase. */
    public GpgOptions noSigningPassphrase(boolean on) {
        this.noSigningPassphrase = on;
        return this;
    }

    public boolean noSigningPassphrase() {
        return noSigningPassphrase;
    }

    /** {@code --gpg-verbose} (1.9): say which keys were used. */
    public GpgOptions verbose(boolean on) {
        this.verbose = on;
        return this;
    }

    public boolean verbose() {
        return verbose;
    }

    /** Whether a signing passphrase must be asked for: a signer, no agent, not {@code --gpg-no-signing-pw}. */
    public boolean needsSigningPassphrase() {
        return signs() && !agent && !noSigningPassphrase;
    }

    /**
     * The cipher key for these settings.
     *
     * @param home       the GnuPG home ({@link #homeDir(java.util.Map, Path)})
     * @param passphrase the signing passphrase (the client's key slot), or null
     */
    public GpgKey key(Path home, byte[] passphrase) throws KnockException {
        if (recipient == null || recipient.isEmpty()) {
            throw new KnockException("Must specify --gpg-recipient-key when GPG is used.");
        }
        if (home == null) {
            throw new KnockException("no GnuPG home directory: use --gpg-home-dir or GPG_HOMEDIR");
        }
        char[] pw = null;
        if (passphrase != null && !noSigningPassphrase) {
            pw = new String(passphrase, StandardCharsets.UTF_8).toCharArray();
        }
        GpgKey.Builder b = GpgKey.builder().homeDir(home).recipient(recipient).signer(signer)
                .defaultSigner(signer == null && defaultSigner).signerPassphrase(pw).useAgent(agent)
                .agentSocket(agentSocket);
        if (pw != null) {
            java.util.Arrays.fill(pw, '\0');
        }
        return b.build();
    }

    @Override
    public String toString() {
        return enabled ? "gpg[recipient " + recipient + ", signer " + (signer != null ? signer
                : defaultSigner ? "(default key)" : "none") + (agent ? ", agent" : "") + ", home " + homeDir + "]"
                : "gpg off";
    }
}
