package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The borrower's split in a LAN's closed loop of connections ({@link ClosedLoopLan}), against the
 * best split fixed in hindsight (tried from 0 to 1000 in steps of 50 with the same random draws)
 * and against the split fixed at the capacities' ratio. A floor, not a figure: the loop is a model
 * (fair shares, one-second readings), the benchmark is the measure.
 */
class ClosedLoopShareTest {

    /**
     * 100 random LANs (4-48 connections, sessions of 0.5-20 Mbit after a set-up of 20-320 ms, each
     * at most at a rate of its own at home and through the sharer, the own line 2-50 Mbit/s with at
     * times a download that may not move, offers of 1-21 Mbit/s per 1 or 10 s), over seconds 20-60:
     * in every one at least 70 % of the best fixed split, in 9 of 10 at least 93 %, in the median
     * 99 %, and at least the capacities' ratio in the median. When written: the least 0.71 (a small
     * pool whose own line its sessions fill: none should move, and each probe costs a quarter), the
     * tenth 0.97, the median 1.00; the rate-following split before it gave 0.73, 0.88 and 0.97 in
     * the same loops (seeds 17 and 18: 0.71 / 0.97 / 1.00 and 0.87 / 0.97 / 1.00 against
     * 0.73 / 0.84 / 0.96 and 0.71 / 0.87 / 0.98; docs/PROTOCOL.md 3.13).
     */
    @Test
    void inAClosedLoopTheSplitGetsNearlyWhatTheBestFixedSplitGets() {
        Random r = new Random(16);
        List<Double> vsBest = new ArrayList<>();
        List<Double> vsRatio = new ArrayList<>();
        StringBuilder worst = new StringBuilder();
        for (int trial = 0; trial < 100; trial++) {
            ClosedLoopLan.Scenario s = ClosedLoopLan.Scenario.random(r);
            long seed = r.nextLong();
            long best = 0;
            for (int p = 0; p <= 1000; p += 50) {
                best = Math.max(best, new ClosedLoopLan(s, seed).goodputFixed(p, 20, 60));
            }
            long path = s.pathKbps();
            long atRatio = new ClosedLoopLan(s, seed).goodputFixed((int) (path * 1000 / (path + s.ownKbps())), 20, 60);
            long split = new ClosedLoopLan(s, seed).goodput(new NewSessionShare(0), 20, 60);
            vsBest.add((double) split / best);
            vsRatio.add((double) split / atRatio);
            assertTrue(split * 10 >= best * 7, "trial " + trial + ": " + s + ": the split " + split + ", the best fixed " + best);
            if (split < best * 0.9) {
                worst.append(String.format("%ntrial %d: %.2f of the best: %s", trial, (double) split / best, s));
            }
        }
        Collections.sort(vsBest);
        Collections.sort(vsRatio);
        assertTrue(vsBest.get(10) >= 0.93, "the tenth " + vsBest.get(10) + ":" + worst);
        assertTrue(vsBest.get(50) >= 0.99, "the median " + vsBest.get(50));
        assertTrue(vsRatio.get(50) >= 1.0, "against the capacities' ratio, the median " + vsRatio.get(50));
    }

    /**
     * The sharing benchmark's case: 16 connections downloading 256 KiB after 50 ms, an own line of
     * 10 Mbit/s, 5 Mbit/s offered per 1 s and per 10 s (4 500 sustained), a session through the
     * sharer slower than at home (its tunnel's queue): the split gets at least 95 % of the best
     * fixed split, and more than the capacities' ratio where the paths' sessions differ.
     */
    @Test
    void theBenchmarksLoadGetsNearlyTheBestSplit() {
        for (long window : new long[] {1_000, 10_000}) {
            for (long viaLimit : new long[] {3_000, 1_500, 800}) {
                ClosedLoopLan.Scenario s = new ClosedLoopLan.Scenario(16, 10_000, 5_000, window, 3_000, viaLimit, 2_100,
                        50, 0);
                long best = 0;
                for (int p = 0; p <= 1000; p += 50) {
                    best = Math.max(best, new ClosedLoopLan(s, 7).goodputFixed(p, 20, 60));
                }
                long split = new ClosedLoopLan(s, 7).goodput(new NewSessionShare(0), 20, 60);
                assertTrue(split * 100 >= best * 95, s + ": the split " + split + ", the best fixed " + best);
            }
        }
    }
}
