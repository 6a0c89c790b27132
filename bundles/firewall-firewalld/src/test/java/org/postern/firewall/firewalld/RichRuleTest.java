package org.postern.firewall.firewalld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.postern.api.PortSpec;

/** Rich rule text, golden, in firewalld's canonical form (what --list-rich-rules prints back). */
class RichRuleTest {

    @Test
    void rendersFirewalldsCanonicalForm() throws Exception {
        assertEquals("rule priority=\"-32000\" family=\"ipv4\" source address=\"10.9.8.7\" port port=\"22\" protocol=\"tcp\" accept",
                RichRule.of(-32000, InetAddress.getByName("10.9.8.7"), null, PortSpec.parse("tcp/22")).render());
        assertEquals("rule priority=\"-31999\" family=\"ipv6\" source address=\"fd00:205::1\" destination address=\"fd00:205::2\" "
                + "port port=\"53\" protocol=\"udp\" accept",
                RichRule.of(-31999, InetAddress.getByName("fd00:205::1"), InetAddress.getByName("fd00:205::2"),
                        PortSpec.parse("udp/53")).render());
        assertEquals("rule family=\"ipv4\" source address=\"10.9.8.7\" port port=\"22\" protocol=\"tcp\" accept",
                RichRule.of(0, InetAddress.getByName("10.9.8.7"), InetAddress.getByName("fd00::2"),
                        PortSpec.parse("tcp/22")).render(), "priority 0 is not printed; a destination of the other family is dropped");
        assertThrows(IllegalArgumentException.class,
                () -> RichRule.of(0, InetAddress.getByName("10.9.8.7"), null, PortSpec.parse("icmp/8")));
    }

    @Test
    void parsesListedRulesOfItsShapeOnly() throws Exception {
        String line = "rule priority=\"-32000\" family=\"ipv6\" source address=\"fd00::1\" port port=\"22\" protocol=\"udp\" accept";
        RichRule r = RichRule.parse(line).orElseThrow();
        assertEquals(-32000, r.priority());
        assertEquals(InetAddress.getByName("fd00::1"), r.source());
        assertEquals(line, r.render());
        assertTrue(RichRule.parse("rule family=\"ipv4\" source address=\"10.0.0.0/8\" service name=\"ssh\" accept").isEmpty());
        assertTrue(RichRule.parse("rule family=\"ipv4\" source address=\"10.1.1.1\" port port=\"22\" protocol=\"tcp\" drop").isEmpty());
        assertEquals(0, RichRule.parse("rule family=\"ipv4\" source address=\"10.1.1.1\" port port=\"22\" protocol=\"tcp\" accept")
                .orElseThrow().priority());
    }

    @Test
    void compressesIpv6AsFirewalldPrintsIt() {
        assertEquals("fd00::1", RichRule.compress("fd00:0:0:0:0:0:0:1"));
        assertEquals("::1", RichRule.compress("0:0:0:0:0:0:0:1"));
        assertEquals("fd00::", RichRule.compress("fd00:0:0:0:0:0:0:0"));
        assertEquals("fd00:0:1::2", RichRule.compress("fd00:0:1:0:0:0:0:2"));
        assertEquals("1:2:3:4:5:6:7:8", RichRule.compress("1:2:3:4:5:6:7:8"));
        assertEquals("1:0:2:3:4:5:6:7", RichRule.compress("1:0:2:3:4:5:6:7"));
    }
}
