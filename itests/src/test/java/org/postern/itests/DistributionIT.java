package org.postern.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the assembled distribution as shipped: a private copy booted with {@code bin/karaf daemon}
 * (state in a temporary KARAF_DATA, SSH on a free loopback port), inspected through {@code bin/client}.
 * No fwknopd.conf: the capture and firewall components legitimately wait for configuration. Runs as any user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionIT {

    @TempDir
    static Path root;

    private Distribution dist;
    private Process karaf;
    private Path log;
    private int port;
    private Instant bootStarted;

    @BeforeAll
    void boot() throws Exception {
        dist = Distribution.copyOf(Distribution.assembly(), root);
        Path access = root.resolve("access.conf");
        Distribution.writeAccessConf(access);
        dist.isolateServer(root.resolve("no-such-dir/fwknopd.conf"), access);
        Path data = Files.createDirectories(root.resolve("data"));
        port = Distribution.freePort();
        log = root.resolve("karaf.out");
        Path marker = Files.createFile(root.resolve("boot.marker"));
        bootStarted = Files.getLastModifiedTime(marker).toInstant();
        karaf = dist.start(List.of(dist.home.resolve("bin/karaf").toString(), "daemon"),
                Map.of("KARAF_DATA", data.toString(),
                        "ORG_APACHE_KARAF_SHELL_SSHPORT", Integer.toString(port),
                        // the replay cache would default to /var/run/fwknop/digest.cache
                        "EXTRA_JAVA_OPTS", "-Xms32m -Xmx256m -Dpostern.digest.file=" + root.resolve("digest.cache")),
                log);
        try {
            dist.awaitShell(port);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n--- console:\n" + dist.log(log) + "\n--- karaf.log:\n"
                    + dist.log(data.resolve("log/karaf.log")), e);
        }
    }

    @AfterAll
    void shutdown() throws Exception {
        if (karaf != null) {
            int rc = Distribution.stop(karaf, Duration.ofSeconds(30));
            assertTrue(rc != -1, "Karaf did not stop within 30 s of SIGTERM");
        }
    }

    @Test
    void posternFeatureIsInstalled() throws Exception {
        Distribution.ClientResult result = dist.client(port, "feature:list -i");
        assertEquals(0, result.exitCode(), result.output());
        for (String feature : List.of("postern", "postern-core", "postern-shell", "postern-capture-udp",
                "postern-capture-pcap", "postern-firewall-iptables", "postern-thirdparty")) {
            assertTrue(result.lines().stream().anyMatch(l -> l.matches("^" + feature + "\\s+\\|.*\\|\\s*Started\\s*\\|.*")),
                    feature + " not installed and started:\n" + result.output());
        }
    }

    @Test
    void everyComponentIsActiveOrWaitsForItsConfiguration() throws Exception {
        Distribution.ClientResult result = dist.client(port, "spa:status");
        assertEquals(0, result.exitCode(), result.output());
        String out = result.output();
        assertFalse(out.contains("UNSATISFIED_REFERENCE"), out);
        assertFalse(out.contains("FAILED_ACTIVATION"), out);
        assertTrue(out.contains("org.postern.server"), out);
        String last = result.lastLine();
        assertTrue(last.equals("all components active") || last.startsWith("all configured components active"),
                "unexpected summary '" + last + "':\n" + out);
    }

    @Test
    void shellReachesTheServer() throws Exception {
        Distribution.ClientResult result = dist.client(port, "spa:grants", "spa:stanzas");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("no live grants"), result.output());
        assertTrue(result.output().contains("OPEN_PORTS"), result.output());
        assertTrue(result.output().contains("********"), "keys are not masked:\n" + result.output());
        assertFalse(result.output().contains("wzNP62oPPgEc"), "a key is shown:\n" + result.output());
    }

    @Test
    void listensOnLoopbackOnly() throws Exception {
        List<String> listeners = Distribution.listeners(karaf.pid());
        assertTrue(listeners.stream().anyMatch(l -> l.endsWith(":" + port)), "no SSH listener: " + listeners);
        for (String listener : listeners) {
            assertTrue(Distribution.isLoopback(listener.substring(listener.indexOf(' ') + 1)),
                    "reachable from outside: " + listener + " (all: " + listeners + ")");
        }
    }

    @Test
    void writesNothingIntoTheDistribution() throws IOException {
        List<Path> changed = dist.changedSince(bootStarted);
        assertTrue(changed.isEmpty(), "the running instance wrote into the distribution: " + changed);
        assertTrue(Files.isRegularFile(root.resolve("data/host.key")), "the SSH host key is not in KARAF_DATA");
        assertFalse(Files.exists(dist.home.resolve("etc/host.key.pub")), "the SSH host key went into etc/");
    }
}
