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
 * the queue the probe met (its RTT minus the link's base RTT). A window is <em>saturated</em> when
 * every echo in it met at least {@link Config#saturatedQueueNanos()} of queue. Then, each update:
 * <ul>
 *   <li>a saturated link's estimate moves by {@link Config#gain()} towards the delivered rate;</li>
 *   <li>while some link is saturated and every saturated link's estimate has settled (within
 *       5 % of its window's rate), an unsaturated link that is in use gets
 *       {@link Config#probeUpStep()} more, doubling with each step in a row up to 8 % (the bond is
 *       pushing more than the saturated link can take, so the other one has room), at most its
 *       ceiling, and at most one first step above what its own last saturated window measured;
 *       not while the link's open window already meets a queue at every echo;</li>
 *   <li>with no saturated link (idle, or limited by the sender) nothing changes.</li>
 * </ul>
 * Estimates restart from each SLoPS round ({@link #reset}); the ceiling (the nominal rate, or
 * twice the SLoPS estimate when none is configured) bounds what probing up can add.
 *
 * <p>Thread-safe: echoes arrive on the receiver thread, updates run on the timer thread.
 */
public final class InbandCapacity {

    /**
     * @param windowNanos         length of a measuring window, cut at the first echo after it
     * @param saturatedQueueNanos least queue every echo of a window must meet for it to count as saturated
     * @param gain                share of the distance to a saturated window's rate taken per update
     * @param probeUpStep         relative raise per update of an unsaturated link while another is saturated
     * @param minWindowEchoes     echoes a window needs to count at all (a lossy link gives few)
     */
    public record Config(long windowNanos, long saturatedQueueNanos, double gain, double probeUpStep, int minWindowEchoes) {
        /** 500 ms windows (10 echoes at 50 ms), 8 ms of queue, half the way per update, 2 % probing up. */
        public static final Config DEFAULT = new Config(500_000_000L, 8_000_000L, 0.5, 0.02, 4);

        public Config {
            if (windowNanos <= 0 || saturatedQueueNanos <= 0 || !(gain > 0 && gain <= 1)
                    || !(probeUpStep >= 0 && probeUpStep < 1) || minWindowEchoes < 2) {
                throw new IllegalArgumentException("bad in-band capacity config");
            }
        }
    }

    private final Config config;
    private final int links;
    private final long[] windowStart;
    private final long[] bitsAtStart;
    private final int[] echoesInWindow;
    private final boolean[] saturatedSoFar;
    private final double[] windowRate;
    private final boolean[] windowSaturated;
    private final boolean[] fresh;
    private double[] estimate;
    private double[] ceiling;
    /** Where each link's estimate stood after its last saturated window since the reset, 0 if none. */
    private double[] measured;
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
        this.saturatedSoFar = new boolean[links];
        this.windowRate = new double[links];
        this.windowSaturated = new boolean[links];
        this.fresh = new boolean[links];
        this.estimate = new double[links];
        this.ceiling = new double[links];
        this.measured = new double[links];
        this.probeStep = new double[links];
        Arrays.fill(probeStep, config.probeUpStep());
        discard();
    }

    /**
     * Starts from new estimates (bit/s on the wire, e.g. a SLoPS round's) and their ceilings (an
     * estimate above its ceiling raises the ceiling to it); a link with estimate 0 stays at 0 (it
     * gets no traffic) until the next reset.
     */
    public synchronized void reset(double[] estimatesBps, double[] ceilingsBps) {
        if (estimatesBps.length != links || ceilingsBps.length != links) {
            throw new IllegalArgumentException("expected " + links + " links");
        }
        for (int i = 0; i < links; i++) {
            if (!(estimatesBps[i] >= 0) || !(ceilingsBps[i] >= 0) || Double.isInfinite(estimatesBps[i])
                    || Double.isInfinite(ceilingsBps[i])) {
                throw new IllegalArgumentException("link " + i + ": estimate " + estimatesBps[i] + ", ceiling " + ceilingsBps[i]);
            }
        }
        estimate = estimatesBps.clone();
        ceiling = new double[links];
        for (int i = 0; i < links; i++) {
            ceiling[i] = Math.max(ceilingsBps[i], estimatesBps[i]);
        }
        measured = new double[links];
        Arrays.fill(probeStep, config.probeUpStep());
        discard();
    }

    /** Forgets open and finished windows (a SLoPS stream is loading a link, or links changed). */
    public synchronized void discard() {
        Arrays.fill(windowStart, Long.MIN_VALUE);
        Arrays.fill(fresh, false);
    }

    /**
     * A keep-alive echo on {@code link} arrived at {@code nowNanos}: the far end had received
     * {@code deliveredWireBits} on this link so far, and the probe met {@code queueNanos} of queue
     * (negative: unknown, which ends the window unsaturated).
     */
    public synchronized void onEcho(int link, long nowNanos, long deliveredWireBits, long queueNanos) {
        boolean queued = queueNanos >= config.saturatedQueueNanos();
        if (windowStart[link] == Long.MIN_VALUE || deliveredWireBits < bitsAtStart[link]) {
            open(link, nowNanos, deliveredWireBits, queued);
            return;
        }
        echoesInWindow[link]++;
        saturatedSoFar[link] &= queued;
        long elapsed = nowNanos - windowStart[link];
        if (elapsed >= config.windowNanos()) {
            if (echoesInWindow[link] >= config.minWindowEchoes()) {
                windowRate[link] = (deliveredWireBits - bitsAtStart[link]) * 1e9 / elapsed;
                windowSaturated[link] = saturatedSoFar[link];
                fresh[link] = true;
            }
            open(link, nowNanos, deliveredWireBits, queued);
        }
    }

    private void open(int link, long nowNanos, long bits, boolean queued) {
        windowStart[link] = nowNanos;
        bitsAtStart[link] = bits;
        echoesInWindow[link] = 1;
        saturatedSoFar[link] = queued;
    }

    /**
     * Applies the windows finished since the last update to the estimates of the links that are
     * {@code usable}.
     *
     * @return the new estimates, or null when nothing changed
     */
    public synchronized double[] update(boolean[] usable) {
        boolean anySaturated = false;
        boolean settling = false;
        for (int i = 0; i < links; i++) {
            if (usable[i] && fresh[i] && windowSaturated[i] && estimate[i] > 0) {
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
            if (!usable[i] || !fresh[i] || estimate[i] <= 0) {
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
            } else if (windowRate[i] > 0 && !settling && !queueBuilding(i)) {
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
        return windowStart[link] != Long.MIN_VALUE && saturatedSoFar[link] && echoesInWindow[link] >= 2;
    }

    /** A saturated link whose window rate is within this share of its estimate has settled. */
    static final double SETTLED = 0.05;

    /** The current estimates, bit/s on the wire. */
    public synchronized double[] estimates() {
        return estimate.clone();
    }
}
