package net.coopwan.daemon.schedule;

import java.util.Arrays;

/**
 * One immutable view of the weights and usability of all links, as published by the control
 * threads and read by the sender. The arrays are private copies and never change after
 * construction, which is what makes the volatile publication safe.
 */
final class LinkSnapshot {

    /** Weights below this fraction of the largest weight count as 0: keeps 1/w finite and sane. */
    static final double MIN_RELATIVE_WEIGHT = 1e-9;

    private final double[] weights;
    private final boolean[] usable;
    /** Bytes-to-virtual-time factor per link (1 / normalised weight), 0 when not eligible. */
    private final double[] inverse;
    private final boolean[] eligible;
    private final int firstEligible;
    /** Per link: bytes per second of its token bucket, or {@link #UNCAPPED}. */
    private final long[] capRate;
    /** Per link: the bucket's depth in bytes (meaningless when uncapped). */
    private final long[] capDepth;

    /** A link without a token bucket. */
    static final long UNCAPPED = -1;

    private LinkSnapshot(double[] weights, boolean[] usable, long[] capRate, long[] capDepth) {
        this.weights = weights;
        this.usable = usable;
        this.capRate = capRate;
        this.capDepth = capDepth;
        int n = weights.length;
        double max = 0;
        for (double w : weights) {
            max = Math.max(max, w);
        }
        this.inverse = new double[n];
        this.eligible = new boolean[n];
        int first = LinkScheduler.NONE;
        for (int i = 0; i < n; i++) {
            // Normalising by the largest weight makes the virtual-time scale independent of the
            // units the caller used (Mbit/s, ratios, percentages).
            double norm = max > 0 ? weights[i] / max : 0;
            if (usable[i] && norm >= MIN_RELATIVE_WEIGHT) {
                eligible[i] = true;
                inverse[i] = 1.0 / norm;
                if (first == LinkScheduler.NONE) {
                    first = i;
                }
            }
        }
        this.firstEligible = first;
    }

    /** All links usable, all weights 1: the static 1:1 baseline of seed 002 W5. */
    static LinkSnapshot initial(int links) {
        if (links < 0 || links > LinkScheduler.MAX_LINKS) {
            throw new IllegalArgumentException("links must be 0.." + LinkScheduler.MAX_LINKS + ": " + links);
        }
        double[] w = new double[links];
        Arrays.fill(w, 1.0);
        boolean[] u = new boolean[links];
        Arrays.fill(u, true);
        long[] r = new long[links];
        Arrays.fill(r, UNCAPPED);
        return new LinkSnapshot(w, u, r, new long[links]);
    }

    LinkSnapshot withWeights(double[] newWeights) {
        if (newWeights == null || newWeights.length != weights.length) {
            throw new IllegalArgumentException("need " + weights.length + " weights, got "
                    + (newWeights == null ? "null" : newWeights.length));
        }
        for (double w : newWeights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and >= 0: " + Arrays.toString(newWeights));
            }
        }
        return new LinkSnapshot(newWeights.clone(), usable, capRate, capDepth);
    }

    LinkSnapshot withUsable(int link, boolean value) {
        if (link < 0 || link >= usable.length) {
            throw new IllegalArgumentException("no link " + link + " (links: " + usable.length + ")");
        }
        if (usable[link] == value) {
            return this;
        }
        boolean[] u = usable.clone();
        u[link] = value;
        return new LinkSnapshot(weights, u, capRate, capDepth);
    }

    /** With link's bucket at this rate and depth ({@code bytesPerSecond} {@link #UNCAPPED}: no bucket). */
    LinkSnapshot withCap(int link, long bytesPerSecond, long depthBytes) {
        if (link < 0 || link >= usable.length) {
            throw new IllegalArgumentException("no link " + link + " (links: " + usable.length + ")");
        }
        if (bytesPerSecond < UNCAPPED || depthBytes < 0) {
            throw new IllegalArgumentException("cap rate and depth must be >= 0: " + bytesPerSecond + ", " + depthBytes);
        }
        if (capRate[link] == bytesPerSecond && (bytesPerSecond == UNCAPPED || capDepth[link] == depthBytes)) {
            return this;
        }
        long[] r = capRate.clone();
        long[] d = capDepth.clone();
        r[link] = bytesPerSecond;
        d[link] = bytesPerSecond == UNCAPPED ? 0 : depthBytes;
        return new LinkSnapshot(weights, usable, r, d);
    }

    boolean capped(int link) {
        return capRate[link] != UNCAPPED;
    }

    long capRate(int link) {
        return capRate[link];
    }

    long capDepth(int link) {
        return capDepth[link];
    }

    int links() {
        return weights.length;
    }

    boolean eligible(int link) {
        return eligible[link];
    }

    double inverse(int link) {
        return inverse[link];
    }

    int firstEligible() {
        return firstEligible;
    }

    boolean usable(int link) {
        return usable[link];
    }

    double weight(int link) {
        return weights[link];
    }
}
