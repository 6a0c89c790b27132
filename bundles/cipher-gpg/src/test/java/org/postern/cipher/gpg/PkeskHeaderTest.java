package org.postern.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.postern.fko.SpaBase64;

/** The two stripped characters, and the old-format PKESK header gpg writes. */
class PkeskHeaderTest {

    /** A PKESK v3 of {@code len} body bytes (old format header {@code hdr}) followed by a partial-length SEIPD. */
    static byte[] message(int[] hdr, int len) {
        byte[] m = new byte[hdr.length + len + 40];
        for (int i = 0; i < hdr.length; i++) {
            m[i] = (byte) hdr[i];
        }
        m[hdr.length] = 3; // version
        for (int i = 1; i < len; i++) {
            m[hdr.length + i] = (byte) (i * 7 + 1);
        }
        m[hdr.length + len] = (byte) 0xD2; // SEIPD, new format
        m[hdr.length + len + 1] = (byte) 0xE9; // partial length
        return m;
    }

    @Test
    void rsaHeadersAreFwknopsHq() {
        String b64 = SpaBase64.encode(message(new int[] {0x85, 0x01, 0x0C}, 268));
        assertTrue(b64.startsWith("hQ"));
        assertEquals("hQ", PkeskHeader.candidates(b64.substring(2)).get(0));
    }

    @Test
    void shortEccHeadersAreFoundAgain() {
        for (int len : new int[] {94, 126, 158, 202}) { // cv25519, P-256, P-384, P-521
            String b64 = SpaBase64.encode(message(new int[] {0x84, len}, len));
            String header = b64.substring(0, 2);
            List<String> c = PkeskHeader.candidates(b64.substring(2));
            assertTrue(!header.equals("hQ") && c.contains(header), header + " " + c);
            assertEquals("hQ", c.get(c.size() - 1), "fwknop's own guess stays the last resort");
            assertTrue(c.size() <= 6, c.toString());
        }
    }

    @Test
    void newFormatHeadersBecomeGpgsOldFormat() throws Exception {
        byte[] newFormat = {(byte) 0xC1, (byte) 0xC0, (byte) 0x4C, 3, 9, 9};
        byte[] old = MessageWriter.oldFormatPkesk(newFormat);
        assertArrayEquals(new byte[] {(byte) 0x85, 0x01, 0x0C, 3, 9, 9}, old);
        assertArrayEquals(new byte[] {(byte) 0x84, 0x5E, 3}, MessageWriter.oldFormatPkesk(new byte[] {(byte) 0xC1, 0x5E, 3}));
    }
}
