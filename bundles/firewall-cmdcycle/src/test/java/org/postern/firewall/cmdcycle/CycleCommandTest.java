package org.postern.firewall.cmdcycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.CommandCycle;
import org.postern.api.GrantRequest;
import org.postern.api.PortSpec;

class CycleCommandTest {

    private static AccessGrant grant() throws Exception {
        return new AccessGrant("4", InetAddress.getByName("10.9.8.7"), InetAddress.getByName("192.0.2.1"),
                PortSpec.parseList("tcp/22, udp/53"), Instant.ofEpochSecond(1_700_000_030), "access.conf:3",
                new GrantRequest(InetAddress.getByName("198.51.100.4"), 1_699_999_998L, 45, 30, "192.168.1.5", 2222,
                        new CommandCycle("x", "NONE", 0)));
    }

    @Test
    void everyVariableOfFwknopAndTheNatOnes() throws Exception {
        Map<String, String> v = CycleVariables.of(grant(), PortSpec.parse("udp/53"));
        assertEquals(Map.of("IP", "10.9.8.7", "SRC", "10.9.8.7", "PKT_SRC", "198.51.100.4", "DST", "192.0.2.1",
                "PORT", "53", "PROTO", "17", "TIMEOUT", "1700000028", "CLIENT_TIMEOUT", "45", "NAT_IP", "192.168.1.5",
                "NAT_PORT", "2222"), v);
        assertEquals(List.of("/usr/sbin/iptables", "-I", "FWKNOP", "1", "-p", "17", "-s", "10.9.8.7", "-d", "192.0.2.1",
                "--dport", "53", "-m", "comment", "--comment", "_exp_1700000028,pkt=198.51.100.4,ct=45,nat=192.168.1.5:2222"),
                CycleCommand.parse("  /usr/sbin/iptables -I FWKNOP 1 -p $PROTO -s $SRC -d $DST --dport $PORT -m comment"
                        + "\t--comment _exp_$TIMEOUT,pkt=$PKT_SRC,ct=$CLIENT_TIMEOUT,nat=$NAT_IP:$NAT_PORT ").argv(v));
    }

    @Test
    void withoutRequestDetailsTheGrantItselfAnswers() throws Exception {
        AccessGrant g = new AccessGrant("4", InetAddress.getByName("fd00::7"), null, PortSpec.parseList("tcp/22"),
                Instant.ofEpochSecond(1_700_000_030), "s");
        Map<String, String> v = CycleVariables.of(g, PortSpec.parse("tcp/22"));
        assertEquals("fd00:0:0:0:0:0:0:7", v.get("PKT_SRC"));
        assertEquals("0.0.0.0", v.get("DST"));
        assertEquals("1700000030", v.get("TIMEOUT"));
        assertEquals("0", v.get("CLIENT_TIMEOUT"));
        assertEquals("", v.get("NAT_IP"));
    }

    @Test
    void valuesNeverSplitWordsAndUnknownNamesStay() {
        Map<String, String> v = Map.of("IP", "a b", "PORT", "22");
        // plain text replacement, as fwknopd does: $IPX is $IP followed by X
        assertEquals(List.of("echo", "a b", "a bX", "$HOME", "x22$", "$"),
                CycleCommand.parse("echo $IP $IPX $HOME x$PORT$ $").argv(Map.of("IP", "a b", "PORT", "22")));
        assertEquals(List.of("a b"), CycleCommand.parse("$IP").argv(v));
    }

    @Test
    void atMostThirtyWordsAndNotEmpty() {
        assertEquals(30, CycleCommand.parse("w ".repeat(30)).argv(Map.of()).size());
        assertThrows(IllegalArgumentException.class, () -> CycleCommand.parse("w ".repeat(31)));
        assertThrows(IllegalArgumentException.class, () -> CycleCommand.parse("  "));
    }
}
