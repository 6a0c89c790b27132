package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** access.conf %include, %include_folder and %include_keys with fwknopd's semantics. */
class IncludeTest {

    @TempDir
    Path dir;

    Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void includedStanzasComeAtTheirPlaceAndTheOpenStanzaGoesOn() throws Exception {
        write("more.conf", "SOURCE 10.0.0.0/8\nKEY kkkkkkkk2\n");
        Path main = write("access.conf", "SOURCE 1.2.3.4\nKEY kkkkkkkk1\n%include more.conf\nOPEN_PORTS tcp/22\n"
                + "SOURCE 5.6.7.8\nKEY kkkkkkkk3\n");
        List<AccessStanza> s = new AccessConfParser().parse(main);
        assertEquals(3, s.size());
        assertEquals(main + ":1", s.get(0).name());
        assertEquals(dir.resolve("more.conf") + ":1", s.get(1).name());
        assertEquals(main + ":5", s.get(2).name());
        assertEquals("tcp/22", s.get(0).display().get("OPEN_PORTS")); // after the include, still the first stanza
    }

    @Test
    void includeFolderTakesConfFilesByName() throws Exception {
        write("access.d/b.conf", "SOURCE 2.2.2.2\nKEY kkkkkkkkb\n");
        write("access.d/a.conf", "SOURCE 1.1.1.1\nKEY kkkkkkkka\n");
        write("access.d/c.txt", "SOURCE 3.3.3.3\nKEY kkkkkkkkc\n");
        Path main = write("access.conf", "%include_folder access.d\n");
        List<AccessStanza> s = new AccessConfParser().parse(main);
        assertEquals(2, s.size());
        assertEquals("1.1.1.1", s.get(0).display().get("SOURCE"));
        assertEquals("2.2.2.2", s.get(1).display().get("SOURCE"));
    }

    @Test
    void includeKeysTakesOnlyKeysAndMasksThem() throws Exception {
        write("keys", "KEY from-keys-file\nHMAC_KEY hmac-from-keys\nOPEN_PORTS tcp/1\n");
        Path main = write("access.conf", "SOURCE ANY\n%include_keys keys\nOPEN_PORTS tcp/22\n");
        AccessConfParser parser = new AccessConfParser();
        List<AccessStanza> s = parser.parse(main);
        assertEquals("tcp/22", s.get(0).display().get("OPEN_PORTS"));
        assertEquals("********", s.get(0).display().get("KEY"));
        assertTrue(s.get(0).key() != null && s.get(0).hmacKey() != null);
        assertTrue(parser.notices().stream().anyMatch(n -> n.contains("OPEN_PORTS at " + dir.resolve("keys") + ":3")),
                parser.notices().toString());
    }

    @Test
    void errorsNameFileLineAndKeyword() throws Exception {
        Path main = write("access.conf", "SOURCE ANY\nKEY kkkkkkkk1\n%include missing.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(main));
        assertTrue(e.getMessage().startsWith(main + ":3: %include: "), e.getMessage());
        write("bad.conf", "SOURCE ANY\nKEY kkkkkkkk1\nFW_ACCESS_TIMEOUT x\n");
        Path main2 = write("access2.conf", "%include bad.conf\n");
        e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(main2));
        assertTrue(e.getMessage().startsWith(dir.resolve("bad.conf") + ":3: FW_ACCESS_TIMEOUT: "), e.getMessage());
    }

    @Test
    void nestingIsLimitedToThreeLevels() throws Exception {
        write("l3.conf", "SOURCE ANY\nKEY kkkkkkkk3\n");
        write("l2.conf", "%include l3.conf\n");
        Path ok = write("l1.conf", "%include l2.conf\n");
        assertEquals(1, new AccessConfParser().parse(ok).size());
        Path loop = write("loop.conf", "SOURCE ANY\nKEY kkkkkkkk1\n%include loop.conf\n");
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessConfParser().parse(loop));
        assertTrue(e.getMessage().contains("nesting deeper than 3"), e.getMessage());
    }
}
