package org.postern.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.GpgKey;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * {@code --gpg-agent}: signing through a running gpg-agent over its socket (Assuan SIGKEY / SETHASH / PKSIGN),
 * for an unprotected key and for a passphrase-protected one (answered in loopback mode, never on a command
 * line); with no agent running, a clear error instead of a hang or a started agent.
 */
class AgentSignerTest {

    private final GpgCipher cipher = new GpgCipher();

    private static void startAgent(GnupgHome h) {
        GnupgHome.Result r = GnupgHome.run(null, List.of("gpg-connect-agent", "--homedir", h.dir.toString(), "/bye"));
        assertTrue(r.ok(), r.out());
    }

    @Test
    void signsThroughTheAgent() throws Exception {
        assumeTrue(GnupgHome.available(), "gpg not installed");
        try (GnupgHome h = new GnupgHome()) {
            String server = h.generate("agent server <as@test.invalid>", "rsa2048", "rsa2048", null);
            String plain = h.generate("agent plain <ap@test.invalid>", "rsa2048", null, null);
            String locked = h.generate("agent locked <al@test.invalid>", "ed25519", null, "agent pw");
            startAgent(h);
            Path socket = AgentSigner.findSocket(null, h.dir);
            assertTrue(socket != null && socket.toFile().exists(), "agent socket " + socket);
            String pt = GnupgInteropTest.plaintext();
            // a wrong passphrase is the agent's refusal, reported as such (before the agent caches the right one)
            GpgKey wrong = GpgKey.builder().homeDir(h.dir).recipient(server).signer(locked)
                    .signerPassphrase("nope".toCharArray()).useAgent(true).build();
            SpaException e = assertThrows(SpaException.class, () -> cipher.encrypt(new byte[] {'x'}, wrong));
            assertTrue(e.getMessage().contains("gpg-agent"), e.getMessage());
            for (String signer : new String[] {plain, locked}) {
                char[] pw = signer.equals(locked) ? "agent pw".toCharArray() : null;
                GpgKey k = GpgKey.builder().homeDir(h.dir).recipient(server).signer(signer).signerPassphrase(pw)
                        .useAgent(true).build();
                String ct = cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), k);
                GpgKey sk = GpgKey.builder().homeDir(h.dir).decryptId(server).signerFingerprint(signer).build();
                assertEquals(pt, new String(cipher.decrypt(ct, sk), StandardCharsets.US_ASCII));
            }
            h.stopAgent();
            GpgKey k = GpgKey.builder().homeDir(h.dir).recipient(server).signer(plain).useAgent(true)
                    .agentSocket(socket).build();
            e = assertThrows(SpaException.class, () -> cipher.encrypt(pt.getBytes(StandardCharsets.US_ASCII), k));
            assertEquals(RefusalReason.CIPHER_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains("no gpg-agent"), e.getMessage());
        }
    }
}
