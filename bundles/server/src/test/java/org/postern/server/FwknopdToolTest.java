package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FwknopdToolTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return new FwknopdTool(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    @Test
    void dumpConfigMasksEveryKey() throws Exception {
        Path conf = dir.resolve("fwknopd.conf");
        Files.writeString(conf, "PCAP_INTF lo\nOVERRIDDEN x\n");
        Path over = dir.resolve("override.conf");
        Files.writeString(over, "PCAP_INTF eth7\n");
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY_BASE64 c2VjcmV0c2VjcmV0c2VjcmV0\nHMAC_KEY verysecrethmac\n"
                + "GPG_DECRYPT_PW gpgsecret\nGPG_DISABLE_SIG Y\n");
        assertEquals(0, run("dump-config", "conf=" + conf, "access=" + access, "override=" + over, "UDPSERV_PORT=999"));
        String o = out.toString(StandardCharsets.UTF_8);
        assertFalse(o.contains("c2VjcmV0") || o.contains("verysecrethmac") || o.contains("gpgsecret"), o);
        assertTrue(o.contains("KEY_BASE64:  ********") && o.contains("HMAC_KEY:  ********"), o);
        assertTrue(o.matches("(?s).*PCAP_INTF +=  ?'eth7'  \\(" + java.util.regex.Pattern.quote(over.toString()) + ":1\\).*"), o);
        assertTrue(o.matches("(?s).*UDPSERV_PORT += '999'  \\(command line\\).*"), o);
    }

    @Test
    void parseConfigExitCodes() throws Exception {
        Path access = dir.resolve("access.conf");
        Files.writeString(access, "SOURCE ANY\nKEY secretsecret\n");
        assertEquals(0, run("parse-config", "access=" + access));
        Files.writeString(access, "SOURCE ANY\nKEY secretsecret\nFW_ACCESS_TIMEOUT soon\n");
        assertEquals(1, run("parse-config", "access=" + access));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(access + ":3: FW_ACCESS_TIMEOUT: not a number"), err.toString());
    }

    @Test
    void keyGenAsFwknop() throws Exception {
        assertEquals(0, run("key-gen"));
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("KEY_BASE64: [A-Za-z0-9+/]{43}=\nHMAC_KEY_BASE64: [A-Za-z0-9+/]{86}==\n"),
                out.toString());
        Path f = dir.resolve("keys");
        assertEquals(0, run("key-gen", "file=" + f, "keylen=16"));
        assertTrue(Files.readString(f).matches("KEY_BASE64: [A-Za-z0-9+/]{22}==\nHMAC_KEY_BASE64: .*\n"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
}
