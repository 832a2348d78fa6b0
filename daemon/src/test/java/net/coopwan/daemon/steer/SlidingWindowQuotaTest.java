package net.coopwan.daemon.steer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The daemon-driven sliding window against a model of the kernel's quota object (consumption
 * counts every packet judged, a packet passes while the consumption stays within the bound) and a
 * daemon whose ticks come late, read the two objects at different moments and write while packets
 * keep flowing: no window of T ever carries more than the threshold, and a steady sender gets
 * nearly the threshold's rate.
 */
class SlidingWindowQuotaTest {

    /** The kernel's side: the quota object and the counter behind it, in microseconds of time. */
    private static final class Kernel {
        long consumed;
        long bound;
        long carried;
        final List<long[]> passed = new ArrayList<>();

        void packet(long atMicros, int length) {
            consumed += length;
            if (consumed <= bound) {
                carried += length;
                passed.add(new long[] {atMicros, length});
            }
        }
    }

    private record Run(List<long[]> passed, List<long[]> thresholds) {
    }

    /**
     * {@code seconds} of packets at {@code offeredFactor} times the largest threshold's rate;
     * ticks every {@code tickMs} plus up to {@code lateMs}, now and then a stall of a second; the
     * threshold changes at random times when {@code changes}.
     */
    private static Run run(long seed, long windowMs, long threshold, double offeredFactor, long tickMs, long lateMs,
            boolean changes, boolean stalls, int seconds) {
        Random rnd = new Random(seed);
        Kernel k = new Kernel();
        k.bound = threshold;
        SlidingWindowQuota q = new SlidingWindowQuota(threshold, windowMs, 0);
        List<long[]> thresholds = new ArrayList<>();
        thresholds.add(new long[] {0, threshold});
        double bytesPerMicro = offeredFactor * threshold / (windowMs * 1000.0);
        long end = seconds * 1_000_000L;
        long nextTick = tickMs * 1000;
        long t = 0;
        while (t < end) {
            int len = 40 + rnd.nextInt(1461);
            // exponential gaps around the offered rate, so bursts and lulls both happen
            t += Math.max(1, (long) (-Math.log(1 - rnd.nextDouble()) * len / bytesPerMicro));
            while (nextTick <= t) {
                // the tick reads the objects as they are now: after every packet before t
                long at = t;
                if (changes && rnd.nextInt(20) == 0) {
                    long nt = threshold / 4 + rnd.nextInt((int) threshold);
                    q.threshold(nt, at * 1000);
                    thresholds.add(new long[] {at, nt});
                }
                long consumed = k.consumed;
                // packets between the two readings and between the reading and the write go by under the old bound
                long carried = k.carried;
                long read = at + rnd.nextInt(200);
                long write = read + rnd.nextInt(200);
                k.bound = q.bound(consumed, carried, read * 1000, write * 1000);
                long stall = stalls && rnd.nextInt(100) == 0 ? 1_000_000 : rnd.nextInt((int) (lateMs * 1000 + 1));
                nextTick = write + tickMs * 1000 + stall;
            }
            k.packet(t, len);
        }
        return new Run(k.passed, thresholds);
    }

    /** The threshold in force at {@code atMicros}. */
    private static long thresholdAt(List<long[]> thresholds, long atMicros) {
        long v = thresholds.get(0)[1];
        for (long[] th : thresholds) {
            if (th[0] <= atMicros) {
                v = th[1];
            }
        }
        return v;
    }

    /**
     * The most any window of {@code windowMs} starting at a packet carried, over the threshold in
     * force at its start (a fall cannot take back what passed before it: windows that start after
     * it are within the new threshold; a rise binds only windows that start after it).
     */
    private static double worstWindow(Run run, long windowMs) {
        List<long[]> p = run.passed();
        double worst = 0;
        long sum = 0;
        int j = 0;
        for (int i = 0; i < p.size(); i++) {
            while (j < p.size() && p.get(j)[0] < p.get(i)[0] + windowMs * 1000) {
                sum += p.get(j)[1];
                j++;
            }
            long start = p.get(i)[0];
            long allowed = thresholdAt(run.thresholds(), start);
            worst = Math.max(worst, (double) sum / allowed);
            sum -= p.get(i)[1];
        }
        return worst;
    }

    /**
     * The most that passed, over the new threshold, in any window of {@code windowMs} from a change
     * of the threshold on: a fall binds what passes after it at once, whatever passed before it.
     */
    private static double worstSinceAChange(Run run, long windowMs) {
        double worst = 0;
        for (long[] th : run.thresholds().subList(1, run.thresholds().size())) {
            for (long[] from : run.passed()) {
                if (from[0] < th[0]) {
                    continue;
                }
                long sum = 0;
                for (long[] p : run.passed()) {
                    if (p[0] >= from[0] && p[0] < from[0] + windowMs * 1000) {
                        sum += p[1];
                    }
                }
                worst = Math.max(worst, (double) sum / th[1]);
                break; // the first packet after the change starts the fullest window of those after it
            }
        }
        return worst;
    }

