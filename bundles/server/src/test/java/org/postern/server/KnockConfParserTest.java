package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.KnockSequence;
import org.postern.api.KnockStanza;
import org.postern.api.PortSpec;

class KnockConfParserTest {

    @Test
    void parsesKnockStanzasAndSkipsSpa() throws Exception {
        List<KnockStanza> s = KnockConfParser.parse(List.of(
                "# 1.9 access.conf",
                "SOURCE: ANY;",
                "KEY: spakey12;",
                "OPEN_PORTS: tcp/22;",
                "SOURCE: 10.9.0.0/24, !10.9.0.9;",
                "DATA_COLLECT_MODE: ENCRYPT_SEQUENCE;",
                "KEY: fwknoptest;",
                "PORT_OFFSET: 62000;",
                "REQUIRE_OS_REGEX: linux;",
                "KNOCK_LIMIT: 3;",
                "OPEN_PORTS: tcp/2222;",
                "SOURCE: ANY;",
                "SHARED_SEQUENCE: tcp/1001, udp/1002, icmp;",
                "MIN_TIME_DIFF: 1;",
                "MAX_TIME_DIFF: 5;",
                "FW_ACCESS_TIMEOUT: 30;",
                "OPEN_PORTS: tcp/22, icmp;"), "access.conf");
        assertEquals(2, s.size());
        KnockStanza enc = s.get(0);
        assertEquals("access.conf:5", enc.name());
        KnockSequence.Encrypted e = assertInstanceOf(KnockSequence.Encrypted.class, enc.sequence());
        assertEquals(62000, e.portOffset());
        assertTrue(enc.source().test(InetAddress.getByName("10.9.0.2")));
        assertFalse(enc.source().test(InetAddress.getByName("10.9.0.9")));
        assertTrue(enc.requireOsRegex().matcher("Linux:2.4::Linux 2.4/2.6").find());
        assertEquals(3, enc.knockLimit());
        assertEquals(Duration.ofSeconds(300), enc.accessTimeout());
        KnockStanza sh = s.get(1);
        assertEquals(3, ((KnockSequence.Shared) sh.sequence()).knocks().size());
        assertEquals(Duration.ofSeconds(1), sh.minTimeDiff());
        assertEquals(Duration.ofSeconds(30), sh.accessTimeout());
        assertEquals(List.of(PortSpec.parse("tcp/22"), new PortSpec(org.postern.api.Protocol.ICMP, 0)),
                sh.openPorts());
    }

    @Test
    void accessConfParserLeavesKnockStanzasToTheGate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("access.conf");
        java.nio.file.Files.write(f, List.of("SOURCE: ANY;", "KEY: spakey12;", "OPEN_PORTS: tcp/22;",
                "SOURCE: ANY;", "SHARED_SEQUENCE: tcp/1001, tcp/1002;", "OPEN_PORTS: tcp/22;",
                "SOURCE: ANY;", "DATA_COLLECT_MODE: ENCRYPT_SEQUENCE;", "KEY: fwknoptest;"));
        AccessConfParser p = new AccessConfParser();
        assertEquals(1, p.parse(f).size());
        assertTrue(p.notices().stream().anyMatch(n -> n.contains("knock stanza at")), p.notices()::toString);
    }

    @Test
    void refusesBadKnockStanzas() {
        assertThrows(IllegalArgumentException.class, () -> KnockConfParser.parse(
                List.of("SOURCE: ANY;", "ENCRYPT_SEQUENCE;", "OPEN_PORTS: tcp/22;"), "a"));
        assertThrows(IllegalArgumentException.class, () -> KnockConfParser.parse(
                List.of("SOURCE: ANY;", "SHARED_SEQUENCE: tcp/1, tcp/2;"), "a")); // no OPEN_PORTS
        assertThrows(IllegalArgumentException.class, () -> KnockConfParser.parse(
                List.of("SOURCE: ANY;", "SHARED_SEQUENCE: tcp/1;", "MIN_TIME_DIFF: 5;", "MAX_TIME_DIFF: 2;",
                        "OPEN_PORTS: tcp/22;"), "a"));
    }
}
