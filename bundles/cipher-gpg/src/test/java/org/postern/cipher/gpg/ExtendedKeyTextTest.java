package org.postern.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ExtendedKeyTextTest {

    private static String rewrite(String keyText) {
        return new String(ExtendedKeyText.saltAsHex(keyText.getBytes(StandardCharsets.ISO_8859_1)),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void quotedSaltAndTokenNonceBecomeHex() {
        // the shape gpg 2.2 writes, with a salt gpg chose to print as a quoted string (escapes and raw high bytes)
        String in = "Created: 20261128T153352\nKey: (protected-private-key (rsa (n #00A1#)(e\n  #010001#)(protected "
                + "openpgp-s2k3-ocb-aes ((sha1 \"8\\t\u00b3\\b\u00e7\u00ee1\u00f2\"\n  \"315805696\")abcdefghijkl)#EEF6\n 7021#)"
                + "(protected-at \"20261128T153352\")))\n";
        String out = rewrite(in);
        assertEquals("Created: 20261128T153352\nKey: (protected-private-key (rsa (n #00A1#)(e\n  #010001#)(protected "
                + "openpgp-s2k3-ocb-aes ((sha1 #3809B308E7EE31F2#\n  \"315805696\")#6162636465666768696A6B6C#)#EEF67021#)"
                + "(protected-at \"20261128T153352\")))\n", out);
    }

    @Test
    void hexOnlyKeysAreUnchangedButForLineBreaksInHex() {
        String in = "Key: (protected-private-key (rsa (n #00A1#)(protected openpgp-s2k3-ocb-aes ((sha1 #0102030405060708# "
                + "\"1000\")#0A0B0C0D0E0F101112131415#)#EEF6#)))\n";
        assertEquals(in, rewrite(in));
        String unprotected = "Key: (private-key (rsa (n #00A1#)(d #01#)))\n";
        assertEquals(unprotected, rewrite(unprotected));
    }

    @Test
    void gnupgEscapes() {
        assertArrayEquals(new byte[] {8, 9, 11, 10, 12, 13, '"', '\'', '\\', (byte) 0xb3, 0x07, 'z'},
                ExtendedKeyText.unescape("\\b\\t\\v\\n\\f\\r\\\"\\'\\\\\\xb3\\007z"));
        assertArrayEquals("ab".getBytes(StandardCharsets.ISO_8859_1), ExtendedKeyText.unescape("a\\\nb"));
    }

    @Test
    void anUnexpectedShapeIsLeftToTheParser() {
        String in = "Key: (protected-private-key (rsa (protected openpgp-s2k3-ocb-aes (sha1)))\n";
        assertEquals(in, rewrite(in));
    }
}
