package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kill -9} of the daemon with a live grant, then a restart: the opening a crashed daemon left behind
 * stays until its expiry (the restarted daemon adopts it from the firewall: iptables with
 * FLUSH_IPT_AT_INIT N keeps the {@code _exp_} rule, nftables keeps the element with its kernel timeout) and is
 * gone no later than 2 s after the expiry.
 */
class CrashRestartIT extends GatewaySupport {

    private static final int LONG_TIMEOUT = 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iptables-nft", "iptables-legacy", "nftables"})
    void noOpeningOutlivesItsExpiryAfterKillAndRestart(String kind) throws Exception {
        boolean nft = kind.equals("nftables");
        assumeTrue(Exec.installed(nft ? "nft" : kind), kind + " needed");
        bed.close();
        bed = nft ? NetnsTestbed.withNftablesPolicy().up() : new NetnsTestbed("/usr/sbin/" + kind).up();
        List<String> conf = nft ? List.of("FIREWALL_TYPE nftables", "FIREWALL_EXE /usr/sbin/nft")
                : List.of("FLUSH_IPT_AT_INIT N");
        Path dir = DaemonProcess.writeConfig(tempDir("crash-" + kind), bed, true, conf,
                stanza("FW_ACCESS_TIMEOUT " + LONG_TIMEOUT));
        BooleanSupplier opened = nft ? () -> bed.nftElementFor(bed.clientIp, NetnsTestbed.SERVICE_PORT)
                : () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NetnsTestbed.SERVICE_PORT);
        String ready = "Capture source udp:fwknopd running";

        Instant knocked;
        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true).start(ready, Duration.ofSeconds(60))) {
            knocked = Instant.now();
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), opened), "nothing opened; log:\n" + d.logText());
            d.killHard();
        }
        Instant expiry = knocked.plusSeconds(LONG_TIMEOUT);
        assertTrue(opened.getAsBoolean(), "kill -9 cannot have removed the opening");

        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true).start(ready, Duration.ofSeconds(60))) {
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.logText().contains("adopted")),
                    "the restarted daemon did not adopt the live opening; log:\n" + d.logText());
            assertTrue(Instant.now().isBefore(expiry.minusSeconds(2)), "restart too slow for this test");
            assertTrue(opened.getAsBoolean() && bed.serviceOpen(), "a live opening must survive the restart");

            Duration left = Duration.between(Instant.now(), expiry.plusSeconds(2));
            assertTrue(Wait.until(left, () -> !opened.getAsBoolean()),
                    kind + ": the opening outlived its expiry by more than 2 s; log:\n" + d.logText());
            assertClosedByTimeout("after the expiry");
            assertTrue(d.logText().contains("closed"), d.logText());
        }
    }
}