    /**
     * The sharer's users take their line back: the offer falls to a twentieth (the drain). A sender
     * that had the old threshold keeps getting the new one's rate from the next tick on, instead of
     * nothing until what passed under the old one is a window old (10 s here: the sharing benchmark's
     * moved sessions read nothing for 10 s).
     */
    @Test
    void aFallBindsWhatPassesFromThenOnWithoutADeadTime() {
        long windowMs = 10_000;
        long threshold = 6_250_000;
        Kernel k = new Kernel();
        SlidingWindowQuota q = new SlidingWindowQuota(threshold, windowMs, 0);
        k.bound = q.initialBound();
        long tick = SlidingWindowQuota.tickMs(windowMs) * 1000;
        long fallAt = 20_000_000;
        long afterFall = 0;
        for (long t = 1000; t < 30_000_000; t += 1000) {
            if (t % tick == 0) {
                k.bound = q.bound(k.consumed, k.carried, t * 1000, t * 1000);
                if (t == fallAt) {
                    // as SharingLenderRules does: read, change, write
                    q.threshold(threshold / 20, t * 1000);
                    k.bound = q.bound(k.consumed, k.carried, t * 1000, t * 1000);
                }
            }
            long before = k.carried;
            k.packet(t, 1500); // 1500 B a ms: twice the old threshold's rate
            if (t > fallAt + 2 * tick) {
                afterFall += k.carried - before;
            }
        }
        double rate = afterFall / ((30_000_000 - fallAt - 2 * tick) / 1e6);
        double newRate = threshold / 20 * 1000.0 / windowMs;
        assertTrue(rate / newRate > 0.9 && rate / newRate <= 1.0, "after the fall: " + rate / newRate + " of the new rate");
    }

    @Test
    void noWindowEverCarriesMoreThanTheThresholdWhateverTheTicksDo() {
        for (long seed = 1; seed <= 60; seed++) {
            long windowMs = seed % 3 == 0 ? 100 : seed % 3 == 1 ? 1000 : 10_000;
            long threshold = windowMs * 625;
            Run r = run(seed, windowMs, threshold, 1.2 + (seed % 5) * 0.5, Math.max(5, windowMs / 20), seed % 2 * 30,
                    seed % 4 == 0, true, windowMs == 10_000 ? 40 : 8);
            double worst = worstWindow(r, windowMs);
            assertTrue(worst <= 1.0, "seed " + seed + ": a window carried " + worst + " of its threshold");
            double since = worstSinceAChange(r, windowMs);
            assertTrue(since <= 1.0, "seed " + seed + ": after a change a window carried " + since + " of the new threshold");
        }
    }

    @Test
    void aSteadySenderGetsTheThresholdPerWindowAndATick() {
        for (long windowMs : new long[] {1000, 10_000}) {
            long threshold = windowMs * 625;
            long tickMs = SlidingWindowQuota.tickMs(windowMs);
            int seconds = (int) (windowMs / 1000 * 12);
            Run r = run(7, windowMs, threshold, 1.5, tickMs, 0, false, false, seconds);
            long bytes = 0;
            for (long[] p : r.passed()) {
                bytes += p[0] >= 2 * windowMs * 1000 ? p[1] : 0;
            }
            double rate = bytes / (seconds - 2.0 * windowMs / 1000);
            double full = threshold * 1000.0 / windowMs;
            // the pacing bucket's rate: T / (T + 1 tick) = 0.952 at 1 s, 0.990 at 10 s (ticks of 100 ms),
            // less the ticks' own lateness
            assertTrue(rate / full > (windowMs == 1000 ? 0.88 : 0.95), windowMs + " ms: " + rate / full + " of the threshold's rate");
            assertTrue(rate / full <= 1.0, windowMs + " ms: " + rate / full);
            // paced: no dead time of a window's burst (the window alone passed the threshold at once, then nothing)
            long gap = 0;
            for (int i = 1; i < r.passed().size(); i++) {
                gap = Math.max(gap, r.passed().get(i)[0] - r.passed().get(i - 1)[0]);
            }
            assertTrue(gap <= 2 * tickMs * 1000, windowMs + " ms: nothing passed for " + gap / 1000 + " ms");
        }
    }

    /**
     * Datagrams of 1400 B, evenly spaced at {@code perMille} of the quota's rate (the kernel's
     * threshold is 99 % of the quota, SharingLenderRules#threshold), for 30 s of ticks each late by
     * a random part of {@code lateMs}: how many the bound dropped.
     */
    private static int droppedOfASteadySender(long seed, long windowMs, long perMille, long lateMs) {
        Random rnd = new Random(seed);
        long quota = windowMs * 625;
        long threshold = quota * 99 / 100;
        Kernel k = new Kernel();
        SlidingWindowQuota q = new SlidingWindowQuota(threshold, windowMs, 0);
        k.bound = q.initialBound();
        long tickMicros = SlidingWindowQuota.tickMs(windowMs) * 1000;
        double gapMicros = 1400 / (quota * perMille / 1000.0 / (windowMs * 1000.0));
        long due = tickMicros;
        long nextTick = due;
        int dropped = 0;
        for (double t = 0; t < 30_000_000; t += gapMicros) {
            while (nextTick <= t) {
                k.bound = q.bound(k.consumed, k.carried, nextTick * 1000, nextTick * 1000);
                // at a fixed rate (the next is due a period after this one was), each late by up to lateMs
                due += tickMicros;
                nextTick = due + rnd.nextInt((int) (lateMs * 1000 + 1));
            }
            long before = k.carried;
            k.packet((long) t, 1400);
            dropped += k.carried == before ? 1 : 0;
        }
        return dropped;
    }

