package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Packets from the real fwknop client that must open nothing, each refused with its logged reason:
 * a wrong key, a wrong HMAC key, a timestamp outside MAX_SPA_PACKET_AGE, a port not in OPEN_PORTS.
 */
class RefusalsIT extends GatewaySupport {

    static DaemonProcess daemon;

    @BeforeAll
    static void daemon() throws Exception {
        Path dir = DaemonProcess.writeConfig(tempDir("refusals"), bed, true, List.of(),
                stanza("OPEN_PORTS tcp/" + NetnsTestbed.SERVICE_PORT));
        daemon = DaemonProcess.postern(assembly, dir, bed, true).start("Capture source udp:fwknopd running",
                Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private static String otherKey(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    private void refused(String reason, String... clientArgs) {
        long before = daemon.count(reason);
        Exec.Result r = realClient(clientArgs);
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(5), () -> daemon.count(reason) > before),
                "expected a refusal " + reason + "; log:\n" + daemon.logText());
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "a rule was added");
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT + 1), "a rule was added");
        assertFalse(daemon.logText().contains(keyB64) || daemon.logText().contains(hmacB64), "key material in the log");
    }

    @Test
    void wrongKey() {
        refused("STANZA_TRIAL/DECRYPTION_FAILED", "-A", "tcp/" + NetnsTestbed.SERVICE_PORT,
                "--key-base64-rijndael", otherKey(32), "--key-base64-hmac", hmacB64);
    }

    @Test
    void wrongHmacKey() {
        refused("STANZA_TRIAL/HMAC_MISMATCH", "-A", "tcp/" + NetnsTestbed.SERVICE_PORT,
                "--key-base64-rijndael", keyB64, "--key-base64-hmac", otherKey(64));
    }

    @Test
    void timestampTooOld() {
        refused("POLICY/TIMESTAMP_OUT_OF_RANGE", with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT,
                "--time-offset-minus", "5m"));
    }

    @Test
    void timestampInTheFuture() {
        refused("POLICY/TIMESTAMP_OUT_OF_RANGE", with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT,
                "--time-offset-plus", "5m"));
    }

    @Test
    void portNotInOpenPorts() {
        refused("POLICY/PORT_NOT_PERMITTED", with(keys(), "-A", "tcp/" + (NetnsTestbed.SERVICE_PORT + 1)));
    }
}
