package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.PortSpec;
import org.postern.firewall.testkit.NetnsPair;
import org.postern.firewall.testkit.NetnsPair.Result;

/**
 * The backend against the real nft and kernel, with real traffic: a client namespace and a gateway
 * namespace joined by a veth pair (IPv4 and IPv6), the gateway's {@code inet filter input} dropping by
 * default (made with nft), and a TCP service on port 2222 for both families. A grant must open the
 * service from the client, and the kernel must close it at the expiry. Skipped unless root with ip, nft
 * and nc.
 */
class NftablesNamespaceTest {

    private static final int PORT = NetnsPair.PORT;
    private static final String NFT = "/usr/sbin/nft";
    private static NetnsPair pair;
    private static String gw;
    private static String clientIp4;
    private static String serverIp4;
    private static String clientIp6;
    private static String serverIp6;

    private final List<NftablesFirewallBackend> started = new ArrayList<>();

    @BeforeAll
    static void namespaces() {
        assumeTrue(NetnsPair.usable() && new File(NFT).canExecute(), "needs root, ip, nc and nft");
        pair = NetnsPair.create();
        gw = pair.gateway;
        clientIp4 = pair.clientIp4;
        serverIp4 = pair.gatewayIp4;
        clientIp6 = pair.clientIp6;
        serverIp6 = pair.gatewayIp6;
    }

    @AfterAll
    static void removeNamespaces() {
        if (pair != null) {
            pair.close();
        }
    }

    /** The operator's policy: default drop in inet filter input, as an nftables.conf would have it. */
    @BeforeEach
    void defaultDrop() throws Exception {
        nftFile("flush ruleset\n"
                + "table inet filter {\n"
                + "  chain input {\n"
                + "    type filter hook input priority 0; policy drop;\n"
                + "    ct state established,related accept\n"
                + "    iif lo accept\n"
                + "    meta l4proto { icmp, ipv6-icmp } accept\n"
                + "  }\n"
                + "}\n");
        assertTrue(closed(serverIp4) && closed(serverIp6), "the default drop does not close the service");
    }

    @AfterEach
    void stopBackends() {
        started.forEach(NftablesFirewallBackend::close);
        nftFile("flush ruleset\n");
    }

    private NftablesFirewallBackend start(String hookChain, boolean flushAtInit, boolean flushAtExit) {
        NftSettings s = new NftSettings(NFT, ChainRef.parse(hookChain), "postern", flushAtInit, flushAtExit,
                Duration.ofSeconds(10));
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", gw));
        command.addAll(InteractiveNft.commandFor(NFT));
        NftablesFirewallBackend b = new NftablesFirewallBackend(s,
                x -> new InteractiveNft(command, x.commandTimeout()), Clock.systemUTC());
        started.add(b);
        return b;
    }

    private static AccessGrant grant(String source, Duration lifetime) throws Exception {
        return new AccessGrant("1", InetAddress.getByName(source), null, PortSpec.parseList("tcp/" + PORT),
                Instant.now().plus(lifetime), "test");
    }

    @Test
    void grantOpensBothFamiliesThroughTheOperatorsDropAndTheKernelClosesOnTime() throws Exception {
        NftablesFirewallBackend b = start("inet filter input", false, true);
        String input = nft("list", "chain", "inet", "filter", "input");
        assertTrue(input.contains("jump postern_access comment \"postern\""), input);
        assertTrue(input.indexOf("jump postern_access") < input.indexOf("ct state"), "jump at the top:\n" + input);

        AccessGrant v4 = grant(clientIp4, Duration.ofSeconds(3));
        AccessGrant v6 = grant(clientIp6, Duration.ofSeconds(3));
        b.grant(v4);
        b.grant(v6);
        assertTrue(reachable(serverIp4), "IPv4 grant did not open the service");
        assertTrue(reachable(serverIp6), "IPv6 grant did not open the service");
        List<String> listed = b.list();
        assertEquals(2, listed.size(), listed.toString());
        assertTrue(listed.get(0).startsWith("inet filter postern_allow4: " + clientIp4 + " . 6 . " + PORT + " timeout "),
                listed.toString());
        assertTrue(listed.get(0).endsWith("comment \"_exp_" + SetElement.of(v4.source(), v4.ports().get(0),
                v4.expiresAt().toEpochMilli()).expiresAtSecond() + "\""), listed.toString());
        assertTrue(listed.get(1).startsWith("inet filter postern_allow6: " + clientIp6 + " . 6 . " + PORT), listed.toString());

        // nobody revokes: the kernel's element timeout closes it
        assertTrue(waitFor(Duration.between(Instant.now(), v4.expiresAt().plusSeconds(2)),
                () -> closed(serverIp4) && closed(serverIp6)), "still open 2 s after the expiry");
        assertEquals(List.of(), b.list());

        b.close();
        String after = nft("list", "table", "inet", "filter");
        assertFalse(after.contains("postern"), "flushAtExit left objects:\n" + after);
        assertTrue(after.contains("policy drop") && after.contains("ct state established,related accept"),
                "the operator's chain must stay as it was:\n" + after);
    }

