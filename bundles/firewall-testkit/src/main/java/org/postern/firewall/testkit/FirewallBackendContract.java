package org.postern.firewall.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallBackend;
import org.postern.api.PortSpec;

/**
 * The contract every runnable {@link FirewallBackend} passes, against the real firewall of a gateway namespace
 * whose policy drops by default ({@link NetnsPair}), with real traffic from a client namespace, for IPv4 and
 * IPv6: closed, open after the grant, closed again after the timeout (the daemon revokes at the expiry, as
 * its expiry timer does; a firewall that expires openings itself must close them without that); a re-knock
 * extends one opening; revoke is idempotent; the openings come back from {@link FirewallBackend#liveGrants()}.
 *
 * <p>A backend's test extends this and says how to put the default drop in place, start and stop the backend
 * inside the gateway namespace. Skipped unless the machine can make namespaces.
 */
public abstract class FirewallBackendContract {

    /** How long after the expiry an opening may still let traffic in (the bound). */
    protected static final Duration CLOSE_SLACK = Duration.ofSeconds(2);

    protected static NetnsPair pair;
    protected FirewallBackend backend;

    @BeforeAll
    static void makeNamespaces() {
        assumeTrue(NetnsPair.usable(), "needs root, ip and nc");
        pair = NetnsPair.create();
    }

    @AfterAll
    static void removeNamespaces() {
        if (pair != null) {
            pair.close();
            pair = null;
        }
    }

    /** Puts the operator's default-drop input policy for IPv4 and IPv6 in place in the gateway. */
    protected abstract void defaultDrop(NetnsPair pair) throws Exception;

    /** Removes every rule the test or the backend put in the gateway. */
    protected abstract void clearFirewall(NetnsPair pair) throws Exception;

    /** Starts the backend under test so that it works on the gateway namespace's firewall. */
    protected abstract FirewallBackend start(NetnsPair pair) throws Exception;

    /** Stops it the way its component's deactivation does. */
    protected abstract void stop(FirewallBackend backend) throws Exception;

    /** True when the firewall itself closes an opening at its expiry (nftables element timeouts). */
    protected boolean firewallExpires() {
        return false;
    }

    /**
     * True when {@link FirewallBackend#liveGrants()} can report an opening with its expiry; false for a firewall
     * that keeps the timeout to itself (firewalld's rich rule timeouts cannot be read back).
     */
    protected boolean reportsLiveGrants() {
        return true;
    }

    @BeforeEach
    void startBackend() throws Exception {
        defaultDrop(pair);
        assertFalse(pair.reachable(pair.gatewayIp4), "the default drop must close the IPv4 service");
        assertFalse(pair.reachable(pair.gatewayIp6), "the default drop must close the IPv6 service");
        backend = start(pair);
    }

    @AfterEach
    void stopBackend() throws Exception {
        if (backend != null) {
            stop(backend);
            backend = null;
        }
        clearFirewall(pair);
    }

    protected static String client(String family) {
        return family.equals("IPv6") ? pair.clientIp6 : pair.clientIp4;
    }

    protected static AccessGrant grant(String source, String ports, Duration lifetime) throws Exception {
        return new AccessGrant("c1", InetAddress.getByName(source), null, PortSpec.parseList(ports),
                Instant.now().plus(lifetime), "contract");
    }

    private long linesFor(String source) throws Exception {
        String literal = InetAddress.getByName(source).getHostAddress();
        return backend.list().stream().filter(l -> l.contains(source) || l.contains(literal)).count();
    }

