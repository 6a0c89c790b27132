package org.postern.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.api.EncryptionMode;
import org.postern.cipher.rijndael.RijndaelCipher;
import org.postern.client.knock.Knock;
import org.postern.client.knock.KnockException;
import org.postern.client.knock.KnockTransport;
import org.postern.fko.DigestType;
import org.postern.fko.HmacType;
import org.postern.fko.MessageType;
import org.postern.fko.SpaMessage;

class RcFileTest {

    private static final Path RC = Path.of("/nonexistent/.fwknoprc");

    private static final String RC_TEXT = """
            # .fwknoprc
            ; a comment too
            [default]
            DIGEST_TYPE         sha512
            SPA_SERVER_PORT     62202
            USE_HMAC            N
            VERBOSE             y

            [gw]
            SPA_SERVER          gw.example   # trailing comment
            ACCESS              tcp/22,udp/53;
            ALLOW_IP            10.200.0.1
            KEY_BASE64          c2VjcmV0a2V5
            HMAC_KEY_BASE64:    aG1hY2tleTEyMw==
            HMAC_DIGEST_TYPE    sha384
            ENCRYPTION_MODE     ctr
            FW_TIMEOUT          30
            TIME_OFFSET         -5m
            SPOOF_USER          alice
            SPA_SERVER_PROTO    tcp

            [GW2]
            SPA_SERVER          other
            ALLOW_IP            source
            KEY                 plainkey
            NAT_ACCESS          192.168.1.5:2222
            NAT_PORT            5555
            NO_SAVE_ARGS        Y

            [broken]
            SPA_SERVER
            """;

    private final List<String> warnings = new ArrayList<>();

    private Invocation load(String text, String stanza) throws KnockException {
        RcFile rc = RcFile.parse(RC, text);
        Invocation inv = new Invocation();
        rc.applyDefault(inv, warnings::add);
        if (stanza != null) {
            rc.apply(stanza, inv, warnings::add);
        }
        return inv;
    }

    @Test
    void defaultStanzaAlone() throws KnockException {
        Invocation inv = load(RC_TEXT, null);
        assertEquals(DigestType.SHA512, inv.knock.digestType());
        assertEquals(62202, inv.knock.port());
        assertFalse(inv.knock.useHmac());
        assertEquals(1, inv.verbose);
        assertNull(inv.knock.destination());
        assertTrue(warnings.isEmpty(), warnings.toString());
    }

