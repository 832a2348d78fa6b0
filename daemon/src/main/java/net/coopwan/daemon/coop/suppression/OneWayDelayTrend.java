package net.coopwan.daemon.coop.suppression;

import java.util.ArrayDeque;

/**
 * The one-way delay d_t of LC packets against its "usual delay" ([0344]): d_t is receive time
 * minus the sender's timestamp, so a constant clock offset cancels and only its change counts.
 * The usual delay is an exponential average with time constant 30 s (the seed's 1-100 s),
 * updated only while no trend is seen; a trend is the mean of the last {@link #RECENT_NANOS}
 * (1 s, at least {@link #MIN_SAMPLES} samples) above the usual delay by more than
 * {@link #STEP_MICROS} (15 ms: a queue building up, before the RTT detector's 20 ms).
 */
public final class OneWayDelayTrend implements IssueDetector {
    static final long RECENT_NANOS = 1_000_000_000L;
    static final long TAU_NANOS = 30_000_000_000L;
    static final long STEP_MICROS = 15_000;
    static final int MIN_SAMPLES = 5;
    static final int MAX_SAMPLES = 512;

    private record Sample(long at, long delayMicros) {
    }

    private final ArrayDeque<Sample> recent = new ArrayDeque<>();
    private double usual = Double.NaN;
    private long usualAt;

    /** One LC packet's one-way delay (any constant offset), µs. */
    public void delay(long nowNanos, long delayMicros) {
        boolean trend = issue(nowNanos);
        recent.addLast(new Sample(nowNanos, delayMicros));
        while (recent.size() > MAX_SAMPLES) {
            recent.removeFirst();
        }
        if (trend) {
            return;
        }
        if (Double.isNaN(usual)) {
            usual = delayMicros;
        } else {
            usual += (delayMicros - usual) * Math.min(1.0, (double) (nowNanos - usualAt) / TAU_NANOS);
        }
        usualAt = nowNanos;
    }

    private double rise(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst().at() > RECENT_NANOS) {
            recent.removeFirst();
        }
        if (recent.size() < MIN_SAMPLES || Double.isNaN(usual)) {
            return 0;
        }
        return recent.stream().mapToLong(Sample::delayMicros).average().orElse(usual) - usual;
    }

    @Override
    public boolean issue(long nowNanos) {
        return rise(nowNanos) > STEP_MICROS;
    }

    @Override
    public String why(long nowNanos) {
        return "one-way delay " + Math.round(rise(nowNanos) / 1000) + " ms above usual";
    }
}
