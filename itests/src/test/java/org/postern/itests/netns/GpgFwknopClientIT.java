package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real fwknop 2.6.10 client in GnuPG mode ({@code -g}, gpgme with keys made by {@code gpg --batch})
 * against Postern's daemon, which decrypts in-process with Bouncy Castle from a GnuPG 2.x home
 * ({@code pubring.kbx}, {@code private-keys-v1.d}): a signed packet opens the port, so does a signed one with
 * an HMAC; an unsigned packet, a signer outside GPG_REMOTE_ID and a packet for another recipient open nothing,
 * each refused with its logged reason.
 */
class GpgFwknopClientIT extends GatewaySupport {

    static GnupgKeys server;
    static GnupgKeys client;
    static GnupgKeys stranger;
    static String serverFpr;
    static String signerFpr;
    static String otherSignerFpr;
    static String strangerFpr;
    static DaemonProcess daemon;

    @BeforeAll
    static void keysAndDaemon() throws Exception {
        assumeTrue(GnupgKeys.available(), "gpg needed");
        server = new GnupgKeys("server");
        client = new GnupgKeys("client");
        stranger = new GnupgKeys("stranger");
        serverFpr = server.generate("spa gateway <gateway@test.invalid>");
        signerFpr = client.generate("spa client <client@test.invalid>");
        otherSignerFpr = client.generate("other client <other@test.invalid>");
        strangerFpr = stranger.generate("stranger <stranger@test.invalid>");
        client.importPublic(server, serverFpr);
        client.importPublic(stranger, strangerFpr);
        server.importPublic(client, signerFpr);
        server.importPublic(client, otherSignerFpr);
        // the first stanza takes packets without an HMAC, the second those with one; the first has no GPG_HOME_DIR
        // of its own and gets the server's home from bin/fwknopd --gpg-home-dir, the second names it
        String gpg = "SOURCE ANY\nGPG_DECRYPT_ID " + GnupgKeys.shortId(serverFpr)
                + "\nGPG_ALLOW_NO_PW Y\nGPG_REMOTE_ID " + GnupgKeys.shortId(signerFpr) + "\nFW_ACCESS_TIMEOUT "
                + TIMEOUT + "\n";
        String access = gpg + "\n" + gpg + "GPG_HOME_DIR " + server.dir + "\nHMAC_KEY_BASE64 " + hmacB64 + "\n";
        Path dir = DaemonProcess.writeConfig(tempDir("gpg-real-client"), bed, true, List.of(), access);
        daemon = DaemonProcess.postern(assembly, dir, bed, true, "--gpg-home-dir", server.dir.toString())
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
        for (GnupgKeys k : new GnupgKeys[] {server, client, stranger}) {
            if (k != null) {
                k.close();
            }
        }
    }

    static String[] gpgArgs(String recipient, String signer, String... more) {
        List<String> a = new ArrayList<>(List.of("-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--gpg-encryption",
                "--gpg-recipient-key", GnupgKeys.shortId(recipient), "--gpg-home-dir", client.dir.toString()));
        if (signer != null) {
            a.addAll(List.of("--gpg-signer-key", GnupgKeys.shortId(signer), "--gpg-no-signing-pw"));
        }
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private void opens(String... clientArgs) {
        assertTrue(ruleGone(TIMEOUT + 10), "an earlier grant is still there");
        long signed = daemon.count("Incoming SPA data signed by '" + signerFpr + "'");
        Exec.Result r = realClient(clientArgs);
        assertTrue(r.ok(), r.out());
        assertTrue(ruleAppears(), "no FWKNOP_INPUT rule after the GnuPG SPA; log:\n" + daemon.logText());
        assertTrue(bed.serviceOpen(), "service still closed after the SPA");
        assertTrue(daemon.count("Incoming SPA data signed by '" + signerFpr + "'") > signed, daemon.logText());
    }

    private void refused(String reason, String... clientArgs) {
        assertTrue(ruleGone(TIMEOUT + 10), "an earlier grant is still there");
        long before = daemon.count(reason);
        Exec.Result r = realClient(clientArgs);
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> daemon.count(reason) > before),
                "expected a refusal " + reason + "; log:\n" + daemon.logText());
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "a rule was added");
    }

    @Test
    void signedPacketOpensThePort() {
        opens(gpgArgs(serverFpr, signerFpr));
    }

    @Test
    void signedPacketWithHmacOpensThePort() {
        opens(gpgArgs(serverFpr, signerFpr, "--key-base64-hmac", hmacB64));
    }

    @Test
    void unsignedPacketIsRefused() {
        refused("POLICY/SIGNATURE_MISSING", gpgArgs(serverFpr, null));
    }

    @Test
    void signerOutsideRemoteIdIsRefused() {
        refused("POLICY/SIGNER_NOT_ALLOWED", gpgArgs(serverFpr, otherSignerFpr));
    }

    @Test
    void packetForAnotherRecipientIsRefused() {
        refused("STANZA_TRIAL/WRONG_RECIPIENT", gpgArgs(strangerFpr, signerFpr));
    }
}
