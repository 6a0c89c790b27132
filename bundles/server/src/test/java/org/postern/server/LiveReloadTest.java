package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.postern.api.AccessGrant;
import org.postern.api.AccessStanzaView;
import org.postern.api.Alert;
import org.postern.api.AlertSink;
import org.postern.api.CapturedPacket;
import org.postern.api.EncryptionMode;
import org.postern.api.FirewallBackend;
import org.postern.api.PolicyState;
import org.postern.api.RefusalReason;
import org.postern.api.RijndaelKey;
import org.postern.api.Transport;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.fko.HmacKey;
import org.postern.fko.HmacType;
import org.postern.fko.SpaMessageBuilder;
import org.postern.fko.SpaWire;

/**
 * The daemon component without a framework: live reload keeps the grants and applies the new policy to the next
 * packet, a bad configuration keeps the last good one (error with file:line: KEYWORD), the file watch, native
 * stanzas, metrics and alerts.
 */
class LiveReloadTest {

    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HMAC = "hmac-key-for-tests-hmac-key-for-tests".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HMAC2 = "another-hmac-key-another-hmac-key-xy".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    final List<String> fw = Collections.synchronizedList(new ArrayList<>());
    final RijndaelCipher cipher = new RijndaelCipher();
    final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    Path access;
    LiveGrants grants;
    FwknopDaemon daemon;
    long watchMs = 0;

    FirewallBackend backend = new FirewallBackend() {
        public String name() {
            return "test";
        }

        public void grant(AccessGrant g) {
            fw.add("grant " + g.ports());
        }

        public void revoke(AccessGrant g) {
            fw.add("revoke " + g.ports());
        }

        public List<String> list() {
            return fw;
        }

        public void flush() {
        }
    };

    static String stanza(String extra) {
        return "SOURCE ANY\nKEY_BASE64 " + b64(KEY) + "\nHMAC_KEY_BASE64 " + b64(HMAC) + "\nFW_ACCESS_TIMEOUT 60\n" + extra;
    }

    static String b64(byte[] b) {
        return java.util.Base64.getEncoder().encodeToString(b);
    }

    @BeforeEach
    void files() throws Exception {
        Files.writeString(dir.resolve("fwknopd.conf"), "ENABLE_DIGEST_PERSISTENCE N\n");
        access = dir.resolve("access.conf");
        Files.writeString(access, stanza("OPEN_PORTS tcp/22\n"));
    }

