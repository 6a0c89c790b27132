package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.FirewallException;
import org.postern.api.PortSpec;

/** The exact nft lines of start, grant, revoke, list, adoption and stop, against a scripted session. */
class NftablesFirewallBackendTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String FILTER_INPUT = """
            table inet filter {
            	chain input { # handle 1
            		type filter hook input priority 0; policy drop;
            		ct state 0x2,0x4 accept # handle 2
            	}
            }""";
    private static final String HOOKED_INPUT = """
            table inet filter {
            	chain input { # handle 1
            		type filter hook input priority 0; policy drop;
            		jump postern_access comment "postern" # handle 11
            		ct state 0x2,0x4 accept # handle 2
            	}
            }""";

    private static NftSettings settings(boolean flushAtInit, boolean flushAtExit) {
        return new NftSettings("/usr/sbin/nft", ChainRef.parse("inet filter input"), "postern", flushAtInit, flushAtExit,
                Duration.ofSeconds(5));
    }

    private static NftablesFirewallBackend backend(ScriptedNft nft, NftSettings s) {
        return new NftablesFirewallBackend(s, x -> nft, CLOCK);
    }

    private static AccessGrant grant(String source, String ports, long seconds) throws Exception {
        return new AccessGrant("7", InetAddress.getByName(source), null, PortSpec.parseList(ports),
                NOW.plusSeconds(seconds), "s");
    }

    @Test
    void startHooksIntoInetFilterInput() {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, FILTER_INPUT);
        backend(nft, settings(false, true));
        assertEquals(List.of("list chain inet filter input", NftLayout.hookedInto(ChainRef.parse("inet filter input")).setup(),
                "list chain inet filter input", "insert rule inet filter input jump postern_access comment \"postern\"",
                "list set inet filter postern_allow4", "list set inet filter postern_allow6"), nft.sent);
    }

    @Test
    void startWithoutInetFilterMakesAnOwnTable() {
        ScriptedNft nft = new ScriptedNft()
                .answer("list chain inet filter input", false, "Error: No such file or directory")
                .answer("list chain inet postern input", true, "table inet postern {\n\tchain input {\n\t}\n}");
        backend(nft, settings(false, true));
        assertEquals(NftLayout.ownTable("postern").setup(), nft.sent.get(1));
        assertEquals("insert rule inet postern input jump postern_access comment \"postern\"", nft.sent.get(3));
    }

    @Test
    void jumpIsNotAddedTwiceAndFlushAtInitRemovesTheOldObjectsFirst() {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        backend(nft, settings(true, true));
        assertEquals(List.of("list chain inet filter input", "list chain inet filter input",
                "delete rule inet filter input handle 11", "delete chain inet filter postern_access",
                "delete set inet filter postern_allow4", "delete set inet filter postern_allow6",
                NftLayout.hookedInto(ChainRef.parse("inet filter input")).setup(), "list chain inet filter input"),
                nft.sent, "the scripted listing still shows the jump, so it is not inserted again");
    }

    @Test
    void grantIsOneTransactionAndRevokeAnother() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        nft.sent.clear();
        b.grant(grant("10.9.8.7", "tcp/22, udp/53", 30));
        assertEquals(List.of("add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 timeout 30000ms comment \"_exp_1700000030\" }; "
                + "add element inet filter postern_allow4 { 10.9.8.7 . 17 . 53 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 17 . 53 }; "
                + "add element inet filter postern_allow4 { 10.9.8.7 . 17 . 53 timeout 30000ms comment \"_exp_1700000030\" }"),
                nft.sent);
        nft.sent.clear();
        b.revoke(grant("10.9.8.7", "tcp/22, udp/53", 30));
        assertEquals(List.of("add element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 6 . 22 }; "
                + "add element inet filter postern_allow4 { 10.9.8.7 . 17 . 53 }; "
                + "delete element inet filter postern_allow4 { 10.9.8.7 . 17 . 53 }"), nft.sent);
    }

    private static AccessGrant grant(String id, String source, String ports, long seconds) throws Exception {
        return new AccessGrant(id, InetAddress.getByName(source), null, PortSpec.parseList(ports),
                NOW.plusSeconds(seconds), "s");
    }

    @Test
    void grantAllAndRevokeAllAreOneTransactionEach() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        nft.sent.clear();
        List<AccessGrant> gs = List.of(grant("1", "10.9.8.7", "tcp/22", 30), grant("2", "10.9.8.8", "tcp/22", 40),
                grant("3", "2001:db8::1", "udp/53", 50));
        assertEquals(java.util.Map.of(), b.grantAll(gs));
        assertEquals(1, nft.sent.size(), nft.sent.toString());
        String line = nft.sent.get(0);
        assertTrue(line.contains("postern_allow4 { 10.9.8.7 . 6 . 22 timeout 30000ms")
                && line.contains("postern_allow4 { 10.9.8.8 . 6 . 22 timeout 40000ms")
                && line.contains("postern_allow6 { 2001:db8:0:0:0:0:0:1 . 17 . 53 timeout 50000ms"), line);
        nft.sent.clear();
        assertEquals(java.util.Map.of(), b.revokeAll(gs));
        assertEquals(1, nft.sent.size(), nft.sent.toString());
        assertEquals(6, nft.sent.get(0).split("; ").length, nft.sent.get(0));
    }

    @Test
    void aFailedBatchIsRetriedOneGrantAtATimeAndOnlyTheBadGrantFails() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        // any transaction holding 10.9.8.66 fails (as nft fails the whole transaction); the objects are intact
        NftSession bad = new NftSession() {
            @Override
            public Reply send(String l) {
                return l.contains("10.9.8.66") ? new Reply(false, "Error: Could not process rule: bad element")
                        : nft.send(l);
            }

            @Override
            public void close() {
            }
        };
        NftablesFirewallBackend b2 = new NftablesFirewallBackend(settings(false, true), x -> bad, CLOCK);
        nft.sent.clear();
        AccessGrant good1 = grant("1", "10.9.8.7", "tcp/22", 30);
        AccessGrant badOne = grant("2", "10.9.8.66", "tcp/22", 30);
        AccessGrant good2 = grant("3", "10.9.8.8", "tcp/22", 30);
        java.util.Map<AccessGrant, FirewallException> failed = b2.grantAll(List.of(good1, badOne, good2));
        assertEquals(java.util.Set.of(badOne), failed.keySet());
        assertTrue(failed.get(badOne).getMessage().contains("bad element"), failed.toString());
        assertEquals(2, nft.sent.stream().filter(l -> l.startsWith("add element") && !l.contains("10.9.8.66")
                && l.split("; ").length == 3).count(), "the two good grants applied one by one: " + nft.sent);
        b.close();
    }

    @Test
    void aFailedGrantWithTheObjectsInPlaceThrows() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT)
                .answer("add element", false, "Error: Could not process rule: No buffer space available");
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        FirewallException e = assertThrows(FirewallException.class, () -> b.grant(grant("10.9.8.7", "tcp/22", 30)));
        assertTrue(e.getMessage().contains("No buffer space available"), e.getMessage());
    }

    @Test
    void aGrantAfterTheRulesetWasReloadedMakesTheObjectsAgain() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        nft.answer("add element", false, "Error: No such file or directory");
        nft.answers.put("list chain inet filter input", new NftSession.Reply(true, FILTER_INPUT)); // jump gone
        nft.sent.clear();
        assertThrows(FirewallException.class, () -> b.grant(grant("10.9.8.7", "tcp/22", 30)));
        assertTrue(nft.sent.contains("insert rule inet filter input jump postern_access comment \"postern\""), nft.sent.toString());
        assertEquals(2, nft.sent.stream().filter(l -> l.startsWith("add element")).count(), "retried once");
    }

    @Test
    void icmpAndIpv6InAnIpTableAreRefused() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain ip filter INPUT", true, "table ip filter {\n}");
        NftablesFirewallBackend b = backend(nft, new NftSettings("/usr/sbin/nft", ChainRef.parse("ip filter INPUT"),
                "postern", false, true, Duration.ofSeconds(5)));
        assertThrows(FirewallException.class, () -> b.grant(grant("10.9.8.7", "icmp/8", 30)));
        FirewallException e = assertThrows(FirewallException.class, () -> b.grant(grant("fd00::1", "tcp/22", 30)));
        assertTrue(e.getMessage().contains("cannot hold IPv6"), e.getMessage());
    }

    @Test
    void listShowsElementsAndLiveGrantsRegroupPorts() throws Exception {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT)
                .answer("list set inet filter postern_allow4", true, "table inet filter {\n\tset postern_allow4 {\n"
                        + "\t\telements = { 10.9.8.7 . 6 . 22 timeout 30s expires 20s comment \"_exp_1700000030\",\n"
                        + "\t\t\t     10.9.8.7 . 17 . 53 timeout 30s expires 20s comment \"_exp_1700000030\",\n"
                        + "\t\t\t     10.9.8.8 . 6 . 22 timeout 30s expires 1s comment \"_exp_1699999999\",\n"
                        + "\t\t\t     10.9.8.9 . 6 . 22 timeout 30s expires 1s }\n\t}\n}")
                .answer("list set inet filter postern_allow6", true, "table inet filter {\n\tset postern_allow6 {\n"
                        + "\t\telements = { fd00::1 . 6 . 2222 timeout 9s expires 5s comment \"_exp_1700000005\" }\n\t}\n}");
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        List<String> lines = b.list();
        assertEquals(5, lines.size(), lines.toString());
        assertEquals("inet filter postern_allow4: 10.9.8.7 . 6 . 22 timeout 30s expires 20s comment \"_exp_1700000030\"",
                lines.get(0));
        assertEquals("inet filter postern_allow6: fd00::1 . 6 . 2222 timeout 9s expires 5s comment \"_exp_1700000005\"",
                lines.get(4));
        List<AccessGrant> live = b.liveGrants();
        assertEquals(2, live.size(), live.toString());
        assertEquals(InetAddress.getByName("10.9.8.7"), live.get(0).source());
        assertEquals(PortSpec.parseList("tcp/22, udp/53"), live.get(0).ports());
        assertEquals(Instant.ofEpochSecond(1_700_000_030), live.get(0).expiresAt());
        assertEquals(InetAddress.getByName("fd00::1"), live.get(1).source());
    }

    @Test
    void stopRemovesEverythingWithFlushAtExit() {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, true));
        nft.sent.clear();
        b.close();
        assertEquals(List.of("list chain inet filter input", "delete rule inet filter input handle 11",
                "delete chain inet filter postern_access", "delete set inet filter postern_allow4",
                "delete set inet filter postern_allow6"), nft.sent);
        assertTrue(nft.closed);
        assertThrows(FirewallException.class, b::list);
    }

    @Test
    void stopKeepsEverythingWithoutFlushAtExit() {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, HOOKED_INPUT);
        NftablesFirewallBackend b = backend(nft, settings(false, false));
        nft.sent.clear();
        b.close();
        assertEquals(List.of(), nft.sent);
        assertTrue(nft.closed);
    }

    @Test
    void aSetupFailureFailsTheStart() {
        ScriptedNft nft = new ScriptedNft().answer("list chain inet filter input", true, FILTER_INPUT)
                .answer("add set", false, "Error: Could not process rule: Operation not permitted");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> backend(nft, settings(false, true)));
        assertTrue(e.getMessage().contains("Operation not permitted"), e.getMessage());
        assertTrue(nft.closed);
    }
}
