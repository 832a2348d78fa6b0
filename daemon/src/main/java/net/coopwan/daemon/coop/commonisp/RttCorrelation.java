package net.coopwan.daemon.coop.commonisp;

import java.util.List;
import java.util.OptionalDouble;

/**
 * Method 2 of [0179], pure: the Pearson correlation of two routers' RTT samples to the common
 * target, paired by time. A sample of one side pairs with the other side's nearest sample when they
 * are less than half a sample period apart; lost samples pair with nothing. The seed leaves the
 * statistic and its threshold NS; ours: at least {@link #MIN_PAIRS} pairs (a bit over 3 minutes at
 * one sample every 10 s) and both series must vary, else there is no figure (a quiet line has a flat
 * RTT, whose "correlation" is noise). {@link #CORRELATED} is the cut-off shown to the owners.
 */
public final class RttCorrelation {

    public static final int MIN_PAIRS = 20;
    /** r at or above this: the two lines' RTT rises together (shown; the route verdict gates). */
    public static final double CORRELATED = 0.7;

    /** One sample: when (ms on the receiver's clock) and its RTT in ms, -1 lost. */
    public record Timed(long atMs, int rttMs) {
    }

    private RttCorrelation() {
    }

    public static OptionalDouble pearson(List<Timed> a, List<Timed> b, long periodMs) {
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        int n = 0;
        for (Timed x : a) {
            if (x.rttMs() < 0) {
                continue;
            }
            Timed best = null;
            for (Timed y : b) {
                if (y.rttMs() >= 0 && 2 * Math.abs(y.atMs() - x.atMs()) < periodMs
                        && (best == null || Math.abs(y.atMs() - x.atMs()) < Math.abs(best.atMs() - x.atMs()))) {
                    best = y;
                }
            }
            if (best == null) {
                continue;
            }
            n++;
            sx += x.rttMs();
            sy += best.rttMs();
            sxx += (double) x.rttMs() * x.rttMs();
            syy += (double) best.rttMs() * best.rttMs();
            sxy += (double) x.rttMs() * best.rttMs();
        }
        if (n < MIN_PAIRS) {
            return OptionalDouble.empty();
        }
        double vx = sxx - sx * sx / n;
        double vy = syy - sy * sy / n;
        if (vx <= 1e-9 || vy <= 1e-9) {
            return OptionalDouble.empty();
        }
        double r = (sxy - sx * sy / n) / Math.sqrt(vx * vy);
        return OptionalDouble.of(Math.max(-1, Math.min(1, r)));
    }
}
