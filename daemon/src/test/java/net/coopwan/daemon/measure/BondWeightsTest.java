package net.coopwan.daemon.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BondWeightsTest {

    @Test
    void w2Examples() {
        assertArrayEquals(new double[] {2, 1}, BondWeights.fromAvailable(2, 1).toArray());
        assertArrayEquals(new double[] {4, 2, 1}, BondWeights.fromAvailable(3, 1.5, 0.75).toArray());
        assertArrayEquals(new double[] {1, 1}, BondWeights.fromAvailable(1, 1).toArray());
        assertTrue(BondWeights.fromAvailable(2, 1).usable());
    }

    @Test
    void w2TwoLinkRuleIsBestOverWorstInEitherOrder() {
        BondWeights w = BondWeights.fromAvailable(1.2e6, 4.8e6);
        assertEquals(1.0, w.weight(0));
        assertEquals(4.0, w.weight(1));
    }

    @Test
    void w3ZeroLinkGetsNoTraffic() {
        assertArrayEquals(new double[] {0, 1}, BondWeights.fromAvailable(0, 2.5e6).toArray());
        assertArrayEquals(new double[] {2, 0, 1}, BondWeights.fromAvailable(2, 0, 1).toArray());
    }

    @Test
    void allZeroIsNoUsableLink() {
        BondWeights w = BondWeights.fromAvailable(0, 0);
        assertFalse(w.usable());
        assertArrayEquals(new double[] {0, 0}, w.toArray());
        assertEquals("BondWeights[no usable link]", w.toString());
    }

    @Test
    void badInputThrows() {
        assertThrows(IllegalArgumentException.class, BondWeights::fromAvailable);
        assertThrows(IllegalArgumentException.class, () -> BondWeights.fromAvailable(1, -1));
        assertThrows(IllegalArgumentException.class, () -> BondWeights.fromAvailable(1, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> BondWeights.fromAvailable(1, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> BondWeights.equal(0));
    }

    @Test
    void equalBaselineAndImmutability() {
        assertArrayEquals(new double[] {1, 1, 1}, BondWeights.equal(3).toArray());
        BondWeights w = BondWeights.fromAvailable(2, 1);
        double[] copy = w.toArray();
        copy[0] = 99;
        assertEquals(2.0, w.weight(0));
        assertEquals(BondWeights.fromAvailable(4, 2), w);
        assertEquals(2, w.size());
    }
}
