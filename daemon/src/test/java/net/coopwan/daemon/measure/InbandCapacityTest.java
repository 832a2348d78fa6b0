package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class InbandCapacityTest {

    private static final long MS = 1_000_000L;
    private static final boolean[] BOTH = {true, true};

    /**
     * A fluid model of two rate-limited links with 200 ms FIFOs fed by one sender that always has
     * data, split by the weights: like one TCP flow, the offered load settles just above what the
     * most overloaded link allows (its queue stays full, the other link's may drain).
     */
    private static final class TwoLinks {
        final double[] capacity;
        final double[] queueBits = new double[2];
        final long[] deliveredBits = new long[2];
        final Random jitter = new Random(7);
        double jitterMs;
        /** Model time already run, so consecutive runs continue one timeline. */
        int elapsedMs;

        TwoLinks(double c0, double c1) {
            capacity = new double[] {c0, c1};
        }

        /** Runs {@code seconds} with updates every 500 ms; returns the goodput share of the sum in the last second. */
        double run(InbandCapacity inband, double[] weights, double seconds, double overload) {
            long now = 0;
            double deliveredLastSecond = 0;
            int steps = (int) (seconds * 1000);
            for (int step = 1; step <= steps; step++) {
                int ms = ++elapsedMs;
                now = ms * MS;
                double share0 = weights[0] / (weights[0] + weights[1]);
                double[] share = {share0, 1 - share0};
                double load = overload * Math.min(capacity[0] / share[0], capacity[1] / share[1]);
                for (int i = 0; i < 2; i++) {
                    double in = load * share[i] / 1000;
                    double q = queueBits[i] + in;
                    double out = Math.min(q, capacity[i] / 1000);
                    q -= out;
                    queueBits[i] = Math.min(q, capacity[i] * 0.2);
                    deliveredBits[i] += (long) out;
                    if (step > steps - 1000) {
                        deliveredLastSecond += out;
                    }
                }
                if (ms % 50 == 0) {
                    for (int i = 0; i < 2; i++) {
                        long queueNanos = (long) (queueBits[i] / capacity[i] * 1e9)
                                + (long) (jitter.nextDouble() * jitterMs * MS);
                        inband.onEcho(i, now + i * 7 * MS, deliveredBits[i], queueNanos);
                    }
                }
                if (ms % 500 == 0) {
                    double[] e = inband.update(BOTH);
                    if (e != null) {
                        weights[0] = e[0];
                        weights[1] = e[1];
                    }
                }
            }
            return deliveredLastSecond / (capacity[0] + capacity[1]);
        }
    }

    @Test
    void eightPlusTwoWithSlopsErrorsConvergesToTheTrueCapacities() {
        // The errors measured in the lab: the 8 Mbit/s link estimated 4 % low, the 2 Mbit/s one 3 % high.
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        double[] w = {7.68e6, 2.06e6};
        inband.reset(w, new double[] {8e6, 2e6});
        TwoLinks lab = new TwoLinks(8e6, 2e6);
        double before = new TwoLinks(8e6, 2e6).run(new InbandCapacity(InbandCapacity.Config.DEFAULT, 2),
                new double[] {7.68e6, 2.06e6}, 0.5, 1.01);
        double after = lab.run(inband, w, 20, 1.01);
        double[] e = inband.estimates();
        assertEquals(8e6, e[0], 0.02 * 8e6, "fast link " + e[0]);
        assertEquals(2e6, e[1], 0.02 * 2e6, "slow link " + e[1]);
        assertTrue(before < 0.98, "with the SLoPS errors the bond loses " + before);
        assertTrue(after > 0.985, "goodput share after convergence " + after);
    }

    @Test
    void convergesFromEitherSideAndAtTwoToOne() {
        for (double[] start : new double[][] {{2.4e6, 0.8e6}, {1.6e6, 1.2e6}}) {
            InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
            double[] w = start.clone();
            inband.reset(w, new double[] {2.2e6, 1.1e6});
            new TwoLinks(2e6, 1e6).run(inband, w, 30, 1.01);
            double[] e = inband.estimates();
            assertEquals(2.0, e[0] / e[1], 0.06, "ratio from " + start[0] + "/" + start[1] + ": " + e[0] / e[1]);
        }
    }

    @Test
    void aSlopsEstimateFarTooLowIsMadeGoodWithinSixSeconds() {
        // 2+2 Mbit/s with the second link estimated at 1.3 Mbit/s (a SLoPS round on a loaded router)
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        double[] w = {2.06e6, 1.3e6};
        inband.reset(w, new double[] {10e6, 10e6});
        TwoLinks lab = new TwoLinks(2e6, 2e6);
        double second6 = 0;
        for (int s = 1; s <= 6; s++) {
            second6 = lab.run(inband, w, 1, 1.01);
        }
        assertTrue(second6 > 0.97, "goodput share in the 6th second " + second6);
        lab.run(inband, w, 10, 1.01);
        double[] e = inband.estimates();
        assertEquals(1.0, e[0] / e[1], 0.05, "ratio " + e[0] / e[1]);
    }

    @Test
    void anUnloadedBondKeepsItsEstimates() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        double[] w = {7.68e6, 2.06e6};
        inband.reset(w, new double[] {8e6, 2e6});
        new TwoLinks(8e6, 2e6).run(inband, w, 10, 0.5);
        assertArrayEquals(new double[] {7.68e6, 2.06e6}, inband.estimates());
    }

    @Test
    void probingUpStopsAtTheCeiling() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        double[] w = {4e6, 2e6};
        inband.reset(w, new double[] {4.2e6, 2e6});
        new TwoLinks(8e6, 2e6).run(inband, w, 20, 1.01);
        assertEquals(4.2e6, inband.estimates()[0], 1);
    }

    @Test
    void jitterBelowTheThresholdIsNotMistakenForAQueue() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        double[] w = {7.68e6, 2.06e6};
        inband.reset(w, new double[] {8e6, 2e6});
        TwoLinks lab = new TwoLinks(8e6, 2e6);
        lab.jitterMs = 7;
        lab.run(inband, w, 10, 0.8);
        assertArrayEquals(new double[] {7.68e6, 2.06e6}, inband.estimates());
    }

    @Test
    void windowsNeedEnoughEchoesAndUnusableLinksAreLeftAlone() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {1e6, 1e6}, new double[] {2e6, 2e6});
        // two echoes 600 ms apart: one window of 2 echoes, below the 4 needed
        inband.onEcho(0, 0, 0, 50 * MS);
        inband.onEcho(0, 600 * MS, 300_000, 50 * MS);
        assertNull(inband.update(BOTH));
        for (int k = 0; k <= 10; k++) {
            inband.onEcho(0, (700 + 50 * k) * MS, 300_000 + 25_000L * k, 50 * MS);
        }
        assertNull(inband.update(new boolean[] {false, true}), "link 0 is not usable");
        for (int k = 11; k <= 21; k++) {
            inband.onEcho(0, (700 + 50 * k) * MS, 300_000 + 25_000L * k, 50 * MS);
        }
        double[] e = inband.update(BOTH);
        // 500 kbit/s delivered while saturated: half the way from 1 Mbit/s
        assertEquals(0.75e6, e[0], 1e3);
        assertEquals(1e6, e[1]);
    }

    @Test
    void aCounterGoingBackwardsStartsANewWindow() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 1);
        inband.reset(new double[] {1e6}, new double[] {2e6});
        for (int k = 0; k <= 5; k++) {
            inband.onEcho(0, 100L * k * MS, 1_000_000L - 10_000L * k, 50 * MS);
        }
        assertNull(inband.update(new boolean[] {true}));
    }

    @Test
    void badResetsAreRefused() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        assertThrows(IllegalArgumentException.class, () -> inband.reset(new double[] {1}, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> inband.reset(new double[] {2, 1}, new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> inband.reset(new double[] {Double.NaN, 1}, new double[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> new InbandCapacity(InbandCapacity.Config.DEFAULT, 0));
    }
}
