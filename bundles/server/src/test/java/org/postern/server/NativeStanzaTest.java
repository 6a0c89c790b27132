package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class NativeStanzaTest {

    @Test
    void propertyNamesBecomeAccessConfKeywords() {
        assertEquals("OPEN_PORTS", NativeStanza.keyword("openPorts"));
        assertEquals("OPEN_PORTS", NativeStanza.keyword("open.ports"));
        assertEquals("OPEN_PORTS", NativeStanza.keyword("OPEN_PORTS"));
        assertEquals("KEY_BASE64", NativeStanza.keyword("keyBase64"));
        assertEquals("HMAC_KEY_BASE64", NativeStanza.keyword("hmacKeyBase64"));
        assertEquals("GPG_DECRYPT_PW", NativeStanza.keyword("gpgDecryptPw"));
        assertEquals("SOURCE", NativeStanza.keyword("source"));
    }

    @Test
    void nameComesFromThePropertyThePidOrTheFile() {
        assertEquals("web", NativeStanza.nameOf("org.postern.stanza~web", null));
        assertEquals("ssh", NativeStanza.nameOf("org.postern.stanza.3f2a", Path.of("/k/etc/org.postern.stanza-ssh.cfg")));
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "org.postern.stanza~web");
        p.put("name", "front door");
        assertEquals("front door", new NativeStanza(p, f -> List.of()).name());
    }

    @Test
    void linesStartWithSourceAndNameTheCfgLine() {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "org.postern.stanza~web");
        p.put("felix.fileinstall.filename", "file:/k/etc/org.postern.stanza-web.cfg");
        p.put("openPorts", "tcp/22");
        p.put("key", "secret");
        p.put("note", "free text");
        p.put("description", "free text");
        p.put("component.id", 7L);
        NativeStanza n = new NativeStanza(p, f -> List.of("# web", "key = secret", "openPorts=tcp/22"));
        List<ConfigLine> lines = n.lines();
        assertEquals("SOURCE", lines.get(0).keyword());
        assertEquals("ANY", lines.get(0).value()); // absent: the metatype default
        assertEquals(List.of("SOURCE", "KEY", "OPEN_PORTS"), lines.stream().map(ConfigLine::keyword).toList());
        assertEquals("/k/etc/org.postern.stanza-web.cfg:3", lines.get(2).where());
        assertEquals("/k/etc/org.postern.stanza-web.cfg:2", lines.get(1).where());
        assertEquals("org.postern.stanza~web (/k/etc/org.postern.stanza-web.cfg)", n.origin());
    }

    /**
     * The metatype: every attribute of {@link StanzaConfig} has a default, and every one (but name and
     * description) is an access.conf keyword the parser honours: a stanza with all defaults set parses with no
     * "unknown keyword" notice.
     */
    @Test
    void everyMetatypeAttributeHasADefaultAndIsAKeyword() throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "org.postern.stanza~all");
        int n = 0;
        for (Method m : StanzaConfig.class.getDeclaredMethods()) {
            Object d = m.getDefaultValue();
            assertNotNull(d, m.getName() + " has no default");
            p.put(m.getName(), d);
            n++;
        }
        assertTrue(n > 25, "attributes: " + n);
        p.put("key", "a-key-for-this-test");
        AccessConfParser parser = new AccessConfParser();
        AccessStanza s = parser.parse(new NativeStanza(p, f -> List.of()).lines()).get(0);
        assertEquals(List.of(), parser.notices().stream()
                .filter(x -> x.contains("unknown") || x.contains("not supported")).toList());
        assertEquals(30, s.fwAccessTimeout());
        assertEquals(300, s.maxFwTimeout());
    }
}
