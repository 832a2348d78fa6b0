package net.coopwan.daemon.coop.commonisp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Method 2's statistic: RTT of both routers to the target, paired by time. */
class RttCorrelationTest {

    static final long P = 10_000;

    /** {@code n} samples every 10 s from {@code start}, RTT from {@code rtt}. */
    static List<RttCorrelation.Timed> series(long start, int n, java.util.function.IntUnaryOperator rtt) {
        List<RttCorrelation.Timed> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new RttCorrelation.Timed(start + i * P, rtt.applyAsInt(i)));
        }
        return out;
    }

    @Test
    void aSharedQueueRaisesBothRttsTogether() {
        Random r = new Random(5);
        int[] load = new int[60];
        for (int i = 0; i < 60; i++) {
            load[i] = (i / 10) % 2 == 0 ? 0 : 40 + r.nextInt(20); // the shared line busy every other minute
        }
        // the two routers' samples are taken 3 s apart: still paired (within half a period)
        List<RttCorrelation.Timed> a = series(0, 60, i -> 20 + load[i] + r.nextInt(5));
        List<RttCorrelation.Timed> b = series(3_000, 60, i -> 31 + load[i] + r.nextInt(5));
        double rho = RttCorrelation.pearson(a, b, P).orElseThrow();
        assertTrue(rho >= RttCorrelation.CORRELATED, "r = " + rho);
    }

    @Test
    void independentLinesAreNotCorrelated() {
        Random r = new Random(6);
        List<RttCorrelation.Timed> a = series(0, 60, i -> 20 + ((i / 10) % 2 == 0 ? 0 : 50) + r.nextInt(5));
        List<RttCorrelation.Timed> b = series(0, 60, i -> 30 + ((i / 7) % 3 == 1 ? 50 : 0) + r.nextInt(5));
        double rho = RttCorrelation.pearson(a, b, P).orElseThrow();
        assertTrue(rho < RttCorrelation.CORRELATED, "r = " + rho);
    }

    @Test
    void noFigureWithTooFewPairsAFlatLineOrSamplesApart() {
        assertFalse(RttCorrelation.pearson(series(0, 19, i -> i), series(0, 19, i -> i), P).isPresent(), "19 pairs");
        assertTrue(RttCorrelation.pearson(series(0, 20, i -> i), series(0, 20, i -> i), P).isPresent(), "20 pairs");
        assertEquals(1.0, RttCorrelation.pearson(series(0, 20, i -> i), series(0, 20, i -> 2 * i + 7), P).orElseThrow(), 1e-9);
        assertFalse(RttCorrelation.pearson(series(0, 60, i -> 20), series(0, 60, i -> i), P).isPresent(), "a flat RTT");
        // 5 s apart is half a period: no pair
        assertFalse(RttCorrelation.pearson(series(0, 60, i -> i), series(5_000, 60, i -> i), P).isPresent());
        // lost samples pair with nothing: 15 of 60 answered
        assertFalse(RttCorrelation.pearson(series(0, 60, i -> i % 4 == 0 ? i : -1), series(0, 60, i -> i), P).isPresent());
    }
}
