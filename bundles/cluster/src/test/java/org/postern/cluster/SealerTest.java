package org.postern.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import org.junit.jupiter.api.Test;

class SealerTest {

    @Test
    void sealedValuesOpenOnlyWithTheSameSecretAndChannel() {
        Sealer s = new Sealer("secret");
        String sealed = s.seal("config:x", "KEY_BASE64\tS\tabc");
        assertFalse(sealed.contains("abc"), "the text travels encrypted");
        assertEquals("KEY_BASE64\tS\tabc", s.open("config:x", sealed));
        assertNull(s.open("config:y", sealed), "moved to another channel");
        assertNull(new Sealer("other").open("config:x", sealed), "another secret");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 1] ^= 1;
        String tampered = "S1:" + Base64.getEncoder().encodeToString(raw);
        assertNull(s.open("config:x", tampered), "altered");
        assertNull(s.open("config:x", "P1:plain"), "plain text while sealing");
        assertTrue(s.sealing());
    }

    @Test
    void withoutASecretValuesArePlainAndSealedOnesAreRefused() {
        Sealer plain = new Sealer("");
        assertFalse(plain.sealing());
        assertEquals("P1:text", plain.seal("c", "text"));
        assertEquals("text", plain.open("c", "P1:text"));
        assertNull(plain.open("c", new Sealer("k").seal("c", "text")));
        assertNull(plain.open("c", null));
    }
}
