package net.coopwan.snmp.mib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The agent's sum of a daemon figure that starts again at 0. */
class MonotonicSumTest {

    @Test
    void growthIsAddedAndAResetAddsTheNewStart() {
        MonotonicSum s = new MonotonicSum();
        assertEquals(100, s.add(100));
        assertEquals(150, s.add(150));
        assertEquals(150, s.add(150), "no growth, nothing added");
        assertEquals(150, s.add(0), "duplication off: the figure is 0, the sum stays");
        assertEquals(180, s.add(30), "on again: its new start counted");
        assertEquals(180, s.add(-1), "unknown ignored");
        assertEquals(200, s.add(50));
    }

    /**
     * Random runs of growths and resets, read once per step: the sum never decreases, never exceeds
     * the true growth (nothing counted twice), loses at most the figure before each reset (the
     * growth hidden behind a reset read late), and is exact in a run without resets.
     */
    @Test
    void neverDecreasesNeverCountsTwiceAndIsExactWithoutResets() {
        Random r = new Random(17);
        for (int run = 0; run < 200; run++) {
            MonotonicSum s = new MonotonicSum();
            boolean resets = run % 2 == 0;
            long figure = 0;
            long trueGrowth = 0;
            long lostAtMost = 0;
            long before = 0;
            for (int i = 0; i < 100; i++) {
                if (resets && r.nextInt(10) == 0) {
                    lostAtMost += figure;
                    figure = 0;
                }
                long grew = r.nextInt(1000);
                figure += grew;
                trueGrowth += grew;
                long now = s.add(figure);
                assertTrue(now >= before, "decreased at step " + i);
                before = now;
            }
            assertTrue(s.total() <= trueGrowth, s.total() + " > " + trueGrowth);
            assertTrue(s.total() >= trueGrowth - lostAtMost, s.total() + " lost more than " + lostAtMost);
            if (!resets) {
                assertEquals(trueGrowth, s.total());
            }
        }
    }
}
