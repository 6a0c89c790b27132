package org.postern.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.postern.api.RefusalReason;
import org.slf4j.LoggerFactory;

class RefusalLogTest {

    @Test
    void logsUpToTheBudgetEachSecondThenSumsUp() {
        RefusalLog l = new RefusalLog(LoggerFactory.getLogger(RefusalLogTest.class), 3);
        long t = System.nanoTime() + 2_000_000_000L; // past the window the constructor opened
        assertTrue(l.countIn(RefusalReason.REPLAY, t));
        assertTrue(l.countIn(RefusalReason.REPLAY, t + 1));
        assertTrue(l.countIn(RefusalReason.REPLAY, t + 2));
        assertFalse(l.countIn(RefusalReason.REPLAY, t + 3));
        assertFalse(l.countIn(RefusalReason.HMAC_MISMATCH, t + 4));
        assertEquals(2, l.pending());
        assertTrue(l.countIn(RefusalReason.REPLAY, t + 1_000_000_000L), "a new second, a new budget");
        l.summary();
        assertEquals(0, l.pending());
    }
}
