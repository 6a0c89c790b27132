package org.postern.fko;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** libfko's lenient base64 reader, on both paths (the JDK decoder fast path and the byte loop). */
class SpaBase64Test {

    @Test
    void stopsAtEqualsOrNulDropsADanglingCharacterAndRefusesStrangers() {
        assertEquals("bob", SpaBase64.decodeToString("Ym9i"));
        assertEquals("bob", SpaBase64.decodeToString("Ym9iQ"));
        assertEquals("bob", SpaBase64.decodeToString("Ym9i=!!"));
        assertEquals("bob", SpaBase64.decodeToString("Ym9i\0!!"));
        assertEquals("bo", SpaBase64.decodeToString("Ym9"));
        assertEquals("bo", SpaBase64.decodeToString("Ym8="));
        assertEquals("", SpaBase64.decodeToString(""));
        assertThrows(IllegalArgumentException.class, () -> SpaBase64.decode("Ym9i!"));
        assertThrows(IllegalArgumentException.class, () -> SpaBase64.decode("Ym-i"));
        assertThrows(IllegalArgumentException.class, () -> SpaBase64.decode("Ym9\u0141"));
    }

    @Test
    void bothPathsAgreeOnRandomInput() {
        Random r = new Random(64);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        String noise = alphabet + "=\0!-_ ";
        for (int i = 0; i < 20000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                String from = r.nextInt(10) == 0 ? noise : alphabet;
                sb.append(from.charAt(r.nextInt(from.length())));
            }
            String s = sb.toString();
            byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
            byte[] viaString = null;
            byte[] viaBytes = null;
            try {
                viaString = SpaBase64.decode(s);
            } catch (IllegalArgumentException e) {
                // compared below
            }
            try {
                viaBytes = SpaBase64.decode(bytes, 0, bytes.length);
            } catch (IllegalArgumentException e) {
                // compared below
            }
            assertArrayEquals(viaBytes, viaString, s);
            assertEquals(SpaBase64.isBase64Alphabet(s), SpaBase64.isBase64Alphabet(bytes, 0, bytes.length), s);
        }
        byte[] data = new byte[300];
        r.nextBytes(data);
        assertArrayEquals(data, SpaBase64.decode(SpaBase64.encode(data)));
    }
}
