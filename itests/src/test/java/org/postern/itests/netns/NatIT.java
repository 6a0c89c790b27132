package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NAT end to end in fwknop's three-namespace layout, client | gateway | internal host, with the REAL fwknop 2.6.10
 * client against Postern's daemon, for the iptables (iptables-nft and iptables-legacy) and nftables backends. The gateway forwards, its
 * FORWARD policy drops all but established traffic, its INPUT policy drops the service ports. One daemon per
 * backend, three stanzas told apart by their keys:
 * <ol>
 * <li>plain: {@code -N internal:port} (NAT access, message type 2) forwards a gateway port to the internal host's
 *     service (the internal host routes back through the gateway), and {@code --nat-local --nat-port} (type 5)
 *     translates a gateway port to the gateway's own protected service;</li>
 * <li>FORCE_NAT + FORCE_MASQUERADE: a plain access request is forwarded to the forced target and masqueraded
 *     (the internal host has no route back, so only the MASQUERADE lets the reply through);</li>
 * <li>FORCE_NAT + FORCE_SNAT to the gateway's internal address (no route back either).</li>
 * </ol>
 * Each: the connect fails before the knock, works after it, fails again after the expiry.
 */
class NatIT extends GatewaySupport {

    private static final int INTERNAL_PORT = 2323;

