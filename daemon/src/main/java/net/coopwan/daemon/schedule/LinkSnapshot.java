package net.coopwan.daemon.schedule;

import java.util.Arrays;

/**
 * One immutable view of the weights and usability of all links, as published by the control
 * threads and read by the sender. The arrays are private copies and never change after
 * construction, which is what makes the volatile publication safe.
 *
 * <p>Besides the weights (ratios), a snapshot may carry what the earliest-arrival choice needs
 * (see {@link WeightedRoundRobin}): each link's estimated rate in bit/s and its one-way delay and
 * jitter. They are published the same way, so the sender reads them with the weights in one
 * volatile read.
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

    /** Per link: estimated rate in bit/s on the wire, 0 when unknown. */
    private final double[] rateBps;
    /** Per link: one-way delay estimate in ns (0 until known). */
    private final long[] owdNanos;
    /** Per link: one-way delay jitter in ns (0 until known). */
    private final long[] jitterNanos;
    /** Per link: ns the link takes to drain one byte at its rate (its cap's, if lower), 0 when the rate is unknown. */
    private final double[] nanosPerByte;
    /** Whether every eligible link has a known rate: only then can arrival times be compared. */
    private final boolean timed;

    /** A link without a token bucket. */
    static final long UNCAPPED = -1;

    /**
     * Path figures closer than this to the published ones are not republished: delay and jitter
     * are re-estimated with every keep-alive echo, and a change of 0.1 ms moves no decision
     * worth a new snapshot (the sender re-applies each one).
     */
    static final long PATH_RESOLUTION_NANOS = 100_000;

    private LinkSnapshot(double[] weights, boolean[] usable, long[] capRate, long[] capDepth, double[] rateBps,
            long[] owdNanos, long[] jitterNanos) {
        this.weights = weights;
        this.usable = usable;
        this.capRate = capRate;
        this.capDepth = capDepth;
        this.rateBps = rateBps;
        this.owdNanos = owdNanos;
        this.jitterNanos = jitterNanos;
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
        this.nanosPerByte = new double[n];
        boolean allRated = true;
        for (int i = 0; i < n; i++) {
            double bps = rateBps[i];
            if (capRate[i] > 0) {
                bps = Math.min(bps, capRate[i] * 8.0); // the bucket drains no faster than its rate
            }
            nanosPerByte[i] = bps > 0 ? 8e9 / bps : 0;
            if (eligible[i] && nanosPerByte[i] == 0) {
                allRated = false;
            }
        }
        this.timed = allRated && first != LinkScheduler.NONE;
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
        return new LinkSnapshot(w, u, r, new long[links], new double[links], new long[links], new long[links]);
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
        return new LinkSnapshot(newWeights.clone(), usable, capRate, capDepth, rateBps, owdNanos, jitterNanos);
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
        return new LinkSnapshot(weights, u, capRate, capDepth, rateBps, owdNanos, jitterNanos);
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
        return new LinkSnapshot(weights, usable, r, d, rateBps, owdNanos, jitterNanos);
    }

    /** With these rates (bit/s on the wire per link; 0: unknown). */
    LinkSnapshot withRates(double[] bitsPerSecond) {
        if (bitsPerSecond == null || bitsPerSecond.length != weights.length) {
            throw new IllegalArgumentException("need " + weights.length + " rates, got "
                    + (bitsPerSecond == null ? "null" : bitsPerSecond.length));
        }
        for (double r : bitsPerSecond) {
            if (!(r >= 0) || Double.isInfinite(r)) {
                throw new IllegalArgumentException("rates must be finite and >= 0: " + Arrays.toString(bitsPerSecond));
            }
        }
        if (Arrays.equals(bitsPerSecond, rateBps)) {
            return this;
        }
        return new LinkSnapshot(weights, usable, capRate, capDepth, bitsPerSecond.clone(), owdNanos, jitterNanos);
    }

    /** With link's one-way delay and jitter; this snapshot when both moved less than {@link #PATH_RESOLUTION_NANOS}. */
    LinkSnapshot withPath(int link, long oneWayNanos, long jitter) {
        if (link < 0 || link >= usable.length) {
            throw new IllegalArgumentException("no link " + link + " (links: " + usable.length + ")");
        }
        if (oneWayNanos < 0 || jitter < 0) {
            throw new IllegalArgumentException("delay and jitter must be >= 0: " + oneWayNanos + ", " + jitter);
        }
        if (Math.abs(owdNanos[link] - oneWayNanos) < PATH_RESOLUTION_NANOS
                && Math.abs(jitterNanos[link] - jitter) < PATH_RESOLUTION_NANOS) {
            return this;
        }
        long[] o = owdNanos.clone();
        long[] j = jitterNanos.clone();
        o[link] = oneWayNanos;
        j[link] = jitter;
        return new LinkSnapshot(weights, usable, capRate, capDepth, rateBps, o, j);
    }

    double rate(int link) {
        return rateBps[link];
    }

    long owd(int link) {
        return owdNanos[link];
    }

    long jitter(int link) {
        return jitterNanos[link];
    }

    double nanosPerByte(int link) {
        return nanosPerByte[link];
    }

    boolean timed() {
        return timed;
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