    @Test
    void namedStanzaOnTopOfDefaultWithBase64Keys() throws Exception {
        Invocation inv = load(RC_TEXT, "gw");
        assertEquals("gw.example", inv.knock.destination());
        assertEquals("tcp/22,udp/53", inv.knock.access());
        assertEquals("10.200.0.1", inv.knock.allowIp());
        assertEquals(DigestType.SHA512, inv.knock.digestType());
        assertEquals(EncryptionMode.CTR, inv.knock.encryptionMode());
        assertEquals(HmacType.SHA384, inv.knock.effectiveHmacType());
        assertTrue(inv.knock.useHmac());
        assertEquals(30, inv.knock.clientTimeout());
        assertEquals(-300, inv.knock.timeOffset());
        assertEquals(KnockTransport.TCP, inv.knock.transport());
        assertEquals(9, inv.knock.keyLength());

        Knock k = Knock.seal(inv.knock, new RijndaelCipher(), "root", 1_800_000_000L);
        SpaMessage m = k.verify();
        assertEquals("alice", m.username());
        assertEquals(1_800_000_000L - 300, m.timestamp());
        assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, m.type());
        assertEquals(64, k.hmac().length());
        assertEquals(DigestType.SHA512, m.digestType());
    }

    @Test
    void stanzaNamesIgnoreCaseAndListWithoutDefault() throws KnockException {
        Invocation inv = load(RC_TEXT, "gw2");
        assertEquals("other", inv.knock.destination());
        assertEquals("0.0.0.0", inv.knock.allowIp());
        assertEquals("192.168.1.5:2222", inv.knock.natAccess());
        assertEquals(5555, inv.knock.natPort());
        assertTrue(inv.noSaveArgs);
        RcFile rc = RcFile.parse(RC, RC_TEXT);
        assertEquals(List.of("gw", "GW2", "broken"), rc.stanzas());
        assertTrue(rc.hasStanza("Gw"));
        assertFalse(rc.hasStanza("nope"));
    }

    @Test
    void brokenLineFailsOnlyWhenItsStanzaIsUsed() {
        KnockException e = assertThrows(KnockException.class, () -> load(RC_TEXT, "broken"));
        assertTrue(e.getMessage().contains("line 31"), e.getMessage());
    }

    @Test
    void badHmacTypeIsAnError() {
        KnockException e = assertThrows(KnockException.class,
                () -> load("[default]\nHMAC_DIGEST_TYPE sha999\n", null));
        assertTrue(e.getMessage().contains("HMAC_DIGEST_TYPE"), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void badValuesAreErrors() {
        assertThrows(KnockException.class, () -> load("[default]\nALLOW_IP 10.1.2\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nSPA_SERVER_PORT 70000\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nFW_TIMEOUT 70000\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nDIGEST_TYPE crc32\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nENCRYPTION_MODE pcbc\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nTIME_OFFSET soon\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nSPA_SERVER_PROTO pigeon\n", null));
        assertThrows(KnockException.class, () -> load("[default]\nSPOOF_SOURCE_IP 1.2.3\n", null));
        KnockException e = assertThrows(KnockException.class, () -> load("[default]\nKEY_BASE64 sec!ret\n", null));
        assertFalse(e.getMessage().contains("sec!ret"), e.getMessage());
    }

    @Test
    void unknownKeywordsAreWarnedAndKeywordsAreCaseSensitive() throws KnockException {
        Invocation inv = load("[default]\nCLIENT_TIMEOUT 60\nspa_server gw\nUSE_GPG N\nGPG_RECIPIENT abc\n", null);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("CLIENT_TIMEOUT"));
        assertTrue(warnings.get(1).contains("spa_server"));
        assertNull(inv.knock.destination());
    }

    @Test
    void booleansAreExactlyY() throws KnockException {
        assertFalse(load("[default]\nUSE_HMAC yes\n", null).knock.useHmac());
        assertTrue(load("[default]\nUSE_HMAC y\n", null).knock.useHmac());
        assertFalse(load("[default]\nNAT_LOCAL 1\n", null).knock.natLocal());
    }

    @Test
    void linesOutsideAnyStanzaAndBlankLinesAreIgnored() throws KnockException {
        Invocation inv = load("SPA_SERVER ignored\n[default]\n   \n\tSPA_SERVER\tgw:x \r\n", null);
        assertEquals("gw:x", inv.knock.destination());
    }

    @Test
    void laterLinesAndStanzasReplaceKeys() throws Exception {
        Invocation inv = load("[default]\nKEY first\n[x]\nKEY_BASE64 c2Vjb25k\n", "x");
        assertEquals(6, inv.knock.keyLength());
    }

    @Test
    void tokenRules() {
        assertEquals(List.of("KEY", "abc"), List.of(RcFile.nameValue("KEY: abc def")));
        assertEquals(List.of("A:B", "v"), List.of(RcFile.nameValue("A:B: v;x")));
        assertNull(RcFile.nameValue("KEY #comment"));
        assertNull(RcFile.nameValue("KEY"));
        assertEquals("n a", RcFile.section("  [n a] x"));
        assertNull(RcFile.section("[open"));
        assertTrue(RcFile.yes("Y"));
        assertFalse(RcFile.yes("Yes"));
    }

    @Test
    void everyKeywordOf2610IsRead() throws KnockException {
        Invocation inv = load("""
                [all]
                SPA_SOURCE_PORT     40000
                SPOOF_SOURCE_IP     10.9.9.9
                RAND_PORT           Y
                NAT_RAND_PORT       Y
                KEY_FILE            /k/keys
                HMAC_KEY_FILE       /k/hkeys
                RESOLVE_IP_HTTPS    Y
                RESOLVE_URL         https://myip.example/ip
                RESOLVE_HTTP_ONLY   Y
                WGET_CMD            /usr/bin/wget
                USE_WGET_USER_AGENT Y
                HTTP_USER_AGENT     Mine/1
                SERVER_RESOLVE_IPV4 Y
                SPA_SERVER_PROTO    icmp
                GPG_HOMEDIR         /ignored/until/gpg
                """, "all");
        assertTrue(warnings.isEmpty(), warnings.toString());
        var k = inv.knock;
        assertEquals(40000, k.sourcePort());
        assertEquals("10.9.9.9", k.spoofSource());
        assertTrue(k.randPort());
        assertTrue(k.natRandPort());
        assertEquals("/k/keys", inv.keyFile);
        assertEquals("/k/hkeys", inv.hmacKeyFile);
        assertTrue(k.useHmac(), "an HMAC key file turns HMAC on");
        assertTrue(k.resolveAllowIp());
        assertEquals("https://myip.example/ip", k.resolveUrl());
        assertTrue(k.resolveHttpOnly());
        assertEquals("/usr/bin/wget", k.wgetCmd());
        assertTrue(k.useWgetUserAgent());
        assertEquals("Mine/1", k.httpUserAgent());
        assertEquals(KnockTransport.ICMP, k.transport());
    }

    @Test
    void savedStanzaReplacesItsSettingsAndKeepsTheRest(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path rc = dir.resolve("rc");
        java.nio.file.Files.writeString(rc, "# top\n[default]\nDIGEST_TYPE sha512\n\n[gw]\n# mine\nACCESS tcp/1\n"
                + "KEY old\n\n[z]\nACCESS tcp/9\n");
        var vars = new java.util.LinkedHashMap<String, String>();
        vars.put("ACCESS", "tcp/22");
        vars.put("KEY", "new");
        List<String> asked = new ArrayList<>();
        RcFile.saveStanza(rc, "GW", vars, false, k -> asked.add(k) && false);
        assertEquals(List.of("KEY"), asked);
        assertEquals("# top\n[default]\nDIGEST_TYPE sha512\n\n[gw]\n# mine\nKEY old\nACCESS                      tcp/22\n"
                + "\n[z]\nACCESS tcp/9\n", java.nio.file.Files.readString(rc));
        RcFile.saveStanza(rc, "new", vars, true, k -> true);
        assertTrue(java.nio.file.Files.readString(rc).endsWith("\n[new]\nACCESS                      tcp/22\n"
                + "KEY                         new\n"));
        assertThrows(KnockException.class, () -> {
            java.nio.file.Files.writeString(rc, "[gw]\nKEY\n");
            RcFile.saveStanza(rc, "gw", vars, true, k -> true);
        });
    }
}
