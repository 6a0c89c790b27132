package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fwknop 1.9.12 SPA packets (Postern's {@code fwknop --legacy-1.9}) to Postern's daemon: a 2.x-style stanza with
 * the 1.9 key padding ({@code ENCRYPTION_MODE legacy}) grants them; a stanza with fwknop 1.9's
 * {@code REQUIRE_AUTH_METHOD crypt} refuses one without server_auth. Also the client's 1.9 knock sequences leave the
 * client namespace (the daemon's capture sees the UDP knocks); bundles/knock's own IT checks what they open.
 */
class LegacySpaIT extends ClientSupport {

    private static final String KEY19 = "legacy19key";
    private static final String AUTH_KEY19 = "authkey19";
    private static DaemonProcess gateway;

    @BeforeAll
    static void daemon() throws Exception {
        clientSetUp("legacy-spa");
        java.nio.file.Path shadow = work.resolve("shadow");
        java.nio.file.Files.writeString(shadow, "root:*:19000:0:99999:7:::\n");
        String conf = "SOURCE ANY\nKEY " + KEY19 + "\nENCRYPTION_MODE legacy\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n\n"
                + "SOURCE ANY\nKEY " + AUTH_KEY19 + "\nENCRYPTION_MODE legacy\nREQUIRE_AUTH_METHOD crypt\nSHADOW_FILE "
                + shadow + "\nFW_ACCESS_TIMEOUT " + TIMEOUT + "\n";
        gateway = DaemonProcess.postern(assembly, DaemonProcess.writeConfig(work.resolve("gateway"), bed, false,
                List.of(), conf), bed, false).start("Capture source pcap:fwknopd running", Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void legacySpaIsGranted() {
        Exec.Result r = legacySpa(KEY19, "tcp/" + NetnsTestbed.SERVICE_PORT, "-m", "md5");
        assertTrue(r.ok(), r.out());
        assertTrue(opens(NetnsTestbed.SERVICE_PORT), "no rule for the 1.9.12 packet; daemon:\n" + gateway.logText());
    }

    @Test
    void requireAuthMethodRefusesAPacketWithoutServerAuth() {
        int p = port();
        Exec.Result r = legacySpa(AUTH_KEY19, "tcp/" + p);
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> gateway.logText().contains("BAD_SERVER_AUTH")),
                gateway.logText());
        assertFalse(opens(p));
    }

    @Test
    void knockSequencesFromTheClientNamespace() {
        Exec.Result t = knockSequence("knockkey19", "tcp/" + NetnsTestbed.SERVICE_PORT, "-T", "--rotate-proto");
        assertTrue(t.ok() && t.out().contains("Cipher-text sequence (32 bytes): 83 97 108 116 101 100 95 95"), t.out());
        assertTrue(t.out().contains("tcp/61083 udp/61097"), t.out());
        // UDP knocks on the SPA port reach the daemon's capture: each is a one-byte payload, refused as too short
        int before = refusalsFromClient();
        Exec.Result s = sharedSequence("udp/" + NetnsTestbed.SPA_PORT + ", udp/" + NetnsTestbed.SPA_PORT
                + ", tcp/" + port(), "-v");
        assertTrue(s.ok() && s.out().contains("3 knocks sent"), s.out());
        assertTrue(Wait.until(Duration.ofSeconds(10), () -> refusalsFromClient() >= before + 2), gateway.logText());
        assertTrue(gateway.logText().contains("TOO_SHORT"), gateway.logText());
    }

    private static int refusalsFromClient() {
        return gateway.logText().split("Refused SPA packet from " + bed.clientIp + ":", -1).length - 1;
    }
}
