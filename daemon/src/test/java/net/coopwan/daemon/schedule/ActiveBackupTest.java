package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ActiveBackupTest {

    @Test
    void firstUsableTakesEverythingFailoverAndFallBack() {
        ActiveBackup s = new ActiveBackup(3);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, s.pick(1000, 0L));
        }
        s.setUsable(0, false);
        assertEquals(1, s.pick(1000, 0L));
        s.setUsable(1, false);
        assertEquals(2, s.pick(1000, 0L));
        s.setUsable(1, true);
        assertEquals(1, s.pick(1000, 0L));
        s.setUsable(0, true);
        assertEquals(0, s.pick(1000, 0L), "falls back to the primary as soon as it is usable");
        s.setUsable(0, false);
        s.setUsable(1, false);
        s.setUsable(2, false);
        assertEquals(LinkScheduler.NONE, s.pick(1000, 0L));
    }

    /** A primary measured at 0 bandwidth (W3) is skipped even though its tunnel is up. */
    @Test
    void zeroWeightCountsAsDown() {
        ActiveBackup s = new ActiveBackup(2);
        s.setWeights(new double[] {0, 1});
        assertEquals(1, s.pick(1000, 0L));
        s.setWeights(new double[] {5, 1}); // only zero or not matters
        assertEquals(0, s.pick(1000, 0L));
    }
}
