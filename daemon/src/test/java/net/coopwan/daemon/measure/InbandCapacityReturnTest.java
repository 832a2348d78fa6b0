package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Issue 18: a member back from an outage kept weight 0 until the next SLoPS round (the round
 * that ran while it was down measured it at 0). Now it has its pre-outage weight the moment it
 * is usable again.
 */
class InbandCapacityReturnTest {

    private static final double[] CEILINGS = {10e6, 3e6};

    private static double[] weights(double[] estimates) {
        return BondWeights.fromAvailable(estimates).toArray();
    }

    @Test
    void aRoundDuringTheOutageKeepsTheMembersLastEstimate() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {8e6, 2e6}, CEILINGS);
        double[] before = weights(inband.estimates());
        // link 1 is down; the round measures link 0 alone (the same 8 Mbit/s) and abandons link 1
        double[] inForce = inband.resetFromRound(new double[] {8e6, 0}, new double[] {10e6, 0},
                new boolean[] {true, false}, new double[] {0, 0});
        assertArrayEquals(new double[] {8e6, 2e6}, inForce);
        assertArrayEquals(before, weights(inForce), "the weights the scheduler keeps while link 1 is down");
        // back up: nothing to restore, its weight is already the pre-outage one
        assertNull(inband.onReturn(1, 0));
        assertArrayEquals(before, weights(inband.estimates()));
    }

    @Test
    void anEstimateOfZeroIsRestoredAtTheReturn() {
        // the old path: the round's 0 went into the estimates, and stayed until the next round
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {8e6, 2e6}, CEILINGS);
        double[] before = weights(inband.estimates());
        inband.reset(new double[] {8e6, 0}, CEILINGS);
        assertEquals(0, weights(inband.estimates())[1]);
        double[] back = inband.onReturn(1, 0);
        assertArrayEquals(new double[] {8e6, 2e6}, back);
        assertArrayEquals(before, weights(back));
    }

    @Test
    void withoutAnyEstimateTheNominalRateElseAnEqualShare() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {8e6, 0}, CEILINGS);
        assertArrayEquals(new double[] {8e6, 3e6}, inband.onReturn(1, 3e6), "the nominal rate");

        InbandCapacity unknown = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        unknown.reset(new double[] {8e6, 0}, CEILINGS);
        assertArrayEquals(new double[] {1, 1}, weights(unknown.onReturn(1, 0)), "no nominal rate: weight 1 like the other");

        InbandCapacity round = new InbandCapacity(InbandCapacity.Config.DEFAULT, 3);
        double[] e = round.resetFromRound(new double[] {8e6, 2e6, 0}, new double[] {8e6, 2e6, 0},
                new boolean[] {true, true, false}, new double[] {0, 0, 0});
        assertArrayEquals(new double[] {8e6, 2e6, 2e6}, e, "never measured, down in the first round: weight 1");
    }

    @Test
    void nothingIsRestoredBeforeAnyEstimateIsInForce() {
        // nominal rates not all known, no round yet: the weights are equal and not the estimator's
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        assertNull(inband.onReturn(1, 3e6));
        assertArrayEquals(new double[] {0, 0}, inband.estimates());
    }

    @Test
    void aLinkTheRoundMeasuredAtZeroWhileUpStaysAtZero() {
        // W3: a measured 0 means no traffic; only an outage brings the last estimate back
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {8e6, 2e6}, CEILINGS);
        double[] e = inband.resetFromRound(new double[] {8e6, 0}, CEILINGS, new boolean[] {true, true}, new double[] {0, 0});
        assertArrayEquals(new double[] {8e6, 0}, e);
        assertArrayEquals(new double[] {8e6, 2e6}, inband.onReturn(1, 0), "after an outage it is back");
    }

    @Test
    void aKeptLinkKeepsItsCeilingForProbingUp() {
        InbandCapacity inband = new InbandCapacity(InbandCapacity.Config.DEFAULT, 2);
        inband.reset(new double[] {8e6, 2e6}, CEILINGS);
        inband.resetFromRound(new double[] {8e6, 0}, new double[] {10e6, 0}, new boolean[] {true, false},
                new double[] {0, 0});
        // link 0 saturated at 8 Mbit/s, link 1 loaded but not: link 1 is probed up towards its old 3 Mbit/s ceiling
        long ms = 1_000_000L;
        for (int k = 0; k <= 10; k++) {
            inband.onEcho(0, k * 50 * ms, 400_000L * k, 40 * ms);
            inband.onEcho(1, k * 50 * ms, 100_000L * k, 0);
        }
        double[] e = inband.update(new boolean[] {true, true});
        assertEquals(2e6 * 1.02, e[1], 1);
    }
}
