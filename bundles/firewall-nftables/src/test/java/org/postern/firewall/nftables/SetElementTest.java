package org.postern.firewall.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.PortSpec;

class SetElementTest {

    @Test
    void rendersKeyAndTimeoutWithExpiryMark() throws Exception {
        SetElement e = SetElement.of(InetAddress.getByName("10.9.8.7"), PortSpec.parse("tcp/22"), 1_700_000_030_400L);
        assertEquals("10.9.8.7 . 6 . 22", e.key());
        assertEquals(1_700_000_031L, e.expiresAtSecond(), "the mark is rounded up");
        assertEquals("10.9.8.7 . 6 . 22 timeout 30400ms comment \"_exp_1700000031\"", e.withTimeout(1_700_000_000_000L));
        assertEquals("10.9.8.7 . 6 . 22 timeout 1ms comment \"_exp_1700000031\"", e.withTimeout(1_800_000_000_000L));
    }

    @Test
    void ipv6KeysAreCompact() throws Exception {
        SetElement e = SetElement.of(InetAddress.getByName("fd00:203::1"), PortSpec.parse("udp/53"), 5000);
        assertTrue(e.ipv6());
        assertEquals("fd00:203:0:0:0:0:0:1 . 17 . 53", e.key());
    }

    @Test
    void icmpIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SetElement.of(InetAddress.getByName("10.0.0.1"), PortSpec.parse("icmp/8"), 1000));
    }

    @Test
    void parsesAListingAcrossLines() throws Exception {
        String listing = """
                table inet filter {
                	set postern_allow4 { # handle 7
                		type ipv4_addr . inet_proto . inet_service
                		flags timeout
                		elements = { 10.9.0.24 . 6 . 1024 timeout 1m expires 59s512ms comment "_exp_1700000000",
                			     10.9.0.25 . 17 . 53 timeout 2s expires 1s comment "_exp_1700000001",
                			     10.9.0.26 . 6 . 80 timeout 10s expires 3s,
                			     10.9.0.27 . 6 . 81 comment "x, y" }
                	}
                }
                """;
        List<SetElement> elements = SetElement.parseListing(listing);
        assertEquals(4, elements.size(), elements.toString());
        assertEquals(InetAddress.getByName("10.9.0.24"), elements.get(0).source());
        assertEquals(PortSpec.parse("tcp/1024"), elements.get(0).port());
        assertEquals(1_700_000_000_000L, elements.get(0).expiresAtMillis());
        assertEquals("10.9.0.24 . 6 . 1024 timeout 1m expires 59s512ms comment \"_exp_1700000000\"", elements.get(0).text());
        assertEquals(PortSpec.parse("udp/53"), elements.get(1).port());
        assertEquals(0, elements.get(2).expiresAtMillis(), "no mark");
        assertEquals(0, elements.get(3).expiresAtMillis(), "a comment of someone else");
    }

    @Test
    void parsesIpv6AndAnEmptySet() throws Exception {
        List<SetElement> elements = SetElement.parseListing(
                "\t\telements = { fd00:203::1 . 6 . 2222 timeout 4s expires 3s900ms comment \"_exp_12\" }\n");
        assertEquals(1, elements.size());
        assertEquals(InetAddress.getByName("fd00:203::1"), elements.get(0).source());
        assertEquals(12_000, elements.get(0).expiresAtMillis());
        assertEquals(List.of(), SetElement.parseListing("table inet filter {\n\tset postern_allow6 {\n\t}\n}\n"));
    }
}