    private static void waitUntil(Instant t) {
        NetnsPair.waitFor(Duration.between(Instant.now(), t).plusSeconds(1), () -> !Instant.now().isBefore(t));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"IPv4", "IPv6"})
    void closedThenOpenAfterTheGrantThenClosedAfterTheTimeout(String family) throws Exception {
        String source = client(family);
        String target = pair.gatewayFor(source);
        assertFalse(pair.reachable(target), "open before any grant");

        AccessGrant g = grant(source, "tcp/" + NetnsPair.PORT, Duration.ofSeconds(3));
        backend.grant(g);
        assertTrue(pair.reachable(target), backend.name() + ": the grant did not open the service (" + family + ")");
        assertEquals(1, linesFor(source), backend.list().toString());

        waitUntil(g.expiresAt());
        if (!firewallExpires()) {
            backend.revoke(g); // what the daemon's expiry timer does
        }
        assertTrue(NetnsPair.waitFor(Duration.between(Instant.now(), g.expiresAt().plus(CLOSE_SLACK)),
                () -> !pair.reachable(target)), backend.name() + ": still open " + CLOSE_SLACK.toSeconds()
                + " s after the expiry (" + family + ")");
        assertEquals(0, linesFor(source), backend.list().toString());
    }

    @Test
    void aReKnockExtendsTheOneOpening() throws Exception {
        AccessGrant first = grant(pair.clientIp4, "tcp/" + NetnsPair.PORT, Duration.ofSeconds(2));
        backend.grant(first);
        AccessGrant extended = first.withExpiry(Instant.now().plusSeconds(30));
        backend.grant(extended);
        assertEquals(1, linesFor(pair.clientIp4), "stacked instead of extended: " + backend.list());
        waitUntil(first.expiresAt().plusSeconds(1));
        assertTrue(pair.reachable(pair.gatewayIp4), backend.name() + ": the re-knock did not extend the opening");
        backend.revoke(extended);
        assertFalse(pair.reachable(pair.gatewayIp4), "revoke did not close");
    }

    @Test
    void revokeIsIdempotentAndLiveGrantsReportTheOpening() throws Exception {
        AccessGrant g = grant(pair.clientIp6, "tcp/" + NetnsPair.PORT + ", udp/" + NetnsPair.PORT, Duration.ofSeconds(30));
        backend.grant(g);
        backend.grant(g);
        assertTrue(pair.reachable(pair.gatewayIp6), backend.name() + ": the grant did not open the service");
        if (reportsLiveGrants()) {
            List<AccessGrant> live = backend.liveGrants();
            assertEquals(1, live.size(), live.toString());
            assertEquals(g.source(), live.get(0).source());
            assertEquals(g.ports().size(), live.get(0).ports().size());
            assertTrue(Math.abs(Duration.between(g.expiresAt(), live.get(0).expiresAt()).toMillis()) < 1000,
                    g.expiresAt() + " vs " + live.get(0).expiresAt());
        }
        assertEquals(2, linesFor(pair.clientIp6), "two ports, two openings: " + backend.list());
        backend.revoke(g);
        backend.revoke(g);
        assertEquals(List.of(), backend.liveGrants());
        assertEquals(0, linesFor(pair.clientIp6), backend.list().toString());
        assertFalse(pair.reachable(pair.gatewayIp6));
    }

    @Test
    void grantAllOpensEveryGrantAndRevokeAllClosesThem() throws Exception {
        AccessGrant four = grant(pair.clientIp4, "tcp/" + NetnsPair.PORT, Duration.ofSeconds(30));
        AccessGrant six = new AccessGrant("c2", InetAddress.getByName(pair.clientIp6), null,
                PortSpec.parseList("tcp/" + NetnsPair.PORT), Instant.now().plusSeconds(30), "contract");
        assertEquals(java.util.Map.of(), backend.grantAll(List.of(four, six)), backend.name() + ": a grant failed");
        assertTrue(pair.reachable(pair.gatewayIp4), backend.name() + ": grantAll did not open IPv4");
        assertTrue(pair.reachable(pair.gatewayIp6), backend.name() + ": grantAll did not open IPv6");
        assertEquals(java.util.Map.of(), backend.revokeAll(List.of(four, six)), backend.name() + ": a revoke failed");
        assertEquals(0, linesFor(pair.clientIp4) + linesFor(pair.clientIp6), backend.list().toString());
        assertFalse(pair.reachable(pair.gatewayIp4), "revokeAll did not close IPv4");
        assertFalse(pair.reachable(pair.gatewayIp6), "revokeAll did not close IPv6");
    }
}
