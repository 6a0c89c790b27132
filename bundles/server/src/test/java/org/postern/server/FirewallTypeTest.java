package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fwknopd.conf's FIREWALL_TYPE (a Postern keyword) configures exactly one backend's PID. */
class FirewallTypeTest {

    @TempDir
    Path dir;

    private List<FwknopdImport.Target> targets(String conf) throws Exception {
        Path file = dir.resolve("fwknopd.conf");
        Files.writeString(file, conf);
        return FwknopdImport.targets(DaemonSettings.load(file, Map.of()), false);
    }

    private static FwknopdImport.Target firewall(List<FwknopdImport.Target> targets) {
        List<FwknopdImport.Target> fw = targets.stream().filter(t -> t.pid().startsWith("org.postern.firewall")).toList();
        assertEquals(1, fw.size(), fw.toString());
        return fw.get(0);
    }

    @Test
    void iptablesByDefault() throws Exception {
        FwknopdImport.Target t = firewall(targets("PCAP_INTF eth0;\nFLUSH_IPT_AT_INIT N;\n"));
        assertEquals("org.postern.firewall.iptables", t.pid());
        assertEquals("/usr/sbin/iptables", t.properties().get("executable"));
        assertEquals(false, t.properties().get("flushAtInit"));
    }

    @Test
    void nftablesWithItsKeywords() throws Exception {
        FwknopdImport.Target t = firewall(targets("FIREWALL_TYPE nftables;\nNFT_HOOK_CHAIN ip filter INPUT;\n"));
        assertEquals("org.postern.firewall.nftables", t.pid());
        assertEquals("ip filter INPUT", t.properties().get("hookChain"));
        assertEquals("postern", t.properties().get("table"));
        assertEquals(null, t.properties().get("executable"), "the iptables default of FIREWALL_EXE is not for nft");
        t = firewall(targets("FIREWALL_TYPE nftables;\nFIREWALL_EXE /usr/local/sbin/nft;\n"));
        assertEquals("/usr/local/sbin/nft", t.properties().get("executable"));
        assertEquals("inet filter input", t.properties().get("hookChain"));
    }

    @Test
    void cmdCycleConfiguresItsPidAndStanzasCarryTheirCycle() throws Exception {
        assertEquals("org.postern.firewall.cmdcycle", firewall(targets("FIREWALL_TYPE cmd-cycle;\n")).pid());
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY secret\nCMD_CYCLE_OPEN /sbin/ipset add allow $SRC\n"
                + "CMD_CYCLE_CLOSE /sbin/ipset del allow $SRC\nCMD_CYCLE_TIMER 60\n\n"
                + "SOURCE ANY\nKEY secret\nCMD_CYCLE_OPEN /bin/true\nCMD_CYCLE_CLOSE NONE\nFW_ACCESS_TIMEOUT 7\n");
        List<AccessStanza> stanzas = new AccessConfParser().parse(access);
        assertEquals(new org.postern.api.CommandCycle("/sbin/ipset add allow $SRC", "/sbin/ipset del allow $SRC", 60),
                stanzas.get(0).commandCycle());
        assertEquals(60, stanzas.get(0).timeoutFor(0), "CMD_CYCLE_TIMER without a client timeout");
        assertEquals(900, stanzas.get(0).timeoutFor(900), "the client's timeout, not capped by MAX_FW_TIMEOUT");
        assertEquals(null, stanzas.get(1).commandCycle().close());
        assertEquals(7, stanzas.get(1).timeoutFor(0));
    }

    @Test
    void commandCycleRulesOfFwknopd() throws Exception {
        Path access = dir.resolve("access.conf");
        for (String bad : List.of("CMD_CYCLE_OPEN /bin/true\n", "CMD_CYCLE_OPEN /bin/true\nCMD_CYCLE_CLOSE /bin/false\n",
                "CMD_CYCLE_CLOSE /bin/false\n", "CMD_CYCLE_OPEN a\nCMD_CYCLE_CLOSE b\nCMD_CYCLE_TIMER 0\n")) {
            Files.writeString(access, "SOURCE ANY\nKEY secret\n" + bad);
            assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access), bad);
        }
    }

    @Test
    void firewalldIpfwAndPfWithFwknopsKeywords() throws Exception {
        FwknopdImport.Target t = firewall(targets("FIREWALL_TYPE firewalld;\nFIREWALL_EXE /usr/bin/firewall-cmd;\n"
                + "FLUSH_FIREWD_AT_INIT N;\nFIREWD_ZONE dmz;\n"));
        assertEquals("org.postern.firewall.firewalld", t.pid());
        assertEquals("/usr/bin/firewall-cmd", t.properties().get("executable"));
        assertEquals(false, t.properties().get("flushAtInit"));
        assertEquals("dmz", t.properties().get("zone"));
        t = firewall(targets("FIREWALL_TYPE ipfw;\nIPFW_START_RULE_NUM 1000;\nIPFW_ADD_CHECK_STATE Y;\n"));
        assertEquals("org.postern.firewall.ipfw", t.pid());
        assertEquals(1000, t.properties().get("startRuleNum"));
        assertEquals(2, t.properties().get("expireSet"));
        assertEquals(true, t.properties().get("addCheckState"));
        assertEquals(null, t.properties().get("executable"));
        t = firewall(targets("FIREWALL_TYPE pf;\nPF_ANCHOR_NAME spa;\nFIREWALL_EXE /sbin/pfctl;\n"));
        assertEquals("org.postern.firewall.pf", t.pid());
        assertEquals("spa", t.properties().get("anchor"));
        assertEquals("/sbin/pfctl", t.properties().get("executable"));
    }

    @Test
    void testModeConfiguresNoFirewall() throws Exception {
        Path file = dir.resolve("fwknopd.conf");
        Files.writeString(file, "FIREWALL_TYPE nftables;\n");
        assertTrue(FwknopdImport.targets(DaemonSettings.load(file, Map.of()), true).stream()
                .noneMatch(t -> t.pid().startsWith("org.postern.firewall")));
    }

    @Test
    void anUnknownTypeNamesFileLineKeyword() throws Exception {
        Path file = dir.resolve("fwknopd.conf");
        Files.writeString(file, "PCAP_INTF eth0;\nFIREWALL_TYPE ufw;\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.load(file, Map.of()));
        assertEquals(file + ":2: FIREWALL_TYPE: must be one of iptables, nftables, firewalld, ipfw, pf, cmd-cycle, not 'ufw'",
                e.getMessage());
    }
}
