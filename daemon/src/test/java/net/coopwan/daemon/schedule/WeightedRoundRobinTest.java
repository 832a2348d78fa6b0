package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Seed 002 W3/W4/W5, 000 O14, and the rebasing rule. */
class WeightedRoundRobinTest {

    private static int[] count(LinkScheduler s, int packets, int bytes) {
        int[] c = new int[s.links()];
        for (int i = 0; i < packets; i++) {
            int l = s.pick(bytes, 0L);
            if (l != LinkScheduler.NONE) {
                c[l]++;
            }
        }
        return c;
    }

    /** W4, literally: w=(2,1) and 3000 packets of 1000 B give 2000 +-1 / 1000 +-1 packets. */
    @Test
    void w4TwoToOneThreeThousandPackets() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {2, 1});
        int[] c = count(s, 3000, 1000);
        assertEquals(2000, c[0], 1);
        assertEquals(1000, c[1], 1);
    }

    /** W4 "within one packet per round": every prefix of the 2:1 sequence stays within one packet. */
    @Test
    void w4EveryPrefixWithinOnePacket() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {2, 1});
        int[] c = new int[2];
        for (int i = 1; i <= 3000; i++) {
            c[s.pick(1000, 0L)]++;
            assertEquals(i * 2.0 / 3, c[0], 1.0, "after " + i);
            assertEquals(i / 3.0, c[1], 1.0, "after " + i);
        }
    }

    @Test
    void deterministicInterleavingTiesToLowestIndex() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {2, 1});
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            seq.append(s.pick(1000, 0L));
        }
        assertEquals("001001", seq.toString());
        WeightedRoundRobin eq = new WeightedRoundRobin(3);
        seq.setLength(0);
        for (int i = 0; i < 6; i++) {
            seq.append(eq.pick(100, 0L));
        }
        assertEquals("012012", seq.toString());
    }

    @Test
    void threeLinksFourTwoOne() {
        WeightedRoundRobin s = new WeightedRoundRobin(3);
        s.setWeights(new double[] {4, 2, 1});
        int[] c = count(s, 7000, 1000);
        assertEquals(4000, c[0], 1);
        assertEquals(2000, c[1], 1);
        assertEquals(1000, c[2], 1);
    }

    /** O14: a (25,75) override holds in bytes within 1 % with mixed packet sizes. */
    @Test
    void o14ByteSharesWithMixedSizes() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {25, 75});
        Random r = new Random(14);
        long[] bytes = new long[2];
        for (int i = 0; i < 50_000; i++) {
            int size = 40 + r.nextInt(1400 - 40 + 1);
            bytes[s.pick(size, 0L)] += size;
        }
        double total = bytes[0] + bytes[1];
        assertEquals(0.25, bytes[0] / total, 0.01);
        assertEquals(0.75, bytes[1] / total, 0.01);
        // Much tighter than 1 % in fact: at most one packet per link off.
        assertEquals(total / 4, bytes[0], 2 * 1400);
    }

    /** W5: the static baseline is 1:1; scale of the weights does not matter. */
    @Test
    void staticModeIsEqualWeightsAndScaleFree() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        int[] c = count(s, 1000, 1000);
        assertEquals(500, c[0]);
        assertEquals(500, c[1]);
        s.setWeights(new double[] {2e6, 1e6}); // bit/s, say
        c = count(s, 3000, 1000);
        assertEquals(2000, c[0], 1);
        assertEquals(1000, c[1], 1);
    }

    /** W3: weight 0 gets nothing, the rest gets everything. */
    @Test
    void w3ZeroWeightLinkGetsNothing() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(Weights.fromAvailable(new double[] {0, 3.5}));
        int[] c = count(s, 1000, 700);
        assertEquals(0, c[0]);
        assertEquals(1000, c[1]);
    }

    @Test
    void unusableLinkGetsNothingOthersShareByWeight() {
        WeightedRoundRobin s = new WeightedRoundRobin(3);
        s.setWeights(new double[] {4, 2, 1});
        s.setUsable(1, false);
        int[] c = count(s, 5000, 1000);
        assertEquals(0, c[1]);
        assertEquals(4000, c[0], 1);
        assertEquals(1000, c[2], 1);
    }

    @Test
    void allUnusableOrAllZeroGivesNone() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setUsable(0, false);
        s.setUsable(1, false);
        assertEquals(LinkScheduler.NONE, s.pick(100, 0L));
        s.setUsable(1, true);
        assertEquals(1, s.pick(100, 0L));
        s.setWeights(new double[] {0, 0});
        assertEquals(LinkScheduler.NONE, s.pick(100, 0L));
        assertEquals(LinkScheduler.NONE, new WeightedRoundRobin(0).pick(100, 0L));
    }

    /** A link that was down while the other sent 1000 packets must not get a burst when it returns. */
    @Test
    void returningLinkIsRebasedNoCatchUpBurst() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        count(s, 10, 1000);
        s.setUsable(1, false);
        int[] down = count(s, 1000, 1000);
        assertEquals(1000, down[0]);
        s.setUsable(1, true);
        int[] c = new int[2];
        for (int i = 1; i <= 200; i++) {
            c[s.pick(1000, 0L)]++;
            assertTrue(Math.abs(c[0] - c[1]) <= 1, "burst after " + i + " packets: " + c[0] + "/" + c[1]);
        }
    }

    /** The same for a weight going 0 -> positive (W3 re-admission). */
    @Test
    void readmittedZeroWeightLinkIsRebased() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {1, 0});
        count(s, 1000, 1500);
        s.setWeights(new double[] {1, 1});
        int[] c = count(s, 100, 1500);
        assertEquals(50, c[0], 1);
        assertEquals(50, c[1], 1);
        s.setWeights(new double[] {1, 3});
        c = count(s, 400, 1500);
        assertEquals(100, c[0], 1);
        assertEquals(300, c[1], 1);
    }

    /**
     * A link whose weight grows a thousandfold must not be starved by the lead it ran up in old
     * units (its last packet counted 1000 times its size): a changed weight is rebased too.
     */
    @Test
    void weightGrowthDoesNotStarve() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {1000, 1});
        int[] c = count(s, 2500, 1500);
        assertEquals(2, c[1], 1); // each of its packets put it 1000 packets' worth ahead
        s.setWeights(new double[] {1, 1});
        c = count(s, 100, 1500);
        assertEquals(50, c[0], 1);
        assertEquals(50, c[1], 1);
    }

    @Test
    void badWeightsRejectedOnTheCallersThread() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        assertThrows(IllegalArgumentException.class, () -> s.setWeights(new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> s.setWeights(new double[] {1, -1}));
        assertThrows(IllegalArgumentException.class, () -> s.setWeights(new double[] {1, Double.NaN}));
        assertThrows(IllegalArgumentException.class, () -> s.setWeights(new double[] {1, Double.POSITIVE_INFINITY}));
        assertThrows(IllegalArgumentException.class, () -> s.setUsable(2, true));
        assertThrows(IllegalArgumentException.class, () -> new WeightedRoundRobin(17));
        assertEquals(1.0, s.weight(0));
    }

    /** The caller's array is copied: changing it afterwards changes nothing. */
    @Test
    void weightsAreCopied() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        double[] w = {1, 0};
        s.setWeights(w);
        w[1] = 100;
        int[] c = count(s, 100, 1000);
        assertEquals(100, c[0]);
    }

    /** Long runs: virtual times are shifted down, shares stay exact. */
    @Test
    void longRunKeepsPrecision() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {1, 1e-6});
        long[] bytes = new long[2];
        for (int i = 0; i < 2_000_000; i++) {
            bytes[s.pick(1400, 0L)] += 1400;
        }
        assertEquals(2, bytes[1] / 1400, 1); // 2.8e9 bytes * 1e-6 share = about 2 packets
        s.setWeights(new double[] {1, 1});
        int[] c = count(s, 1000, 1400);
        assertEquals(500, c[0], 1);
    }

    /**
     * A writer flips between two vectors while the sender picks: the sender never sees a mix (a
     * link that is zero in both vectors, or a vector with both links zero).
     */
    @Test
    void concurrentUpdatesNeverHalfApplied() throws InterruptedException {
        WeightedRoundRobin s = new WeightedRoundRobin(3);
        s.setWeights(new double[] {1, 0, 0});
        Thread writer = new Thread(() -> {
            for (int i = 0; i < 20_000; i++) {
                s.setWeights(i % 2 == 0 ? new double[] {0, 0, 1} : new double[] {1, 0, 0});
            }
        });
        writer.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        int picks = 0;
        while (writer.isAlive() && System.nanoTime() < deadline && picks < 50_000_000) {
            int l = s.pick(1000, 0L);
            assertTrue(l == 0 || l == 2, "picked " + l);
            picks++;
        }
        writer.join(5000);
    }
}
