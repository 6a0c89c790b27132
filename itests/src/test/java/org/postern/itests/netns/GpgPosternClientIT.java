package org.postern.itests.netns;

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
 * Postern's {@code bin/fwknop -g} (OpenPGP in-process, keys read from a GnuPG 2.x home made by
 * {@code gpg --batch}) against the real fwknopd 2.6.10, which decrypts and checks the signature with gpgme
 * (GPG_HOME_DIR): a signed packet opens the port, with an HMAC too, and so does one signed through a running
 * gpg-agent ({@code --gpg-agent}).
 */
class GpgPosternClientIT extends GatewaySupport {

    static GnupgKeys server;
    static GnupgKeys client;
    static String serverFpr;
    static String signerFpr;
    static DaemonProcess fwknopd;

    @BeforeAll
    static void keysAndFwknopd() throws Exception {
        assumeTrue(GnupgKeys.available(), "gpg needed");
        server = new GnupgKeys("fwknopd");
        client = new GnupgKeys("postern-client");
        serverFpr = server.generate("fwknopd gateway <gateway@test.invalid>");
        signerFpr = client.generate("postern client <client@test.invalid>");
        client.importPublic(server, serverFpr);
        server.importPublic(client, signerFpr); // trusted ultimately: gpgme reports a valid signature
        String gpg = "SOURCE ANY\nGPG_HOME_DIR " + server.dir + "\nGPG_DECRYPT_ID " + GnupgKeys.shortId(serverFpr)
                + "\nGPG_ALLOW_NO_PW Y\nGPG_REMOTE_ID " + GnupgKeys.shortId(signerFpr) + "\nFW_ACCESS_TIMEOUT "
                + TIMEOUT + "\n";
        String access = gpg + "\n" + gpg + "HMAC_KEY_BASE64 " + hmacB64 + "\n";
        Path dir = DaemonProcess.writeConfig(tempDir("gpg-fwknopd"), bed, false, List.of(), access);
        fwknopd = DaemonProcess.fwknopd(dir, bed, false).start("Starting fwknopd main event loop",
                Duration.ofSeconds(30));
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> !bed.rules("FWKNOP_INPUT").isEmpty()),
                "fwknopd made no FWKNOP_INPUT chain:\n" + fwknopd.logText());
    }

    @AfterAll
    static void stop() {
        if (fwknopd != null) {
            fwknopd.close();
        }
        for (GnupgKeys k : new GnupgKeys[] {server, client}) {
            if (k != null) {
                k.close();
            }
        }
    }

    static String[] gpgArgs(String... more) {
        List<String> a = new ArrayList<>(List.of("-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "-g",
                "--gpg-recipient-key", GnupgKeys.shortId(serverFpr), "--gpg-signer-key", GnupgKeys.shortId(signerFpr),
                "--gpg-home-dir", client.dir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    private void opens(String... clientArgs) {
        assertTrue(ruleGone(TIMEOUT + 10), "an earlier grant is still there");
        long added = fwknopd.count("Added access rule to FWKNOP_INPUT for " + bed.clientIp);
        Exec.Result r = posternClient(clientArgs);
        assertTrue(r.ok(), r.out());
        assertTrue(ruleAppears(), "fwknopd opened nothing for Postern's GnuPG packet; log:\n" + fwknopd.logText()
                + "\nclient:\n" + r.out());
        assertTrue(bed.serviceOpen(), "service still closed after the SPA");
        assertTrue(fwknopd.count("Added access rule to FWKNOP_INPUT for " + bed.clientIp) > added, fwknopd.logText());
    }

    @Test
    void signedPacketOpensFwknopd() {
        opens(gpgArgs("--gpg-no-signing-pw"));
    }

    @Test
    void signedPacketWithHmacOpensFwknopd() {
        opens(gpgArgs("--gpg-no-signing-pw", "--key-base64-hmac", hmacB64));
    }

    @Test
    void signedThroughGpgAgentOpensFwknopd() {
        Exec.Result agent = Exec.run(30, "gpg-connect-agent", "--homedir", client.dir.toString(), "/bye");
        assertTrue(agent.ok(), agent.out());
        opens(gpgArgs("--gpg-agent"));
    }
}
