package org.postern.fko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;

/**
 * Postern extension: an IPv6 literal as the allow address. The decoder accepts it (a Postern daemon
 * understands it); the encoder refuses it unless asked, so a fwknop peer never receives one.
 */
class Ipv6ExtensionTest {

    private static final String[] VALID = {"::", "::1", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "fe80::1:2:3:4",
        "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "::ffff:192.0.2.1", "64:ff9b::198.51.100.7",
        "1:2:3:4:5:6:192.0.2.1", "ABCD:ef01::", "0000:0000:0000:0000:0000:0000:0000:0001",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"};

    private static final String[] INVALID = {":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::2",
        "1::2:", "12345::1", "[2001:db8::1]", "fe80::1%eth0", "2001:db8::g", "::ffff:192.0.2.256", "::ffff:192.0.2",
        "1:2:3:4:5:6:7:192.0.2.1", "::192.0.2.01.1", "2001:db8::1 ", "1:2:3:4:5:6:7:8::", "::-1"};

    @Test
    void theDecoderAcceptsAnIpv6AllowAddress() throws Exception {
        for (String ip : VALID) {
            String fields = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + SpaBase64.encode(ip + ",tcp/22,udp/53");
            SpaMessage m = SpaMessageCodec.decode(fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256));
            assertEquals(ip, m.allowIp());
            assertTrue(m.isIpv6(), ip);
            assertEquals(2, m.requestedPorts().size());
            assertEquals(InetAddress.getByName(ip), m.allowAddress(), ip);
        }
        String cmd = "1234567890123456:YWxpY2U:1700000000:3.0.0:0:" + SpaBase64.encode("2001:db8::5,uptime");
        SpaMessage c = SpaMessageCodec.decode(cmd + ":" + SpaMessageCodec.digest(cmd, DigestType.SHA256));
        assertEquals("uptime", c.body());
        assertTrue(c.allowAddress() instanceof Inet6Address);
    }

    @Test
    void malformedIpv6LiteralsAreRefused() {
        for (String ip : INVALID) {
            assertNotNull(MessageRules.checkAllowIp(ip, true), ip);
            String fields = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + SpaBase64.encode(ip + ",tcp/22");
            SpaException e = assertThrows(SpaException.class,
                    () -> SpaMessageCodec.decode(fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256)), ip);
            assertEquals(RefusalReason.BAD_MESSAGE, e.reason(), ip);
        }
    }

    @Test
    void theEncoderRefusesIpv6UnlessAskedSoFwknopPeersNeverSeeIt() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpaMessageBuilder().allowIp("2001:db8::1").access("tcp/22").build());
        assertTrue(e.getMessage().contains("allowIpv6"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new SpaMessageBuilder().allowIp("2001:db8::1").command("ls").build());
        // libfko's own rules (the one-argument checks) stay IPv4-only
        assertNotNull(MessageRules.checkAllowIp("2001:db8::1"));
        assertNotNull(MessageRules.checkAccessMessage("2001:db8::1,tcp/22"));

        SpaMessage m = new SpaMessageBuilder().allowIpv6(true).allowIp("2001:db8::1").access("tcp/22").build();
        assertEquals("2001:db8::1,tcp/22", m.message());
        assertEquals(m, SpaMessageCodec.decode(SpaMessageCodec.encode(m)));
        // enabling the extension changes nothing for IPv4
        assertEquals(new SpaMessageBuilder().random("1111111111111111").timestamp(5).allowIp("1.2.3.4").access("tcp/22")
                .build(), new SpaMessageBuilder().allowIpv6(true).random("1111111111111111").timestamp(5)
                .allowIp("1.2.3.4").access("tcp/22").build());
        assertThrows(IllegalArgumentException.class,
                () -> new SpaMessageBuilder().allowIpv6(true).allowIp("2001:db8::zz").access("tcp/22").build());
    }

    @Test
    void ipv4AllowAddressesStayIpv4() throws Exception {
        String fields = "1234567890123456:YWxpY2U:1700000000:3.0.0:1:" + SpaBase64.encode("0.0.0.0,tcp/22");
        SpaMessage m = SpaMessageCodec.decode(fields + ":" + SpaMessageCodec.digest(fields, DigestType.SHA256));
        assertFalse(m.isIpv6());
        assertEquals(InetAddress.getByName("0.0.0.0"), m.allowAddress());
        assertNull(MessageRules.checkAllowIp("0.0.0.0", true));
    }
}
