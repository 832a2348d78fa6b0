package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import net.coopwan.config.Bond;
import org.junit.jupiter.api.Test;

class SchedulerModeTest {

    @Test
    void everyBondModeHasASchedulerMode() {
        assertEquals(SchedulerMode.WRR, SchedulerMode.of(Bond.Mode.WEIGHTED_ROUND_ROBIN));
        assertEquals(SchedulerMode.ADAPTIVE, SchedulerMode.of(Bond.Mode.ADAPTIVE));
        assertEquals(SchedulerMode.ACTIVE_BACKUP, SchedulerMode.of(Bond.Mode.ACTIVE_BACKUP));
        for (Bond.Mode m : Bond.Mode.values()) {
            assertEquals(3, SchedulerMode.of(m).create(3).links());
        }
    }

    @Test
    void factory() {
        assertInstanceOf(WeightedRoundRobin.class, SchedulerMode.WRR.create(2));
        assertInstanceOf(WeightedRoundRobin.class, SchedulerMode.ADAPTIVE.create(2));
        assertInstanceOf(ActiveBackup.class, SchedulerMode.ACTIVE_BACKUP.create(2));
    }

    /** Adaptive: starts 1:1 (W5 baseline), then follows whatever the measurement sets (W2). */
    @Test
    void adaptiveFollowsMeasuredWeights() {
        LinkScheduler s = SchedulerMode.ADAPTIVE.create(2);
        int[] c = new int[2];
        for (int i = 0; i < 100; i++) {
            c[s.pick(1000, 0L)]++;
        }
        assertArrayEquals(new int[] {50, 50}, c);
        s.setWeights(Weights.fromAvailable(new double[] {2.0, 1.0}));
        c = new int[2];
        for (int i = 0; i < 300; i++) {
            c[s.pick(1000, 0L)]++;
        }
        assertEquals(200, c[0], 1);
        assertEquals(100, c[1], 1);
    }

    /** W2 and its tests: w_i = A_i / A_min over positive A. */
    @Test
    void w2WeightsFromBandwidth() {
        assertArrayEquals(new double[] {2, 1}, Weights.fromAvailable(new double[] {2, 1}), 1e-12);
        assertArrayEquals(new double[] {4, 2, 1}, Weights.fromAvailable(new double[] {3, 1.5, 0.75}), 1e-12);
        assertArrayEquals(new double[] {1, 1}, Weights.fromAvailable(new double[] {1, 1}), 1e-12);
        assertArrayEquals(new double[] {0, 1}, Weights.fromAvailable(new double[] {0, 7}), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Weights.fromAvailable(new double[] {0, 0}), 1e-12);
        assertArrayEquals(new double[] {0, 1}, Weights.fromAvailable(new double[] {Double.NaN, 3}), 1e-12);
    }
}
