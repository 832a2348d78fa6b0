package net.coopwan.daemon.measure;

import java.util.Arrays;

/**
 * Refines adaptive weights from the bond's own traffic between SLoPS rounds: a link whose queue
 * never empties during a window delivers exactly its capacity, so the rate the far end received
 * on it in that window is a capacity sample with no probe needed.
 *
 * <p>Why: SLoPS alone leaves a few per cent of error per link (its noise floor, the midpoint of
 * the last interval). With one TCP flow over 8+2 Mbit/s that is enough to overload the slow link
 * by 3 % and leave the fast one idle part of the time (measured: 86-88 % of the summed rates).
 * The paper leaves probing under load open (notes S10); this is our answer for a loaded bond.
 *
 * <p>Per link, windows of {@link Config#windowNanos()} are cut at keep-alive echoes. Each echo
 * brings the bits the far end has received on the link (on the wire, with IP and UDP headers) and
 * the queue the probe met (its RTT minus the link's base RTT, the smallest of the last 30-60 s:
 * {@link LinkHealth#queueDelayNanos()}). A window counts only when
 * <ul>
 *   <li>it has {@link Config#minWindowEchoes()} echoes and no silence longer than half a window
 *       between two of them (a window across an outage measures the outage, not the link);</li>
 *   <li>it is <em>loaded</em>: the link delivered at least {@link Config#minLoadShare()} of its
 *       estimate and at least {@link Config#minLoadBps()} in it. Keep-alives alone (about 12
 *       kbit/s) never count, so an idle bond's estimates never move, up or down.</li>
 * </ul>
 * A counted window is <em>saturated</em> when even its smallest queue sample is at least the
 * link's queue threshold: {@link Config#saturatedQueueNanos()}, or {@link #JITTER_FACTOR} times
 * the link's RTT jitter when that is larger ({@link Config#jitterAware()}). The jitter is the
 * RFC 3550 running mean of the differences of successive queue samples (that is, of successive
 * RTTs), so it sees the jitter of both directions and not the level of a standing queue.
 * Why the minimum and a jitter-scaled threshold: a queue that never empties lifts every sample,
 * the smallest one included, while jitter lifts only some. With 30 +/- 5 ms of one-way delay
 * each way (RTT noise 0-20 ms, RTT jitter about 4.6 ms) the fixed 8 ms alone was met by all 11
 * samples of a window about one window in 50; each such window then moved the estimate towards
 * what a sender-limited link happened to deliver, which lowered its weight, its traffic and the
 * next false sample: a 2 Mbit/s link fell to a few hundred kbit/s. At 3 x 4.6 ms the chance is
 * 1e-8 per window. A growing queue is not a capacity sample until it stands: the window in
 * which it grows from empty had an empty queue at its start. Then, each update:
 * <ul>
 *   <li>a saturated link's estimate moves by {@link Config#gain()} towards the delivered rate;</li>
 *   <li>while some link is saturated and every saturated link's estimate has settled (within
 *       5 % of its window's rate), an unsaturated loaded link gets
 *       {@link Config#probeUpStep()} more, doubling with each step in a row up to 8 % (the bond is
 *       pushing more than the saturated link can take, so the other one has room), at most its
 *       ceiling, and at most one first step above what its own last saturated window measured;
 *       not while the link's open window already meets a queue at every echo;</li>
 *   <li>with no saturated link (idle, or limited by the sender) nothing changes.</li>
 * </ul>
 * Estimates restart from each SLoPS round ({@link #reset}, {@link #resetFromRound}); the ceiling
 * (the nominal rate, or twice the SLoPS estimate when none is configured) bounds what probing up
 * can add. A link the round could not measure because it was down keeps its last good estimate
 * ({@link #resetFromRound}), and a link that comes back up with an estimate of 0 gets its last
 * good one back at once ({@link #onReturn}): a member back from an outage has its share at once,
 * not at the next round.
 *
 * <p>Thread-safe: echoes arrive on the receiver thread, updates run on the timer thread.
 */
public final class InbandCapacity {

