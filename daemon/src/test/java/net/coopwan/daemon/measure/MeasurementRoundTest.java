package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MeasurementRoundTest {

    private static final double MBIT = 1_000_000;
    private static final MeasurementRound.Config NO_CORRECTION = new MeasurementRound.Config(false, 300_000_000_000L);

    private static List<SlopsSearch.Config> links(int n) {
        return java.util.Collections.nCopies(n, new SlopsSearch.Config(8 * MBIT, 0.05 * MBIT, 1));
    }

    @Test
    void weightVectorNeverChangesInTheMiddleOfARound() { // W6
        WeightBoard board = new WeightBoard(BondWeights.equal(3));
        double[] available = {4 * MBIT, 2 * MBIT, 1 * MBIT};
        MeasurementRound round = new MeasurementRound(NO_CORRECTION, links(3), board);
        WeightBoard.Published before = board.current();
        Random random = new Random(1);
        int calls = 0;
        while (!round.isComplete()) {
            int link = random.nextInt(3); // links interleaved in any order
            if (round.isFinished(link)) {
                assertEquals(-1.0, round.nextRateBps(link));
                continue;
            }
            double rate = round.nextRateBps(link);
            boolean completed = round.onVerdict(link, SlopsSearchTest.oracle(rate, available[link]));
            calls++;
            if (!completed) {
                assertSame(before, board.current(), "published mid-round after call " + calls);
                assertNull(round.result());
            }
        }
        WeightBoard.Published after = board.current();
        assertEquals(1, after.round());
        assertFalse(after.bondDown());
        assertSame(round.result(), after.weights());
        assertEquals(4.0, after.weights().weight(0), 0.1);
        assertEquals(2.0, after.weights().weight(1), 0.05);
        assertEquals(1.0, after.weights().weight(2));
        assertEquals(3 * 8, calls); // 8 streams per link: 8 / 0.05 = 160 -> ceil(log2 160) = 8
    }

    @Test
    void zeroLinkGetsWeightZero() { // W3 through a whole round
        WeightBoard board = new WeightBoard(BondWeights.equal(2));
        double[] available = {0, 3 * MBIT};
        MeasurementRound round = new MeasurementRound(NO_CORRECTION, links(2), board);
        for (int link = 0; link < 2; link++) {
            while (!round.isFinished(link)) {
                round.onVerdict(link, SlopsSearchTest.oracle(round.nextRateBps(link), available[link]));
            }
        }
        assertEquals(0.0, board.current().weights().weight(0));
        assertEquals(1.0, board.current().weights().weight(1));
    }

    @Test
    void abandonedLinkCountsAsZeroAndCanCompleteTheRound() {
        WeightBoard board = new WeightBoard(BondWeights.equal(2));
        MeasurementRound round = new MeasurementRound(MeasurementRound.Config.DEFAULT, links(2), board);
        round.onOwnGoodput(0, 2 * MBIT); // does not revive a dead link
        while (!round.isFinished(1)) {
            round.onVerdict(1, SlopsSearchTest.oracle(round.nextRateBps(1), 3 * MBIT));
        }
        assertFalse(round.isComplete());
        assertTrue(round.abandon(0));
        assertEquals(0.0, round.availableBps(0));
        assertEquals("BondWeights[0.0, 1.0]", board.current().weights().toString());
        assertFalse(round.abandon(1)); // already complete
        assertThrows(IllegalStateException.class, () -> round.onVerdict(1, StreamVerdict.INCREASING));
    }

    @Test
    void allLinksZeroKeepsTheLastWeightsAndReportsTheBondDown() { // W3, all links 0 (OURS)
        WeightBoard board = new WeightBoard(BondWeights.equal(2));
        board.publish(BondWeights.fromAvailable(2, 1));
        MeasurementRound round = new MeasurementRound(NO_CORRECTION, links(2), board);
        round.abandon(0);
        for (int guard = 0; !round.isFinished(1) && guard < 100; guard++) {
            round.onVerdict(1, StreamVerdict.LOST);
        }
        assertTrue(round.isComplete());
        assertFalse(round.result().usable());
        WeightBoard.Published now = board.current();
        assertTrue(now.bondDown());
        assertEquals(BondWeights.fromAvailable(2, 1), now.weights());
        assertEquals(2, now.round());
        // The next usable round clears it.
        board.publish(BondWeights.fromAvailable(1, 1));
        assertFalse(board.current().bondDown());
    }

    @Test
    void ownGoodputIsAddedToTheResidualBandwidth() { // S10 correction
        WeightBoard board = new WeightBoard(BondWeights.equal(2));
        // Both links have 4 Mbit/s; the bond uses 3 of link 0 and 1 of link 1, so probes see 1 and 3.
        double[] residual = {1 * MBIT, 3 * MBIT};
        MeasurementRound round = new MeasurementRound(MeasurementRound.Config.DEFAULT, links(2), board);
        round.onOwnGoodput(0, 3 * MBIT);
        round.onOwnGoodput(1, 1 * MBIT);
        for (int link = 0; link < 2; link++) {
            while (!round.isFinished(link)) {
                round.onVerdict(link, SlopsSearchTest.oracle(round.nextRateBps(link), residual[link]));
            }
        }
        assertEquals(4 * MBIT, round.availableBps(0), 0.025 * MBIT);
        assertEquals(4 * MBIT, round.availableBps(1), 0.025 * MBIT);
        assertEquals(1.0, board.current().weights().weight(0), 0.02);
        assertEquals(1.0, board.current().weights().weight(1), 0.02);
    }

    @Test
    void ownGoodputIsCappedAtRmax() {
        WeightBoard board = new WeightBoard(BondWeights.equal(1));
        MeasurementRound round = new MeasurementRound(MeasurementRound.Config.DEFAULT, links(1), board);
        round.onOwnGoodput(0, 7 * MBIT);
        while (!round.isComplete()) {
            round.onVerdict(0, SlopsSearchTest.oracle(round.nextRateBps(0), 3 * MBIT));
        }
        assertEquals(8 * MBIT, round.availableBps(0));
        assertThrows(IllegalArgumentException.class, () -> round.onOwnGoodput(0, -1));
    }

    @Test
    void validation() {
        WeightBoard board = new WeightBoard(BondWeights.equal(1));
        assertThrows(IllegalArgumentException.class, () -> new MeasurementRound(NO_CORRECTION, List.of(), board));
        assertThrows(IllegalArgumentException.class, () -> new MeasurementRound.Config(true, 1_000_000_000L));
        assertThrows(IllegalArgumentException.class, () -> new WeightBoard(BondWeights.fromAvailable(0.0)));
    }
}
