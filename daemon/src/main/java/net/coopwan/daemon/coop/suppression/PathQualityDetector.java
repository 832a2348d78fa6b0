package net.coopwan.daemon.coop.suppression;

import java.util.ArrayDeque;

/**
 * RTT, jitter and loss of the latency-critical path against its own baseline ([0300]-[0302],
 * [0305]). Fed with one sample per probe or LC reply: its RTT, or a loss. The baseline (RTT and
 * jitter) is an exponential average with time constant {@link #BASELINE_TAU_NANOS} (30 s, inside
 * the seed's "usual" 1-100 s of [0344]), updated only while the path is not degraded, so a slow
 * rise is not learnt as normal while it is being suppressed.
 *
 * <p>Over the samples of the last {@link #WINDOW_NANOS} (2 s; at least {@link #MIN_SAMPLES}), the
 * path is degraded when any of:
 * <ul>
 *   <li>RTT rising: the window's median RTT exceeds the baseline by more than max(10 ms, 50 %);</li>
 *   <li>jitter rising: the mean |difference| of consecutive RTTs exceeds the baseline jitter by
 *       more than max(10 ms, 100 %);</li>
 *   <li>loss: at least 2 losses and 5 % of the window's samples.</li>
 * </ul>
 * Why these: 10 ms is the product's goal for a game's p99 over idle (a saturated 10 Mbit/s line
 * with a 50 ms queue added 14 ms to the median RTT in the latency benchmark, and a step of 20 ms,
 * a frame of a 50 pps game ([0289]), never fired there);
 * relative parts keep long-distance paths (100+ ms) from flapping; 5 % loss is where a call's
 * concealment starts to fail. Documented in docs/PROTOCOL.md 3.14.
 */
public final class PathQualityDetector implements IssueDetector {
    static final long WINDOW_NANOS = 2_000_000_000L;
    static final long BASELINE_TAU_NANOS = 30_000_000_000L;
    static final int MIN_SAMPLES = 10;
    static final int MAX_SAMPLES = 512;
    static final long RTT_STEP_MICROS = 10_000;
    static final long JITTER_STEP_MICROS = 10_000;
    static final int LOSS_MIN = 2;
    static final int LOSS_PERCENT = 5;
    private static final long LOST = -1;

    private record Sample(long at, long rttMicros) {
    }

    /** The most one sample weighs in the baseline: a second's worth, however long the gap before it. */
    static final long MAX_SAMPLE_WEIGHT_NANOS = 1_000_000_000L;

    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    /** While this says so (the policy enforces), the baseline learns nothing. */
    private java.util.function.BooleanSupplier suppressing = () -> false;
    private double baselineRtt = -1;
    private double baselineJitter = -1;
    private long lastBaselineAt;
    private long lastRtt = -1;

    /** The baseline learns nothing while {@code suppressing} says other traffic is held back. */
    public void pauseLearningWhile(java.util.function.BooleanSupplier suppressing) {
        this.suppressing = suppressing;
    }

    /** A reply or probe answered after {@code rttMicros}. */
    public void rtt(long nowNanos, long rttMicros) {
        if (rttMicros < 0) {
            throw new IllegalArgumentException("rtt must be >= 0");
        }
        add(nowNanos, rttMicros);
    }

    /** A probe or LC packet that got no reply. */
    public void lost(long nowNanos) {
        add(nowNanos, LOST);
    }

    private void add(long now, long rtt) {
        boolean degraded = issue(now);
        window.addLast(new Sample(now, rtt));
        while (window.size() > MAX_SAMPLES) {
            window.removeFirst();
        }
        if (rtt == LOST || degraded || suppressing.getAsBoolean()) {
            // nor while other traffic is held back: the RTT then is the suppressed line's, and a
            // baseline learnt from it hid the next saturation (the latency benchmark: enforcing in
            // one phase, never in the next)
            return;
        }
        long jitter = lastRtt < 0 ? 0 : Math.abs(rtt - lastRtt);
        lastRtt = rtt;
        if (baselineRtt < 0) {
            baselineRtt = rtt;
            baselineJitter = jitter;
        } else {
            // a sample weighs the time since the last, at most a second: probes run only while LC
            // traffic is current, and the first sample after a pause of 30 s replaced the baseline
            // (a game starting on a saturated line took its RTT as normal)
            double a = Math.min(1.0, (double) Math.min(now - lastBaselineAt, MAX_SAMPLE_WEIGHT_NANOS) / BASELINE_TAU_NANOS);
            baselineRtt += (rtt - baselineRtt) * a;
            baselineJitter += (jitter - baselineJitter) * a;
        }
        lastBaselineAt = now;
    }

    private void expire(long now) {
        while (!window.isEmpty() && now - window.peekFirst().at() > WINDOW_NANOS) {
            window.removeFirst();
        }
    }

    /** The findings over the current window; null when there are too few samples or no baseline. */
    private String finding(long now) {
        expire(now);
        if (window.size() < MIN_SAMPLES || baselineRtt < 0) {
            return null;
        }
        long[] rtts = window.stream().mapToLong(Sample::rttMicros).filter(r -> r != LOST).sorted().toArray();
        int losses = window.size() - rtts.length;
        if (losses >= LOSS_MIN && losses * 100 >= LOSS_PERCENT * window.size()) {
            return "loss " + losses + " of " + window.size() + " samples";
        }
        if (rtts.length < 2) {
            return null;
        }
        long median = rtts[rtts.length / 2];
        if (median - baselineRtt > Math.max(RTT_STEP_MICROS, baselineRtt / 2)) {
            return "rtt " + median / 1000 + " ms over baseline " + Math.round(baselineRtt / 1000) + " ms";
        }
        long sum = 0;
        long prev = -1;
        int n = 0;
        for (Sample s : window) {
            if (s.rttMicros() == LOST) {
                continue;
            }
            if (prev >= 0) {
                sum += Math.abs(s.rttMicros() - prev);
                n++;
            }
            prev = s.rttMicros();
        }
        double jitter = n == 0 ? 0 : (double) sum / n;
        if (jitter - baselineJitter > Math.max(JITTER_STEP_MICROS, baselineJitter)) {
            return "jitter " + Math.round(jitter / 1000) + " ms over baseline " + Math.round(baselineJitter / 1000) + " ms";
        }
        return null;
    }

    @Override
    public boolean issue(long nowNanos) {
        return finding(nowNanos) != null;
    }

    @Override
    public String why(long nowNanos) {
        String f = finding(nowNanos);
        return f == null ? "path quality normal" : f;
    }

    /** The learnt baseline RTT, µs, or -1 before the first sample. */
    public long baselineRttMicros() {
        return Math.round(baselineRtt);
    }
}
