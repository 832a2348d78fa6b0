package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The bound of seed 001's notes, section 5: with a token bucket of rate R and depth D, the bytes
 * admitted in any interval [t, t + d] are at most R * d + D. Random packet sizes, random gaps
 * (bursts and pauses), random rates and depths, a rate change midway; time is the test's clock.
 */
class TokenBucketTest {

    record Passed(long atNs, int len) {
    }

    /**
     * Worst case over all intervals: an interval's excess over R * d is largest when it starts and
     * ends at admitted packets, so checking every pair (i, j) of admitted packets is exhaustive.
     */
    static void assertBound(List<Passed> passed, long rate, long depth) {
        for (int i = 0; i < passed.size(); i++) {
            long sum = 0;
            for (int j = i; j < passed.size(); j++) {
                sum += passed.get(j).len();
                long d = passed.get(j).atNs() - passed.get(i).atNs();
                // R * d in bytes, rounded up: the bucket's own arithmetic is exact in nano-bytes
                long allowed = Math.floorDiv(rate * d + 999_999_999L, 1_000_000_000L) + depth;
                if (sum > allowed) {
                    throw new AssertionError(sum + " bytes admitted in " + d + " ns at " + rate + " B/s, depth "
                            + depth + ": more than " + allowed);
                }
            }
        }
    }

    @Test
    void bytesAdmittedInAnyIntervalStayWithinRateTimesLengthPlusDepth() {
        Random rnd = new Random(16_5);
        for (int round = 0; round < 200; round++) {
            long rate = 10_000 + rnd.nextInt(5_000_000); // 80 kbit/s .. 40 Mbit/s
            long depth = TokenBucket.depthFor(rate) + rnd.nextInt(20_000);
            long now = rnd.nextLong() / 4; // any origin, also negative
            TokenBucket b = new TokenBucket(rate, depth, now);
            List<Passed> passed = new ArrayList<>();
            long offered = 0;
            for (int p = 0; p < 600; p++) {
                // bursts (0 gap), typical gaps and long pauses
                int kind = rnd.nextInt(10);
                now += kind < 4 ? 0 : kind < 9 ? rnd.nextInt(2_000_000) : rnd.nextInt(200_000_000);
                int len = 40 + rnd.nextInt(1500);
                offered += len;
                if (b.tryTake(len, now)) {
                    passed.add(new Passed(now, len));
                }
            }
            assertBound(passed, rate, depth);
            assertFalse(passed.isEmpty(), "a full bucket admits the first packet");
            assertTrue(passed.stream().mapToLong(Passed::len).sum() <= offered);
        }
    }

    @Test
    void aLowerRateTakesEffectAtOnceAndTheBoundHoldsWithTheNewValues() {
        Random rnd = new Random(7);
        for (int round = 0; round < 100; round++) {
            long high = 1_000_000 + rnd.nextInt(1_000_000);
            long low = 10_000 + rnd.nextInt(100_000);
            long now = 0;
            TokenBucket b = new TokenBucket(high, TokenBucket.depthFor(high), now);
            for (int p = 0; p < 200; p++) {
                now += rnd.nextInt(1_000_000);
                b.tryTake(40 + rnd.nextInt(1500), now);
            }
            b.reconfigure(low, TokenBucket.depthFor(low), now);
            List<Passed> after = new ArrayList<>();
            for (int p = 0; p < 400; p++) {
                now += rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(5_000_000);
                int len = 40 + rnd.nextInt(1500);
                if (b.tryTake(len, now)) {
                    after.add(new Passed(now, len));
                }
            }
            assertBound(after, low, TokenBucket.depthFor(low));
        }
    }

    @Test
    void aSaturatedBucketPassesTheRateOverALongRun() {
        long rate = 1_250_000; // 10 Mbit/s
        TokenBucket b = new TokenBucket(rate, TokenBucket.depthFor(rate), 0);
        long passed = 0;
        long now = 0;
        for (int i = 0; i < 100_000; i++) {
            now += 100_000; // offered 1400 B every 0.1 ms = 14 MB/s, 11 times the rate, for 10 s
            if (b.tryTake(1400, now)) {
                passed += 1400;
            }
        }
        long expected = rate * 10 + TokenBucket.depthFor(rate);
        assertTrue(passed <= expected && passed > expected - 2 * 1400, "passed " + passed + " of at most " + expected);
    }

    @Test
    void rateZeroPassesNothingAndADepthHoldsTwoDatagrams() {
        TokenBucket b = new TokenBucket(0, TokenBucket.depthFor(0), 0);
        assertFalse(b.admits(1, 10_000_000_000L));
        assertEquals(0, TokenBucket.depthFor(0));
        assertEquals(TokenBucket.MIN_DEPTH_BYTES, TokenBucket.depthFor(1000));
        assertEquals(25_000, TokenBucket.depthFor(1_250_000), "20 ms of 10 Mbit/s");
    }
}
