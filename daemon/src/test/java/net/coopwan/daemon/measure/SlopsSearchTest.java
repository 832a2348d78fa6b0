package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SlopsSearchTest {

    private static final double MBIT = 1_000_000;

    /** An oracle link with a fixed A: R &gt; A rises, R &lt; A (and R = A) stays flat. */
    static StreamVerdict oracle(double rate, double available) {
        return rate > available ? StreamVerdict.INCREASING : StreamVerdict.NOT_INCREASING;
    }

    /** Runs a whole search against the oracle; returns the search. */
    static SlopsSearch run(SlopsSearch.Config config, double available) {
        SlopsSearch search = new SlopsSearch(config);
        for (int guard = 0; !search.isDone() && guard < 1000; guard++) {
            search.onVerdict(oracle(search.nextRateBps(), available));
        }
        return search;
    }

    @Test
    void boundsAlwaysHoldAAndTheWidthHalvesEachStep() { // S7
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            double rmax0 = (0.5 + random.nextDouble() * 100) * MBIT;
            double w = rmax0 / (2 + random.nextInt(1000));
            double a = random.nextDouble() * rmax0;
            SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(rmax0, w, 1));
            int n = 0;
            while (!search.isDone()) {
                search.onVerdict(oracle(search.nextRateBps(), a));
                n++;
                assertTrue(search.rminBps() <= a && a <= search.rmaxBps(), "case " + i + " step " + n);
                assertEquals(rmax0 / Math.pow(2, n), search.rmaxBps() - search.rminBps(), rmax0 * 1e-12);
            }
            // ceil(log2(rmax0 / w)) streams; exact powers of two (one more, see the test below)
            // are skipped here because rounding decides them.
            double log2 = Math.log(rmax0 / w) / Math.log(2);
            if (Math.abs(log2 - Math.rint(log2)) > 1e-9) {
                assertEquals((int) Math.ceil(log2), n, "case " + i);
            }
        }
    }

    @Test
    void sevenPointTwoMbitWithPointOneWidthTakesExactlySevenStreams() { // S7 example
        for (double a : new double[] {0.05, 1.0, 2.0, 3.6, 5.55, 7.2}) {
            SlopsSearch search = run(new SlopsSearch.Config(7.2 * MBIT, 0.1 * MBIT, 1), a * MBIT);
            assertEquals(7, search.streams(), "A=" + a);
            assertEquals(7.2 * MBIT / 128, search.rmaxBps() - search.rminBps(), 1e-6);
        }
    }

    @Test
    void reportedAIsWithinHalfTheWidth() { // S8
        Random random = new Random(5);
        double w = 0.1 * MBIT;
        for (int i = 0; i < 1000; i++) {
            double a = w + random.nextDouble() * (7.2 * MBIT - w);
            SlopsSearch search = run(new SlopsSearch.Config(7.2 * MBIT, w, 1), a);
            assertTrue(Math.abs(search.availableBps() - a) <= w / 2, "A=" + a + " got " + search.availableBps());
        }
    }

    @Test
    void exactPowerOfTwoRatioTakesOneMoreStream() {
        assertEquals(4, run(new SlopsSearch.Config(8 * MBIT, 0.6 * MBIT, 1), 3 * MBIT).streams());
        assertEquals(5, run(new SlopsSearch.Config(8 * MBIT, 0.5 * MBIT, 1), 3 * MBIT).streams());
    }

    @Test
    void zeroAvailableReportsZero() { // S8 -> W3
        SlopsSearch search = run(new SlopsSearch.Config(7.2 * MBIT, 0.1 * MBIT, 1), 0);
        assertEquals(0, search.rminBps());
        assertEquals(0.0, search.availableBps());
        // Below the last, smallest rate tried (7.2/128 = 56 kbit/s) counts as no bandwidth too.
        assertEquals(0.0, run(new SlopsSearch.Config(7.2 * MBIT, 0.1 * MBIT, 1), 50_000).availableBps());
    }

    @Test
    void firstRateIsHalfRmaxAndTheNextMovesUpAfterAFlatStream() { // S7 counter-example fixed
        SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(8 * MBIT, 0.1 * MBIT, 1));
        assertEquals(4 * MBIT, search.nextRateBps());
        assertTrue(search.onVerdict(StreamVerdict.NOT_INCREASING)); // 4 < A
        assertEquals(6 * MBIT, search.nextRateBps()); // not (8-4)/2 = 2
        search.onVerdict(StreamVerdict.INCREASING);
        assertEquals(5 * MBIT, search.nextRateBps());
    }

    @Test
    void greyIsRepeatedOnceThenCountsAsIncreasing() {
        SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(8 * MBIT, 0.1 * MBIT, 1));
        assertFalse(search.onVerdict(StreamVerdict.GREY));
        assertEquals(4 * MBIT, search.nextRateBps()); // same rate again
        assertTrue(search.onVerdict(StreamVerdict.GREY));
        assertEquals(4 * MBIT, search.rmaxBps());
        assertEquals(2 * MBIT, search.nextRateBps());
        // A decided stream resets the count: GREY then NOT_INCREASING moves Rmin.
        assertFalse(search.onVerdict(StreamVerdict.GREY));
        assertTrue(search.onVerdict(StreamVerdict.NOT_INCREASING));
        assertEquals(2 * MBIT, search.rminBps());
        assertEquals(4, search.streams());
        assertEquals(3, search.greyVerdicts());
    }

    @Test
    void greyWithoutRepeatsCountsAsIncreasingAtOnce() {
        SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(8 * MBIT, 0.1 * MBIT, 0));
        assertTrue(search.onVerdict(StreamVerdict.GREY));
        assertEquals(4 * MBIT, search.rmaxBps());
    }

    @Test
    void lostStreamCountsAsIncreasing() {
        SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(8 * MBIT, 0.1 * MBIT, 1));
        assertTrue(search.onVerdict(StreamVerdict.LOST));
        assertEquals(4 * MBIT, search.rmaxBps());
        assertEquals(0, search.rminBps());
        assertEquals(1, search.lostVerdicts());
    }

    @Test
    void allLostEndsWithZero() {
        SlopsSearch search = new SlopsSearch(SlopsSearch.Config.forRmax(10 * MBIT));
        while (!search.isDone()) {
            search.onVerdict(StreamVerdict.LOST);
        }
        assertEquals(6, search.streams()); // default w = rmax / 50 -> ceil(log2 50) = 6
        assertEquals(0.0, search.availableBps());
    }

    @Test
    void usingAFinishedOrUnfinishedSearchWrongThrows() {
        SlopsSearch search = new SlopsSearch(new SlopsSearch.Config(8 * MBIT, 3 * MBIT, 1));
        assertThrows(IllegalStateException.class, search::availableBps);
        search.onVerdict(StreamVerdict.NOT_INCREASING);
        search.onVerdict(StreamVerdict.NOT_INCREASING); // width 2 < 3
        assertTrue(search.isDone());
        assertEquals(7 * MBIT, search.availableBps());
        assertThrows(IllegalStateException.class, search::nextRateBps);
        assertThrows(IllegalStateException.class, () -> search.onVerdict(StreamVerdict.INCREASING));
    }

    @Test
    void configValidation() {
        assertThrows(IllegalArgumentException.class, () -> new SlopsSearch.Config(0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SlopsSearch.Config(Double.NaN, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SlopsSearch.Config(10, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new SlopsSearch.Config(10, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SlopsSearch.Config(10, 1, -1));
    }
}
