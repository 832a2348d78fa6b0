package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.coopwan.daemon.measure.TrendTest.Verdict;
import org.junit.jupiter.api.Test;

class PctPdtTrendTestTest {

    private static final long FIVE_SECONDS_MICROS = 5_000_000L;

    private final PctPdtTrendTest test = new PctPdtTrendTest();

    /** OWDs of K probes: base + slope*k + uniform noise in [0, noise). */
    static long[] series(int k, long base, double slopeMicrosPerPacket, int noiseMicros, long seed) {
        Random random = new Random(seed);
        long[] s = new long[k];
        for (int i = 0; i < k; i++) {
            s[i] = base + Math.round(slopeMicrosPerPacket * i) + (noiseMicros == 0 ? 0 : random.nextInt(noiseMicros));
        }
        return s;
    }

    @Test
    void monotoneRampIsIncreasing() { // S4
        assertEquals(Verdict.INCREASING, test.test(series(100, 20_000, 50, 0, 1), 100));
        assertEquals(1.0, test.lastStatistics().pct());
        assertEquals(1.0, test.lastStatistics().pdt());
    }

    @Test
    void constantSeriesIsNotIncreasing() {
        assertEquals(Verdict.NOT_INCREASING, test.test(series(100, 20_000, 0, 0, 1), 100));
        assertEquals(0.0, test.lastStatistics().pct());
        assertEquals(0.0, test.lastStatistics().pdt());
    }

    @Test
    void flatWithSeededNoiseIsNotIncreasing() { // S4, the literal example
        assertEquals(Verdict.NOT_INCREASING, test.test(series(100, 20_000, 0, 2_000, 42), 100));
    }

    @Test
    void flatNoiseOverManySeedsIsRarelyIncreasingAndOftenNotIncreasing() {
        // One stream of pure noise: the medians are exchangeable, so PCT is about binomial around
        // 0.5; the statistic cannot call every noisy flat stream NOT_INCREASING (GREY is frequent),
        // which is why SlopsSearch repeats GREY. Seeds 0..999 give 505 NOT_INCREASING, 358 GREY,
        // 137 INCREASING.
        int[] counts = new int[Verdict.values().length];
        for (long seed = 0; seed < 1000; seed++) {
            counts[test.test(series(100, 20_000, 0, 2_000, seed), 100).ordinal()]++;
        }
        assertTrue(counts[Verdict.INCREASING.ordinal()] < 150, () -> "increasing " + counts[0]);
        assertTrue(counts[Verdict.NOT_INCREASING.ordinal()] > 400, () -> "not increasing " + counts[1]);
    }

    @Test
    void rampUnderNoiseIsIncreasing() {
        // A queue growing 40 us per packet (4 ms over the stream) under 2 ms of noise.
        for (long seed = 0; seed < 200; seed++) {
            assertEquals(Verdict.INCREASING, test.test(series(100, 20_000, 40, 2_000, seed), 100), "seed " + seed);
        }
    }

    @Test
    void decreasingSeriesIsNotIncreasing() {
        assertEquals(Verdict.NOT_INCREASING, test.test(series(100, 20_000, -30, 500, 3), 100));
    }

    @Test
    void constantOffsetChangesNoVerdict() { // S3: +5 s on every arrival
        Random random = new Random(7);
        for (int i = 0; i < 500; i++) {
            int k = 16 + random.nextInt(200);
            double slope = random.nextInt(5) == 0 ? 0 : random.nextGaussian() * 30;
            long[] owd = series(k, random.nextInt(1_000_000) - 500_000, slope, 1 + random.nextInt(3_000), i);
            long[] shifted = owd.clone();
            for (int j = 0; j < k; j++) {
                shifted[j] += FIVE_SECONDS_MICROS;
            }
            assertEquals(test.test(owd, k), test.test(shifted, k), "series " + i);
        }
    }

    @Test
    void fewerThanMinimumSamplesIsTooFew() {
        assertEquals(Verdict.TOO_FEW_SAMPLES, test.test(series(100, 0, 50, 0, 1), 15));
        assertEquals(Verdict.INCREASING, test.test(series(100, 0, 50, 0, 1), 16));
    }