    private static String key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"iptables-nft", "iptables-legacy", "nftables"})
    void natAccessLocalNatMasqueradeSnatAndForcedNat(String kind) throws Exception {
        boolean nft = kind.equals("nftables");
        assumeTrue(Exec.installed(nft ? "nft" : kind), kind + " needed");
        bed.close();
        bed = nft ? NetnsTestbed.withNftablesPolicy().up() : new NetnsTestbed("/usr/sbin/" + kind).up();
        NetnsTestbed.InternalHost internal = bed.addInternalHost(INTERNAL_PORT);

        String masqKey = key();
        String masqHmac = key();
        String snatKey = key();
        String snatHmac = key();
        String access = stanza()
                + "SOURCE ANY\nKEY_BASE64 " + masqKey + "\nHMAC_KEY_BASE64 " + masqHmac + "\nFW_ACCESS_TIMEOUT " + TIMEOUT
                + "\nFORCE_NAT " + internal.ip() + " " + INTERNAL_PORT + "\nFORCE_MASQUERADE Y\n"
                + "SOURCE ANY\nKEY_BASE64 " + snatKey + "\nHMAC_KEY_BASE64 " + snatHmac + "\nFW_ACCESS_TIMEOUT " + TIMEOUT
                + "\nFORCE_NAT " + internal.ip() + " " + INTERNAL_PORT + "\nFORCE_SNAT " + internal.gatewayIp() + "\n";
        List<String> conf = new ArrayList<>(List.of("ENABLE_IPT_FORWARDING Y", "ENABLE_IPT_LOCAL_NAT Y"));
        if (nft) {
            conf.addAll(List.of("FIREWALL_TYPE nftables", "FIREWALL_EXE /usr/sbin/nft"));
        }
        Path dir = DaemonProcess.writeConfig(tempDir("nat-" + kind), bed, true, conf, access);

        try (DaemonProcess d = DaemonProcess.postern(assembly, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            // 1. NAT access (-N): gateway:6000 -> internal:2323, the internal host routes back via the gateway
            bed.routeBack(internal, true);
            knockAndCheck(d, "-N", 6000, keys(), "-A", "tcp/6000", "-N", internal.ip() + ":" + INTERNAL_PORT);

            // 2. local NAT (--nat-local): gateway:5555 -> gateway:2222 (the protected service)
            knockAndCheck(d, "--nat-local", 5555, keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--nat-local",
                    "--nat-port", "5555");

            // 3. FORCE_NAT + FORCE_MASQUERADE, no route back: only the MASQUERADE brings the reply home
            bed.routeBack(internal, false);
            assertFalse(bed.clientConnects(internal.ip(), INTERNAL_PORT, 1), "internal host reachable directly");
            knockAndCheck(d, "FORCE_NAT+MASQUERADE", 6001,
                    List.of("--key-base64-rijndael", masqKey, "--key-base64-hmac", masqHmac), "-A", "tcp/6001");

            // 4. FORCE_NAT + FORCE_SNAT to the gateway's internal address
            knockAndCheck(d, "FORCE_NAT+FORCE_SNAT", 6002,
                    List.of("--key-base64-rijndael", snatKey, "--key-base64-hmac", snatHmac), "-A", "tcp/6002");
        }
    }

    /**
     * Fidelity: the real fwknopd 2.6.10 and Postern, same fwknopd.conf (forwarding, local NAT, ENABLE_IPT_SNAT) and
     * access.conf, same four knocks from the real client, leave the same rules (and jump rules) in every chain, in
     * the same order, up to the {@code _exp_} values (and copies that differ only in them).
     */
    @org.junit.jupiter.api.Test
    void sameNatRulesAsFwknopd() throws Exception {
        bed.close();
        bed = new NetnsTestbed(IPTABLES).up();
        NetnsTestbed.InternalHost internal = bed.addInternalHost(INTERNAL_PORT);
        String masqKey = key();
        String masqHmac = key();
        String snatKey = key();
        String snatHmac = key();
        String access = stanza("FW_ACCESS_TIMEOUT 60")
                + "SOURCE ANY\nKEY_BASE64 " + masqKey + "\nHMAC_KEY_BASE64 " + masqHmac + "\nFW_ACCESS_TIMEOUT 60"
                + "\nFORCE_NAT " + internal.ip() + " " + INTERNAL_PORT + "\nFORCE_MASQUERADE Y\n"
                + "SOURCE ANY\nKEY_BASE64 " + snatKey + "\nHMAC_KEY_BASE64 " + snatHmac + "\nFW_ACCESS_TIMEOUT 60"
                + "\nFORCE_NAT " + internal.ip() + " " + INTERNAL_PORT + "\nFORCE_SNAT " + internal.gatewayIp() + "\n";
        List<String> conf = List.of("ENABLE_IPT_FORWARDING Y", "ENABLE_IPT_LOCAL_NAT Y", "ENABLE_IPT_SNAT Y");
        List<List<String>> knocks = List.of(
                List.of(with(keys(), "-A", "tcp/6000", "-N", internal.ip() + ":" + INTERNAL_PORT)),
                List.of(with(keys(), "-A", "tcp/" + NetnsTestbed.SERVICE_PORT, "--nat-local", "--nat-port", "5555")),
                List.of(with(List.of("--key-base64-rijndael", masqKey, "--key-base64-hmac", masqHmac), "-A", "tcp/6001")),
                List.of(with(List.of("--key-base64-rijndael", snatKey, "--key-base64-hmac", snatHmac), "-A", "tcp/6002")));

        Path fdir = DaemonProcess.writeConfig(tempDir("nat-fwknopd"), bed, true, conf, access);
        String theirs;
        try (DaemonProcess f = DaemonProcess.fwknopd(fdir, bed, true).start("Kicking off UDP server",
                Duration.ofSeconds(30))) {
            theirs = knockAll(knocks, f);
        }
        Path pdir = DaemonProcess.writeConfig(tempDir("nat-postern"), bed, true, conf, access);
        String ours;
        try (DaemonProcess d = DaemonProcess.postern(assembly, pdir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(60))) {
            ours = knockAll(knocks, d);
        }
        org.junit.jupiter.api.Assertions.assertEquals(theirs, ours, "fwknopd's rules (expected) vs Postern's");
    }

    /** Sends the knocks one by one (each waits for its DNAT rule), then lists every fwknop chain and jump. */
    private static String knockAll(List<List<String>> knocks, DaemonProcess d) {
        int n = 0;
        for (List<String> k : knocks) {
            Exec.Result r = realClient(k.toArray(String[]::new));
            assertTrue(r.ok(), r.out());
            int want = ++n;
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> natRules("FWKNOP_PREROUTING").lines()
                    .filter(l -> l.startsWith("-A ")).count() >= want), "no DNAT rule for knock " + want + "; log:\n"
                    + d.logText());
        }
        StringBuilder all = new StringBuilder();
        for (String chain : List.of("INPUT", "FWKNOP_INPUT", "FORWARD", "FWKNOP_FORWARD")) {
            all.append(bed.rules(chain));
        }
        for (String chain : List.of("PREROUTING", "FWKNOP_PREROUTING", "POSTROUTING", "FWKNOP_POSTROUTING",
                "FWKNOP_MASQUERADE")) {
            all.append(natRules(chain));
        }
        // up to the _exp_ values, and to copies that differ only in them (fwknopd adds a second FORWARD rule for a
        // second grant to the same target only when the two expiries fall in different seconds; so does Postern)
        List<String> lines = new ArrayList<>();
        for (String l : all.toString().replaceAll("_exp_\\d+", "_exp_T").split("\n")) {
            if (lines.isEmpty() || !lines.get(lines.size() - 1).equals(l)) {
                lines.add(l);
            }
        }
        return String.join("\n", lines);
    }

    private static String natRules(String chain) {
        Exec.Result r = bed.srv(bed.iptables, "-w", "-t", "nat", "-S", chain);
        return r.ok() ? r.out() : "";
    }

    /** Closed before, open after the knock, closed again no later than 3 s after the expiry. */
    private static void knockAndCheck(DaemonProcess d, String what, int gatewayPort, List<String> keys, String... args) {
        assertFalse(bed.clientConnects(bed.serverIp, gatewayPort, 1), what + ": gateway port " + gatewayPort
                + " reachable before the knock");
        long t0 = System.nanoTime();
        Exec.Result r = realClient(with(keys, args));
        assertTrue(r.ok(), what + ": fwknop failed: " + r.out());
        assertTrue(Wait.until(Duration.ofSeconds(6), () -> bed.clientConnects(bed.serverIp, gatewayPort, 1)),
                what + ": gateway port " + gatewayPort + " not reachable after the knock; log:\n" + d.logText());
        // only a failure after the expiry counts (with fwknop's MASQUERADE --to-ports, a second connect right after
        // the first may clash in conntrack and fail while the grant is still live)
        long expiry = t0 + Duration.ofSeconds(TIMEOUT + 1).toNanos();
        Duration left = Duration.ofSeconds(TIMEOUT + 4).minusNanos(System.nanoTime() - t0);
        assertTrue(Wait.until(left, () -> System.nanoTime() > expiry && !bed.clientConnects(bed.serverIp, gatewayPort, 1)),
                what + ": still reachable 3 s after the expiry; log:\n" + d.logText());
    }
}
