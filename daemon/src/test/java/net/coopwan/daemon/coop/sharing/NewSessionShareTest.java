package net.coopwan.daemon.coop.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The borrower's share of new sessions ([0145], [0094]) and how it learns from what the paths carry. */
class NewSessionShareTest {
    static final NewSessionShare.Learned NONE = NewSessionShare.Learned.NONE;
    final NewSessionShare share = new NewSessionShare(50);

    private static NewSessionShare.Learned learned(int perMille) {
        return new NewSessionShare.Learned(perMille, 1000, false);
    }

    /** A direction whose recent rates are its window's (a steady line). */
    private static NewSessionShare.Direction steady(long offer, long capacity, long own, long via) {
        return new NewSessionShare.Direction(offer, capacity, own, own, via, via);
    }

    private NewSessionShare.Decision decide(long offerDown, long offerUp, long ownDown, long ownUp, long viaDown,
            long viaUp) {
        // the borrower's own line: 16 Mbit/s down, 1 Mbit/s up; the sharer's quota window 1 s (it sustains 0.9 of the offer)
        return share.decide(new NewSessionShare.Inputs(steady(offerDown, 16_000, ownDown, viaDown),
                steady(offerUp, 1_000, ownUp, viaUp), 1000, NONE));
    }

    @Test
    void aBusyLineStartsSplittingNewSessionsInProportionToTheCapacities() {
        NewSessionShare.Decision d = decide(8_000, 500, 15_000, 200, 0, 0);
        // the path sustains 7 200 of the 8 000 offered: 7 200 / (7 200 + 16 000)
        assertEquals(310, d.perMille(), d.why());
        assertEquals(310, d.learnedPerMille(), "the start is what it learns from");
        assertTrue(d.why().contains("busy (94 % down)"), d.why());
    }

    @Test
    void theBusierDirectionDecides() {
        NewSessionShare.Decision d = decide(8_000, 500, 2_000, 900, 0, 0);
        // up is 90 % busy: 450 / (450 + 1 000)
        assertEquals(310, d.perMille(), d.why());
        assertTrue(d.why().contains("% up"), d.why());
    }

    @Test
    void nothingMovesWithoutAnOfferWithRoomAtHomeOrAtTheLimit() {
        assertEquals(0, decide(0, 0, 15_000, 900, 0, 0).perMille(), "no offer (the seed's no bandwidth)");
        assertEquals(0, decide(8_000, 500, 4_000, 100, 0, 0).perMille(), "25 % and 10 % busy: room at home");
        NewSessionShare.Decision limit = decide(8_000, 500, 15_000, 200, 8_000, 100);
        assertEquals(0, limit.perMille());
        assertTrue(limit.why().startsWith("at the offer's limit"), limit.why());
        assertEquals(0, decide(8_000, 0, 15_000, 200, 1_000, 10).perMille(), "nothing offered up, something sent up");
    }

    @Test
    void nothingMovesWhileEitherDirectionIsOfferedNothing() {
        // the sharer's users took its download line; its upload is idle: the borrower's busy upload
        // must not send new sessions there (their replies would come down the sharer's line)
        NewSessionShare.Decision d = decide(0, 5_000, 0, 950, 0, 0);
        assertEquals(0, d.perMille(), d.why());
        assertEquals("nothing offered down: a session needs both directions", d.why());
        assertEquals(0, decide(8_000, 0, 15_000, 200, 0, 0).perMille(), "nothing offered up");
    }

    @Test
    void anUnknownOwnCapacityCountsAsBusyWhenAnythingFlowsAndSplitsHalf() {
        NewSessionShare.Decision d = share.decide(new NewSessionShare.Inputs(steady(4_000, 0, 100, 0),
                steady(500, 0, 10, 0), 1000, NONE));
        assertEquals(500, d.perMille(), d.why());
        assertEquals(0, share.decide(new NewSessionShare.Inputs(steady(4_000, 0, 0, 0), steady(500, 0, 0, 0), 1000, NONE))
                .perMille());
        NewSessionShare.Decision held = share.decide(new NewSessionShare.Inputs(steady(4_000, 0, 100, 0),
                steady(500, 0, 10, 0), 1000, learned(500)));
        assertEquals(500, held.perMille(), "nothing to learn from without the own capacity: " + held.why());
    }

