package org.postern.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TokenBucketsTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void burstThenRateAndTheSuppressedCountRidesOnTheNextAlert() {
        TokenBuckets b = new TokenBuckets(3, 60); // 3 at once, then one a second
        long t = 0;
        for (int i = 0; i < 3; i++) {
            assertTrue(b.take("REPLAY", t).send());
        }
        for (int i = 0; i < 1000; i++) {
            assertFalse(b.take("REPLAY", t).send(), "flood: nothing more");
        }
        // another class is not silenced by the flood
        assertTrue(b.take("REFUSAL/POLICY", t).send());
        TokenBuckets.Verdict v = b.take("REPLAY", t + SECOND);
        assertTrue(v.send());
        assertEquals(1000, v.suppressedBefore());
        assertFalse(b.take("REPLAY", t + SECOND).send());
        assertEquals(Map.of("REPLAY", 1L), b.drainSuppressed());
        assertEquals(Map.of(), b.drainSuppressed());
        // refills up to the burst only
        for (int i = 0; i < 3; i++) {
            assertTrue(b.take("REPLAY", t + 100 * SECOND).send());
        }
        assertFalse(b.take("REPLAY", t + 100 * SECOND).send());
    }

    @Test
    void aFloodOverAnHourSendsABoundedNumber() {
        TokenBuckets b = new TokenBuckets(3, 1);
        int sent = 0;
        for (long ms = 0; ms < 3_600_000; ms++) { // one alert a millisecond for an hour
            if (b.take("REFUSAL/STANZA_TRIAL", ms * 1_000_000L).send()) {
                sent++;
            }
        }
        assertTrue(sent <= 3 + 60, "sent " + sent);
    }

    @Test
    void classesAreBoundedAndSettingsChecked() {
        TokenBuckets b = new TokenBuckets(1, 1);
        for (int i = 0; i < TokenBuckets.MAX_CLASSES + 10; i++) {
            b.take("c" + i, 0);
        }
        assertTrue(b.drainSuppressed().size() <= 1);
        assertThrows(IllegalArgumentException.class, () -> new TokenBuckets(0, 1));
    }
}
