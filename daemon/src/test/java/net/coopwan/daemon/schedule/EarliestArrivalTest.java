package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import net.coopwan.config.Bond;

/**
 * Earliest arrival within the weights (issue 18, part 1), against the old WRR on the same links:
 * a simulated sender offers packets at a steady rate; each link is a FIFO draining at its true
 * rate, then its one-way delay plus seeded uniform jitter. The schedulers get what the bond
 * gives them: weights A_i / A_min, the rates, half the base RTT and the RFC 3550 jitter.
 */
class EarliestArrivalTest {

    static final long MS = 1_000_000L;
    static final int PACKET = 1200;

    /** Links as the simulation sees them, and what it recorded of one run. */
    static final class Sim {
        final double[] rateBps;
        final long[] owdNanos;
        /** Uniform jitter amplitude: each packet's delay is owd +/- this. */
        final long[] jitterNanos;
        final Random random;
        long[] busy;
        long[] bytes;
        int[] linkOf;
        long[] arrival;
        int sent;
        int dropped;

        Sim(double[] rateBps, long[] owdNanos, long[] jitterNanos, long seed) {
            this.rateBps = rateBps;
            this.owdNanos = owdNanos;
            this.jitterNanos = jitterNanos;
            this.random = new Random(seed);
            this.busy = new long[rateBps.length];
            this.bytes = new long[rateBps.length];
        }

        /** Tells {@code s} what the bond would: weights, rates, half-RTT delays, RFC 3550 jitter. */
        LinkScheduler configure(LinkScheduler s) {
            s.setRates(rateBps.clone());
            s.setWeights(rateBps.clone());
            for (int i = 0; i < rateBps.length; i++) {
                // RFC 3550 J of uniform +/- a: E|U1 - U2| = 2a/3
                s.setPath(i, owdNanos[i], 2 * jitterNanos[i] / 3);
            }
            return s;
        }

        /** {@code packets} packets of {@code size} bytes at {@code offeredBps}, from {@code start}; returns the end time. */
        long run(LinkScheduler s, double offeredBps, int size, int packets, long start) {
            if (linkOf == null || linkOf.length < sent + packets) {
                int n = Math.max(sent + packets, 2 * (linkOf == null ? 0 : linkOf.length));
                linkOf = linkOf == null ? new int[n] : java.util.Arrays.copyOf(linkOf, n);
                arrival = arrival == null ? new long[n] : java.util.Arrays.copyOf(arrival, n);
            }
            double interval = size * 8e9 / offeredBps;
            long now = start;
            for (int k = 0; k < packets; k++) {
                now = start + Math.round(k * interval);
                int l = s.pick(size, now);
                if (l < 0) {
                    dropped++;
                    continue;
                }
                long done = Math.max(busy[l], now) + Math.round(size * 8e9 / rateBps[l]);
                busy[l] = done;
                bytes[l] += size;
                long j = jitterNanos[l] == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitterNanos[l]);
                linkOf[sent] = l;
                arrival[sent] = done + owdNanos[l] + j;
                sent++;
            }
            return now;
        }

        double share(int link) {
            long total = 0;
            for (long b : bytes) {
                total += b;
            }
            return bytes[link] / (double) total;
        }

        int count(int link, int from, int to) {
            int c = 0;
            for (int k = from; k < to; k++) {
                c += linkOf[k] == link ? 1 : 0;
            }
            return c;
        }

        /** Pairs sent in one order and arriving in the other, per 1000 packets, among packets from..to. */
        double inversionsPer1000(int from, int to) {
            long[] a = java.util.Arrays.copyOfRange(arrival, from, to);
            return countInversions(a, new long[a.length], 0, a.length) * 1000.0 / (to - from);
        }

