package net.coopwan.daemon.reorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LinkDelaysTest {
    static final long MS = 1_000_000L;

    /** Only differences count: a clock offset near the 32-bit wrap changes nothing. */
    @Test
    void reachIsSlowestDelayPlusJitterWhateverTheClockOffset() {
        for (int offset : new int[] {0, Integer.MAX_VALUE - 20_000, -7}) {
            LinkDelays d = new LinkDelays(1000 * MS, 7_500);
            long fastSample = 0;
            long slowSample = 0;
            for (int i = 0; i < 2000; i++) {
                long now = (i + 1) * MS;
                fastSample = d.sample(0, offset + 5_000, now);
                slowSample = d.sample(1, offset + 30_000 + (i % 2 == 0 ? 2_000 : -2_000), now); // mean deviation 2 ms
            }
            assertEquals(25_000, d.delayMicros(1) - d.delayMicros(0), 200);
            assertEquals(2_000, d.jitterMicros(1), 100);
            assertEquals(0, d.jitterMicros(0), 1);
            assertEquals(25_000 + 4 * 2_000, d.reachMicros(2000 * MS) - fastSample, 500);
            assertEquals(8_000, d.reachMicros(2000 * MS) - slowSample, 2_500);
            assertEquals(d.delayMicros(0), d.minDelayMicros(2000 * MS), 1);
            assertTrue(d.warm(2000 * MS));
        }
    }

    /** A link silent for the stale time no longer counts; heard again, it starts afresh and conservative. */
    @Test
    void staleLinksDropOutAndRestartWithTheInitialJitter() {
        LinkDelays d = new LinkDelays(1000 * MS, 7_500);
        assertTrue(Double.isNaN(d.reachMicros(0)));
        assertFalse(d.warm(0));
        for (int i = 0; i < 500; i++) {
            d.sample(0, 1_000, i * MS);
            d.sample(1, 61_000, i * MS);
        }
        assertEquals(60_000, d.reachMicros(500 * MS), 2_000);
        for (int i = 500; i < 1600; i++) {
            d.sample(0, 1_000, i * MS);
        }
        assertEquals(0, d.reachMicros(1600 * MS), 100, "link 1 silent for over a second");
        d.sample(1, 11_000, 1600 * MS);
        assertEquals(10_000 + 4 * 7_500, d.reachMicros(1600 * MS), 1);
        d.reset();
        assertTrue(Double.isNaN(d.reachMicros(1600 * MS)));
        assertFalse(d.warm(1600 * MS));
    }
}
