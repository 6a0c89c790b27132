package org.postern.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Hashtable;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.AccessGrant;
import org.postern.api.GatewayGrant;
import org.postern.api.PortSpec;

/** The text forms of what members exchange: shared configurations and published grants. */
class CodecTest {

    @Test
    void configurationsRoundTripWithTheirTypesAndWithoutLocalKeys() {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("source", "ANY");
        p.put("key", "a\tb\nc\\d");
        p.put("timeout", 30);
        p.put("big", 5L);
        p.put("flag", true);
        p.put("list", new String[] {"x,y", "z"});
        p.put("service.pid", "org.postern.stanza~a");
        p.put("felix.fileinstall.filename", "file:/etc/x.cfg");
        p.put(StanzaShare.KEY, "org.postern.stanza~a");
        String text = StanzaShare.encode(p);
        assertFalse(text.contains("service.pid") || text.contains("fileinstall") || text.contains(StanzaShare.KEY));
        Hashtable<String, Object> back = StanzaShare.decode(text);
        assertEquals(6, back.size());
        assertEquals("a\tb\nc\\d", back.get("key"));
        assertEquals(30, back.get("timeout"));
        assertEquals(5L, back.get("big"));
        assertEquals(true, back.get("flag"));
        assertArrayEquals(new String[] {"x,y", "z"}, (String[]) back.get("list"));
        assertEquals(text, StanzaShare.encode(back), "the same properties encode the same way (no ping-pong)");
    }

    @Test
    void namesOfFactoryConfigurations() {
        assertEquals("web", StanzaShare.nameOf("org.postern.stanza~web"));
        assertEquals("3f2a-11", StanzaShare.nameOf("org.postern.stanza.3f2a-11"));
    }

    @Test
    void grantsRoundTrip() throws Exception {
        AccessGrant g = new AccessGrant("7", InetAddress.getByName("10.0.0.5"), null,
                List.of(PortSpec.parse("tcp/22"), PortSpec.parse("udp/53")), Instant.ofEpochMilli(1_800_000_000_000L),
                "/etc/fwknop/access.conf:3");
        GatewayGrant back = GrantBoard.decode(GrantBoard.encode("gw1", g));
        assertEquals("gw1", back.gateway());
        assertEquals("gw1/7", back.qualifiedId());
        assertEquals(g.source(), back.grant().source());
        assertNull(back.grant().destination());
        assertEquals(g.ports(), back.grant().ports());
        assertEquals(g.expiresAt(), back.grant().expiresAt());
        assertEquals(g.stanza(), back.grant().stanza());
        assertNull(GrantBoard.decode("gw\t1\tnot-an-address\t-\ttcp/22\t0\ts"), "never a name lookup");
        assertNull(GrantBoard.decode("short"));
    }
}