        /**
         * Mean time (ms) a packet waits at an in-order receiver for the packets sent before it,
         * among packets from..to: what the reorder buffer adds to the flow's delay.
         */
        double meanHoldMs(int from, int to) {
            long delivered = Long.MIN_VALUE;
            double hold = 0;
            for (int k = 0; k < to; k++) {
                delivered = Math.max(delivered, arrival[k]);
                if (k >= from) {
                    hold += delivered - arrival[k];
                }
            }
            return hold / (to - from) / MS;
        }
    }

    static long countInversions(long[] a, long[] tmp, int lo, int hi) {
        if (hi - lo < 2) {
            return 0;
        }
        int mid = (lo + hi) >>> 1;
        long inv = countInversions(a, tmp, lo, mid) + countInversions(a, tmp, mid, hi);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
            if (a[i] <= a[j]) {
                tmp[k++] = a[i++];
            } else {
                inv += mid - i;
                tmp[k++] = a[j++];
            }
        }
        while (i < mid) {
            tmp[k++] = a[i++];
        }
        while (j < hi) {
            tmp[k++] = a[j++];
        }
        System.arraycopy(tmp, lo, a, lo, hi - lo);
        return inv;
    }

    /** The users' links: 8 Mbit/s at 5 ms and 2 Mbit/s at 30 +/- 5 ms. */
    static Sim usersLinks(long seed) {
        return new Sim(new double[] {8e6, 2e6}, new long[] {5 * MS, 30 * MS}, new long[] {0, 5 * MS}, seed);
    }

    /** (a) A light flow keeps to the fast link: it would arrive 25 ms later on the slow one. */
    @Test
    void aLightFlowGoesEntirelyOnTheLinkWhereItArrivesFirst() {
        Sim ea = usersLinks(1);
        ea.run(ea.configure(WeightedRoundRobin.earliestArrival(2)), 1e6, PACKET, 5000, 0);
        Sim wrr = usersLinks(1);
        wrr.run(wrr.configure(new WeightedRoundRobin(2)), 1e6, PACKET, 5000, 0);
        System.out.printf("light 1 Mbit/s: earliest %d of %d on the slow link, wrr %d (%.1f %%)%n", ea.count(1, 0, ea.sent),
                ea.sent, wrr.count(1, 0, wrr.sent), 100 * wrr.share(1));
        assertEquals(5000, ea.sent);
        assertEquals(0, ea.count(1, 0, ea.sent), "packets on the slow link");
        assertEquals(0.2, wrr.share(1), 0.01, "the old WRR gives the slow link its weight's share");
        assertEquals(0, ea.inversionsPer1000(0, ea.sent), 0.0);
        assertTrue(wrr.inversionsPer1000(0, wrr.sent) > 0);
    }

    /** (b) Saturated: the split is the rates', and packets arrive nearly in the order they were sent. */
    @Test
    void aSaturatingSenderGetsTheWeightsSplitNearlyInOrder() {
        int n = 20_000; // 16 s at 12 Mbit/s
        Sim ea = usersLinks(2);
        ea.run(ea.configure(WeightedRoundRobin.earliestArrival(2)), 12e6, PACKET, n, 0);
        Sim wrr = usersLinks(2);
        wrr.run(wrr.configure(new WeightedRoundRobin(2)), 12e6, PACKET, n, 0);
        double eaInv = ea.inversionsPer1000(2000, n);
        double wrrInv = wrr.inversionsPer1000(2000, n);
        double eaHold = ea.meanHoldMs(2000, n);
        double wrrHold = wrr.meanHoldMs(2000, n);
        System.out.printf("saturated 12 Mbit/s: earliest %.4f / %.4f, %.1f inversions per 1000, hold %.2f ms;"
                + " wrr %.4f / %.4f, %.1f, hold %.2f ms%n", ea.share(0), ea.share(1), eaInv, eaHold, wrr.share(0),
                wrr.share(1), wrrInv, wrrHold);
        assertEquals(0.8, ea.share(0), 0.8 * 0.03);
        assertEquals(0.2, ea.share(1), 0.2 * 0.03);
        assertTrue(eaInv * 3 < wrrInv, "earliest " + eaInv + " vs wrr " + wrrInv + " inversions per 1000 packets");
        assertTrue(eaHold * 5 < wrrHold, "earliest " + eaHold + " vs wrr " + wrrHold + " ms held for order");
    }

    /** (b) Below saturation (a TCP flow near the bond's rate): both links carry, queues stay bounded, nearly in order. */
    @Test
    void justBelowTheBondsRateBothLinksCarryAndNoQueueGrows() {
        int n = 20_000;
        Sim ea = usersLinks(3);
        long end = ea.run(ea.configure(WeightedRoundRobin.earliestArrival(2)), 9.5e6, PACKET, n, 0);
        Sim wrr = usersLinks(3);
        wrr.run(wrr.configure(new WeightedRoundRobin(2)), 9.5e6, PACKET, n, 0);
        double eaInv = ea.inversionsPer1000(2000, n);
        double wrrInv = wrr.inversionsPer1000(2000, n);
        double eaHold = ea.meanHoldMs(2000, n);
        double wrrHold = wrr.meanHoldMs(2000, n);
        System.out.printf("9.5 Mbit/s: earliest %.4f / %.4f, %.1f inversions per 1000, hold %.2f ms, queues %d / %d ms;"
                + " wrr %.1f, hold %.2f ms%n", ea.share(0), ea.share(1), eaInv, eaHold, (ea.busy[0] - end) / MS,
                (ea.busy[1] - end) / MS, wrrInv, wrrHold);
        assertTrue(ea.share(1) > 0.1, "the slow link's capacity is needed and used");
        assertTrue(ea.busy[0] - end < 60 * MS && ea.busy[1] - end < 60 * MS, "queues stay short");
        assertTrue(eaInv * 3 < wrrInv, "earliest " + eaInv + " vs wrr " + wrrInv + " inversions per 1000 packets");
        assertTrue(eaHold * 5 < wrrHold, "earliest " + eaHold + " vs wrr " + wrrHold + " ms held for order");
    }

    /** (c) Equal links, equal delays: 50/50 like WRR, saturated and light (ties go to the link idle longer). */
    @Test
    void equalLinksShareEquallyLikeWrr() {
        for (double offered : new double[] {12e6, 1e6}) {
            Sim ea = new Sim(new double[] {5e6, 5e6}, new long[] {10 * MS, 10 * MS}, new long[] {MS, MS}, 4);
            ea.run(ea.configure(WeightedRoundRobin.earliestArrival(2)), offered, PACKET, 10_000, 0);
            Sim wrr = new Sim(new double[] {5e6, 5e6}, new long[] {10 * MS, 10 * MS}, new long[] {MS, MS}, 4);
            wrr.run(wrr.configure(new WeightedRoundRobin(2)), offered, PACKET, 10_000, 0);
            System.out.printf("equal links at %.0f Mbit/s: earliest %.4f, wrr %.4f%n", offered / 1e6, ea.share(0), wrr.share(0));
            assertEquals(0.5, ea.share(0), 0.5 * 0.02, "offered " + offered);
            assertEquals(0.5, wrr.share(0), 0.5 * 0.02, "offered " + offered);
        }
    }

    /** (d) The fast link's rate drops to the slow one's: it gets less from the next packets on. */
    @Test
    void aLinkWhoseRateDropsGetsLessAtOnce() {
        Sim ea = usersLinks(5);
        LinkScheduler s = ea.configure(WeightedRoundRobin.earliestArrival(2));
        long t = ea.run(s, 12e6, PACKET, 10_000, 0);
        int before = ea.sent;
        s.setRates(new double[] {2e6, 2e6});
        s.setWeights(new double[] {1, 1});
        ea.rateBps[0] = 2e6; // the link really slowed down
        ea.run(s, 12e6, PACKET, 3000, t + 1);
        int first = ea.count(0, before, before + 200);
        double later = ea.count(0, before + 200, before + 3000) / 2800.0;
        System.out.printf("rate drop 8 -> 2 Mbit/s: link 0 had %d of the next 200 packets, then %.3f%n", first, later);
        assertTrue(first < 100, "the link that slowed down got " + first + " of the next 200 packets");
        assertEquals(0.5, later, 0.03);
    }

    /** (e) A capped link is left out while its bucket lacks tokens, and stays within the bucket's bound. */
    @Test
    void aCappedLinkIsSkippedWithoutTokens() {
        // link 0: 8 Mbit/s capped at 1 Mbit/s (125 000 B/s); link 1: 2 Mbit/s; offered 2.5 Mbit/s for 4 s
        Sim ea = usersLinks(6);
        LinkScheduler s = ea.configure(WeightedRoundRobin.earliestArrival(2));
        s.setCap(0, 125_000, TokenBucket.depthFor(125_000));
        int n = (int) (2.5e6 * 4 / (8 * PACKET));
        long end = ea.run(s, 2.5e6, PACKET, n, 0);
        long bound = 125_000 * (end / 1_000_000_000L + 1) + TokenBucket.depthFor(125_000);
        System.out.printf("capped: link 0 %d bytes (bound %d), link 1 %d, dropped %d%n", ea.bytes[0], bound, ea.bytes[1], ea.dropped);
        assertEquals(0, ea.dropped);
        assertTrue(ea.bytes[0] <= bound, ea.bytes[0] + " > " + bound);
        assertTrue(ea.bytes[0] > 0.9 * 125_000 * 4, "the capped link carries its cap: " + ea.bytes[0]);
        // a cap of 0: nothing at all from the next packet on
        s.setCap(0, 0, 0);
        int before = ea.sent;
        ea.run(s, 2.5e6, PACKET, 1000, end + 1);
        assertEquals(0, ea.count(0, before, ea.sent));
        assertEquals(0, ea.dropped);
    }

    /** (f) A link that goes unusable mid-stream gets nothing until it is back; then it carries again. */
    @Test
    void anUnusableLinkNeverGetsAPacket() {
        Sim ea = usersLinks(7);
        LinkScheduler s = ea.configure(WeightedRoundRobin.earliestArrival(2));
        long t = ea.run(s, 12e6, PACKET, 5000, 0);
        s.setUsable(1, false);
        int from = ea.sent;
        t = ea.run(s, 12e6, PACKET, 5000, t + 1);
        assertEquals(0, ea.count(1, from, ea.sent));
        s.setUsable(0, false);
        from = ea.sent;
        ea.run(s, 12e6, PACKET, 100, t + 1);
        assertEquals(100, ea.dropped, "no usable link: every packet is refused");
        s.setUsable(1, true);
        from = ea.sent;
        t = ea.run(s, 12e6, PACKET, 1000, t + 200 * MS);
        assertEquals(1000, ea.count(1, from, ea.sent));
        s.setUsable(0, true);
        from = ea.sent;
        ea.run(s, 12e6, PACKET, 5000, t + 1);
        double share = ea.count(1, from + 1000, ea.sent) / 4000.0;
        assertEquals(0.2, share, 0.03, "both back: the rates' split again");
    }

    /**
     * Property: never starves a link whose capacity is needed. Random 2-4 links (1-50 Mbit/s,
     * 1-100 ms, jitter up to 10 ms): offered 120 % of their sum, each link's share of the bytes
     * is within 3 % of rate_i / sum; offered 90 %, no link's queue grows beyond the delay spread.
     */
    @Test
    void sharesFollowTheRatesAndNoNeededLinkStarves() {
        Random r = new Random(18);
        for (int c = 0; c < 40; c++) {
            int links = 2 + r.nextInt(3);
            double[] rate = new double[links];
            long[] owd = new long[links];
            long[] jit = new long[links];
            double sum = 0;
            long maxPath = 0;
            long minPath = Long.MAX_VALUE;
            for (int i = 0; i < links; i++) {
                rate[i] = 1e6 + r.nextDouble() * 49e6;
                owd[i] = MS + (long) (r.nextDouble() * 99 * MS);
                jit[i] = (long) (r.nextDouble() * 10 * MS);
                sum += rate[i];
                maxPath = Math.max(maxPath, owd[i] + jit[i]);
                minPath = Math.min(minPath, owd[i]);
            }
            String what = "case " + c + ": rates " + java.util.Arrays.toString(rate) + " owd " + java.util.Arrays.toString(owd);
            int packets = (int) Math.min(400_000, sum * 1.2 * 20 / (8 * PACKET)); // about 20 s
            Sim over = new Sim(rate, owd, jit, c);
            over.run(over.configure(WeightedRoundRobin.earliestArrival(links)), sum * 1.2, PACKET, packets, 0);
            for (int i = 0; i < links; i++) {
                double want = rate[i] / sum;
                assertEquals(want, over.share(i), want * 0.03, what + " link " + i);
            }
            Sim under = new Sim(rate, owd, jit, c);
            long end = under.run(under.configure(WeightedRoundRobin.earliestArrival(links)), sum * 0.9, PACKET, packets, 0);
            for (int i = 0; i < links; i++) {
                long queue = under.busy[i] - end;
                assertTrue(queue < maxPath - minPath + 50 * MS, what + " link " + i + " queue " + queue / MS + " ms");
            }
        }
    }

    /** Mode adaptive gets earliest arrival with scheduler earliest; the other modes and scheduler wrr do not. */
    @Test
    void schedulerOptionChoosesIt() {
        assertTrue(((WeightedRoundRobin) SchedulerMode.ADAPTIVE.create(2, Bond.Scheduler.EARLIEST)).earliest());
        assertFalse(((WeightedRoundRobin) SchedulerMode.ADAPTIVE.create(2, Bond.Scheduler.WRR)).earliest());
        assertFalse(((WeightedRoundRobin) SchedulerMode.WRR.create(2, Bond.Scheduler.EARLIEST)).earliest());
        assertFalse(((WeightedRoundRobin) SchedulerMode.ADAPTIVE.create(2)).earliest());
        assertInstanceOf(ActiveBackup.class, SchedulerMode.ACTIVE_BACKUP.create(2, Bond.Scheduler.EARLIEST));
    }

    /** Without rates (before the first measurement, mode wrr, the concentrator) it is exactly WRR. */
    @Test
    void withoutRatesItIsWrr() {
        WeightedRoundRobin ea = WeightedRoundRobin.earliestArrival(3);
        WeightedRoundRobin wrr = new WeightedRoundRobin(3);
        for (LinkScheduler s : new LinkScheduler[] {ea, wrr}) {
            s.setWeights(new double[] {3, 1, 2});
            s.setPath(1, 30 * MS, 3 * MS);
        }
        ea.setRates(new double[] {3e6, 0, 2e6}); // one eligible link without a rate: no arrival times
        int[] a = new int[3000];
        int[] b = new int[3000];
        for (int k = 0; k < a.length; k++) {
            a[k] = ea.pick(100 + k % 1400, k * MS);
            b[k] = wrr.pick(100 + k % 1400, k * MS);
        }
        assertArrayEquals(b, a);
    }

    /** Earliest arrival allocates nothing per pick either, also when it applies new rates and delays. */
    @Test
    void pickAllocatesNothing() {
        assumeTrue(ZeroAllocationTest.measurable());
        WeightedRoundRobin s = WeightedRoundRobin.earliestArrival(8);
        s.setRates(new double[] {1e6, 2e6, 3e6, 4e6, 5e6, 6e6, 7e6, 8e6});
        int sink = 0;
        long now = 0;
        for (int i = 0; i < 200_000; i++) { // warm up
            now += 20_000;
            sink += s.pick(40 + (i & 1023), now);
        }
        s.setWeights(new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        s.setPath(2, 30 * MS, 5 * MS);
        s.setUsable(3, false);
        s.setCap(4, 100_000, 3000);
        long before = ZeroAllocationTest.allocatedBytes();
        for (int i = 0; i < 1_000_000; i++) {
            now += 20_000;
            sink += s.pick(40 + (i & 1023), now);
        }
        long used = ZeroAllocationTest.allocatedBytes() - before;
        assertTrue(used < 1024, "allocated " + used + " bytes in 1e6 picks (" + sink + ")");
    }
}