    @Test
    void usesOnlyTheFirstCountSamplesAndLeavesTheArrayAlone() {
        long[] owd = series(100, 0, 0, 0, 1);
        for (int i = 50; i < 100; i++) {
            owd[i] = 1_000_000 + i * 100L; // a ramp after the counted part
        }
        long[] copy = owd.clone();
        assertEquals(Verdict.NOT_INCREASING, test.test(owd, 50));
        assertEquals(java.util.Arrays.toString(copy), java.util.Arrays.toString(owd));
    }

    @Test
    void mediansSpanningLessThanTheFloorAreFlat() {
        // A perfect ramp of 150 us in total: PCT 1, yet below the 200 us floor.
        assertEquals(Verdict.NOT_INCREASING, test.test(series(100, 20_000, 1.5, 0, 1), 100));
        assertEquals(1.0, test.lastStatistics().pct());
        assertEquals(Verdict.INCREASING, test.test(series(100, 20_000, 2.5, 0, 1), 100));
        PctPdtTrendTest noFloor = new PctPdtTrendTest(new PctPdtTrendTest.Config(16, 0.66, 0.54, 0.55, 0.45, 0));
        assertEquals(Verdict.INCREASING, noFloor.test(series(100, 20_000, 1.5, 0, 1), 100));
    }

    @Test
    void greyBetweenTheThresholds() {
        PctPdtTrendTest test = new PctPdtTrendTest(new PctPdtTrendTest.Config(16, 0.66, 0.54, 0.55, 0.45, 0));
        // 25 samples, 5 groups of 5, medians chosen by hand.
        // Medians 10, 20, 15, 25, 30: rises 3 of 4 -> PCT 0.75 > 0.66 -> INCREASING.
        long[] owd = groups(10, 20, 15, 25, 30);
        assertEquals(Verdict.INCREASING, test.test(owd, owd.length));
        // Medians 10, 20, 15, 16, 14: rises 2 of 4 (PCT 0.5), PDT 4 / (10+5+1+2) = 0.22 -> NOT_INCREASING.
        owd = groups(10, 20, 15, 16, 14);
        assertEquals(Verdict.NOT_INCREASING, test.test(owd, owd.length));
        // Medians 10, 20, 15, 30, 25: PCT 0.5, PDT 15 / 35 = 0.43 -> NOT_INCREASING;
        // 10, 20, 15, 30, 28: PCT 0.5, PDT 18 / 32 = 0.5625 -> INCREASING (PDT > 0.55);
        // 10, 20, 17, 30, 26: PCT 0.5, PDT 16 / 30 = 0.533 -> GREY.
        owd = groups(10, 20, 15, 30, 25);
        assertEquals(Verdict.NOT_INCREASING, test.test(owd, owd.length));
        owd = groups(10, 20, 15, 30, 28);
        assertEquals(Verdict.INCREASING, test.test(owd, owd.length));
        owd = groups(10, 20, 17, 30, 26);
        assertEquals(Verdict.GREY, test.test(owd, owd.length));
        assertEquals(0.5, test.lastStatistics().pct());
        assertEquals(16.0 / 30, test.lastStatistics().pdt(), 1e-12);
    }

    /** 5 samples per median, the median in the middle of a shuffled group. */
    private static long[] groups(long... medians) {
        long[] owd = new long[medians.length * 5];
        for (int g = 0; g < medians.length; g++) {
            long m = medians[g];
            long[] group = {m + 3, m - 2, m, m + 1, m - 4};
            System.arraycopy(group, 0, owd, g * 5, 5);
        }
        return owd;
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> new PctPdtTrendTest.Config(3, 0.66, 0.54, 0.55, 0.45, 200));
        assertThrows(IllegalArgumentException.class, () -> new PctPdtTrendTest.Config(16, 0.5, 0.54, 0.55, 0.45, 200));
        assertThrows(IllegalArgumentException.class, () -> new PctPdtTrendTest.Config(16, 0.66, 0.54, 1.5, 0.45, 200));
        assertThrows(IllegalArgumentException.class, () -> new PctPdtTrendTest.Config(16, 0.66, 0.54, 0.55, 0.45, -1));
        assertThrows(IllegalArgumentException.class, () -> test.test(new long[10], 11));
    }
}
