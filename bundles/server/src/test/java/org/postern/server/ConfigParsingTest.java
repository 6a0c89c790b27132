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
import org.postern.api.PortSpec;

class ConfigParsingTest {

    @TempDir
    Path dir;

    @Test
    void fwknopdConfDefaultsExpansionAndOverrides() throws Exception {
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, "# comment\nPCAP_INTF   veth-srv;\nFWKNOP_RUN_DIR /tmp/x;\nENABLE_IPT_FORWARDING Y;\n"
                + "SOME_NONSENSE 1;\n");
        DaemonSettings s = DaemonSettings.load(conf, Map.of("ENABLE_UDP_SERVER", "Y"));
        assertEquals("veth-srv", s.value("PCAP_INTF"));
        assertEquals("/tmp/x/digest.cache", s.value("DIGEST_FILE"));
        assertEquals("udp port 62201", s.value("PCAP_FILTER"));
        assertTrue(s.bool("ENABLE_UDP_SERVER"));
        assertEquals(120, s.intValue("MAX_SPA_PACKET_AGE", 1, 100000));
        assertTrue(s.bool("ENABLE_IPT_FORWARDING"));
        assertTrue(s.notices().stream().noneMatch(n -> n.contains("ENABLE_IPT_FORWARDING")), s.notices().toString());
        assertTrue(s.notices().stream().anyMatch(n -> n.contains("SOME_NONSENSE at " + conf + ":5")));
    }

    @Test
    void badValueNamesFileLineKeyword() throws Exception {
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, "PCAP_INTF eth0;\nMAX_SPA_PACKET_AGE soon;\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonSettings.load(conf, Map.of()));
        assertEquals(conf + ":2: MAX_SPA_PACKET_AGE: not a number: 'soon'", e.getMessage());
    }

    @Test
    void accessConfStanzas() throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "# before\nSOURCE 10.0.0.0/8, 192.168.1.1\nKEY secret-key\nOPEN_PORTS tcp/22, udp/53\n"
                + "FW_ACCESS_TIMEOUT 7\n\nSOURCE: ANY\nKEY_BASE64: c2Vjb25k\nHMAC_KEY_BASE64 aG1hYy1rZXk=\n"
                + "HMAC_DIGEST_TYPE sha512\nGPG_REMOTE_ID 1234\n");
        AccessConfParser parser = new AccessConfParser();
        List<AccessStanza> stanzas = parser.parse(access);
        assertEquals(2, stanzas.size());
        AccessStanza a = stanzas.get(0);
        assertEquals(access + ":2", a.name());
        assertEquals(List.of(PortSpec.parse("tcp/22"), PortSpec.parse("udp/53")), a.openPorts());
        assertEquals(7, a.fwAccessTimeout());
        assertTrue(a.matchesSource(java.net.InetAddress.getByName("10.1.2.3")));
        assertTrue(!a.matchesSource(java.net.InetAddress.getByName("11.1.2.3")));
        assertEquals("********", a.display().get("KEY"));
        assertEquals("SHA512", stanzas.get(1).hmacKey().type().name());
        assertEquals(List.of("GnuPG settings at " + access + ":11 are unused: the stanza at " + access
                + ":7 needs GPG_DECRYPT_PW or GPG_ALLOW_NO_PW Y to use GnuPG"), parser.notices());
    }

    @Test
    void accessConfErrors() throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY k1\nOPEN_PORTS tcp/99999\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        assertTrue(e.getMessage().startsWith(access + ":3: OPEN_PORTS:"), e.getMessage());
        Files.writeString(access, "SOURCE ANY\nKEY same\nHMAC_KEY same\n");
        e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        assertTrue(e.getMessage().contains(":3: HMAC_KEY: HMAC key must differ"), e.getMessage());
        Files.writeString(access, "SOURCE 300.1.1.1\nKEY k\n");
        e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(access));
        assertTrue(e.getMessage().contains(":1: SOURCE: not an IP address"), e.getMessage());
    }
}