    FwknopDaemon start() {
        Map<String, String> props = new HashMap<>();
        props.put("postern.fwknopd.conf", dir.resolve("fwknopd.conf").toString());
        props.put("postern.access.conf", access.toString());
        props.put("postern.pid.file", dir.resolve("fwknopd.pid").toString());
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> m.getName().equals("getProperty")
                        ? props.get((String) a[0]) : null);
        ServerConfig config = (ServerConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServerConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "fwknopdConf" -> "/nonexistent";
                    case "accessConf" -> "";
                    case "applyFwknopdConf" -> false;
                    case "watchInterval" -> watchMs;
                    default -> null;
                });
        FirewallSlot slot = new FirewallSlot();
        slot.set(backend);
        grants = new LiveGrants(slot);
        daemon = new FwknopDaemon(context, config, null, grants);
        daemon.bindCipher(cipher);
        daemon.bindAlertSink(new AlertSink() {
            public String name() {
                return "test";
            }

            public void alert(Alert a) {
                alerts.add(a);
            }
        });
        return daemon;
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.deactivate();
        }
        if (grants != null) {
            grants.close();
        }
    }

    CapturedPacket packet(String ports, byte[] key, byte[] hmac) throws Exception {
        String wire = SpaWire.seal(new SpaMessageBuilder().username("alice").timestamp(Instant.now().getEpochSecond())
                .allowIp("10.200.0.1").access(ports).build(), cipher, new RijndaelKey(key, EncryptionMode.CBC),
                new HmacKey(hmac, HmacType.SHA256));
        return new CapturedPacket(wire.getBytes(StandardCharsets.US_ASCII), InetAddress.getByName("10.200.0.1"),
                40000, InetAddress.getByName("10.200.0.2"), 62201, Transport.UDP, Instant.now(), "udp:test");
    }

    static boolean until(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return condition.getAsBoolean();
    }

    long refused(RefusalReason r) {
        return daemon.metrics().refused().getOrDefault(r, 0L);
    }

    /** Waits until n packets are accepted: their grants are applied by the grant thread, after accept returns. */
    private void applied(long n) {
        assertTrue(until(Duration.ofSeconds(5), () -> daemon.metrics().accepted() == n),
                "accepted " + daemon.metrics().accepted() + " of " + n);
    }

    @Test
    void reloadKeepsGrantsAndTheNextPacketFollowsTheNewPolicy() throws Exception {
        start();
        daemon.accept(packet("tcp/22", KEY, HMAC));
        applied(1);
        assertEquals(1, grants.grants().size());
        AccessGrant kept = grants.grants().get(0);

        Files.writeString(access, stanza("OPEN_PORTS tcp/2222\n"));
        PolicyState s = daemon.reload();
        assertTrue(s.ok(), s.lastError());
        assertEquals(1, s.reloads());
        assertEquals(List.of(kept), grants.grants(), "the grant stays open until its expiry");
        assertFalse(fw.stream().anyMatch(l -> l.startsWith("revoke")), fw.toString());

        daemon.accept(packet("tcp/22", KEY, HMAC));
        assertEquals(1, refused(RefusalReason.PORT_NOT_PERMITTED));
        daemon.accept(packet("tcp/2222", KEY, HMAC));
        applied(2);
        assertEquals(2, grants.grants().size());
        assertTrue(grants.revoke(kept.id()).isPresent(), "still revocable after the reload");

        var m = daemon.metrics();
        assertEquals(3, m.received());
        assertEquals(2, m.accepted());
        assertEquals(2, m.grantsOpened());
        assertEquals(1, m.grantsClosed());
        assertEquals(1, m.grantsLive());
        assertEquals(Map.of("udp:test", 3L), m.byCapture());
        assertTrue(until(Duration.ofSeconds(5), () -> alerts.stream().anyMatch(a -> a.kind() == Alert.Kind.REFUSAL
                && a.reason() == RefusalReason.PORT_NOT_PERMITTED)), alerts.toString());
        assertTrue(until(Duration.ofSeconds(5), () -> alerts.stream().filter(a -> a.kind() == Alert.Kind.GRANT_OPENED)
                .count() == 2 && alerts.stream().anyMatch(a -> a.kind() == Alert.Kind.GRANT_CLOSED)), alerts.toString());
    }

    @Test
    void badConfigurationKeepsTheLastGoodOneAndNamesFileLineKeyword() throws Exception {
        start();
        Files.writeString(access, stanza("OPEN_PORTS tcp/2222\nMAX_FW_TIMEOUT lots\n"));
        PolicyState s = daemon.reload();
        assertFalse(s.ok());
        assertEquals(access + ":6: MAX_FW_TIMEOUT: not a number: 'lots'", s.lastError());
        assertEquals(1, s.failures());
        assertEquals(0, s.reloads());
        assertEquals(s, daemon.state());
        daemon.accept(packet("tcp/22", KEY, HMAC)); // the old policy, OPEN_PORTS tcp/22, still in force
        assertTrue(until(Duration.ofSeconds(5), () -> grants.grants().size() == 1), "applied by the grant thread");
        assertTrue(until(Duration.ofSeconds(5), () -> alerts.stream().anyMatch(a -> a.kind() == Alert.Kind.CONFIG_ERROR
                && a.message().contains("MAX_FW_TIMEOUT"))), alerts.toString());

        Files.writeString(access, stanza("OPEN_PORTS tcp/2222\n"));
        s = daemon.reload();
        assertTrue(s.ok());
        assertNull(s.lastError());
        assertEquals(1, s.failures());
    }

    @Test
    void anEditedFileIsReloadedByTheWatch() throws Exception {
        watchMs = 100;
        Path inc = dir.resolve("more.conf");
        Files.writeString(inc, "SOURCE 192.0.2.1\nKEY other-key\n");
        Files.writeString(access, stanza("OPEN_PORTS tcp/22\n") + "%include " + inc + "\n");
        start();
        assertEquals(2, daemon.stanzas().size());
        // an included file is watched too
        Files.writeString(inc, "SOURCE 192.0.2.1\nKEY other-key\n\nSOURCE 192.0.2.2\nKEY third-key\n");
        assertTrue(until(Duration.ofSeconds(10), () -> daemon.stanzas().size() == 3), "include not reloaded");
        assertEquals(1, daemon.state().reloads());
        // a broken edit: refused once (not retried every poll), the old stanzas stay
        Files.writeString(access, stanza("OPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT x\n"));
        assertTrue(until(Duration.ofSeconds(10), () -> !daemon.state().ok()), "broken edit not seen");
        assertTrue(daemon.state().lastError().startsWith(access + ":6: FW_ACCESS_TIMEOUT"), daemon.state().lastError());
        assertEquals(3, daemon.stanzas().size());
        long failures = daemon.state().failures();
        Files.writeString(access, stanza("OPEN_PORTS tcp/22\n"));
        assertTrue(until(Duration.ofSeconds(10), () -> daemon.state().ok()), "fixed edit not seen");
        assertEquals(failures, daemon.state().failures());
        assertEquals(1, daemon.stanzas().size());
    }

    @Test
    void nativeStanzaIsAppliedWithoutRestartAndShowsOrigins() throws Exception {
        start();
        Path cfg = dir.resolve("org.postern.stanza-web.cfg");
        Files.writeString(cfg, "source = ANY\nkeyBase64 = " + b64(KEY2) + "\nhmacKeyBase64 = " + b64(HMAC2)
                + "\nopenPorts = tcp/8443\n");
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "org.postern.stanza~web");
        props.put("felix.fileinstall.filename", cfg.toUri().toString());
        props.put("source", "ANY");
        props.put("keyBase64", b64(KEY2));
        props.put("hmacKeyBase64", b64(HMAC2));
        props.put("openPorts", "tcp/8443");
        NativeStanza web = new NativeStanza(props);
        daemon.bindNativeStanza(web);
        assertTrue(until(Duration.ofSeconds(5), () -> daemon.stanzas().size() == 2), "native stanza not applied");
        AccessStanzaView v = daemon.stanzas().get(1);
        assertEquals("web", v.name());
        assertEquals("org.postern.stanza~web (" + cfg + ")", v.origin());
        assertEquals("********", v.settings().get("KEY_BASE64"));
        assertEquals(cfg + ":4", v.sources().get("OPEN_PORTS"));
        assertEquals(access + ":1", daemon.stanzas().get(0).sources().get("SOURCE"));
        daemon.accept(packet("tcp/8443", KEY2, HMAC2));
        applied(1);
        assertEquals(1, grants.grants().size());
        assertEquals("web", grants.grants().get(0).stanza());

        // a bad native value is refused with its file and line; the stanza in force stays
        props.put("openPorts", "tcp/99999");
        Files.writeString(cfg, "source = ANY\nopenPorts = tcp/99999\n");
        daemon.unbindNativeStanza(web);
        daemon.bindNativeStanza(new NativeStanza(props));
        assertTrue(until(Duration.ofSeconds(5), () -> !daemon.state().ok()), "bad native stanza not refused");
        assertTrue(daemon.state().lastError().startsWith(cfg + ":2: OPEN_PORTS"), daemon.state().lastError());
        assertTrue(daemon.state().lastError().endsWith("(native stanza org.postern.stanza~web)"));
        assertEquals(2, daemon.stanzas().size());
    }

    @Test
    void deactivationLeavesTheGrantsOpen() throws Exception {
        start();
        daemon.accept(packet("tcp/22", KEY, HMAC));
        applied(1);
        daemon.deactivate();
        daemon = null;
        assertEquals(1, grants.grants().size());
        assertFalse(fw.stream().anyMatch(l -> l.startsWith("revoke")));
        assertNotNull(grants.revoke(grants.grants().get(0).id()).orElse(null));
    }

    @Test
    void refusalsAreCountedExactly() throws Exception {
        start();
        for (int i = 0; i < 5; i++) {
            daemon.accept(packet("tcp/22", KEY2, HMAC2));
        }
        assertEquals(5, refused(RefusalReason.HMAC_MISMATCH));
        assertEquals(5, daemon.metrics().refusedTotal());
        assertEquals(5, daemon.metrics().received());
    }
}