    /**
     * @param windowNanos         length of a measuring window, cut at the first echo after it
     * @param saturatedQueueNanos least queue the smallest sample of a window must meet for it to count as saturated
     * @param gain                share of the distance to a saturated window's rate taken per update
     * @param probeUpStep         relative raise per update of an unsaturated link while another is saturated
     * @param minWindowEchoes     echoes a window needs to count at all (a lossy link gives few)
     * @param jitterAware         raise the queue threshold to {@link #JITTER_FACTOR} x the link's RTT
     *                            jitter when that is larger (off: the fixed threshold alone, for ablation)
     * @param minLoadShare        least delivered rate of a counted window, as a share of the link's estimate
     * @param minLoadBps          least delivered rate of a counted window, bit/s on the wire
     */
    public record Config(long windowNanos, long saturatedQueueNanos, double gain, double probeUpStep, int minWindowEchoes,
                         boolean jitterAware, double minLoadShare, double minLoadBps) {
        /**
         * 500 ms windows (10 echoes at 50 ms), 8 ms of queue or 3 x the RTT jitter, half the way per
         * update, 2 % probing up; a window counts with 20 % of the estimate and 64 kbit/s delivered.
         * 20 %: a link whose SLoPS estimate is up to 5 x too high is still corrected under load
         * (it delivers its capacity, a fifth of the estimate), and one window moves an estimate
         * by at most 40 %. 64 kbit/s: five times what keep-alives carry (20 probes of 72 bytes
         * on the wire per second, 11.5 kbit/s, plus CAPS and WEIGHTS once a second), so a link
         * that carries nothing else never counts, however small its estimate.
         */
        public static final Config DEFAULT = new Config(500_000_000L, 8_000_000L, 0.5, 0.02, 4);

        /** The first five parameters with the defaults of the others (jitter aware, loaded windows only). */
        public Config(long windowNanos, long saturatedQueueNanos, double gain, double probeUpStep, int minWindowEchoes) {
            this(windowNanos, saturatedQueueNanos, gain, probeUpStep, minWindowEchoes, true, 0.2, 64_000);
        }

        public Config {
            if (windowNanos <= 0 || saturatedQueueNanos <= 0 || !(gain > 0 && gain <= 1)
                    || !(probeUpStep >= 0 && probeUpStep < 1) || minWindowEchoes < 2
                    || !(minLoadShare >= 0 && minLoadShare < 1) || !(minLoadBps >= 0) || Double.isInfinite(minLoadBps)) {
                throw new IllegalArgumentException("bad in-band capacity config");
            }
        }

        /** This configuration with the jitter-scaled threshold on or off. */
        public Config withJitterAware(boolean on) {
            return new Config(windowNanos, saturatedQueueNanos, gain, probeUpStep, minWindowEchoes, on, minLoadShare, minLoadBps);
        }

        /** This configuration with other load gates (0 and 0: every window counts, the old rule). */
        public Config withMinLoad(double share, double bps) {
            return new Config(windowNanos, saturatedQueueNanos, gain, probeUpStep, minWindowEchoes, jitterAware, share, bps);
        }
    }

    /**
     * The queue threshold in RTT jitters. With uniform jitter the RTT noise spans about 4.3
     * jitters when both directions are jittered (0-20 ms at 4.6 ms) and 3 when one is (0-10 ms
     * at 3.3 ms): a window of 11 samples all above 3 jitters is 1e-8 likely in the first case
     * (each sample 19 %), impossible in the second, while a standing queue of 20 ms or more
     * clears it on such links.
     */
    public static final double JITTER_FACTOR = 3.0;

    private final Config config;
    private final int links;
    private final long[] windowStart;
    private final long[] bitsAtStart;
    private final int[] echoesInWindow;
    /** The smallest queue sample of the open window so far; negative when one was unknown. */
    private final long[] minQueueSoFar;
    private final long[] lastEchoNanos;
    private final double[] windowRate;
    private final boolean[] windowSaturated;
    private final boolean[] fresh;
    /** RTT jitter per link, ns: running mean of |difference of successive queue samples|. */
    private final double[] rttJitter;
    private final long[] lastQueue;
    private final int[] jitterSamples;
    private double[] estimate;
    private double[] ceiling;
    /** Where each link's estimate stood after its last saturated window since the reset, 0 if none. */
    private double[] measured;
    /** Each link's last estimate above 0, kept across resets: what it gets back after an outage. */
    private final double[] lastGood;
    /** Each link's next probing-up step: doubles with each step in a row, back to the first when saturated. */
    private final double[] probeStep;

