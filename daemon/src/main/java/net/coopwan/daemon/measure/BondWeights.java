package net.coopwan.daemon.measure;

import java.util.Arrays;

/**
 * Adaptive weights from available bandwidths (seed 002 p.50, W2/W3): the worst usable link gets
 * weight 1 and every other w_i = A_i / A_min, A_min the smallest A_i &gt; 0 (the paper's two-link
 * rule "worst = 1, best = Abetter / Aworst" generalised to N links; the same for N = 2). A link
 * with A_i = 0 gets weight 0: no traffic at all (W3, "the whole traffic is routed to the active
 * connection"). All zero: {@link #usable()} is false and every weight is 0; keeping the previous
 * weights and raising the alarm is the caller's decision ({@link WeightBoard} does it).
 *
 * <p>Immutable; the weights are copied in and out.
 */
public final class BondWeights {

    private final double[] weights;
    private final boolean usable;

    private BondWeights(double[] weights, boolean usable) {
        this.weights = weights;
        this.usable = usable;
    }

    /**
     * Weights for links with available bandwidths {@code availableBps} (bit/s, any unit works
     * since only ratios matter).
     *
     * @throws IllegalArgumentException on an empty array or a negative, NaN or infinite entry
     */
    public static BondWeights fromAvailable(double... availableBps) {
        if (availableBps.length == 0) {
            throw new IllegalArgumentException("no links");
        }
        double min = Double.POSITIVE_INFINITY;
        for (double a : availableBps) {
            if (!(a >= 0) || Double.isInfinite(a)) {
                throw new IllegalArgumentException("available bandwidth must be finite and >= 0: " + a);
            }
            if (a > 0 && a < min) {
                min = a;
            }
        }
        double[] w = new double[availableBps.length];
        if (min == Double.POSITIVE_INFINITY) {
            return new BondWeights(w, false);
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = availableBps[i] / min;
        }
        return new BondWeights(w, true);
    }

    /** The static baseline (W5): weight 1 for each of {@code links} links. */
    public static BondWeights equal(int links) {
        if (links < 1) {
            throw new IllegalArgumentException("links must be >= 1: " + links);
        }
        double[] w = new double[links];
        Arrays.fill(w, 1.0);
        return new BondWeights(w, true);
    }

    /** False when no link had any bandwidth ("no usable link"): every weight is then 0. */
    public boolean usable() {
        return usable;
    }

    public int size() {
        return weights.length;
    }

    public double weight(int link) {
        return weights[link];
    }

    public double[] toArray() {
        return weights.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BondWeights b && b.usable == usable && Arrays.equals(b.weights, weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + Boolean.hashCode(usable);
    }

    @Override
    public String toString() {
        return usable ? "BondWeights" + Arrays.toString(weights) : "BondWeights[no usable link]";
    }
}
