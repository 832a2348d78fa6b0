package net.coopwan.daemon.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A capped member (the path through a bandwidth sharer) in the bond's own schedulers: without
 * tokens every packet goes to the other member and none is dropped; with tokens the weights
 * decide; the bytes it gets stay within its bucket's bound; a cap of 0 empties it at the next packet.
 */
class CappedSchedulerTest {

    static final long MS = 1_000_000L;

    @Test
    void anEmptyBucketSendsEveryPacketToTheOtherMemberAndDropsNone() {
        for (LinkScheduler s : new LinkScheduler[] {new WeightedRoundRobin(2), new ActiveBackup(2)}) {
            s.setCap(0, 0, 0); // the sharer member first, so active-backup would prefer it
            long[] c = new long[2];
            long now = 0;
            for (int i = 0; i < 10_000; i++) {
                now += MS / 10;
                int l = s.pick(1400, now);
                assertTrue(l >= 0, s.getClass().getSimpleName() + ": packet " + i + " dropped");
                c[l]++;
            }
            assertEquals(0, c[0], s.getClass().getSimpleName());
            assertEquals(10_000, c[1], s.getClass().getSimpleName());
        }
    }

    @Test
    void withTokensEnoughTheSplitFollowsTheWeights() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {1, 3});
        // far more tokens than the member's share of the traffic ever needs
        s.setCap(1, 1_000_000_000L, 1_000_000);
        long[] bytes = new long[2];
        long now = 0;
        for (int i = 0; i < 40_000; i++) {
            now += MS / 100; // 1400 B per 10 µs = 140 MB/s offered, 105 MB/s of it to member 1
            bytes[s.pick(1400, now)] += 1400;
        }
        double share = bytes[1] / (double) (bytes[0] + bytes[1]);
        assertEquals(0.75, share, 0.001, "member 1's share with weights 1:3");
    }

    @Test
    void theCappedMemberCarriesAtMostItsBucketAndTheRestGoesToTheOwnUplink() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setWeights(new double[] {1, 1}); // the weights alone would give the sharer half
        long rate = 250_000; // 2 Mbit/s offered up by the sharer
        long depth = TokenBucket.depthFor(rate);
        s.setCap(1, rate, depth);
        long now = 0;
        long windowNs = 100 * MS;
        long windowBytes = 0;
        long windowStart = 0;
        long maxWindow = 0;
        long sharer = 0;
        for (int i = 0; i < 100_000; i++) {
            now += MS / 20; // 1400 B per 50 µs = 28 MB/s offered, for 5 s
            if (now - windowStart >= windowNs) {
                maxWindow = Math.max(maxWindow, windowBytes);
                windowStart = now;
                windowBytes = 0;
            }
            int l = s.pick(1400, now);
            assertTrue(l >= 0, "packet " + i + " dropped");
            if (l == 1) {
                sharer += 1400;
                windowBytes += 1400;
            }
        }
        long bound = rate * windowNs / 1_000_000_000L + depth;
        assertTrue(maxWindow <= bound, "sharer member: " + maxWindow + " B in a window, bound " + bound);
        long expected = rate * now / 1_000_000_000L;
        assertTrue(sharer > expected * 9 / 10 && sharer <= expected + depth,
                "the sharer member is used up to its offer: " + sharer + " B of " + expected);
    }

    @Test
    void aCapOfZeroEmptiesTheMemberAtTheNextPacketAndUncapRestoresTheWeights() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setCap(1, 1_000_000_000L, 1_000_000);
        long now = 0;
        int[] c = new int[2];
        for (int i = 0; i < 100; i++) {
            c[s.pick(1000, now += MS)]++;
        }
        assertTrue(c[1] >= 49, "with tokens: half, got " + c[1]);
        s.setCap(1, 0, 0);
        for (int i = 0; i < 1000; i++) {
            assertEquals(0, s.pick(1000, now += MS), "packet " + i + " after the offer went to 0");
        }
        s.uncap(1);
        int back = 0;
        for (int i = 0; i < 100; i++) {
            back += s.pick(1000, now += MS);
        }
        assertTrue(back >= 49 && back <= 51, "uncapped again: half, got " + back);
    }

    @Test
    void onlyCappedMembersWithoutTokensMeansNoLink() {
        WeightedRoundRobin s = new WeightedRoundRobin(2);
        s.setUsable(0, false);
        s.setCap(1, 0, 0);
        assertEquals(LinkScheduler.NONE, s.pick(100, 0));
    }
}
