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

    /**
     * Hostile datagrams, none from a client: each refused with its typed reason in the log, no rule, the daemon
     * alive. The oversized one is larger than the veth MTU, so it arrives as IP fragments the kernel reassembles.
     */
    @Test
    void hostilePayloadsAreRefusedWithTheirReason() {
        byte[] nul = "A".repeat(200).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        nul[100] = 0;
        byte[] latin = ("A".repeat(150) + "\u00e9\u00ff" + "A".repeat(50)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Object[][] cases = {
            {"truncated", "A".repeat(100).getBytes(java.nio.charset.StandardCharsets.US_ASCII), "/TOO_SHORT"},
            {"oversized, fragmented", "A".repeat(3000).getBytes(java.nio.charset.StandardCharsets.US_ASCII), "/TOO_LONG"},
            {"non-base64", ("*".repeat(10) + "A".repeat(190)).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "/NOT_BASE64"},
            // a NUL ends the payload as in fwknopd (a C string): the 100 bytes before it are too short
            {"NUL inside", nul, "/TOO_SHORT"},
            {"8-bit bytes", latin, "/NOT_BASE64"},
            {"cipher prefix kept", ("U2FsdGVkX1" + "A".repeat(200)).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                "/PREFIX_PRESENT"},
            {"base64 garbage", "QUJD".repeat(60).getBytes(java.nio.charset.StandardCharsets.US_ASCII), "STANZA_TRIAL/"},
        };
        for (Object[] c : cases) {
            String reason = (String) c[2];
            long before = daemon.count(reason);
            bed.sendUdpBytes((byte[]) c[1], NetnsTestbed.SPA_PORT);
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> daemon.count(reason) > before),
                    c[0] + ": expected a refusal " + reason + "; log:\n" + daemon.logText());
            assertTrue(daemon.alive(), c[0] + ": the daemon died");
        }
        assertFalse(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT), "a rule was added");
        // and a valid packet still opens the port afterwards
        Exec.Result r = realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT));
        assertTrue(r.ok(), r.out());
        assertTrue(Wait.until(Duration.ofSeconds(5),
                () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT)),
                "the valid packet after the garbage opened nothing; log:\n" + daemon.logText());
        // the other tests assert that no rule exists: let this one expire (FW_ACCESS_TIMEOUT) first
        assertTrue(Wait.until(Duration.ofSeconds(TIMEOUT + 15),
                () -> !bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT)), "the rule did not expire");
    }

    @Test
    void portNotInOpenPorts() {
        refused("POLICY/PORT_NOT_PERMITTED", with(keys(), "-A", "tcp/" + (NetnsTestbed.SERVICE_PORT + 1)));
    }
}