    public InbandCapacity(Config config, int links) {
        if (links < 1) {
            throw new IllegalArgumentException("links must be >= 1: " + links);
        }
        this.config = config;
        this.links = links;
        this.windowStart = new long[links];
        this.bitsAtStart = new long[links];
        this.echoesInWindow = new int[links];
        this.minQueueSoFar = new long[links];
        this.lastEchoNanos = new long[links];
        this.windowRate = new double[links];
        this.windowSaturated = new boolean[links];
        this.fresh = new boolean[links];
        this.rttJitter = new double[links];
        this.lastQueue = new long[links];
        this.jitterSamples = new int[links];
        this.estimate = new double[links];
        this.ceiling = new double[links];
        this.measured = new double[links];
        this.lastGood = new double[links];
        this.probeStep = new double[links];
        Arrays.fill(probeStep, config.probeUpStep());
        Arrays.fill(lastQueue, -1);
        discard();
    }

    /**
     * Starts from new estimates (bit/s on the wire, e.g. a SLoPS round's) and their ceilings (an
     * estimate above its ceiling raises the ceiling to it); a link with estimate 0 stays at 0 (it
     * gets no traffic) until the next reset or until it comes back from an outage ({@link #onReturn}).
     */
    public synchronized void reset(double[] estimatesBps, double[] ceilingsBps) {
        check(estimatesBps, ceilingsBps);
        estimate = estimatesBps.clone();
        ceiling = new double[links];
        for (int i = 0; i < links; i++) {
            ceiling[i] = Math.max(ceilingsBps[i], estimatesBps[i]);
            remember(i);
        }
        measured = new double[links];
        Arrays.fill(probeStep, config.probeUpStep());
        discard();
    }

    /**
     * Starts from a SLoPS round: a link the round measured takes its estimate (0 included: W3,
     * it gets no traffic); a link it could not measure ({@code measuredByRound[i]} false: it was
     * down, the round abandoned it) keeps what it would have had without the round, so that it
     * has its share the moment it is back: its current estimate, else its last good one, else
     * {@code fallbacksBps[i]} (the nominal rate, 0 when unknown), else the smallest estimate of
     * the others (weight 1: the equal share every link starts with). Such a link keeps the larger
     * of its old and new ceiling.
     *
     * @return the estimates now in force (bit/s on the wire), the weights' source
     */
    public synchronized double[] resetFromRound(double[] roundBps, double[] ceilingsBps, boolean[] measuredByRound,
            double[] fallbacksBps) {
        check(roundBps, ceilingsBps);
        if (measuredByRound.length != links || fallbacksBps.length != links) {
            throw new IllegalArgumentException("expected " + links + " links");
        }
        double[] est = roundBps.clone();
        double[] ceil = ceilingsBps.clone();
        for (int i = 0; i < links; i++) {
            if (!measuredByRound[i]) {
                est[i] = estimate[i] > 0 ? estimate[i] : lastGood[i];
                ceil[i] = Math.max(ceil[i], ceiling[i]);
            }
        }
        for (int i = 0; i < links; i++) {
            if (!measuredByRound[i] && est[i] <= 0) {
                est[i] = fallback(i, fallbacksBps[i], est);
            }
        }
        reset(est, ceil);
        return estimate.clone();
    }

    /**
     * The link is usable again after being down (or the session restarted): its open window
     * spans the outage and is dropped; an estimate of 0 (a round measured it while it died, or
     * it never had one) becomes its last good estimate, else {@code fallbackBps}, else the
     * smallest of the others. While every other estimate is 0 too (before the first round when
     * the nominal rates are not all known: the weights are equal and not from here) nothing is
     * restored, or this link alone would get weight.
     *
     * @return the new estimates when the link's estimate changed, else null
     */
    public synchronized double[] onReturn(int link, double fallbackBps) {
        windowStart[link] = Long.MIN_VALUE;
        fresh[link] = false;
        if (estimate[link] > 0 || links > 1 && fallback(link, 0, estimate) <= 0) {
            return null;
        }
        double e = lastGood[link] > 0 ? lastGood[link] : fallback(link, fallbackBps, estimate);
        if (!(e > 0)) {
            return null;
        }
        estimate[link] = e;
        ceiling[link] = Math.max(ceiling[link], e);
        remember(link);
        return estimate.clone();
    }

