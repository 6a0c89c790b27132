package org.postern.client.knock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.postern.fko.KnockSequenceCipher;

/** The fwknop 1.9.12 encrypted-sequence vector (reference §1.6) and the shared-sequence syntax. */
class KnockSequenceTest {

    static final byte[] SALT = "ABCDEFGH".getBytes(StandardCharsets.US_ASCII);
    static final int[] CIPHERTEXT = {83, 97, 108, 116, 101, 100, 95, 95, 65, 66, 67, 68, 69, 70, 71, 72, 228, 249,
        70, 116, 20, 106, 0, 173, 51, 49, 255, 141, 36, 99, 131, 6};
    static final String PORTS = "61083 61097 61108 61116 61101 61100 61095 61095 61065 61066 61067 61068 61069"
            + " 61070 61071 61072 61228 61249 61070 61116 61020 61106 61000 61173 61051 61049 61255 61141 61036"
            + " 61099 61131 61006";

    @Test
    void referenceVector() throws Exception {
        KnockSequence s = KnockSequence.encrypted("127.0.0.2", "tcp/22", "root",
                "fwknoptest".getBytes(StandardCharsets.US_ASCII), 61000, false, SALT);
        assertEquals("127 0 0 2 0 22 6 157 114 111 111 116", join(s.plaintext()));
        assertEquals(Arrays.stream(CIPHERTEXT).mapToObj(Integer::toString).collect(Collectors.joining(" ")),
                join(s.ciphertext()));
        assertEquals(PORTS, s.steps().stream().map(st -> Integer.toString(st.port())).collect(Collectors.joining(" ")));
        s.steps().forEach(st -> assertEquals("tcp", st.protocol()));
        KnockSequence r = KnockSequence.encrypted("127.0.0.2", "tcp/22", "root",
                "fwknoptest".getBytes(StandardCharsets.US_ASCII), 61000, true, SALT);
        for (int i = 0; i < r.steps().size(); i++) {
            assertEquals(i % 2 == 0 ? "tcp" : "udp", r.steps().get(i).protocol());
            assertEquals(s.steps().get(i).port(), r.steps().get(i).port());
        }
    }

    @Test
    void longUserNamesAreCutAnd48Bytes() throws Exception {
        KnockSequence s = KnockSequence.encrypted("127.0.0.2", "tcp/22", "abcdefghijk",
                "fwknoptest".getBytes(StandardCharsets.US_ASCII), 61000, false, SALT);
        assertEquals(48, s.steps().size());
        KnockSequence cap = KnockSequence.encrypted("1.2.3.4", "tcp/22", "x".repeat(40),
                "fwknoptest".getBytes(StandardCharsets.US_ASCII), 61000, false, SALT);
        assertEquals(31, cap.plaintext().length);
    }

    @Test
    void accessIsReadAs19Did() throws Exception {
        assertEquals(new KnockSequence.Step("tcp", 53), KnockSequence.accessOf("udp/53,tcp/22"));
        assertEquals(new KnockSequence.Step("udp", 53), KnockSequence.accessOf("udp/53"));
        assertEquals(new KnockSequence.Step("icmp", 0), KnockSequence.accessOf("icmp"));
        assertThrows(KnockException.class, () -> KnockSequence.accessOf("tcp"));
        assertThrows(KnockException.class, () -> KnockSequence.accessOf("sctp/5"));
    }

    @Test
    void keyPadding() {
        assertArrayEquals("fwknoptest000000".getBytes(StandardCharsets.US_ASCII),
                KnockSequenceCipher.padKey("fwknoptest".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals("0123456789abcdefXY".getBytes(StandardCharsets.US_ASCII),
                KnockSequenceCipher.padKey("0123456789abcdefXY".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void sharedElementsAndRcLines() {
        assertEquals("[tcp/1, udp/2, icmp]", KnockSequence.parseElements("tcp/1, udp/2,icmp UDP/3 tcp/70000").toString());
        List<String> rc = List.of("# c", "10.0.0.1: tcp/1", "10.0.0.1: tcp/2, tcp/3", "10.0.0.2: udp/9, icmp");
        assertEquals("[tcp/2, tcp/3]", KnockSequence.sharedFromRc(rc, "10.0.0.1").toString());
        assertEquals("[udp/9, icmp]", KnockSequence.sharedFromRc(rc, "10.0.0.2").toString());
        assertEquals(List.of(), KnockSequence.sharedFromRc(rc, "10.0.0.3"));
    }

    private static String join(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(sb.length() == 0 ? "" : " ").append(x & 0xff);
        }
        return sb.toString();
    }
}
