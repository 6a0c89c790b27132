package org.postern.firewall.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class IpFamilyTest {

    private static String literal(String address) throws Exception {
        return IpFamily.literal(InetAddress.getByName(address));
    }

    @Test
    void ipv6IsWrittenInItsShortForm() throws Exception {
        assertEquals("2001:db8::7", literal("2001:0db8:0:0:0:0:0:7"));
        assertEquals("::", literal("::"));
        assertEquals("::1", literal("::1"));
        assertEquals("fe80::", literal("fe80::"));
        assertEquals("2001:db8:0:1:1:1:1:1", literal("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:0:0:1::1", literal("2001:0:0:1:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", literal("2001:db8:0:0:1:0:0:1"));
        assertEquals("fe80::1", literal("fe80::1%1"));
    }

    @Test
    void ipv4IsDotted() throws Exception {
        assertEquals("10.9.8.7", literal("10.9.8.7"));
        assertEquals(IpFamily.IPV4, IpFamily.of(InetAddress.getByName("10.9.8.7")));
        assertEquals(IpFamily.IPV6, IpFamily.of(InetAddress.getByName("::1")));
    }
}