    @Test
    void aRestartAfterACrashReportsLiveElementsAndTheKernelStillExpiresThem() throws Exception {
        NftablesFirewallBackend crashed = start("inet filter input", false, false); // as after kill -9: nothing removed
        AccessGrant g = new AccessGrant("9", InetAddress.getByName(clientIp4), null,
                PortSpec.parseList("tcp/" + PORT + ", udp/" + PORT), Instant.now().plusSeconds(4), "test");
        crashed.grant(g);
        crashed.close();
        assertTrue(reachable(serverIp4), "the element must survive the daemon");

        NftablesFirewallBackend restarted = start("inet filter input", false, true);
        List<AccessGrant> live = restarted.liveGrants();
        assertEquals(1, live.size(), live.toString());
        assertEquals(g.source(), live.get(0).source());
        assertEquals(g.ports().size(), live.get(0).ports().size());
        assertEquals(SetElement.of(g.source(), g.ports().get(0), g.expiresAt().toEpochMilli()).expiresAtSecond(),
                live.get(0).expiresAt().getEpochSecond());
        String input = nft("list", "chain", "inet", "filter", "input");
        assertEquals(1, input.lines().filter(l -> l.contains("jump postern_access")).count(), "one jump:\n" + input);
        assertTrue(waitFor(Duration.between(Instant.now(), g.expiresAt().plusSeconds(2)), () -> closed(serverIp4)),
                "still open 2 s after the expiry");
    }

    @Test
    void flushAtInitStartsEmpty() throws Exception {
        NftablesFirewallBackend first = start("inet filter input", false, false);
        first.grant(grant(clientIp4, Duration.ofSeconds(60)));
        first.close();
        NftablesFirewallBackend second = start("inet filter input", true, true);
        assertEquals(List.of(), second.list());
        assertTrue(closed(serverIp4));
    }

    @Test
    void hooksIntoTheIptablesNftInputChainWhenConfigured() throws Exception {
        nftFile("flush ruleset\n");
        assumeTrue(run("ip", "netns", "exec", gw, "iptables-nft", "-w", "-P", "INPUT", "DROP").ok(), "needs iptables-nft");
        must(run("ip", "netns", "exec", gw, "iptables-nft", "-w", "-A", "INPUT", "-m", "conntrack", "--ctstate",
                "ESTABLISHED,RELATED", "-j", "ACCEPT"));
        assertTrue(closed(serverIp4));
        NftablesFirewallBackend b = start("ip filter INPUT", false, true);
        b.grant(grant(clientIp4, Duration.ofSeconds(30)));
        assertTrue(reachable(serverIp4), "no opening through iptables-nft's INPUT drop");
        b.close();
        assertTrue(closed(serverIp4));
        assertFalse(nft("list", "table", "ip", "filter").contains("postern"));
    }

    @Test
    void withoutInetFilterItMakesAndRemovesItsOwnTable() throws Exception {
        nftFile("flush ruleset\n");
        NftablesFirewallBackend b = start("inet filter input", false, true);
        String own = nft("list", "table", "inet", "postern");
        assertTrue(own.contains("hook input") && own.contains("jump postern_access") && own.contains("postern_allow6"), own);
        b.grant(grant(clientIp6, Duration.ofSeconds(30)));
        assertEquals(1, b.list().size());
        b.close();
        assertFalse(run("ip", "netns", "exec", gw, NFT, "list", "table", "inet", "postern").ok(), "own table left");
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private static boolean reachable(String ip) {
        return pair.reachable(ip);
    }

    private static boolean closed(String ip) {
        return !reachable(ip);
    }

    private static String nft(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", gw, NFT));
        argv.addAll(List.of(args));
        Result r = run(argv.toArray(String[]::new));
        assertTrue(r.ok(), r.out());
        return r.out();
    }

    private static void nftFile(String ruleset) {
        try {
            Path f = Files.createTempFile("ruleset", ".nft");
            Files.writeString(f, ruleset);
            must(run("ip", "netns", "exec", gw, NFT, "-f", f.toString()));
            Files.delete(f);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean waitFor(Duration limit, BooleanSupplier condition) {
        return NetnsPair.waitFor(limit, condition);
    }

    private static Result run(String... argv) {
        return NetnsPair.run(List.of(argv));
    }

    private static void must(Result r) {
        if (!r.ok()) {
            throw new IllegalStateException("command failed (" + r.exit() + "): " + r.out());
        }
    }
}
