package org.postern.itests.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.itests.Distribution;

/**
 * Live reload of a running Postern daemon (issue 7): an access.conf edit is applied without a restart while the
 * grant opened before it stays open until its expiry and the next packet follows the new policy; a broken edit is
 * refused with file:line: KEYWORD (log and spa:status) and the old policy keeps working; a native stanza dropped
 * into etc/ as {@code org.postern.stanza-<name>.cfg} is accepted without a restart; spa:reload and spa:stanzas.
 */
class LiveReloadIT extends GatewaySupport {

    static final int OLD_PORT = NetnsTestbed.SERVICE_PORT;
    static final int NEW_PORT = 2223;
    static final int NATIVE_PORT = 2224;
    static final int LONG_TIMEOUT = 20;

    static String access(int port, String... extra) {
        StringBuilder s = new StringBuilder("SOURCE ANY\nKEY_BASE64 " + keyB64 + "\nHMAC_KEY_BASE64 " + hmacB64
                + "\nFW_ACCESS_TIMEOUT " + LONG_TIMEOUT + "\nOPEN_PORTS tcp/" + port + "\n");
        for (String e : extra) {
            s.append(e).append('\n');
        }
        return s.toString();
    }

    @Test
    void reloadKeepsGrantsRefusesBrokenEditsAndTakesNativeStanzas() throws Exception {
        long t0 = System.nanoTime();
        Path root = tempDir("reload");
        Distribution dist = Distribution.copyOf(assembly, root);
        Path home = dist.home;
        Path dir = DaemonProcess.writeConfig(root.resolve("gw"), bed, true, List.of(), access(OLD_PORT));
        Path accessConf = dir.resolve("access.conf");
        try (DaemonProcess d = DaemonProcess.postern(home, dir, bed, true)
                .start("Capture source udp:fwknopd running", Duration.ofSeconds(90))) {
            // 1. a grant under the first policy
            assertTrue(realClient(with(keys(), "-A", "tcp/" + OLD_PORT)).ok());
            assertTrue(ruleAppears(), d.logText());
            long opened = System.nanoTime();

            // 2. access.conf edited: OPEN_PORTS moves to another port; applied within 2 s (+ slack on a busy machine)
            Files.writeString(accessConf, access(NEW_PORT));
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.count("Configuration reloaded (a configuration file "
                    + "changed)") == 1), "edit not reloaded:\n" + d.logText());
            assertTrue(d.logText().contains("1 live grant(s) kept"), d.logText());
            assertTrue(bed.ruleFor("FWKNOP_INPUT", bed.clientIp, OLD_PORT), "the grant was dropped by the reload");
            assertTrue(bed.serviceOpen(), "the service closed at the reload");
            // the next packet follows the new policy: the old port is refused, the new one opens
            long refusedBefore = d.count("POLICY/PORT_NOT_PERMITTED");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + OLD_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> d.count("POLICY/PORT_NOT_PERMITTED") > refusedBefore),
                    d.logText());
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NEW_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NEW_PORT)),
                    d.logText());
            // the first grant still closes at its own expiry
            assertTrue(ruleGone(LONG_TIMEOUT + 10), "grant kept past its expiry");
            long lived = (System.nanoTime() - opened) / 1_000_000_000L;
            assertTrue(lived >= LONG_TIMEOUT - 2, "grant closed after " + lived + " s, before its expiry");

            // 3. a broken edit: refused with file:line: KEYWORD, the policy in force keeps working
            Files.writeString(accessConf, access(NEW_PORT, "FW_ACCESS_TIMEOUT soon"));
            String where = accessConf + ":6: FW_ACCESS_TIMEOUT";
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.logText().contains("Configuration reload refused")
                    && d.logText().contains(where)), "broken edit not reported with " + where + ":\n" + d.logText());
            long acceptedBefore = d.count("accepted by stanza");
            assertTrue(realClient(with(keys(), "-A", "tcp/" + NEW_PORT)).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> d.count("accepted by stanza") > acceptedBefore),
                    "the last good policy stopped working:\n" + d.logText());
            String status = shell(home, "spa:status");
            assertTrue(status.contains("Last reload refused") && status.contains(where), status);
            assertTrue(status.contains("Packets: received") && status.contains("refused POLICY/PORT_NOT_PERMITTED")
                    && status.contains("capture "), status);
            // the same counters as a JMX MBean in the daemon's platform MBean server (read as jconsole does locally)
            Exec.Result jmx = JmxProbe.run(bed.serverNs, d.pid(), "org.postern:type=Daemon,name=metrics", "Received",
                    "Accepted", "GrantsLive", "ReloadFailures", "Refused.POLICY.PORT_NOT_PERMITTED");
            assertTrue(jmx.ok(), jmx.out());
            assertTrue(jmx.out().contains("ReloadFailures=1") && jmx.out().contains("Refused.POLICY.PORT_NOT_PERMITTED=1")
                    && jmx.out().contains("Accepted=3"), jmx.out());

            // 4. fixed again; then a native stanza with keys of its own dropped into etc/
            Files.writeString(accessConf, access(NEW_PORT));
            assertTrue(Wait.until(Duration.ofSeconds(10), () -> d.count("Configuration reloaded (a configuration file "
                    + "changed)") == 2), d.logText());
            SecureRandom r = new SecureRandom();
            byte[] k = new byte[32];
            byte[] h = new byte[64];
            r.nextBytes(k);
            r.nextBytes(h);
            String k2 = Base64.getEncoder().encodeToString(k);
            String h2 = Base64.getEncoder().encodeToString(h);
            DaemonProcess.secret(k2);
            DaemonProcess.secret(h2);
            Path cfg = home.resolve("etc/org.postern.stanza-itnative.cfg");
            Files.writeString(cfg, "description = LiveReloadIT\nsource = ANY\nkeyBase64 = " + k2 + "\nhmacKeyBase64 = "
                    + h2 + "\nopenPorts = tcp/" + NATIVE_PORT + "\nfwAccessTimeout = " + TIMEOUT + "\n");
            assertTrue(Wait.until(Duration.ofSeconds(15), () -> d.logText().contains("native stanza "
                    + "org.postern.stanza~itnative configured")), "native stanza not applied:\n" + d.logText());
            assertTrue(realClient("--key-base64-rijndael", k2, "--key-base64-hmac", h2, "-A", "tcp/" + NATIVE_PORT).ok());
            assertTrue(Wait.until(Duration.ofSeconds(5), () -> bed.ruleFor("FWKNOP_INPUT", bed.clientIp, NATIVE_PORT)),
                    d.logText());
            assertTrue(d.logText().contains("accepted by stanza itnative"), d.logText());

            String stanzas = shell(home, "spa:stanzas");
            assertTrue(stanzas.contains("org.postern.stanza~itnative"), stanzas);
            assertTrue(stanzas.contains(cfg + ":5"), "origin of openPorts:\n" + stanzas);
            assertTrue(stanzas.contains(accessConf + ":5"), "origin of OPEN_PORTS:\n" + stanzas);
            assertFalse(stanzas.contains(k2) || stanzas.contains(keyB64), "key material in spa:stanzas");
            String reload = shell(home, "spa:reload");
            assertTrue(reload.contains("reloaded: 2 access stanza(s) in force"), reload);
            Exec.Result flag = Exec.inNs(bed.serverNs, 60, List.of(home.resolve("bin/fwknopd").toString(), "-p",
                    dir.resolve("fwknopd.pid").toString(), "--reload"));
            assertTrue(flag.ok() && flag.out().contains("Reloaded: 2 access stanza(s) in force; live grants kept"),
                    flag.out());
            assertEquals(0, d.stop());
        }
        System.out.println("LiveReloadIT: " + (System.nanoTime() - t0) / 1_000_000_000L + " s");
    }
}