    @Test
    void aSenderAtTheLateTolerantRateLosesNothingWhenTicksComeATickLate() {
        for (long windowMs : new long[] {1000, 10_000}) {
            long tick = SlidingWindowQuota.tickMs(windowMs);
            // the per-packet member's cap: 98 % of the late-tolerant rate (SharingDataPaths#carriedKbps)
            long member = SlidingWindowQuota.lateTolerantPerMille(windowMs) * 98 / 100;
            for (long seed = 1; seed <= 5; seed++) {
                assertEquals(0, droppedOfASteadySender(seed, windowMs, member, tick),
                        windowMs + " ms, seed " + seed + ": ticks up to " + tick + " ms late");
            }
            // on time, the on-time rate loses nothing either (the slack is for lateness alone)
            long sustained = SlidingWindowQuota.sustainedPerMille(windowMs) * 98 / 100;
            assertEquals(0, droppedOfASteadySender(1, windowMs, sustained, 0), windowMs + " ms on time");
        }
        // at T = 1 s the on-time rate is not enough when ticks come late: what the slack is for (at
        // 10 s the 2 % the member keeps below it are 200 ms of slack already)
        long sustained = SlidingWindowQuota.sustainedPerMille(1000) * 98 / 100;
        int lost = 0;
        for (long seed = 1; seed <= 5; seed++) {
            lost += droppedOfASteadySender(seed, 1000, sustained, SlidingWindowQuota.tickMs(1000));
        }
        assertTrue(lost > 0, "1 s: a sender at the on-time rate lost nothing to late ticks");
        assertEquals(860, SlidingWindowQuota.lateTolerantPerMille(1000));
        assertEquals(961, SlidingWindowQuota.lateTolerantPerMille(10_000));
    }

    @Test
    void aBurstAfterAnIdleWindowIsPacedByTwoTicksOfRate() {
        // 625 000 B per 1 s: ticks of 50 ms, a bucket of 625 000 / 1.05 s = 595 238 B/s, two ticks deep
        SlidingWindowQuota q = new SlidingWindowQuota(625_000, 1000, 0);
        assertEquals(59_524, q.initialBound());
        // the first tick: all of it passed (and as much dropped): a tick of rate more, not the window's rest
        assertEquals(119_048 + 29_762, q.bound(119_048, 59_524, 50_000_000L, 50_000_000L));
        // a second idle: the bucket is full again, the window has room for much more
        assertEquals(119_048 + 59_524, q.bound(119_048, 59_524, 1_050_000_000L, 1_050_000_000L));
        assertEquals(568_181, SlidingWindowQuota.shapedBytesPerSecond(625_000, 1000), "the queue: per 1.1 s");
    }

    @Test
    void aFallBindsAtOnceARiseAfterAWindow() {
        SlidingWindowQuota q = new SlidingWindowQuota(1000, 1000, 0);
        assertEquals(1000, q.bound(0, 0, 1, 1));
        q.threshold(400, 2_000_000_000L);
        assertEquals(400, q.bound(0, 0, 2_000_000_001L, 2_000_000_001L));
        q.threshold(2000, 3_000_000_000L);
        // the 400 of a moment ago still binds a window that began then
        assertEquals(400, q.bound(0, 0, 3_000_000_001L, 3_000_000_001L));
        assertEquals(2000, q.bound(0, 0, 4_100_000_000L, 4_100_000_000L));
    }

    @Test
    void theAllowanceIsWhatTheLastWindowLeftAndDropsCountInTheConsumptionOnly() {
        SlidingWindowQuota q = new SlidingWindowQuota(1000, 1000, 0);
        // 600 passed and 300 were dropped by 0.5 s: the allowance is 400 more than what passed, on top of Q
        assertEquals(900 + 400, q.bound(900, 600, 500_000_000L, 500_000_000L));
        // a second later the reading of 0.5 s (600) is the base: 1000 more than it, 200 passed since
        assertEquals(1500 + 800, q.bound(1500, 800, 1_600_000_000L, 1_600_000_000L));
    }

    @Test
    void aCounterBelowItsBaseLetsNothingMorePass() {
        SlidingWindowQuota q = new SlidingWindowQuota(1000, 1000, 0);
        q.bound(500, 500, 10_000_000L, 10_000_000L);
        assertEquals(20, q.bound(20, 10, 1_100_000_000L, 1_100_000_000L));
    }
}
