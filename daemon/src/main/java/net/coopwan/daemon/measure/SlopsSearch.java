package net.coopwan.daemon.measure;

/**
 * The SLoPS rate search of seed 002 (p.50, S6) for one link, with the midpoint misprint fixed
 * (S7): Rmin = 0 and Rmax = the link's nominal maximum (S9); each stream is sent at R = (Rmin +
 * Rmax) / 2 (so the first at Rmax/2); a stream with rising OWDs (R &gt; A) sets Rmax = R, a flat
 * one (R &lt; A) sets Rmin = R; the search ends as soon as Rmax - Rmin &lt; w. The result is A =
 * (Rmin + Rmax) / 2, off by at most w/2, or 0 when Rmin is still 0 (no stream was ever below A:
 * the link has less than the first width, and W3 takes it out of the bond). A run takes
 * ceil(log2(Rmax0 / w)) streams (one more when Rmax0 / w is an exact power of two, because the
 * seed's stop test is strict) plus GREY repeats.
 *
 * <p>GREY: the stream is repeated at the same rate, up to {@link Config#greyRepeats()} times in a
 * row; if it is still GREY it counts as INCREASING. Why repeat: one stream of pure noise is GREY
 * about a third of the time with pathload's thresholds (see {@link PctPdtTrendTest}), so deciding
 * on the first GREY would move a bound wrongly very often. Why INCREASING in the end: it is the
 * conservative error (the link is under- rather than over-weighted, so the bond sends it less
 * than it can carry instead of building a queue on it). Limitation: a single stream of noise is
 * also called INCREASING outright about one time in seven, so a noisy link is underestimated;
 * pathload's remedy, a fleet of streams per rate, is not in the seed and not done here.
 *
 * <p>LOST (too many probes missing, or no answer): INCREASING, because losing a periodic stream
 * means it was sent above what the path carries. Not thread-safe; one per link per round.
 */
public final class SlopsSearch {

    /**
     * One link's search parameters, rates in bit/s.
     *
     * @param rmaxBps the link's ideal maximum throughput (S9: a per-link value, e.g. the plan's
     *     nominal uplink rate); the search never reports more
     * @param widthBps stopping width w (S8, NS in the seed). Default rmax / 50, i.e. 6 streams
     *     (ceil(log2 50)) and an error within 1 % of the nominal rate: well inside the noise of a
     *     mobile link, while each extra halving costs a full stream of probe traffic
     * @param greyRepeats how many times in a row a GREY stream is sent again at the same rate
     *     before it counts as INCREASING; default 1 (GREY twice in a row on noise is about 1 in 8)
     */
    public record Config(double rmaxBps, double widthBps, int greyRepeats) {
        public static final int DEFAULT_GREY_REPEATS = 1;

        public Config {
            if (!(rmaxBps > 0) || Double.isInfinite(rmaxBps)) {
                throw new IllegalArgumentException("rmax must be a positive finite rate: " + rmaxBps);
            }
            if (!(widthBps > 0 && widthBps < rmaxBps)) {
                throw new IllegalArgumentException("width must be in (0, rmax): " + widthBps);
            }
            if (greyRepeats < 0 || greyRepeats > 10) {
                throw new IllegalArgumentException("greyRepeats must be in 0..10: " + greyRepeats);
            }
        }

        /** Defaults for a link of the given nominal rate: w = rmax / 50, one GREY repeat. */
        public static Config forRmax(double rmaxBps) {
            return new Config(rmaxBps, rmaxBps / 50, DEFAULT_GREY_REPEATS);
        }
    }

    private final Config config;
    private double rmin;
    private double rmax;
    private int streams;
    private int greyInARow;
    private int greys;
    private int losts;

    public SlopsSearch(Config config) {
        this.config = config;
        this.rmin = 0;
        this.rmax = config.rmaxBps();
    }

    public Config config() {
        return config;
    }

    /** True once Rmax - Rmin &lt; w. */
    public boolean isDone() {
        return rmax - rmin < config.widthBps();
    }

    /** Rate of the next stream: the midpoint (Rmin + Rmax) / 2 (S7 fixed). */
    public double nextRateBps() {
        if (isDone()) {
            throw new IllegalStateException("search finished");
        }
        return (rmin + rmax) / 2;
    }

    /**
     * Applies the verdict of the stream sent at {@link #nextRateBps()}.
     *
     * @return true when the bounds moved, false when the stream is to be repeated (GREY)
     */
    public boolean onVerdict(StreamVerdict verdict) {
        double r = nextRateBps();
        streams++;
        switch (verdict) {
            case NOT_INCREASING -> {
                greyInARow = 0;
                rmin = r;
                return true;
            }
            case INCREASING -> {
                greyInARow = 0;
                rmax = r;
                return true;
            }
            case LOST -> {
                losts++;
                greyInARow = 0;
                rmax = r;
                return true;
            }
            case GREY -> {
                greys++;
                if (greyInARow < config.greyRepeats()) {
                    greyInARow++;
                    return false;
                }
                greyInARow = 0;
                rmax = r;
                return true;
            }
            default -> throw new AssertionError(verdict);
        }
    }

    /** A = (Rmin + Rmax) / 2, or 0 when Rmin never moved (S8 / W3). Only once done. */
    public double availableBps() {
        if (!isDone()) {
            throw new IllegalStateException("search not finished");
        }
        return rmin == 0 ? 0 : (rmin + rmax) / 2;
    }

    public double rminBps() {
        return rmin;
    }

    public double rmaxBps() {
        return rmax;
    }

    /** Streams whose verdict was applied, repeats included. */
    public int streams() {
        return streams;
    }

    public int greyVerdicts() {
        return greys;
    }

    public int lostVerdicts() {
        return losts;
    }
}