    /**
     * What the sharing benchmark found: split by the offer (333 of 1000 for 5 of 10 Mbit/s), a third
     * of the new sessions went to a path that sustains half the offer, and a LAN with a fixed number
     * of connections got less with sharing on than off. The split starts from what the path sustains.
     */
    @Test
    void theSplitStartsFromWhatTheSharersQuotaSustainsNotFromTheOffer() {
        NewSessionShare busy = new NewSessionShare(0);
        // the benchmark's: 5 Mbit/s offered, a's own 10 Mbit/s line full
        assertEquals(310, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 0),
                steady(5_000, 10_000, 300, 0), 1000, NONE)).perMille(),
                "4 500 / (4 500 + 10 000): a sliding window of 1 s, paced by a bucket of 1.1 s of its rate, sustains 0.9 of it");
        assertEquals(248, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 0),
                steady(5_000, 10_000, 300, 0), 100, NONE)).perMille(), "3 300 / (3 300 + 10 000) for one of 0.1 s (ticks of 25 ms)");
        NewSessionShare.Decision full = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 4_450),
                steady(5_000, 10_000, 300, 60), 1000, learned(310)));
        assertEquals(310, full.perMille(), "the path full at what it sustains, the own line too, nothing to compare: "
                + "it holds: " + full.why());
        assertEquals(0, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 5_000),
                steady(5_000, 10_000, 300, 60), 1000, learned(310))).perMille(), "the offer reached over the window: none");
    }

    @Test
    void aFullOwnLineBesideAPathWithRoomSendsMore() {
        NewSessionShare busy = new NewSessionShare(0);
        // own 10 Mbit/s line at 95 %, the path (4 500 sustained) carries 2 000: an eighth more
        NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 2_000),
                steady(5_000, 10_000, 300, 50), 10_000, learned(310)));
        assertEquals(348, d.perMille(), d.why());
        assertEquals(348, d.learnedPerMille());
        assertTrue(d.why().contains("own line full, the sharer's path has room"), d.why());
        // a split under the capacities' ratio (a light load shrank it) starts from the ratio again
        assertEquals(310, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 2_000),
                steady(5_000, 10_000, 300, 50), 10_000, learned(30))).perMille());
        // small splits still step by at least 20 per mille: a path of 900 beside an own line of 50 000
        assertEquals(60, busy.decide(new NewSessionShare.Inputs(steady(1_000, 50_000, 47_500, 100),
                steady(1_000, 50_000, 300, 50), 10_000, learned(40))).perMille());
    }

    @Test
    void anOwnLineWithRoomTakesSessionsBackAndBothFullHolds() {
        NewSessionShare busy = new NewSessionShare(0);
        NewSessionShare.Decision room = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 6_000, 4_400),
                steady(5_000, 10_000, 300, 50), 10_000, learned(600)));
        assertEquals(450, room.perMille(), room.why());
        NewSessionShare.Decision full = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 4_500),
                steady(5_000, 10_000, 300, 50), 10_000, learned(600)));
        assertEquals(600, full.perMille(), full.why());
        assertTrue(full.why().contains("both full"), full.why());
        // the path full, the own line not: fewer, never under 10 per mille
        assertEquals(10, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 1_000, 4_300),
                steady(5_000, 10_000, 300, 50), 10_000, learned(15))).perMille(), "never under 10 per mille");
        // both full: the LAN gets all it can. A session gets 500 kbit/s at home against 300 through the
        // sharer (its tunnel queues): it holds; against 200, under half: fewer
        NewSessionShare.Direction less = new NewSessionShare.Direction(5_000, 10_000, 9_500, 9_500, 4_500, 4_500, 300, 500);
        assertEquals(600, busy.decide(new NewSessionShare.Inputs(less, steady(5_000, 10_000, 300, 50), 10_000,
                learned(600))).perMille());
        NewSessionShare.Direction fewer = new NewSessionShare.Direction(5_000, 10_000, 9_500, 9_500, 4_500, 4_500, 200, 500);
        assertEquals(450, busy.decide(new NewSessionShare.Inputs(fewer, steady(5_000, 10_000, 300, 50), 10_000,
                learned(600))).perMille());
        // never more onto a full path, whatever its sessions get now: its quota's bucket may be lending them a burst
        NewSessionShare.Direction more = new NewSessionShare.Direction(5_000, 10_000, 9_500, 9_500, 4_500, 4_500, 700, 500);
        assertEquals(600, busy.decide(new NewSessionShare.Inputs(more, steady(5_000, 10_000, 300, 50), 10_000,
                learned(600))).perMille());
    }

    @Test
    void aLightLoadTeachesNothing() {
        NewSessionShare busy = new NewSessionShare(0);
        // the benchmark's trickles before the load: 3 % of the own line, a session 83 kbit/s either way
        // (and the first version, which took the room at home as a reason, shrank the split to a
        // seventh before the load came)
        NewSessionShare.Direction light = new NewSessionShare.Direction(5_000, 10_000, 300, 300, 100, 100, 83, 30);
        NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(light, steady(5_000, 10_000, 30, 10), 10_000,
                learned(310), 4));
        assertEquals(310, d.perMille(), d.why());
        assertEquals(1000, d.learned().ceiling(), "no ceiling from a light load");
        // a split under the ratio (an earlier path full) starts from the ratio once the own line is full
        NewSessionShare.Decision full = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_700, 150),
                steady(5_000, 10_000, 300, 10), 10_000, learned(120), 16));
        assertEquals(310, full.perMille(), full.why());
    }

    /**
     * The benchmark's first load is on a port that may not move: the own line full, the path empty,
     * and no eligible new session. The split must not grow from that (it grew to 980 of 1000, and
     * the next load, on a port that may move, went almost all to the sharer's 4.5 Mbit/s).
     */
    @Test
    void withoutNewSessionsTheSplitLearnsNothing() {
        NewSessionShare busy = new NewSessionShare(0);
        NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_800, 100),
                steady(5_000, 10_000, 300, 10), 10_000, learned(310), 0));
        assertEquals(310, d.perMille(), d.why());
        assertTrue(d.why().contains("no new session to learn from"), d.why());
        assertEquals(348, busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_800, 100),
                steady(5_000, 10_000, 300, 10), 10_000, learned(310), 3)).perMille());
    }

    @Test
    void theRecentRatesDecideNotTheWindowsAverage() {
        NewSessionShare busy = new NewSessionShare(0);
        // over 10 s the own line averages 60 % (it filled 2 s ago); recently it is full
        NewSessionShare.Direction down = new NewSessionShare.Direction(5_000, 10_000, 6_000, 9_600, 500, 1_000);
        NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(down, steady(5_000, 10_000, 300, 50),
                10_000, learned(310)));
        assertEquals(348, d.perMille(), d.why());
    }

    @Test
    void aLimitOrRoomAtHomeKeepsWhatWasLearnedAndANewOfferStartsAgain() {
        NewSessionShare.Decision limit = decide(8_000, 500, 15_000, 200, 8_000, 100);
        NewSessionShare.Decision atLimit = share.decide(new NewSessionShare.Inputs(steady(8_000, 16_000, 15_000, 8_000),
                steady(500, 1_000, 200, 100), 1000, learned(640)));
        assertEquals(0, atLimit.perMille(), limit.why());
        assertEquals(640, atLimit.learnedPerMille());
        assertEquals(-1, share.decide(new NewSessionShare.Inputs(steady(0, 16_000, 15_000, 0), steady(0, 1_000, 200, 0),
                1000, learned(640))).learnedPerMille(), "no offer: the next one starts from the capacities");
    }

    @Test
    void theSplitThatLeftTheOwnLineRoomBecomesACeilingThatRisesSlowly() {
        NewSessionShare busy = new NewSessionShare(0);
        // the split grew to 800 and the own line, full over the window, has room now: it moved too many
        NewSessionShare.Decision room = busy.decide(new NewSessionShare.Inputs(
                new NewSessionShare.Direction(5_000, 10_000, 9_000, 5_000, 2_000, 2_000),
                steady(5_000, 10_000, 300, 50), 10_000, new NewSessionShare.Learned(800, 1000, true)));
        assertEquals(600, room.perMille(), room.why());
        assertEquals(800, room.learned().ceiling());
        // full again: an eighth more, 675; then 759, under the ceiling (now 810) less 20
        NewSessionShare.Decision up = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 2_000),
                steady(5_000, 10_000, 300, 50), 10_000, room.learned()));
        assertEquals(675, up.perMille(), up.why());
        NewSessionShare.Decision capped = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_500, 2_000),
                steady(5_000, 10_000, 300, 50), 10_000, up.learned()));
        assertEquals(759, capped.perMille(), capped.why());
        assertEquals(810, capped.learned().ceiling());
    }

    /**
     * The benchmark at T = 1 s: the sharer's offer rose in steps after the agreement, and a split
     * learned from the first step (1 629 kbit/s, 74 of 1000) held 7 % of the sessions on the whole
     * 5 Mbit/s offer. A path that changed by more than a third starts again from the ratio.
     */
    @Test
    void aSplitLearnedForAnotherPathStartsAgain() {
        NewSessionShare busy = new NewSessionShare(0);
        NewSessionShare.Learned first = new NewSessionShare.Learned(74, 1000, false, 806);
        NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(steady(5_000, 10_000, 9_800, 4_450),
                steady(5_000, 10_000, 300, 50), 1000, first, 5));
        assertEquals(310, d.perMille(), "4 500 / (4 500 + 10 000): " + d.why());
        assertEquals(4500, d.learned().pathKbps());
        // within a third: what was learned holds (the path full here, the own line too: it holds)
        NewSessionShare.Decision same = busy.decide(new NewSessionShare.Inputs(steady(4_000, 10_000, 9_800, 3_550),
                steady(4_000, 10_000, 300, 50), 1000, d.learned(), 5));
        assertEquals(310, same.perMille(), same.why());
    }

    /**
     * A closed loop: a LAN with a fixed pool of connections, of which a third end and start again
     * each second, each new one moved with the decided probability; a fraction of the pool fills
     * the own line, and each session through the sharer gets a fixed rate (often well below an own
     * session's: the path's extra hop and dropping quota), up to what the path's quota sustains.
     * Whatever those rates, learning the split gives the LAN at least 90 % of what the split fixed at
     * the capacities' ratio gives in the same loop (the same random draws), over the last 40 s of 80,
     * at least as much in the median loop, and more than 5 % more in one of twenty. (When written:
     * the least 0.917, in a pool of a few sessions of which two fill the own line, which the random
     * draws empty at times whatever the split; the median 1.000, the 90th percentile 1.04, the best
     * 1.51, and 18 loops more than 5 % better. Where the ratio is already right there is nothing to
     * gain: a floor, not a figure.)
     */
    @Test
    void inAClosedLoopLearningNeverDoesWorseThanTheCapacitiesRatio() {
        Random random = new Random(16);
        int better = 0;
        List<Double> ratios = new java.util.ArrayList<>();
        for (int trial = 0; trial < 300; trial++) {
            int pool = 8 + random.nextInt(40);
            long capacity = 2_000 + random.nextInt(50_000);
            long offer = 1_000 + random.nextInt(20_000);
            long perSessionViaSharer = 100 + random.nextInt(3_000);
            long perSessionOwn = capacity / (1 + random.nextInt(Math.max(1, pool / 2)));
            long seed = random.nextLong();
            String scenario = "trial " + trial + ": pool " + pool + ", capacity " + capacity + ", offer " + offer
                    + ", per session via the sharer " + perSessionViaSharer + ", own " + perSessionOwn;
            long learning = closedLoop(pool, capacity, offer, perSessionViaSharer, perSessionOwn, seed, true);
            long fixed = closedLoop(pool, capacity, offer, perSessionViaSharer, perSessionOwn, seed, false);
            assertTrue(learning >= fixed * 90 / 100, scenario + ": learning " + learning + " < 90 % of fixed " + fixed);
            ratios.add((double) learning / fixed);
            if (learning > fixed * 105 / 100) {
                better++;
            }
        }
        java.util.Collections.sort(ratios);
        assertTrue(ratios.get(150) >= 1.0, "median " + ratios.get(150));
        assertTrue(better >= 15, "learning gained more than 5 % in only " + better + " of 300 loops");
    }

    /**
     * The sharing benchmark's case: 16 connections, the own line 10 Mbit/s (4 sessions fill it), an
     * offer of 5 Mbit/s per 10 s (4 500 sustained), a session through the sharer getting 550 kbit/s
     * (a fifth less than one at home): the capacities' ratio moves 5 sessions; learning moves more,
     * until the path is full, and the LAN gets more (2.5 % when written: the own line is full
     * either way, and the path's share of 16 connections is small).
     */
    @Test
    void theBenchmarksLoadGetsMoreByLearning() {
        long learning = closedLoop(16, 10_000, 5_000, 550, 2_500, 7, true);
        long fixed = closedLoop(16, 10_000, 5_000, 550, 2_500, 7, false);
        assertTrue(learning >= fixed * 102 / 100, "learning " + learning + ", fixed " + fixed);
    }

    /** The LAN's average rate over the last 40 s of 80 in that loop; the split learned or fixed at its start. */
    private static long closedLoop(int pool, long capacity, long offer, long perSessionViaSharer, long perSessionOwn,
            long seed, boolean learn) {
        NewSessionShare busy = new NewSessionShare(0);
        Random draws = new Random(seed);
        long path = LendingSession.sustainedKbps(offer, 10_000);
        boolean[] viaSharer = new boolean[pool];
        NewSessionShare.Learned was = NONE;
        int perMille = 0;
        int restarted = 0;
        long sum = 0;
        long[] ownPast = new long[10];
        long[] viaPast = new long[10];
        for (int second = 0; second < 80; second++) {
            int moved = 0;
            restarted = 0;
            for (int i = 0; i < pool; i++) {
                if (draws.nextInt(3) == 0) {
                    viaSharer[i] = draws.nextInt(1000) < perMille;
                    restarted++;
                }
                moved += viaSharer[i] ? 1 : 0;
            }
            long via = Math.min(path * 95 / 100, moved * perSessionViaSharer);
            long own = Math.min(capacity * 96 / 100, (pool - moved) * perSessionOwn);
            if (second >= 40) {
                sum += own + via;
            }
            ownPast[second % 10] = own;
            viaPast[second % 10] = via;
            // the window's averages: the last 10 s (the sharer's T)
            long ownWindow = java.util.Arrays.stream(ownPast).sum() / Math.min(10, second + 1);
            long viaWindow = java.util.Arrays.stream(viaPast).sum() / Math.min(10, second + 1);
            NewSessionShare.Decision d = busy.decide(new NewSessionShare.Inputs(
                    new NewSessionShare.Direction(offer, capacity, ownWindow, own, viaWindow, via,
                            moved == 0 ? -1 : via / moved, moved == pool ? -1 : own / (pool - moved)),
                    steady(offer, capacity, 100, 10), 10_000, was, restarted));
            assertTrue(d.perMille() >= 10 && d.perMille() <= 1000, d.why());
            if (learn || was.perMille() < 0) {
                was = d.learned();
                perMille = d.perMille();
            }
        }
        return sum / 40;
    }
}