    /** {@code fallbackBps} when above 0, else the smallest estimate above 0 of the other links, else 0. */
    private double fallback(int link, double fallbackBps, double[] est) {
        if (fallbackBps > 0 && !Double.isInfinite(fallbackBps)) {
            return fallbackBps;
        }
        double min = 0;
        for (int j = 0; j < links; j++) {
            if (j != link && est[j] > 0 && (min == 0 || est[j] < min)) {
                min = est[j];
            }
        }
        return min;
    }

    private void remember(int link) {
        if (estimate[link] > 0) {
            lastGood[link] = estimate[link];
        }
    }

    private void check(double[] estimatesBps, double[] ceilingsBps) {
        if (estimatesBps.length != links || ceilingsBps.length != links) {
            throw new IllegalArgumentException("expected " + links + " links");
        }
        for (int i = 0; i < links; i++) {
            if (!(estimatesBps[i] >= 0) || !(ceilingsBps[i] >= 0) || Double.isInfinite(estimatesBps[i])
                    || Double.isInfinite(ceilingsBps[i])) {
                throw new IllegalArgumentException("link " + i + ": estimate " + estimatesBps[i] + ", ceiling " + ceilingsBps[i]);
            }
        }
    }

    /**
     * Forgets open and finished windows (a SLoPS stream is loading a link, or links changed) and
     * the last queue sample (the next may be against another base); the jitter is kept, it is
     * the path's.
     */
    public synchronized void discard() {
        Arrays.fill(windowStart, Long.MIN_VALUE);
        Arrays.fill(fresh, false);
        Arrays.fill(lastQueue, -1);
    }

    /**
     * A keep-alive echo on {@code link} arrived at {@code nowNanos}: the far end had received
     * {@code deliveredWireBits} on this link so far, and the probe met {@code queueNanos} of queue
     * (negative: unknown, which ends the window unsaturated).
     */
    public synchronized void onEcho(int link, long nowNanos, long deliveredWireBits, long queueNanos) {
        sampleJitter(link, queueNanos);
        if (windowStart[link] == Long.MIN_VALUE || deliveredWireBits < bitsAtStart[link]
                || nowNanos - lastEchoNanos[link] > config.windowNanos() / 2) {
            // a new window also after a silence of half a window: one spanning it would measure
            // the silence (a saturated link that was down for a while delivered little in it)
            open(link, nowNanos, deliveredWireBits, queueNanos);
            return;
        }
        lastEchoNanos[link] = nowNanos;
        echoesInWindow[link]++;
        minQueueSoFar[link] = Math.min(minQueueSoFar[link], queueNanos);
        long elapsed = nowNanos - windowStart[link];
        if (elapsed >= config.windowNanos()) {
            if (echoesInWindow[link] >= config.minWindowEchoes()) {
                windowRate[link] = (deliveredWireBits - bitsAtStart[link]) * 1e9 / elapsed;
                windowSaturated[link] = minQueueSoFar[link] >= queueThresholdNanos(link);
                fresh[link] = true;
            }
            open(link, nowNanos, deliveredWireBits, queueNanos);
        }
    }

    /**
     * RFC 3550's running mean J += (|D| - J) / g over the differences of successive queue
     * samples, with g = 64 instead of RFC 3550's 16: the threshold must not dip with the mean's
     * own noise. At 1/16 the slow link's J (4.6 ms) swings by about +/-25 % (its sd is about 0.6
     * ms), and at 3.4 ms a window of jitter alone is saturated once in 3,000; at 1/64 (about 3 s
     * of echoes) it stayed within 4.0-5.5 ms over a minute, where such a window is one in 300,000
     * at worst. A plain mean over
     * the first 64 differences, so the threshold is right from the first second (from J = 0 the
     * first windows would be judged at 8 ms alone).
     */
    private void sampleJitter(int link, long queueNanos) {
        if (queueNanos < 0) {
            lastQueue[link] = -1;
            return;
        }
        if (lastQueue[link] >= 0) {
            double d = Math.abs(queueNanos - lastQueue[link]);
            jitterSamples[link] = Math.min(JITTER_GAIN_SAMPLES, jitterSamples[link] + 1);
            rttJitter[link] += (d - rttJitter[link]) / jitterSamples[link];
        }
        lastQueue[link] = queueNanos;
    }

    /** The jitter mean's gain is 1 / this. */
    private static final int JITTER_GAIN_SAMPLES = 64;

