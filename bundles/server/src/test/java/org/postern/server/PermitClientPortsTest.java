package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.CapturedPacket;
import org.postern.api.PortSpec;
import org.postern.api.RefusalReason;
import org.postern.api.SpaException;
import org.postern.api.Transport;
import org.postern.fko.SpaMessage;
import org.postern.fko.SpaMessageBuilder;

/** fwknop 1.9's PERMIT_CLIENT_PORTS: explicit N opens OPEN_PORTS whatever was asked; Y or absent is 2.x's rule. */
class PermitClientPortsTest {

    static final long NOW = 1_800_000_000L;

    static PolicyCheck.Decision decide(String extra, String access) throws Exception {
        AccessStanza s = new AccessConfParser().parse(FwknopConfigReader.parse("access.conf",
                List.of(("SOURCE ANY\nKEY secretsecret\n" + extra).split("\n")))).get(0);
        SpaMessage m = new SpaMessageBuilder().username("u").timestamp(NOW).allowIp("10.0.0.1").access(access).build();
        CapturedPacket p = new CapturedPacket(new byte[140], InetAddress.getByName("10.0.0.1"), 4000,
                InetAddress.getByName("10.0.0.2"), 62201, Transport.UDP, Instant.now(), "test");
        return PolicyCheck.decide(s, m, p, new PolicySet(List.of(s), true, 120, false), Instant.ofEpochSecond(NOW));
    }

    @Test
    void explicitNoOpensOpenPorts() throws Exception {
        assertEquals(PortSpec.parseList("tcp/22, udp/53"),
                decide("OPEN_PORTS tcp/22, udp/53\nPERMIT_CLIENT_PORTS N", "tcp/8080").ports());
    }

    @Test
    void yesOrAbsentIsTheTwoXRule() throws Exception {
        assertEquals(PortSpec.parseList("tcp/22"), decide("OPEN_PORTS tcp/22, udp/53\nPERMIT_CLIENT_PORTS Y", "tcp/22").ports());
        SpaException e = assertThrows(SpaException.class, () -> decide("OPEN_PORTS tcp/22\nPERMIT_CLIENT_PORTS Y", "tcp/8080"));
        assertEquals(RefusalReason.PORT_NOT_PERMITTED, e.reason());
        assertEquals(PortSpec.parseList("tcp/8080"), decide("PERMIT_CLIENT_PORTS N", "tcp/8080").ports());
    }
}