    /** The least queue every sample of a window must show for it to be saturated, ns. */
    private long queueThresholdNanos(int link) {
        return config.jitterAware()
                ? Math.max(config.saturatedQueueNanos(), (long) (JITTER_FACTOR * rttJitter[link]))
                : config.saturatedQueueNanos();
    }

    /** The link's RTT jitter (ns) as this estimator measured it; for tests and status. */
    public synchronized double rttJitterNanos(int link) {
        return rttJitter[link];
    }

    private void open(int link, long nowNanos, long bits, long queueNanos) {
        windowStart[link] = nowNanos;
        lastEchoNanos[link] = nowNanos;
        bitsAtStart[link] = bits;
        echoesInWindow[link] = 1;
        minQueueSoFar[link] = queueNanos;
    }

    /** Whether the link's finished window carried data (not keep-alives alone) at a rate worth measuring. */
    private boolean loaded(int link) {
        return windowRate[link] >= config.minLoadShare() * estimate[link] && windowRate[link] >= config.minLoadBps()
                && windowRate[link] > 0;
    }

    /**
     * Applies the windows finished since the last update to the estimates of the links that are
     * {@code usable}. Windows that were not loaded are dropped: they say nothing of the capacity.
     *
     * @return the new estimates, or null when nothing changed
     */
    public synchronized double[] update(boolean[] usable) {
        boolean anySaturated = false;
        boolean settling = false;
        for (int i = 0; i < links; i++) {
            fresh[i] &= estimate[i] > 0 && loaded(i);
            if (usable[i] && fresh[i] && windowSaturated[i]) {
                anySaturated = true;
                settling |= Math.abs(windowRate[i] - estimate[i]) > SETTLED * estimate[i];
            }
        }
        if (!anySaturated) {
            Arrays.fill(fresh, false);
            return null;
        }
        boolean changed = false;
        for (int i = 0; i < links; i++) {
            if (!usable[i] || !fresh[i]) {
                continue;
            }
            double before = estimate[i];
            if (windowSaturated[i]) {
                estimate[i] += config.gain() * (windowRate[i] - estimate[i]);
                // never below 5 % in one step: a link that delivered nothing in a window is left to
                // LinkHealth (it goes down), not weighted to zero from here
                estimate[i] = Math.min(ceiling[i], Math.max(0.05 * before, estimate[i]));
                measured[i] = estimate[i];
                probeStep[i] = config.probeUpStep();
            } else if (!settling && !queueBuilding(i)) {
                // Only once the saturated links' estimates have settled: lowering them already
                // moves traffic here, and doing both at once overshoots. A link measured saturated
                // before may go one step above that, not on to its ceiling: otherwise the links
                // take turns being saturated and both estimates climb to their ceilings.
                // The step doubles while the link stays unsaturated (2, 4, 8 %): a SLoPS estimate
                // 30 % low (seen on a loaded router) is made good in a few seconds, not 10; an
                // overshoot saturates the link and its next window measures it.
                double cap = measured[i] > 0 ? Math.min(ceiling[i], measured[i] * (1 + config.probeUpStep())) : ceiling[i];
                estimate[i] = Math.max(before, Math.min(cap, estimate[i] * (1 + probeStep[i])));
                probeStep[i] = Math.min(MAX_PROBE_STEP, 2 * probeStep[i]);
            }
            remember(i);
            changed |= estimate[i] != before;
        }
        Arrays.fill(fresh, false);
        return changed ? estimate.clone() : null;
    }

    /** The largest probing-up step. */
    static final double MAX_PROBE_STEP = 0.08;

    /**
     * The link's open window has met a queue at every echo so far: the last raise may already
     * be too much, and the window that would show it has not ended yet. Raising on would
     * overshoot by the detection delay (measured in the lab: 2 Mbit/s estimated at 2.5).
     */
    private boolean queueBuilding(int link) {
        return windowStart[link] != Long.MIN_VALUE && echoesInWindow[link] >= 2
                && minQueueSoFar[link] >= queueThresholdNanos(link);
    }

    /** A saturated link whose window rate is within this share of its estimate has settled. */
    static final double SETTLED = 0.05;

    /** The current estimates, bit/s on the wire. */
    public synchronized double[] estimates() {
        return estimate.clone();
    }
}
